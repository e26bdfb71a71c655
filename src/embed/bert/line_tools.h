// The line-oriented tools behind `logsieve tokenize` and `logsieve embed`:
// one text per input line (split on '\n' only, so U+2028 and U+0085 stay
// inside a text), one JSON array per output line, same order.
//
//   TokenizeLines(*tokenizer, 256, std::cin, std::cout);   // [101, 7592, 102]
//   EmbedLines(*encoder, std::cin, std::cout, 256, 2);  // [0.0123, -0.045, ...]
//
// Thread safety: as the encoder's; the streams are the caller's.
#ifndef LOGSIEVE_EMBED_BERT_LINE_TOOLS_H_
#define LOGSIEVE_EMBED_BERT_LINE_TOOLS_H_

#include <istream>
#include <ostream>

#include "common/status.h"
#include "embed/bert/sentence_transformer.h"

namespace logsieve::bert {

// Writes the input ids of every line. REQUIRES: max_length >= 2.
Status TokenizeLines(const WordPieceTokenizer& tokenizer, size_t max_length, std::istream& in,
                     std::ostream& out);

// Writes the embedding of every line, floats with 9 significant digits (exact
// float32 round trip). Reads up to `threads` x `chunk` lines, encodes each
// chunk on its own thread (concurrent EncodeDense calls), writes them in
// order, and goes on: output streams, and the vectors do not depend on
// `chunk` or `threads`. REQUIRES: chunk >= 1, threads >= 1.
Status EmbedLines(const Encoder& encoder, std::istream& in, std::ostream& out, size_t chunk,
                  size_t threads = 1);

}  // namespace logsieve::bert

#endif  // LOGSIEVE_EMBED_BERT_LINE_TOOLS_H_

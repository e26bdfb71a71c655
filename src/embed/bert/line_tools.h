// The line-oriented tools behind `logsieve tokenize` and `logsieve embed`:
// one text per input line (split on '\n' only, so U+2028 and U+0085 stay
// inside a text), one JSON array per output line, same order.
//
//   TokenizeLines(*tokenizer, 256, std::cin, std::cout);   // [101, 7592, 102]
//   EmbedLines(*encoder, std::cin, std::cout, 32);  // [0.0123, -0.045, ...]
//
// Thread safety: as the encoder's; the streams are the caller's.
#ifndef LOGSIEVE_EMBED_BERT_LINE_TOOLS_H_
#define LOGSIEVE_EMBED_BERT_LINE_TOOLS_H_

#include <istream>
#include <ostream>

#include "common/status.h"
#include "embed/bert/sentence_transformer.h"

namespace logsieve::embed::bert {

// Writes the input ids of every line. REQUIRES: max_length >= 2.
Status TokenizeLines(const WordPieceTokenizer& tokenizer, size_t max_length, std::istream& in,
                     std::ostream& out);

// Writes the embedding of every line, floats with 9 significant digits (exact
// float32 round trip). Lines are encoded `chunk` at a time, so output streams.
// REQUIRES: chunk >= 1.
Status EmbedLines(const Encoder& encoder, std::istream& in, std::ostream& out, size_t chunk);

}  // namespace logsieve::embed::bert

#endif  // LOGSIEVE_EMBED_BERT_LINE_TOOLS_H_

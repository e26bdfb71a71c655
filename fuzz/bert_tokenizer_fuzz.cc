// Arbitrary bytes as log text (invalid UTF-8 included): the tokenizer must
// give [CLS] ... [SEP] within max_length, whatever the input.
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "embed/bert/tokenizer.h"

namespace {

using logsieve::bert::TokenizerSettings;
using logsieve::bert::WordPieceTokenizer;

const WordPieceTokenizer& Tokenizer() {
  static const std::unique_ptr<WordPieceTokenizer> tok = [] {
    auto t = WordPieceTokenizer::FromVocab(
        {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "a", "b", "##a", "##b",      "e",
         "##e",   "error", "ab",    "##ab",  ".",      ":", "1", "##1", "\xc3\xa9", "\xe4\xb8\xad"},
        TokenizerSettings{}, {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"});
    if (!t.ok()) std::abort();
    return std::move(*t);
  }();
  return *tok;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<int32_t> ids;
  for (size_t max_length : {2, 7, 256}) {
    Tokenizer().Encode(text, max_length, &ids);
    if (ids.size() < 2 || ids.size() > max_length || ids.front() != 2 || ids.back() != 3)
      std::abort();
    for (int32_t id : ids) {
      if (id < 0 || static_cast<size_t>(id) >= Tokenizer().vocab_size()) std::abort();
    }
  }
  return 0;
}

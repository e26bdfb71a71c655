// The Unicode properties BERT's normaliser needs, from generated tables
// (tools/gen_bert_unicode_tables.py -> unicode_tables.inc; Unicode 14.0).
//
// Thread safety: pure functions over constant tables.
#ifndef LOGSIEVE_EMBED_BERT_UNICODE_H_
#define LOGSIEVE_EMBED_BERT_UNICODE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logsieve::bert::unicode {

// Decodes UTF-8; every invalid or truncated sequence becomes one U+FFFD
// (which BERT's clean-up then drops).
std::vector<char32_t> DecodeUtf8(std::string_view text);
void AppendUtf8(char32_t cp, std::string* out);

// General category Cc, Cf, Co or Cs.
bool IsOther(char32_t cp);
// General category Mn (non-spacing mark: accents, U+FE0F, ...).
bool IsNonspacingMark(char32_t cp);
// ASCII punctuation (!../, :..@, [..`, {..~) or general category P*.
bool IsPunctuation(char32_t cp);
// Unicode White_Space.
bool IsWhitespace(char32_t cp);
// The CJK ideograph blocks of HF Rust tokenizers (note 0x2B920, not 0x2B820).
bool IsCjkIdeograph(char32_t cp);

// Canonical decomposition (NFD) of `in`, appended to `out`, with canonical
// reordering of combining marks.
void AppendNfd(const std::vector<char32_t>& in, std::vector<char32_t>* out);
// Full lowercase mapping of one code point (may be several), appended to `out`.
void AppendLower(char32_t cp, std::vector<char32_t>* out);

}  // namespace logsieve::bert::unicode

#endif  // LOGSIEVE_EMBED_BERT_UNICODE_H_

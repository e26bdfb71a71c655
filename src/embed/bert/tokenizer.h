// BERT's WordPiece tokenizer, reproducing HF Rust `tokenizers` (the code that
// Python sentence-transformers runs) id for id.
//
// Steps for one text (see doc/transformer.md for the exact rules and quirks):
//   1. added/special tokens ("[CLS]", "[SEP]", ...) are split off the raw text
//      (exact, case-sensitive, leftmost-longest);
//   2. BertNormalizer on each other segment: clean-up (drop NUL, U+FFFD and
//      Cc/Cf/Co/Cs except \t \n \r; White_Space -> ' '), spaces around CJK
//      ideographs, NFD + drop Mn (strip_accents), lowercase per code point;
//   3. BertPreTokenizer: split on White_Space, each punctuation char a word;
//   4. WordPiece: greedy longest match with "##" continuation; a word longer
//      than max_input_chars_per_word code points or with an unmatched rest is
//      one [UNK];
//   5. [CLS] + the first max_length - 2 pieces + [SEP].
//
//   StatusOr<std::unique_ptr<WordPieceTokenizer>> tok =
//       WordPieceTokenizer::FromTokenizerJson("model/tokenizer.json");
//   std::vector<int32_t> ids;
//   (*tok)->Encode("Disk quota exceeded", 256, &ids);   // [101, ..., 102]
//
// Invalid UTF-8 in the input is read as U+FFFD, which the clean-up drops.
// Thread safety: immutable after construction; Encode may run concurrently.
#ifndef LOGSIEVE_EMBED_BERT_TOKENIZER_H_
#define LOGSIEVE_EMBED_BERT_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"

namespace logsieve::bert {

struct TokenizerSettings {
  bool clean_text = true;
  bool handle_chinese_chars = true;
  bool strip_accents = true;  // tokenizer.json null = same as lowercase
  bool lowercase = true;
  size_t max_input_chars_per_word = 100;
  std::string continuing_subword_prefix = "##";
  std::string unk_token = "[UNK]";
  std::string cls_token = "[CLS]";
  std::string sep_token = "[SEP]";
  std::string pad_token = "[PAD]";
};

class WordPieceTokenizer {
 public:
  // Reads an HF tokenizer.json. Refuses, by name, anything but BertNormalizer,
  // BertPreTokenizer, WordPiece and a [CLS] A [SEP] template, and added tokens
  // that are normalized or strip/single-word.
  static StatusOr<std::unique_ptr<WordPieceTokenizer>> FromTokenizerJson(const std::string& path);
  // Reads a vocab.txt (one token per line, id = line number) with `settings`;
  // the special tokens are the settings' ones plus [MASK] when in the vocabulary.
  static StatusOr<std::unique_ptr<WordPieceTokenizer>> FromVocabTxt(
      const std::string& path, const TokenizerSettings& settings);
  // From an in-memory vocabulary (tests).
  static StatusOr<std::unique_ptr<WordPieceTokenizer>> FromVocab(
      std::vector<std::string> vocab, const TokenizerSettings& settings,
      const std::vector<std::string>& added_tokens);

  // Replaces `ids` with the ids of `text`: [CLS] pieces [SEP], at most
  // max_length ids in all. REQUIRES: max_length >= 2.
  void Encode(std::string_view text, size_t max_length, std::vector<int32_t>* ids) const;

  // The normalised words of `text` before WordPiece (for debugging and tests).
  std::vector<std::string> PreTokenize(std::string_view text) const;

  size_t vocab_size() const { return vocab_.size(); }
  const std::string& token(int32_t id) const { return vocab_[static_cast<size_t>(id)]; }
  const TokenizerSettings& settings() const { return settings_; }
  int32_t pad_id() const { return pad_id_; }

 private:
  struct StringHash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  WordPieceTokenizer() = default;
  Status Init(std::vector<std::string> vocab, const TokenizerSettings& settings,
              const std::vector<std::string>& added_tokens);
  int32_t Lookup(std::string_view piece) const;
  void EncodeSegment(std::string_view segment, size_t limit, std::vector<int32_t>* ids) const;
  void NormalizeAndSplit(std::string_view segment, std::vector<std::string>* words) const;
  void WordPiece(const std::string& word, std::vector<int32_t>* ids) const;

  TokenizerSettings settings_;
  std::vector<std::string> vocab_;
  std::unordered_map<std::string, int32_t, StringHash, std::equal_to<>> ids_;
  std::vector<std::pair<std::string, int32_t>> added_;  // matched in the raw text
  int32_t unk_id_ = 0, cls_id_ = 0, sep_id_ = 0, pad_id_ = 0;
};

}  // namespace logsieve::bert

#endif  // LOGSIEVE_EMBED_BERT_TOKENIZER_H_

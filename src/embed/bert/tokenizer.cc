#include "embed/bert/tokenizer.h"

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "common/file.h"
#include "common/json.h"
#include "embed/bert/unicode.h"

namespace logsieve::bert {
namespace {

using nlohmann::json;

// tokenizer.json of multilingual models is ~17 MB; 256 MiB leaves room.
constexpr size_t kMaxTokenizerFileBytes = 256u << 20;

StatusOr<std::string> ReadWholeFile(const std::string& path) {
  return ReadFileBounded(path, kMaxTokenizerFileBytes, "tokenizer file", FileKinds::kRegular);
}

// A json value's bool, where null means `if_null`.
bool BoolOr(const json& j, const char* key, bool if_null) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return if_null;
  return it->get<bool>();
}

}  // namespace

StatusOr<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::FromVocab(
    std::vector<std::string> vocab, const TokenizerSettings& settings,
    const std::vector<std::string>& added_tokens) {
  std::unique_ptr<WordPieceTokenizer> tok(new WordPieceTokenizer());
  LOGSIEVE_RETURN_IF_ERROR(tok->Init(std::move(vocab), settings, added_tokens));
  return tok;
}

Status WordPieceTokenizer::Init(std::vector<std::string> vocab, const TokenizerSettings& settings,
                                const std::vector<std::string>& added_tokens) {
  settings_ = settings;
  vocab_ = std::move(vocab);
  ids_.reserve(vocab_.size());
  for (size_t i = 0; i < vocab_.size(); ++i) ids_.emplace(vocab_[i], static_cast<int32_t>(i));
  auto need = [&](const std::string& t, int32_t* id) -> Status {
    auto it = ids_.find(t);
    if (it == ids_.end())
      return InvalidArgumentError("special token '" + t + "' is not in the vocabulary");
    *id = it->second;
    return OkStatus();
  };
  LOGSIEVE_RETURN_IF_ERROR(need(settings_.unk_token, &unk_id_));
  LOGSIEVE_RETURN_IF_ERROR(need(settings_.cls_token, &cls_id_));
  LOGSIEVE_RETURN_IF_ERROR(need(settings_.sep_token, &sep_id_));
  LOGSIEVE_RETURN_IF_ERROR(need(settings_.pad_token, &pad_id_));
  for (const std::string& t : added_tokens) {
    int32_t id;
    LOGSIEVE_RETURN_IF_ERROR(need(t, &id));
    if (t.empty()) return InvalidArgumentError("empty added token");
    added_.emplace_back(t, id);
  }
  return OkStatus();
}

StatusOr<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::FromVocabTxt(
    const std::string& path, const TokenizerSettings& settings) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  std::vector<std::string> vocab;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) nl = text.size();
    std::string line = text.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    vocab.push_back(std::move(line));
    pos = nl + 1;
  }
  std::vector<std::string> added;
  for (const std::string* t :
       {&settings.pad_token, &settings.unk_token, &settings.cls_token, &settings.sep_token}) {
    added.push_back(*t);
  }
  for (const std::string& t : vocab) {
    if (t == "[MASK]") added.push_back(t);
  }
  auto tok = FromVocab(std::move(vocab), settings, added);
  if (!tok.ok()) return tok.status().WithPrefix(path);
  return tok;
}

StatusOr<std::unique_ptr<WordPieceTokenizer>> WordPieceTokenizer::FromTokenizerJson(
    const std::string& path) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::string text, ReadWholeFile(path));
  TokenizerSettings s;
  std::vector<std::string> vocab, added;
  LOGSIEVE_ASSIGN_OR_RETURN(json j, ParseJson(text, path));
  try {
    const json& norm = j.at("normalizer");
    if (norm.is_null() || norm.value("type", "") != "BertNormalizer") {
      return UnimplementedError(path + ": normalizer '" +
                                (norm.is_null() ? "null" : norm.value("type", "?")) +
                                "' is not supported (only BertNormalizer)");
    }
    s.clean_text = BoolOr(norm, "clean_text", true);
    s.handle_chinese_chars = BoolOr(norm, "handle_chinese_chars", true);
    s.lowercase = BoolOr(norm, "lowercase", true);
    s.strip_accents = BoolOr(norm, "strip_accents", s.lowercase);
    const json& pre = j.at("pre_tokenizer");
    if (pre.is_null() || pre.value("type", "") != "BertPreTokenizer") {
      return UnimplementedError(path + ": pre_tokenizer '" +
                                (pre.is_null() ? "null" : pre.value("type", "?")) +
                                "' is not supported (only BertPreTokenizer)");
    }
    const json& model = j.at("model");
    if (model.value("type", "") != "WordPiece") {
      return UnimplementedError(path + ": model '" + model.value("type", "?") +
                                "' is not supported (only WordPiece)");
    }
    s.unk_token = model.value("unk_token", "[UNK]");
    s.continuing_subword_prefix = model.value("continuing_subword_prefix", "##");
    s.max_input_chars_per_word = model.value("max_input_chars_per_word", size_t{100});
    const json& v = model.at("vocab");
    vocab.resize(v.size());
    for (auto it = v.begin(); it != v.end(); ++it) {
      int64_t id = it.value().get<int64_t>();
      if (id < 0 || static_cast<size_t>(id) >= vocab.size() || !vocab[id].empty()) {
        return InvalidArgumentError(path + ": vocab ids are not 0..n-1 (token '" + it.key() + "')");
      }
      vocab[id] = it.key();
    }
    const json& post = j.at("post_processor");
    if (post.is_null() || post.value("type", "") != "TemplateProcessing" ||
        post.at("single").size() != 3 || !post.at("single")[0].contains("SpecialToken") ||
        !post.at("single")[2].contains("SpecialToken")) {
      return UnimplementedError(path + ": post_processor is not supported (only the " +
                                "TemplateProcessing '[CLS] $A [SEP]' of BERT)");
    }
    s.cls_token = post.at("single")[0].at("SpecialToken").at("id").get<std::string>();
    s.sep_token = post.at("single")[2].at("SpecialToken").at("id").get<std::string>();
    const json pad = j.value("padding", json());
    if (pad.is_object()) s.pad_token = pad.value("pad_token", "[PAD]");
    for (const json& t : j.value("added_tokens", json::array())) {
      std::string content = t.at("content").get<std::string>();
      if (t.value("normalized", false) || t.value("lstrip", false) || t.value("rstrip", false) ||
          t.value("single_word", false)) {
        return UnimplementedError(path + ": added token '" + content +
                                  "' is normalized/lstrip/rstrip/single_word (not supported)");
      }
      added.push_back(std::move(content));
    }
  } catch (const json::exception& e) {
    return InvalidArgumentError(path + ": " + e.what());
  }
  auto tok = FromVocab(std::move(vocab), s, added);
  if (!tok.ok()) return tok.status().WithPrefix(path);
  return tok;
}

int32_t WordPieceTokenizer::Lookup(std::string_view piece) const {
  auto it = ids_.find(piece);
  return it == ids_.end() ? -1 : it->second;
}

void WordPieceTokenizer::NormalizeAndSplit(std::string_view segment,
                                           std::vector<std::string>* words) const {
  std::vector<char32_t> cps = unicode::DecodeUtf8(segment);
  std::vector<char32_t> a;
  a.reserve(cps.size());
  for (char32_t c : cps) {
    if (settings_.clean_text) {
      if (c == 0 || c == 0xFFFD || (c != '\t' && c != '\n' && c != '\r' && unicode::IsOther(c))) {
        continue;
      }
      if (unicode::IsWhitespace(c)) c = ' ';
    }
    if (settings_.handle_chinese_chars && unicode::IsCjkIdeograph(c)) {
      a.push_back(' ');
      a.push_back(c);
      a.push_back(' ');
    } else {
      a.push_back(c);
    }
  }
  if (settings_.strip_accents) {
    std::vector<char32_t> nfd;
    nfd.reserve(a.size());
    unicode::AppendNfd(a, &nfd);
    a.clear();
    for (char32_t c : nfd) {
      if (!unicode::IsNonspacingMark(c)) a.push_back(c);
    }
  }
  if (settings_.lowercase) {
    std::vector<char32_t> low;
    low.reserve(a.size());
    for (char32_t c : a) unicode::AppendLower(c, &low);
    a.swap(low);
  }
  std::string cur;
  for (char32_t c : a) {
    const bool space = unicode::IsWhitespace(c);
    if (space || unicode::IsPunctuation(c)) {
      if (!cur.empty()) words->push_back(std::move(cur));
      cur.clear();
      if (!space) {
        std::string p;
        unicode::AppendUtf8(c, &p);
        words->push_back(std::move(p));
      }
    } else {
      unicode::AppendUtf8(c, &cur);
    }
  }
  if (!cur.empty()) words->push_back(std::move(cur));
}

void WordPieceTokenizer::WordPiece(const std::string& word, std::vector<int32_t>* ids) const {
  // Byte offsets of the code point boundaries.
  std::vector<size_t> bounds;
  for (size_t i = 0; i < word.size(); ++i) {
    if ((static_cast<unsigned char>(word[i]) & 0xC0) != 0x80) bounds.push_back(i);
  }
  if (bounds.size() > settings_.max_input_chars_per_word) {
    ids->push_back(unk_id_);
    return;
  }
  bounds.push_back(word.size());
  const size_t before = ids->size();
  std::string key;
  size_t s = 0;  // index into bounds
  while (s + 1 < bounds.size()) {
    int32_t found = -1;
    size_t e = bounds.size() - 1;
    for (; e > s; --e) {
      key.assign(s == 0 ? "" : settings_.continuing_subword_prefix);
      key.append(word, bounds[s], bounds[e] - bounds[s]);
      found = Lookup(key);
      if (found >= 0) break;
    }
    if (found < 0) {
      ids->resize(before);
      ids->push_back(unk_id_);
      return;
    }
    ids->push_back(found);
    s = e;
  }
}

void WordPieceTokenizer::EncodeSegment(std::string_view segment, size_t limit,
                                       std::vector<int32_t>* ids) const {
  std::vector<std::string> words;
  NormalizeAndSplit(segment, &words);
  for (const std::string& w : words) {
    if (ids->size() >= limit) return;
    WordPiece(w, ids);
  }
}

std::vector<std::string> WordPieceTokenizer::PreTokenize(std::string_view text) const {
  std::vector<std::string> words;
  NormalizeAndSplit(text, &words);
  return words;
}

void WordPieceTokenizer::Encode(std::string_view text, size_t max_length,
                                std::vector<int32_t>* ids) const {
  ids->clear();
  ids->push_back(cls_id_);
  // Pieces beyond max_length - 1 (after [CLS]) are cut anyway: stop early.
  const size_t limit = max_length - 1;
  size_t seg_start = 0, i = 0;
  while (i < text.size() && ids->size() < limit) {
    const std::pair<std::string, int32_t>* best = nullptr;
    for (const auto& a : added_) {
      if (text[i] == a.first[0] && text.compare(i, a.first.size(), a.first) == 0 &&
          (best == nullptr || a.first.size() > best->first.size())) {
        best = &a;
      }
    }
    if (best == nullptr) {
      ++i;
      continue;
    }
    EncodeSegment(text.substr(seg_start, i - seg_start), limit, ids);
    if (ids->size() < limit) ids->push_back(best->second);
    i += best->first.size();
    seg_start = i;
  }
  if (ids->size() < limit) EncodeSegment(text.substr(seg_start), limit, ids);
  if (ids->size() > limit) ids->resize(limit);
  ids->push_back(sep_id_);
}

}  // namespace logsieve::bert

#include "embed/hashing_encoder.h"

#include <xxhash.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/json.h"

namespace logsieve {
namespace {

// Seeds keep the three feature kinds apart in the hash space.
constexpr uint64_t kWordSeed = 0x6c6f677369657665ull;  // "logsieve"
constexpr uint64_t kCharSeed = 0x63686172206e6772ull;
constexpr uint64_t kPrime1 = 0x9E3779B185EBCA87ull;
constexpr uint64_t kPrime2 = 0xC2B2AE3D27D4EB4Full;

inline uint64_t Mix(uint64_t h) {  // the XXH64 avalanche
  h ^= h >> 33;
  h *= kPrime2;
  h ^= h >> 29;
  h *= 0x165667B19E3779F9ull;
  h ^= h >> 32;
  return h;
}

inline bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c >= 0x80;
}

// 1 + log(tf), from a table for the common small counts.
inline float SublinearTf(size_t tf) {
  static const auto kTable = [] {
    std::array<float, 32> t{};
    for (size_t i = 1; i < t.size(); ++i) t[i] = 1.0f + std::log(static_cast<float>(i));
    return t;
  }();
  return tf < kTable.size() ? kTable[tf] : 1.0f + std::log(static_cast<float>(tf));
}

// Sorts bucket ids below 2^bits: LSD radix sort, 8 bits a pass, for the
// usual few hundred features (no branches to mispredict, unlike introsort).
void SortBuckets(std::vector<uint32_t>* v, std::vector<uint32_t>* tmp, int bits) {
  const size_t n = v->size();
  if (n < 64) {
    std::sort(v->begin(), v->end());
    return;
  }
  tmp->resize(n);
  uint32_t* src = v->data();
  uint32_t* dst = tmp->data();
  for (int shift = 0; shift < bits; shift += 8) {
    uint32_t count[257] = {};
    for (size_t i = 0; i < n; ++i) ++count[((src[i] >> shift) & 0xFF) + 1];
    for (int b = 0; b < 256; ++b) count[b + 1] += count[b];
    for (size_t i = 0; i < n; ++i) dst[count[(src[i] >> shift) & 0xFF]++] = src[i];
    std::swap(src, dst);
  }
  if (src != v->data()) std::copy(src, src + n, v->data());
}

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Outcome features: negated words hash apart, outcome phrases pool.
constexpr uint64_t kNegatedSalt = 0x6e65676174656421ull;
constexpr uint64_t kNegatedCharSeed = 0x216e6f7420636872ull;
constexpr uint64_t kOutcomeSalt = 0x6f7574636f6d6521ull;
constexpr int kNegationScope = 3;  // words after a negator that it negates

uint64_t WordHash(std::string_view w) {
  return XXH3_64bits_withSeed(w.data(), w.size(), kWordSeed);
}

enum LexiconFlag : uint8_t {
  kNegator = 1,     // negates the next words
  kFailure = 2,     // a failure word ("failed", "denied")
  kSuccess = 4,     // a success word ("completed", "successful")
  kPhraseHead = 8,  // first word of a two-word failure phrase
};

struct Lexicon {
  std::vector<std::pair<uint64_t, uint8_t>> words;     // sorted by hash
  std::vector<std::pair<uint64_t, uint64_t>> phrases;  // two-word failure phrases
  uint8_t Flags(uint64_t h) const {
    auto it = std::lower_bound(words.begin(), words.end(), std::pair<uint64_t, uint8_t>{h, 0});
    return it != words.end() && it->first == h ? it->second : 0;
  }
};

// The word lists (English; words as the tokenizer gives them, so "n't"
// arrives as the word "t").
const Lexicon& OutcomeLexicon() {
  static const Lexicon lexicon = [] {
    Lexicon l;
    std::vector<std::pair<uint64_t, uint8_t>> all;
    auto add = [&](std::initializer_list<std::string_view> words, uint8_t flag) {
      for (std::string_view w : words) all.emplace_back(WordHash(w), flag);
    };
    add({"not", "no", "never", "cannot", "without", "nothing", "none", "nor", "neither", "t",
         "unable"},
        kNegator);
    add({"failed",      "fail",         "fails",     "failure",   "failures", "failing",
         "unable",      "cannot",       "denied",    "refused",   "rejected", "declined",
         "timeout",     "halted",       "aborted",   "abort",     "aborting", "crashed",
         "crash",       "unsuccessful", "rollback",  "error",     "errors",   "exception",
         "unreachable", "unavailable",  "expired",   "forbidden", "lost",     "panic",
         "fatal",       "invalid",      "killed",    "stuck",     "missing",  "corrupt",
         "corrupted",   "overdue",      "violation", "exceeded",  "broken",   "unhealthy",
         "mismatch",    "incomplete"},
        kFailure);
    add({"succeeded", "successful", "successfully", "success",   "completed", "complete",
         "passed",    "ok",         "healthy",      "finished",  "done",      "processed",
         "approved",  "accepted",   "restored",     "recovered", "resolved",  "delivered",
         "confirmed", "synced",     "saved",        "succeeds"},
        kSuccess);
    const std::pair<std::string_view, std::string_view> phrases[] = {
        {"could", "not"}, {"couldn", "t"},  {"did", "not"},   {"didn", "t"},
        {"does", "not"},  {"doesn", "t"},   {"timed", "out"}, {"rolled", "back"},
        {"unable", "to"}, {"failed", "to"}, {"not", "found"}, {"can", "t"},
        {"was", "not"},   {"wasn", "t"},    {"went", "down"}, {"gave", "up"}};
    for (auto [a, b] : phrases) {
      l.phrases.emplace_back(WordHash(a), WordHash(b));
      all.emplace_back(WordHash(a), kPhraseHead);
    }
    std::sort(all.begin(), all.end());
    for (auto [h, f] : all) {
      if (!l.words.empty() && l.words.back().first == h) {
        l.words.back().second |= f;
      } else {
        l.words.emplace_back(h, f);
      }
    }
    return l;
  }();
  return lexicon;
}

// A clause break between two words ends a negation's scope.
inline bool ClauseBreak(std::string_view between) {
  return between.find_first_of(".,;:!?()[]{}|\"=") != std::string_view::npos;
}

}  // namespace

StatusOr<HashingOptions> HashingOptions::FromConfig(const Config& config) {
  HashingOptions o;
  o.dims = static_cast<uint32_t>(config.GetInt("model.hashing.dims"));
  o.word_min = static_cast<int>(config.GetInt("model.hashing.word_ngram_min"));
  o.word_max = static_cast<int>(config.GetInt("model.hashing.word_ngram_max"));
  o.char_min = static_cast<int>(config.GetInt("model.hashing.char_ngram_min"));
  o.char_max = static_cast<int>(config.GetInt("model.hashing.char_ngram_max"));
  return o;
}

HashingOptions HashingOptions::Defaults(uint32_t dims) {
  HashingOptions o = FromConfig(Config()).value();  // the defaults are in range
  o.dims = dims;
  return o;
}

StatusOr<std::unique_ptr<HashingEncoder>> HashingEncoder::Create(const HashingOptions& o) {
  if (o.dims < 16 || o.dims > (1u << 24) || (o.dims & (o.dims - 1)) != 0) {
    return InvalidArgumentError("hashing encoder: dims " + std::to_string(o.dims) +
                                " is not a power of two in [16, 16777216]");
  }
  auto bad_range = [](int lo, int hi) { return hi != 0 && (lo < 1 || hi < lo || hi > 16); };
  if (bad_range(o.word_min, o.word_max)) {
    return InvalidArgumentError("hashing encoder: word n-gram range [" +
                                std::to_string(o.word_min) + ", " + std::to_string(o.word_max) +
                                "] is empty or outside [1, 16] (max 0 turns word features off)");
  }
  if (bad_range(o.char_min, o.char_max)) {
    return InvalidArgumentError("hashing encoder: char n-gram range [" +
                                std::to_string(o.char_min) + ", " + std::to_string(o.char_max) +
                                "] is empty or outside [1, 16] (max 0 turns char features off)");
  }
  if (o.word_max == 0 && o.char_max == 0) {
    return InvalidArgumentError("hashing encoder: both word and char n-grams are turned off");
  }
  return std::unique_ptr<HashingEncoder>(new HashingEncoder(o));
}

StatusOr<std::unique_ptr<HashingEncoder>> HashingEncoder::FromSpec(std::string_view spec_json) {
  StatusOr<nlohmann::json> parsed = ParseJson(spec_json, "hashing encoder spec");
  if (!parsed.ok()) return parsed.status();
  const nlohmann::json& j = *parsed;
  if (!j.is_object()) {
    return InvalidArgumentError("hashing encoder spec is not a JSON object");
  }
  if (j.value("kind", "") != "hashing") {
    return InvalidArgumentError("encoder spec kind is not \"hashing\"");
  }
  const int version = j.value("version", 0);
  if (version != 1 && version != 2) {
    return UnimplementedError("hashing encoder spec version " +
                              j.value("version", nlohmann::json()).dump() +
                              " is not supported (this logsieve knows versions 1 and 2)");
  }
  auto pair = [&](const char* key, int* lo, int* hi) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_array() || it->size() != 2 || !(*it)[0].is_number_integer() ||
        !(*it)[1].is_number_integer()) {
      return false;
    }
    *lo = (*it)[0].get<int>();
    *hi = (*it)[1].get<int>();
    return true;
  };
  HashingOptions o;
  // Version 1 predates outcome features; version 2 says whether it has them.
  o.outcomes = version == 2 && j.value("outcomes", false);
  const auto dims = j.find("dims");
  if (dims == j.end() || !dims->is_number_unsigned() || *dims > (1u << 24)) {
    return InvalidArgumentError("hashing encoder spec: \"dims\" missing or out of range");
  }
  o.dims = dims->get<uint32_t>();
  if (!pair("word_ngrams", &o.word_min, &o.word_max) ||
      !pair("char_ngrams", &o.char_min, &o.char_max)) {
    return InvalidArgumentError(
        "hashing encoder spec: \"word_ngrams\"/\"char_ngrams\" must be [min, max]");
  }
  return Create(o);
}

std::string HashingEncoder::spec_json() const {
  nlohmann::json j = {
      {"kind", "hashing"},
      {"version", options_.outcomes ? 2 : 1},
      {"dims", options_.dims},
      {"word_ngrams", {options_.word_min, options_.word_max}},
      {"char_ngrams", {options_.char_min, options_.char_max}},
      {"tf", "sublinear"},
      {"norm", "l2"},
      {"lowercase", "ascii"},
  };
  if (options_.outcomes) j["outcomes"] = true;
  return j.dump();
}

std::string HashingEncoder::fingerprint() const {
  std::string spec = spec_json();
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx",
                static_cast<unsigned long long>(XXH3_64bits(spec.data(), spec.size())));
  return hex;
}

void HashingEncoder::Tokenize(std::string_view text, Workspace* ws) const {
  if (text.size() > kMaxTextBytes) {
    size_t cut = kMaxTextBytes;  // back off continuation bytes (10xxxxxx)
    while (cut > kMaxTextBytes - 4 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
    text = text.substr(0, cut);
  }
  std::string& low = ws->lowered;
  low.resize(text.size());
  for (size_t i = 0; i < text.size(); ++i) low[i] = Lower(text[i]);
  ws->words.clear();
  ws->word_hashes.clear();
  const size_t n = low.size();
  size_t i = 0;
  while (i < n) {
    const unsigned char c = static_cast<unsigned char>(low[i]);
    if (c == '<') {  // a mask token "<ip>": '<', letters, '>'
      size_t j = i + 1;
      while (j < n && low[j] >= 'a' && low[j] <= 'z') ++j;
      if (j < n && low[j] == '>' && j > i + 1) {
        ws->words.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(j + 1));
        i = j + 1;
        continue;
      }
      ++i;
      continue;
    }
    if (!IsWordByte(c)) {
      ++i;
      continue;
    }
    size_t j = i + 1;
    while (j < n && IsWordByte(static_cast<unsigned char>(low[j]))) ++j;
    ws->words.emplace_back(static_cast<uint32_t>(i), static_cast<uint32_t>(j));
    i = j;
  }
  for (auto [b, e] : ws->words)
    ws->word_hashes.push_back(XXH3_64bits_withSeed(low.data() + b, e - b, kWordSeed));
  if (options_.outcomes) FindOutcomes(ws);
}

void HashingEncoder::FindOutcomes(Workspace* ws) const {
  const Lexicon& lex = OutcomeLexicon();
  const size_t n = ws->words.size();
  ws->negated.assign(n, 0);
  ws->outcomes.clear();
  std::string_view low = ws->lowered;
  auto broken = [&](size_t w) {  // a clause break between word w-1 and word w
    return w > 0 && ClauseBreak(low.substr(ws->words[w - 1].second,
                                           ws->words[w].first - ws->words[w - 1].second));
  };
  int scope = 0;
  for (size_t w = 0; w < n; ++w) {
    if (broken(w)) scope = 0;
    const uint8_t flags = lex.Flags(ws->word_hashes[w]);
    if (scope > 0) {
      ws->negated[w] = 1;
      --scope;
    }
    if (flags & kNegator) scope = kNegationScope;
  }
  for (size_t w = 0; w < n; ++w) {
    const uint8_t flags = lex.Flags(ws->word_hashes[w]);
    if (flags == 0) continue;
    const uint32_t first = static_cast<uint32_t>(w);
    if ((flags & kPhraseHead) && w + 1 < n && !broken(w + 1)) {
      const std::pair<uint64_t, uint64_t> pair{ws->word_hashes[w], ws->word_hashes[w + 1]};
      if (std::find(lex.phrases.begin(), lex.phrases.end(), pair) != lex.phrases.end()) {
        ws->outcomes.push_back({first, first + 2, -1});
        ++w;
        continue;
      }
    }
    if (flags & (kFailure | kSuccess)) {
      const int polarity = (flags & kFailure) ? -1 : 1;
      ws->outcomes.push_back({first, first + 1, ws->negated[w] ? -polarity : polarity});
    }
  }
}

template <typename Emit>
void HashingEncoder::ForEachFeature(Workspace* ws, Emit&& emit) const {
  const uint32_t mask = options_.dims - 1;
  const size_t nw = ws->words.size();
  const bool outcomes = options_.outcomes;
  auto negated = [&](size_t w) { return outcomes && ws->negated[w] != 0; };
  if (options_.word_max > 0) {
    for (size_t i = 0; i < nw; ++i) {
      uint64_t h = 0;
      for (int n = 1; n <= options_.word_max && i + n <= nw; ++n) {
        h = (h ^ ws->word_hashes[i + n - 1]) * kPrime1;
        h = (h << 31) | (h >> 33);
        if (n >= options_.word_min) {
          const uint64_t salt = n == 1 && negated(i) ? kNegatedSalt : 0;
          emit(static_cast<uint32_t>(Mix((h + static_cast<uint64_t>(n) * kPrime2) ^ salt)) & mask,
               static_cast<uint32_t>(i), static_cast<uint32_t>(i + n));
        }
      }
    }
  }
  if (options_.char_max > 0) {
    std::string& pad = ws->padded;
    for (size_t w = 0; w < nw; ++w) {
      auto [b, e] = ws->words[w];
      if (ws->lowered[b] == '<') continue;  // mask tokens are words only
      pad.assign(1, ' ');
      pad.append(ws->lowered, b, e - b);
      pad.push_back(' ');
      const size_t len = pad.size();
      const uint64_t seed = negated(w) ? kNegatedCharSeed : kCharSeed;
      if (len < static_cast<size_t>(options_.char_min)) {
        emit(static_cast<uint32_t>(XXH3_64bits_withSeed(pad.data(), len, seed)) & mask,
             static_cast<uint32_t>(w), static_cast<uint32_t>(w + 1));
        continue;
      }
      for (int n = options_.char_min; n <= options_.char_max && static_cast<size_t>(n) <= len;
           ++n) {
        for (size_t s = 0; s + n <= len; ++s) {
          emit(static_cast<uint32_t>(XXH3_64bits_withSeed(pad.data() + s, n, seed)) & mask,
               static_cast<uint32_t>(w), static_cast<uint32_t>(w + 1));
        }
      }
    }
  }
  if (outcomes) {
    for (const Workspace::Outcome& o : ws->outcomes) {
      emit(static_cast<uint32_t>(Mix(kOutcomeSalt + static_cast<uint64_t>(o.polarity + 1))) & mask,
           o.first_word, o.end_word);
    }
  }
}

void HashingEncoder::Encode(std::string_view text, Workspace* ws, SparseVector* out) const {
  Tokenize(text, ws);
  std::vector<uint32_t>& buckets = ws->buckets;
  buckets.clear();
  ForEachFeature(ws, [&](uint32_t bucket, uint32_t, uint32_t) { buckets.push_back(bucket); });
  SortBuckets(&buckets, &ws->sort_scratch, std::countr_zero(options_.dims));
  out->indices.clear();
  out->values.clear();
  double norm2 = 0.0;
  for (size_t i = 0; i < buckets.size();) {
    size_t j = i + 1;
    while (j < buckets.size() && buckets[j] == buckets[i]) ++j;
    const float v = SublinearTf(j - i);
    out->indices.push_back(buckets[i]);
    out->values.push_back(v);
    norm2 += static_cast<double>(v) * v;
    i = j;
  }
  if (norm2 > 0.0) {
    const float inv = static_cast<float>(1.0 / std::sqrt(norm2));
    for (float& v : out->values) v *= inv;
  }
}

void HashingEncoder::Features(std::string_view text, Workspace* ws,
                              std::vector<NamedFeature>* out) const {
  Tokenize(text, ws);
  out->clear();
  ForEachFeature(ws, [&](uint32_t bucket, uint32_t first, uint32_t end) {
    out->push_back(NamedFeature{first, end, bucket});
  });
}

std::string HashingEncoder::FeatureName(const Workspace& ws, const NamedFeature& f) {
  std::string name;
  // A negated word reads as such: "not:successful".
  if (f.end_word == f.first_word + 1 && f.first_word < ws.negated.size() &&
      ws.negated[f.first_word] != 0) {
    name = "not:";
  }
  for (uint32_t w = f.first_word; w < f.end_word && w < ws.words.size(); ++w) {
    if (!name.empty() && name.back() != ':') name.push_back(' ');
    auto [b, e] = ws.words[w];
    name.append(ws.lowered, b, e - b);
  }
  return name;
}

Status HashingEncoder::EncodeSparse(std::span<const std::string_view> texts,
                                    std::vector<SparseVector>* out) const {
  thread_local Workspace ws;
  out->resize(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) Encode(texts[i], &ws, &(*out)[i]);
  return OkStatus();
}

Status HashingEncoder::EncodeDense(std::span<const std::string_view> texts, float* out) const {
  thread_local Workspace ws;
  SparseVector v;
  const size_t d = options_.dims;
  std::memset(out, 0, sizeof(float) * d * texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    Encode(texts[i], &ws, &v);
    for (size_t k = 0; k < v.indices.size(); ++k) out[i * d + v.indices[k]] = v.values[k];
  }
  return OkStatus();
}

}  // namespace logsieve

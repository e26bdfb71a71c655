// HashingEncoder: the default encoder. Word and character n-grams of the
// (normalized) log text, hashed into a fixed-size sparse vector; needs no
// download and no vocabulary.
//
//   HashingOptions o;                       // 2^18 buckets, words 1-2, chars 3-5
//   StatusOr<std::unique_ptr<HashingEncoder>> enc = HashingEncoder::Create(o);
//   HashingEncoder::Workspace ws;
//   SparseVector v;
//   (*enc)->Encode("<TS> failed login for admin from <IP>", &ws, &v);
//
// Features, on the template text lowercased (ASCII):
//   - words: maximal runs of [a-z0-9_] and bytes >= 0x80; a mask token such
//     as "<IP>" is one word ("<ip>"); every other byte separates words.
//   - word n-grams for n in [word_min, word_max] (n-grams do not skip words).
//   - character n-grams for n in [char_min, char_max] inside each word padded
//     with one space on each side (scikit-learn's "char_wb"); mask tokens give
//     no character n-grams. A padded word shorter than char_min gives itself.
//   - with `outcomes` (the default; spec version 2): negated words hash
//     apart, and outcome phrases add a pooled success/failure feature (see
//     HashingOptions::outcomes).
// Each feature is hashed with XXH3 (seeded per feature kind) into
// [0, dims); a bucket's value is 1 + log(tf) (sublinear tf, tf = occurrences
// of features in that bucket); the vector is L2-normalised (an empty text
// gives the zero vector). Indices come out strictly increasing.
//
// Only the first kMaxTextBytes of a text are encoded, cut back to a UTF-8
// boundary: a longer line (a 1 MiB record is allowed) is classified by its
// head, and a Workspace never grows past a few MB (the features of 1 MiB of
// text took about 37 MB, and a thread_local Workspace kept them).
//
// Thread safety: immutable after Create; Encode* may run concurrently, each
// thread with its own Workspace (EncodeSparse/EncodeDense use a thread_local
// one).
#ifndef LOGSIEVE_EMBED_HASHING_ENCODER_H_
#define LOGSIEVE_EMBED_HASHING_ENCODER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "embed/encoder.h"

namespace logsieve {

// The n-gram settings come from the config table (model.hashing.*), which
// holds their defaults and ranges; start from FromConfig(Config()).
struct HashingOptions {
  uint32_t dims = 0;  // a power of two, 2^4 .. 2^24
  int word_min = 0;   // word n-gram range; word_max 0 = no word features
  int word_max = 0;
  int char_min = 0;  // character n-gram range; char_max 0 = none
  int char_max = 0;
  // Outcome and negation features (spec version 2): words in the scope of a
  // negator ("not", "no", "never", "cannot", "n't", "without", ...: the next
  // three words, up to a clause break) get their unigram and character
  // n-grams from a separate hash space, so "not successful" shares nothing
  // with "successful"; and each outcome phrase adds a pooled feature,
  // "<outcome:failure>" ("failed", "could not", "unable to", "denied",
  // "timed out", "halted", "rolled back", a negated success word, ...) or
  // "<outcome:success>" ("completed", "successfully", "passed", a negated
  // failure word such as "no errors", ...). Off: spec version 1, as before.
  bool outcomes = true;

  // From config keys model.hashing.* .
  static StatusOr<HashingOptions> FromConfig(const Config& config);
  // The documented defaults (FromConfig of the default config) at `dims`
  // dimensions: for tests and embedders.
  static HashingOptions Defaults(uint32_t dims);
};

// One feature occurrence of a text, for explanations: words [first_word,
// end_word) of the text are the word n-gram ("failed login") or, for a
// character n-gram, the one word it came from. HashingEncoder::FeatureName
// renders it.
struct NamedFeature {
  uint32_t first_word;
  uint32_t end_word;
  uint32_t index;  // the bucket
};

class HashingEncoder final : public Encoder {
 public:
  static constexpr size_t kMaxTextBytes = size_t{16} * 1024;

  // Per-thread scratch; reuse it across calls to avoid allocation.
  struct Workspace {
    std::string lowered;
    std::vector<std::pair<uint32_t, uint32_t>> words;  // [begin, end) in `lowered`
    std::vector<uint64_t> word_hashes;
    // With options().outcomes: per word, 1 when it is in a negator's scope;
    // and the outcome phrases found, as {first word, end word, polarity}
    // (+1 success, -1 failure).
    std::vector<uint8_t> negated;
    struct Outcome {
      uint32_t first_word, end_word;
      int polarity;
    };
    std::vector<Outcome> outcomes;
    std::string padded;
    // After Encode: the bucket of every feature occurrence, sorted (Features
    // leaves it alone, so explanations can count occurrences per bucket).
    std::vector<uint32_t> buckets;
    std::vector<uint32_t> sort_scratch;
  };

  // Refuses dims that are not a power of two in [2^4, 2^24] and empty or
  // inverted n-gram ranges, naming the option.
  static StatusOr<std::unique_ptr<HashingEncoder>> Create(const HashingOptions& options);
  // From a spec_json() string (as stored in a model file).
  static StatusOr<std::unique_ptr<HashingEncoder>> FromSpec(std::string_view spec_json);

  const HashingOptions& options() const { return options_; }

  // The feature vector of one text into `out` (reusing its capacity).
  void Encode(std::string_view text, Workspace* ws, SparseVector* out) const;
  // Every feature occurrence of `text` (for explanations). Leaves the words
  // of `text` in `ws` for FeatureName.
  void Features(std::string_view text, Workspace* ws, std::vector<NamedFeature>* out) const;
  // "failed login": the words of `f`, lowercased, joined by one space.
  // REQUIRES: `ws` is the Workspace of the Features call that produced `f`.
  static std::string FeatureName(const Workspace& ws, const NamedFeature& f);

  std::string_view kind() const override { return "hashing"; }
  size_t dim() const override { return options_.dims; }
  bool sparse() const override { return true; }
  bool wants_template_text() const override { return true; }
  // {"kind":"hashing","version":1,"dims":...,"word_ngrams":[1,2],"char_ngrams":[3,5],...};
  // version 2 with "outcomes":true.
  std::string spec_json() const override;
  std::string fingerprint() const override;
  Status EncodeDense(std::span<const std::string_view> texts, float* out) const override;
  Status EncodeSparse(std::span<const std::string_view> texts,
                      std::vector<SparseVector>* out) const override;

 private:
  explicit HashingEncoder(const HashingOptions& options) : options_(options) {}
  // Splits `text` into words (fills ws->lowered, ws->words, ws->word_hashes,
  // and with options_.outcomes ws->negated and ws->outcomes).
  void Tokenize(std::string_view text, Workspace* ws) const;
  void FindOutcomes(Workspace* ws) const;
  // Calls emit(bucket, word_begin, word_end_exclusive) per feature.
  template <typename Emit>
  void ForEachFeature(Workspace* ws, Emit&& emit) const;

  HashingOptions options_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_EMBED_HASHING_ENCODER_H_

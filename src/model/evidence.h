// Evidence for a model decision: the labelled training template nearest to
// the line, so the detail can say what the model's answer resembles:
//
//   near: "Disk quota exceeded for user <NUM>" (Resource Usage, sim 0.93)
//
//   std::vector<Exemplar> ex = SelectExemplars(templates, labels, 256);  // at training
//   auto index = ExemplarIndex::Build(ex, encoder).value();  // at first use (LazyExemplarIndex)
//   encoder.Encode(text, &ws, &x);
//   ExemplarIndex::Match m = index->Nearest(ws, x);   // m.exemplar < 0: nothing shares a word
//
// The exemplars (deduplicated training templates, a capped number per label)
// are stored in the model file (format version 3). Nearest is by cosine of
// the encoder's hashed feature vectors (both L2-normalised, so a sparse dot
// product), found in two steps so the model stage keeps its speed:
// candidates are the exemplars sharing the most (idf-weighted) words and
// word pairs with the line (an inverted index over the familiarity terms;
// terms held by more than 32 exemplars are not indexed), then the exact
// cosine of the best four candidates picks the one shown. It can miss the true nearest
// exemplar when that one shares only common words with the line; then the
// similarity shown is a lower bound of the best, never an overstatement.
//
// Thread safety: Exemplar lists are values; an ExemplarIndex is immutable
// after Build and Nearest may run concurrently (its scratch is thread_local:
// a float per encoder bucket, 256 KB for 2^16, per thread that explains).
#ifndef LOGSIEVE_MODEL_EVIDENCE_H_
#define LOGSIEVE_MODEL_EVIDENCE_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/hashing_encoder.h"
#include "model/confidence.h"

namespace logsieve {

// A labelled training template (the encoder's input, masks included).
struct Exemplar {
  int label = 0;  // class index of the model
  std::string text;
};

// Limits a model file's exemplars must respect (checked on load).
inline constexpr size_t kMaxExemplars = 1u << 16;
inline constexpr size_t kMaxExemplarBytes = 512;

// The distinct (label, template) pairs of the training rows, at most
// `per_label` per label in order of first appearance (rows in a seeded
// random order make that a seeded sample), then sorted by label; texts longer
// than kMaxExemplarBytes are skipped. Deterministic.
// REQUIRES: texts.size() == labels.size(); labels in [0, classes).
std::vector<Exemplar> SelectExemplars(std::span<const std::string> texts,
                                      std::span<const int> labels, size_t classes,
                                      size_t per_label);

// [[label, "text"], ...]
nlohmann::json ExemplarsToJson(std::span<const Exemplar> exemplars);
// Refuses (INVALID_ARGUMENT, naming the entry) anything but that shape, a
// label outside [0, classes), an empty or over-long text, more than
// kMaxExemplars entries.
StatusOr<std::vector<Exemplar>> ExemplarsFromJson(const nlohmann::json& j, size_t classes);

class ExemplarIndex {
 public:
  struct Match {
    int exemplar = -1;  // index into the exemplars Build was given; -1: none
    float similarity = 0;
  };

  // Encodes every exemplar with `encoder` (the model's) and indexes its terms.
  static StatusOr<std::unique_ptr<ExemplarIndex>> Build(std::vector<Exemplar> exemplars,
                                                        const HashingEncoder& encoder);

  // REQUIRES: `ws` and `x` are the Workspace and vector of the last
  // encoder.Encode of the line (with the encoder Build was given).
  Match Nearest(const HashingEncoder::Workspace& ws, const SparseVector& x) const;
  // The same by brute force over every exemplar: the reference the test
  // compares Nearest with.
  Match NearestRef(const SparseVector& x) const;

  const std::vector<Exemplar>& exemplars() const { return exemplars_; }

 private:
  ExemplarIndex() = default;
  // Cosine of x and exemplar e by merging the two sorted lists.
  float DotRef(const SparseVector& x, size_t e) const;

  std::vector<Exemplar> exemplars_;
  size_t dims_ = 0;  // the encoder's buckets
  // Exemplar e's L2-normalised vector: [vector_offsets_[e], vector_offsets_[e+1])
  // of indices_ and values_.
  std::vector<uint32_t> vector_offsets_;
  std::vector<uint32_t> indices_;
  std::vector<float> values_;
  // Inverted index over terms (Familiarity::Terms), CSR: terms_ sorted and
  // unique, postings_[offsets_[t], offsets_[t+1]) the exemplars with term t.
  std::vector<uint32_t> terms_;
  TermTable term_table_;  // term -> its position in terms_
  std::vector<uint32_t> offsets_;
  std::vector<uint32_t> postings_;
  std::vector<float> idf_;       // per term of terms_
  std::vector<float> inv_norm_;  // per exemplar: 1 / norm of its indexed terms' idf
};

// An ExemplarIndex built on first use. Encoding and indexing the default
// model's exemplars is most of its load time, and only a shown detail needs
// them (Batch::want_detail), so a stage keeps the exemplars as loaded and
// builds the index when the first detail asks for evidence.
//
//   LazyExemplarIndex evidence(std::move(model.exemplars), hashing_encoder);
//   if (const ExemplarIndex* index = evidence.Get()) m = index->Nearest(ws, x);
//
// Thread safety: Get may be called from many threads at once; the first
// call builds (std::call_once), the others wait for it, then all read the
// frozen index. The encoder must outlive this object.
class LazyExemplarIndex {
 public:
  // REQUIRES: exemplars.size() <= kMaxExemplars (what makes Build succeed).
  LazyExemplarIndex(std::vector<Exemplar> exemplars, const HashingEncoder& encoder)
      : exemplars_(std::move(exemplars)), encoder_(encoder) {}

  // The index; null when there are no exemplars.
  const ExemplarIndex* Get() const;
  // Whether Get has built the index (tests see that no detail, no build).
  bool built() const { return built_.load(std::memory_order_acquire); }

 private:
  mutable std::once_flag once_;
  // Written only inside std::call_once(once_): exemplars_ is moved into
  // index_, which every caller reads after the call returns.
  mutable std::vector<Exemplar> exemplars_;
  mutable std::unique_ptr<ExemplarIndex> index_;
  mutable std::atomic<bool> built_{false};
  const HashingEncoder& encoder_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_MODEL_EVIDENCE_H_

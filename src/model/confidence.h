// Confidence the model stage can stand behind: how familiar a line's wording
// is to the model (the share of its words and word pairs seen in training),
// a calibration that turns (top probability, familiarity) into a confidence
// measured on held-out data, and the reliability table that checks it.
//
//   Familiarity f = Familiarity::FromTexts(encoder, training_templates);
//   encoder.Encode(text, &ws, &x);                 // leaves the words in ws
//   float fam = f.Score(ws);                       // 1: every word and pair seen
//   Calibration c = Calibration::Fit(p_top, fam_values, correct).value();
//   float confidence = c.Apply(p_top, fam);
//   Reliability r = MeasureReliability(confidences, correct);
//   std::cout << FormatReliability(r);             // ECE and ten bins
//
// Why these (doc/model.md, "Confidence"): a linear model gives unseen
// features weight 0, so on a line mostly made of words it never saw it
// decides on the few it knows and its softmax stays as sure as ever. The
// share of known terms says how much of the line the probability is about;
// Platt scaling with that share as a second input learns, on held-out rows,
// how accuracy falls with it. Both cost a tokenisation the encoder already
// did and a few lookups.
//
// Thread safety: immutable values; every const member and free function is
// safe from any thread.
#ifndef LOGSIEVE_MODEL_CONFIDENCE_H_
#define LOGSIEVE_MODEL_CONFIDENCE_H_

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "embed/hashing_encoder.h"
#include "model/logistic_regression.h"

namespace logsieve {

// An immutable open-addressing table over term hashes (well-mixed u32, as
// Familiarity::Terms gives them): Find returns a key's position in the
// list it was built from, in about one probe (the table is 2-4x the keys).
// For the per-line lookups of familiarity and evidence, where a binary
// search over ~20,000 terms costs a cache miss per step.
class TermTable {
 public:
  TermTable() = default;
  // REQUIRES: keys unique; keys.size() < 2^31.
  explicit TermTable(std::span<const uint32_t> keys);
  static constexpr uint32_t kAbsent = UINT32_MAX;
  uint32_t Find(uint32_t key) const {
    if (slots_.empty()) return kAbsent;
    for (size_t h = key & mask_;; h = (h + 1) & mask_) {
      const uint64_t s = slots_[h];
      if (s == kEmpty) return kAbsent;
      if (static_cast<uint32_t>(s >> 32) == key) return static_cast<uint32_t>(s);
    }
  }

 private:
  static constexpr uint64_t kEmpty = UINT64_MAX;  // a value is never UINT32_MAX
  std::vector<uint64_t> slots_;                   // key << 32 | position
  size_t mask_ = 0;
};

// The words (mask tokens such as <NUM> excluded) and adjacent word pairs of
// the training templates, as 32-bit hashes (collisions among the ~10^5
// terms of a training set are ~10^-5 likely each: harmless for a share).
class Familiarity {
 public:
  Familiarity() = default;  // knows nothing: empty() and Score() == 1
  // REQUIRES: `hashes` sorted and unique (as hashes() returns them).
  static StatusOr<Familiarity> FromHashes(std::vector<uint32_t> hashes);
  // The terms of `texts` (template text, as the model stage encodes it).
  static Familiarity FromTexts(const HashingEncoder& encoder,
                               std::span<const std::string_view> texts);

  bool empty() const { return hashes_.empty(); }
  const std::vector<uint32_t>& hashes() const { return hashes_; }

  // Share in [0, 1] of the line's terms seen in training; 0 for a line with
  // no term (only masks or punctuation), 1 when empty() (an old model file).
  // REQUIRES: `ws` holds the words of the line: HashingEncoder::Encode or
  // Features was called with it last.
  float Score(const HashingEncoder::Workspace& ws) const;

  // Appends the hashes of the line's terms (unsorted, may repeat).
  static void Terms(const HashingEncoder::Workspace& ws, std::vector<uint32_t>* out);

 private:
  std::vector<uint32_t> hashes_;
  TermTable table_;  // over hashes_, for Score
};

// confidence = sigmoid(a * logit(p_top) + b * familiarity + c), logit
// clamped to +-20. The identity (a 1, b 0, c 0) gives back p_top: that is
// what a model without a calibration uses.
struct Calibration {
  double a = 1.0, b = 0.0, c = 0.0;

  bool identity() const { return a == 1.0 && b == 0.0 && c == 0.0; }
  float Apply(float p_top, float familiarity) const;

  // Maximum likelihood on held-out rows (was the top label right?), by
  // Newton's method with a tiny ridge (1e-4) so that separable or one-sided
  // data still give finite values. Deterministic. Errors: lengths differ, no
  // rows.
  static StatusOr<Calibration> Fit(std::span<const float> p_top, std::span<const float> familiarity,
                                   std::span<const uint8_t> correct);

  // {"kind":"platt-familiarity","a":..,"b":..,"c":..}
  nlohmann::json ToJson() const;
  // Refuses another kind or missing/non-finite numbers, naming the field.
  static StatusOr<Calibration> FromJson(const nlohmann::json& j);
};

// Reliability of confidences: bins of width 1/bins over [0, 1] (the last
// one closed), each with its lines, mean confidence and accuracy; ECE is
// sum over bins of lines/total * |accuracy - mean confidence|.
struct ReliabilityBin {
  double lo = 0, hi = 0;
  size_t lines = 0;
  double mean_confidence = 0, accuracy = 0;
};
struct Reliability {
  size_t lines = 0;
  double ece = 0;
  std::vector<ReliabilityBin> bins;  // all of them, empty ones included
};
// REQUIRES: equal lengths; bins >= 1.
Reliability MeasureReliability(std::span<const float> confidence, std::span<const uint8_t> correct,
                               int bins = 10);
// "ECE 0.031 over 1200 lines" and one row per non-empty bin.
std::string FormatReliability(const Reliability& r);
// {"lines","ece","bins":[{"lo","hi","lines","mean_confidence","accuracy"}]}
nlohmann::json ReliabilityToJson(const Reliability& r);

// What a calibration fit on held-out rows found, with the reliability of
// the raw probabilities and of the calibrated confidences on those rows.
struct CalibrationFit {
  Calibration calibration;
  Reliability before, after;
};
// Scores `texts` (the encoder's input: templates for the hashing encoder)
// with a probe model trained without them, and fits a calibration on
// whether its top label equals `truth` (class indices). The familiarity is
// the probe's (what the probe saw); other encoders than hashing use 1.
// REQUIRES: texts.size() == truth.size(); the encoder is the probe's.
StatusOr<CalibrationFit> FitCalibrationOnHeldOut(const LinearModel& probe,
                                                 const Familiarity& probe_familiarity,
                                                 const Encoder& encoder,
                                                 std::span<const std::string> texts,
                                                 std::span<const int> truth);

}  // namespace logsieve

#endif  // LOGSIEVE_MODEL_CONFIDENCE_H_

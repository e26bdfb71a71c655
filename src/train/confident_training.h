// Measure, calibrate, refit: how `logsieve train` and the default recipe
// turn TrainModel's single fit into a model whose confidence can be trusted.
//
//   ConfidentTrainResult r = TrainWithHeldOut(train_part, held_out, all, options).value();
//   SaveModel(r.fit.model, "my.lsm");   // fitted on `all`, calibrated on `held_out`
//   FormatScores(r.fit.holdout);        // the probe's scores on `held_out`
//
// 1. A probe is fitted on `train_part` and scored on `held_out` (rows it never
//    saw): those are the scores reported.
// 2. Its familiarity (the terms of `train_part`) and its probabilities on
//    `held_out` give the calibration (model/confidence.h).
// 3. The shipped model is fitted on `all` rows with the same options and
//    gets the familiarity of `all`, step 2's calibration, and (hashing
//    encoder) up to options.exemplars_per_label distinct templates of `all`
//    per label as evidence (model/evidence.h). So no labelled row is lost to
//    the measurement.
//
// SplitByTemplate makes `held_out` for `train --holdout F`: whole templates
// (the normalizer's text) go to one side, so the held-out rows are wordings
// the probe never saw, as new logs will be; that is what the calibration
// must learn about.
//
// Thread safety: pure functions (one thread).
#ifndef LOGSIEVE_TRAIN_CONFIDENT_TRAINING_H_
#define LOGSIEVE_TRAIN_CONFIDENT_TRAINING_H_

#include <optional>
#include <vector>

#include "common/status.h"
#include "model/confidence.h"
#include "train/trainer.h"

namespace logsieve {

struct ConfidentTrainResult {
  TrainResult fit;                            // the final model; holdout = the probe's scores
  std::optional<CalibrationFit> calibration;  // absent without held-out rows
};

// `held_out` empty: one fit on `all` with its familiarity and no calibration.
// REQUIRES: options as for TrainModel (options.holdout is ignored).
StatusOr<ConfidentTrainResult> TrainWithHeldOut(const std::vector<LabelledLine>& train_part,
                                                const std::vector<LabelledLine>& held_out,
                                                const std::vector<LabelledLine>& all,
                                                const TrainOptions& options);

// About `share` of the rows, as whole templates chosen by a seeded shuffle,
// into `held_out`; the rest into `train_part`, both in file order. Without
// a normalizer the raw message is the template.
void SplitByTemplate(const std::vector<LabelledLine>& rows, const Normalizer* normalizer,
                     double share, uint64_t seed, std::vector<LabelledLine>* train_part,
                     std::vector<LabelledLine>* held_out);

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_CONFIDENT_TRAINING_H_

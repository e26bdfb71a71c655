// The recipe of the shipped default model (models/default.lsm): synthetic
// data from the generator, the hashing encoder, fixed training options.
//
//   StatusOr<ConfidentTrainResult> r = TrainDefaultModel(DefaultModelRecipe{});
//   SaveModel(r->fit.model, "models/default.lsm");
//
// TrainWithHeldOut (train/confident_training.h): a probe fitted on the
// generator's kTrain families is scored on the kHoldout families (wordings
// it never saw): that is the honest estimate, stored in the file's metadata
// ("holdout") and returned in fit.holdout, and the rows the confidence
// calibration is fitted on. Then the shipped model is fitted on every family
// with the same settings and gets that calibration. The same recipe gives the same bytes; the
// file's created_at is derived from the seed, not the clock.
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_TRAIN_DEFAULT_MODEL_H_
#define LOGSIEVE_TRAIN_DEFAULT_MODEL_H_

#include <cstdint>

#include "common/config.h"
#include "common/status.h"
#include "train/confident_training.h"

namespace logsieve {

struct DefaultModelRecipe {
  uint64_t seed = 1;
  size_t train_rows = 27000;
  size_t holdout_rows = 4500;
  uint32_t dims = 1u << 16;
  double C = 10.0;
  // Rows added to the probe's and the shipped fit's training rows (`logsieve
  // learn`: the store's rows, corrections repeated); none for the default model.
  std::vector<LabelledLine> extra_rows = {};
  // The model file's created_at; empty: "synthetic seed N" (reproducible).
  std::string created_at = {};
};

// `config` gives the normalizer and the label set: the rows are relabelled
// for it (MapLabels: a set with labels[].from gets its own labels, unmapped
// bundled labels stay as classes) and the classes are ClassOrder's; the
// defaults for the shipped model.
StatusOr<ConfidentTrainResult> TrainDefaultModel(const DefaultModelRecipe& recipe,
                                                 const Config& config = Config());

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_DEFAULT_MODEL_H_

// `logsieve train DATA.csv`: a model trained on labelled lines from a CSV,
// with the hashing encoder configured in `config` or a sentence-transformers
// folder, the config's normalizer, and the config's label order.
//
//   CsvTrainOptions o{.data = "data/sample.csv"};
//   StatusOr<CsvTraining> t = TrainFromCsv(config, o);
//   LOGSIEVE_RETURN_IF_ERROR(SaveModel(t->result.model, "my.lsm"));
//
// Holdout (`holdout` > 0): about that share of the rows, as whole templates,
// measures a probe and fits the confidence calibration; the model returned
// is then refitted on all rows (TrainWithHeldOut, train/confident_training.h).
//
// Labels: those of config `labels` that the data has, in config order, then
// labels only the data has (sorted), each with a warning: the model stage
// refuses such a model until the label is added to the config.
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_TRAIN_TRAIN_FROM_CSV_H_
#define LOGSIEVE_TRAIN_TRAIN_FROM_CSV_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "model/logistic_regression.h"
#include "train/confident_training.h"
#include "train/default_model.h"
#include "train/labelled_data.h"
#include "train/trainer.h"

namespace logsieve {

struct CsvTrainOptions {
  std::string data;                        // the CSV
  std::string encoder = "hashing";         // or a sentence-transformers folder
  std::string encoder_precision = "fp32";  // a transformer's: fp32 or int8
  double holdout = TrainOptions{}.holdout;
  uint64_t seed = TrainOptions{}.seed;
  double C = DefaultModelRecipe{}.C;  // the bundled model's regularisation
  ClassWeight class_weight = ClassWeight::kNone;
};

struct CsvTraining {
  TrainResult result;  // holdout: the probe's scores; model: fitted on all rows
  std::optional<CalibrationFit> calibration;  // with a holdout
  uint64_t skipped = 0;                       // bad rows of the CSV
  std::vector<std::string> skip_messages;     // ReadLabelledCsv's
  std::vector<std::string> warnings;          // labels outside config `labels`
};

StatusOr<CsvTraining> TrainFromCsv(const Config& config, const CsvTrainOptions& options);

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_TRAIN_FROM_CSV_H_

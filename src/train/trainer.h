// Training a model file from labelled log lines: encode, split, fit the
// logistic regression, score the holdout, assemble the Model.
//
//   std::vector<LabelledLine> rows = ...;          // ReadLabelledCsv or the generator
//   TrainOptions o;                                // hashing encoder, 20% holdout
//   StatusOr<TrainResult> r = TrainModel(rows, o);
//   LOGSIEVE_RETURN_IF_ERROR(SaveModel(r->model, "my.lsm"));
//   std::cout << FormatScores(r->holdout);
//
// The holdout is a seeded shuffle of the rows (or, when `evaluation` is
// given, exactly those rows and no split). Text fed to the encoder is the
// normalizer's template when the encoder wants template text (as the model
// stage does at run time), else the raw message.
//
// Reproducibility: the same rows and options give a byte-identical model
// file. Nothing time-dependent goes into the file except options.created_at.
//
// Thread safety: a pure function (one thread).
#ifndef LOGSIEVE_TRAIN_TRAINER_H_
#define LOGSIEVE_TRAIN_TRAINER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/encoder.h"
#include "model/logistic_regression.h"
#include "model/model_file.h"
#include "text/normalizer.h"
#include "train/evaluation.h"
#include "train/labelled_data.h"

namespace logsieve {

struct TrainOptions {
  // The encoder to train with. REQUIRES: non-null.
  std::shared_ptr<const Encoder> encoder;
  // The normalizer that makes template text. REQUIRES: non-null when the
  // encoder wants template text.
  std::shared_ptr<const Normalizer> normalizer;
  double holdout = 0.2;  // share of rows held out, in [0, 0.9]
  uint64_t seed = 1;
  LogisticRegressionOptions lr;
  // Label order in the model; empty: sorted distinct labels of the rows.
  std::vector<std::string> labels;
  // Stored in the metadata ("2025-01-01T00:00:00Z"); pass SOURCE_DATE_EPOCH's
  // date for reproducible builds.
  std::string created_at;
  // Extra metadata merged into the file's "training" object (e.g. the data
  // generator's name and seed).
  std::string extra_metadata_json = "{}";
  // Distinct training templates kept per label as evidence for decisions
  // (model/evidence.h; hashing encoder only, by TrainWithHeldOut); 0: none.
  size_t exemplars_per_label = 256;
};

struct TrainResult {
  logsieve::Model model;
  size_t train_rows = 0;
  size_t holdout_rows = 0;
  Scores holdout;  // empty (rows 0) without a holdout
  int iterations = 0;
  bool converged = false;
};

// `evaluation`, when non-null, replaces the random holdout. Errors: no rows,
// fewer than two labels, a label outside options.labels, encoder failures.
StatusOr<TrainResult> TrainModel(const std::vector<LabelledLine>& rows, const TrainOptions& options,
                                 const std::vector<LabelledLine>* evaluation = nullptr);

// Encodes and predicts `lines` with a trained model: the top label of each.
StatusOr<std::vector<std::string>> PredictLabels(const Model& model, const Encoder& encoder,
                                                 const Normalizer* normalizer,
                                                 const std::vector<LabelledLine>& lines);

// "2025-01-01T00:00:00Z" from $SOURCE_DATE_EPOCH when set, else from now.
std::string CreatedAtFromEnvironment();

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_TRAINER_H_

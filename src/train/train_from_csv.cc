#include "train/train_from_csv.h"

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "embed/bert/sentence_transformer.h"
#include "embed/hashing_encoder.h"
#include "text/normalizer.h"

namespace logsieve {

StatusOr<CsvTraining> TrainFromCsv(const Config& config, const CsvTrainOptions& f) {
  LOGSIEVE_ASSIGN_OR_RETURN(LabelledData data, ReadLabelledCsv(f.data));
  TrainOptions o;
  if (f.encoder == "hashing") {
    LOGSIEVE_ASSIGN_OR_RETURN(HashingOptions h, HashingOptions::FromConfig(config));
    LOGSIEVE_ASSIGN_OR_RETURN(auto enc, HashingEncoder::Create(h));
    o.encoder = std::move(enc);
  } else {
    bert::TransformerOptions t;
    t.precision = f.encoder_precision;
    LOGSIEVE_ASSIGN_OR_RETURN(auto enc, bert::LoadSentenceTransformer(f.encoder, t));
    o.encoder = std::move(enc);
  }
  LOGSIEVE_ASSIGN_OR_RETURN(Normalizer n, Normalizer::FromConfig(config));
  o.normalizer = std::make_shared<Normalizer>(std::move(n));
  o.holdout = f.holdout;
  o.seed = f.seed;
  o.lr.C = f.C;
  o.lr.class_weight = f.class_weight;
  o.created_at = CreatedAtFromEnvironment();
  o.extra_metadata_json = nlohmann::json{{"data", f.data}}.dump();
  CsvTraining out;
  // Config label order first, then labels only the data has (sorted).
  std::map<std::string, bool> present;
  for (const auto& r : data.rows) present[r.label] = true;
  for (const std::string& name : config.labels().names()) {
    if (present.erase(name) > 0) o.labels.push_back(name);
  }
  for (const auto& [name, _] : present) {
    // A label the set maps (labels[].from), or a bundled one it leaves
    // unmapped, is answered through the set at run time (model_stage.h).
    if (!config.labels().Accepts(name, BundledLabels().names())) {
      out.warnings.push_back("label \"" + name +
                             "\" is not in config `labels`; the model stage refuses this model "
                             "until it is added");
    }
    o.labels.push_back(name);
  }
  // Measured on whole held-out templates, calibrated there, then refitted
  // on every row.
  std::vector<LabelledLine> train_part, held_out;
  if (f.holdout > 0) {
    SplitByTemplate(data.rows, o.normalizer.get(), f.holdout, f.seed, &train_part, &held_out);
  }
  LOGSIEVE_ASSIGN_OR_RETURN(ConfidentTrainResult trained,
                            TrainWithHeldOut(train_part, held_out, data.rows, o));
  out.result = std::move(trained.fit);
  out.calibration = std::move(trained.calibration);
  out.skipped = data.skipped;
  out.skip_messages = std::move(data.skip_messages);
  return out;
}

}  // namespace logsieve

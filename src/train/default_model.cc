#include "train/default_model.h"

#include <nlohmann/json.hpp>

#include "common/config.h"
#include "embed/hashing_encoder.h"
#include "train/labelled_data.h"
#include "train/synthetic_logs.h"

namespace logsieve {
namespace {

std::vector<LabelledLine> Generate(uint64_t seed, size_t rows, SyntheticSplit split) {
  std::vector<LabelledLine> out;
  for (SyntheticRow& r : GenerateSyntheticLogs({.seed = seed, .rows = rows, .split = split})) {
    out.push_back({std::move(r.source), std::move(r.message), std::move(r.label)});
  }
  return out;
}

}  // namespace

StatusOr<ConfidentTrainResult> TrainDefaultModel(const DefaultModelRecipe& recipe,
                                                 const Config& config) {
  LOGSIEVE_ASSIGN_OR_RETURN(Normalizer normalizer, Normalizer::FromConfig(config));
  LOGSIEVE_ASSIGN_OR_RETURN(HashingOptions hashing, HashingOptions::FromConfig(config));
  hashing.dims = recipe.dims;
  LOGSIEVE_ASSIGN_OR_RETURN(auto encoder, HashingEncoder::Create(hashing));

  TrainOptions o;
  o.encoder = std::move(encoder);
  o.normalizer = std::make_shared<Normalizer>(std::move(normalizer));
  o.holdout = 0.0;
  o.seed = recipe.seed;
  o.lr.C = recipe.C;
  o.lr.gradient_tolerance = 1e-5;
  o.lr.max_iterations = 400;
  o.created_at = recipe.created_at.empty() ? "synthetic seed " + std::to_string(recipe.seed)
                                           : recipe.created_at;
  o.extra_metadata_json =
      nlohmann::json{{"data", "logsieve synthetic generator (src/train/synthetic_families.cc)"},
                     {"data_seed", recipe.seed},
                     {"families", SyntheticFamilyCount()},
                     {"holdout_families", SyntheticHoldoutFamilyCount()}}
          .dump();
  // 1. A probe fitted on the training families is scored on the held-out
  //    families (wordings it never saw): the honest estimate, kept in the
  //    metadata ("holdout"), and the rows its calibration is fitted on.
  // 2. The shipped model sees every family, with that calibration.
  std::vector<LabelledLine> train =
      Generate(recipe.seed, recipe.train_rows, SyntheticSplit::kTrain);
  std::vector<LabelledLine> holdout =
      Generate(recipe.seed + 1, recipe.holdout_rows, SyntheticSplit::kHoldout);
  std::vector<LabelledLine> all = Generate(recipe.seed, recipe.train_rows, SyntheticSplit::kAll);
  train.insert(train.end(), recipe.extra_rows.begin(), recipe.extra_rows.end());
  all.insert(all.end(), recipe.extra_rows.begin(), recipe.extra_rows.end());
  // The generator's bundled labels under the config's set (labels[].from):
  // mapped ones become the set's, unmapped bundled ones stay as classes.
  for (std::vector<LabelledLine>* rows : {&train, &holdout, &all}) {
    MapLabels(config.labels(), rows);
  }
  o.labels = ClassOrder(config.labels(), all);
  return TrainWithHeldOut(train, holdout, all, o);
}

}  // namespace logsieve

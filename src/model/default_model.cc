#include "model/default_model.h"

#include <nlohmann/json.hpp>

#include "common/config.h"
#include "embed/hashing_encoder.h"
#include "model/synthetic_logs.h"

namespace logsieve::model {
namespace {

std::vector<LabelledLine> Generate(uint64_t seed, size_t rows, SyntheticSplit split) {
  std::vector<LabelledLine> out;
  for (SyntheticRow& r : GenerateSyntheticLogs({.seed = seed, .rows = rows, .split = split})) {
    out.push_back({std::move(r.source), std::move(r.message), std::move(r.label)});
  }
  return out;
}

}  // namespace

StatusOr<TrainResult> TrainDefaultModel(const DefaultModelRecipe& recipe) {
  const Config defaults;
  LOGSIEVE_ASSIGN_OR_RETURN(text::Normalizer normalizer, text::Normalizer::FromConfig(defaults));
  LOGSIEVE_ASSIGN_OR_RETURN(embed::HashingOptions hashing,
                            embed::HashingOptions::FromConfig(defaults));
  hashing.dims = recipe.dims;
  LOGSIEVE_ASSIGN_OR_RETURN(auto encoder, embed::HashingEncoder::Create(hashing));

  TrainOptions o;
  o.encoder = std::move(encoder);
  o.normalizer = std::make_shared<text::Normalizer>(std::move(normalizer));
  o.holdout = 0.0;
  o.seed = recipe.seed;
  o.lr.C = recipe.C;
  o.lr.gradient_tolerance = 1e-5;
  o.lr.max_iterations = 400;
  // The default label set, in config order.
  o.labels = defaults.labels().names();
  o.created_at = "synthetic seed " + std::to_string(recipe.seed);
  o.extra_metadata_json =
      nlohmann::json{{"data", "logsieve synthetic generator (src/model/synthetic_logs.cc)"},
                     {"data_seed", recipe.seed},
                     {"families", SyntheticFamilyCount()},
                     {"holdout_families", SyntheticHoldoutFamilyCount()}}
          .dump();
  // 1. Train on the training families, score on the held-out families.
  std::vector<LabelledLine> train =
      Generate(recipe.seed, recipe.train_rows, SyntheticSplit::kTrain);
  std::vector<LabelledLine> holdout =
      Generate(recipe.seed + 1, recipe.holdout_rows, SyntheticSplit::kHoldout);
  LOGSIEVE_ASSIGN_OR_RETURN(TrainResult probe, TrainModel(train, o, &holdout));
  // 2. The shipped model sees every family; its metadata keeps step 1's
  //    held-out scores as the honest estimate on unseen wordings.
  nlohmann::json meta = nlohmann::json::parse(o.extra_metadata_json);
  meta["holdout_families_eval"] = {
      {"accuracy", probe.holdout.accuracy},
      {"macro_f1", probe.holdout.macro_f1},
      {"rows", probe.holdout_rows},
      {"note", "a model trained the same way without the held-out families, scored on them"}};
  o.extra_metadata_json = meta.dump();
  std::vector<LabelledLine> all = Generate(recipe.seed, recipe.train_rows, SyntheticSplit::kAll);
  LOGSIEVE_ASSIGN_OR_RETURN(TrainResult result, TrainModel(all, o));
  result.holdout = std::move(probe.holdout);
  result.holdout_rows = probe.holdout_rows;
  return result;
}

}  // namespace logsieve::model

#include "train/confident_training.h"

#include <xxhash.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "embed/hashing_encoder.h"

namespace logsieve {
namespace {

// The encoder's input for each row (as the model stage builds it).
std::vector<std::string> EncoderTexts(const TrainOptions& o,
                                      const std::vector<LabelledLine>& rows) {
  std::vector<std::string> texts(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    if (o.encoder->wants_template_text() && o.normalizer != nullptr) {
      o.normalizer->Normalize(rows[i].message, &texts[i]);
    } else {
      texts[i] = rows[i].message;
    }
  }
  return texts;
}

Familiarity FamiliarityOf(const TrainOptions& o, const std::vector<LabelledLine>& rows) {
  const auto* hashing = dynamic_cast<const HashingEncoder*>(o.encoder.get());
  if (hashing == nullptr) return Familiarity();
  const std::vector<std::string> texts = EncoderTexts(o, rows);
  const std::vector<std::string_view> views(texts.begin(), texts.end());
  return Familiarity::FromTexts(*hashing, views);
}

// Exemplars (model/evidence.h): the rows' distinct templates, capped per label.
std::vector<Exemplar> ExemplarsOf(const TrainOptions& o, const std::vector<LabelledLine>& rows,
                                  const std::vector<std::string>& labels) {
  if (dynamic_cast<const HashingEncoder*>(o.encoder.get()) == nullptr) return {};
  if (o.exemplars_per_label == 0) return {};
  const std::vector<std::string> texts = EncoderTexts(o, rows);
  std::vector<int> truth;
  truth.reserve(rows.size());
  for (const LabelledLine& r : rows) {
    const auto it = std::find(labels.begin(), labels.end(), r.label);
    truth.push_back(it == labels.end() ? -1 : static_cast<int>(it - labels.begin()));
  }
  return SelectExemplars(texts, truth, labels.size(), o.exemplars_per_label);
}

}  // namespace

StatusOr<ConfidentTrainResult> TrainWithHeldOut(const std::vector<LabelledLine>& train_part,
                                                const std::vector<LabelledLine>& held_out,
                                                const std::vector<LabelledLine>& all,
                                                const TrainOptions& options) {
  TrainOptions o = options;
  o.holdout = 0.0;
  ConfidentTrainResult out;
  nlohmann::json meta = nlohmann::json::parse(o.extra_metadata_json, nullptr, false);
  if (!meta.is_object()) meta = nlohmann::json::object();
  if (!held_out.empty()) {
    LOGSIEVE_ASSIGN_OR_RETURN(TrainResult probe, TrainModel(train_part, o, &held_out));
    const Familiarity probe_familiarity = FamiliarityOf(o, train_part);
    const std::vector<std::string> texts = EncoderTexts(o, held_out);
    std::vector<int> truth;
    for (const LabelledLine& r : held_out) {
      const auto it = std::find(probe.model.labels.begin(), probe.model.labels.end(), r.label);
      truth.push_back(
          it == probe.model.labels.end() ? -1 : static_cast<int>(it - probe.model.labels.begin()));
    }
    LOGSIEVE_ASSIGN_OR_RETURN(
        CalibrationFit fit,
        FitCalibrationOnHeldOut(probe.model.linear, probe_familiarity, *o.encoder, texts, truth));
    meta["holdout"] = {
        {"rows", held_out.size()},
        {"train_rows", train_part.size()},
        {"accuracy", probe.holdout.accuracy},
        {"macro_f1", probe.holdout.macro_f1},
        {"note",
         "scores of a probe fitted without these rows; the model was then refitted on "
         "all rows"}};
    meta["calibration"] = {{"rows", held_out.size()},
                           {"ece_before", fit.before.ece},
                           {"ece_after_in_sample", fit.after.ece}};
    out.calibration = fit;
    out.fit.holdout = std::move(probe.holdout);
    out.fit.holdout_rows = held_out.size();
  }
  o.extra_metadata_json = meta.dump();
  LOGSIEVE_ASSIGN_OR_RETURN(TrainResult final_fit, TrainModel(all, o));
  out.fit.model = std::move(final_fit.model);
  out.fit.train_rows = final_fit.train_rows;
  out.fit.iterations = final_fit.iterations;
  out.fit.converged = final_fit.converged;
  out.fit.model.familiarity = FamiliarityOf(o, all);
  out.fit.model.exemplars = ExemplarsOf(o, all, out.fit.model.labels);
  if (out.calibration) out.fit.model.calibration = out.calibration->calibration;
  return out;
}

void SplitByTemplate(const std::vector<LabelledLine>& rows, const Normalizer* normalizer,
                     double share, uint64_t seed, std::vector<LabelledLine>* train_part,
                     std::vector<LabelledLine>* held_out) {
  train_part->clear();
  held_out->clear();
  // Each template's key is a seeded hash: sorting by it is a seeded shuffle
  // of the templates that does not depend on row order.
  std::vector<uint64_t> key(rows.size());
  std::string text;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (normalizer != nullptr) {
      normalizer->Normalize(rows[i].message, &text);
    } else {
      text = rows[i].message;
    }
    key[i] = XXH3_64bits_withSeed(text.data(), text.size(), seed);
  }
  std::vector<std::pair<uint64_t, size_t>> templates;  // key, rows
  {
    std::vector<uint64_t> sorted = key;
    std::sort(sorted.begin(), sorted.end());
    for (size_t i = 0; i < sorted.size();) {
      size_t j = i;
      while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
      templates.emplace_back(sorted[i], j - i);
      i = j;
    }
  }
  const size_t want = static_cast<size_t>(share * static_cast<double>(rows.size()));
  std::vector<uint64_t> held;
  size_t taken = 0;
  for (const auto& [k, n] : templates) {
    if (taken >= want) break;
    held.push_back(k);
    taken += n;
  }
  std::sort(held.begin(), held.end());
  for (size_t i = 0; i < rows.size(); ++i) {
    (std::binary_search(held.begin(), held.end(), key[i]) ? held_out : train_part)
        ->push_back(rows[i]);
  }
}

}  // namespace logsieve

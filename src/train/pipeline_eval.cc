#include "train/pipeline_eval.h"

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <set>

#include "model/model_stage.h"
#include "pipeline/classifier.h"

namespace logsieve {

StatusOr<PipelineEval> EvaluatePipeline(const Config& config,
                                        const std::vector<LabelledLine>& rows) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> classifier, Classifier::Create(config));
  // The same model with threshold 0: its label and p for every line that
  // reaches the model (for the threshold table).
  Config probe = config;
  LOGSIEVE_RETURN_IF_ERROR(probe.Set("pipeline.threshold", "0", "eval threshold table"));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Stage> model_stage, MakeModelStage(probe));

  std::vector<std::string> truth, predicted, methods, model_label(rows.size());
  std::vector<float> model_p(rows.size(), 0.0f);
  const size_t batch_size = config.GetSize("pipeline.batch_size");
  for (size_t begin = 0; begin < rows.size(); begin += batch_size) {
    const size_t end = std::min(rows.size(), begin + batch_size);
    Batch batch;
    for (size_t i = begin; i < end; ++i) batch.records.push_back({rows[i].source, rows[i].message});
    batch.Reset();
    classifier->Classify(batch);
    std::vector<size_t> reach;
    for (size_t i = 0; i < batch.size(); ++i) {
      truth.push_back(rows[begin + i].label);
      predicted.push_back(batch.decisions[i].label);
      // A degraded decision (the model's guess below the threshold, kept
      // because the LLM could not be asked) is not a confident one.
      methods.emplace_back(batch.decisions[i].degraded
                               ? std::string("Degraded")
                               : std::string(MethodName(batch.decisions[i].method)));
      // Lines that reached the model (routes may skip it), cache hits included.
      if (ReachedModel(batch.decisions[i], batch.tentative[i],
                       classifier->route_stages(batch.records[i].source))) {
        reach.push_back(i);
      }
    }
    if (model_stage) {
      Batch probe_batch;
      probe_batch.records = batch.records;
      probe_batch.Reset();
      probe_batch.templates = batch.templates;
      LOGSIEVE_RETURN_IF_ERROR(model_stage->Decide(probe_batch, reach));
      for (size_t i : reach) {
        model_label[begin + i] = probe_batch.decisions[i].label;
        model_p[begin + i] = probe_batch.decisions[i].confidence.value_or(0.0f);
      }
    }
  }
  PipelineEval e;
  e.scores = Score(truth, predicted, classifier->labels());
  e.methods = ScoreByMethod(truth, predicted, methods);
  e.confident_wrong = ScoreConfidentWrong(truth, predicted, methods, classifier->labels());
  e.has_model = model_stage != nullptr;
  if (e.has_model) {
    e.thresholds = ThresholdTable(truth, model_label, model_p);
    std::vector<float> reached_p;
    std::vector<uint8_t> reached_correct;
    for (size_t i = 0; i < rows.size(); ++i) {
      if (model_label[i].empty()) continue;
      reached_p.push_back(model_p[i]);
      reached_correct.push_back(model_label[i] == truth[i] ? 1 : 0);
    }
    e.reliability = MeasureReliability(reached_p, reached_correct);
  }
  // Only the stages some row's route runs through (descriptions are
  // "name: ...").
  std::set<std::string, std::less<>> sources, used;
  for (const LabelledLine& r : rows) sources.insert(r.source);
  for (const std::string& src : sources) {
    for (std::string& name : classifier->route_stages(src)) used.insert(std::move(name) + ":");
  }
  for (const std::string& d : classifier->stage_descriptions()) {
    const std::string_view name = std::string_view(d).substr(0, d.find(':') + 1);
    if (used.contains(name)) e.stages.push_back(d);
  }
  return e;
}

std::string FormatPipelineEval(const PipelineEval& e) {
  std::string out = "stages: ";
  for (const std::string& d : e.stages) out += d + "; ";
  out += "\n\n" + FormatScores(e.scores) + "\nby method\n" + FormatMethods(e.methods) + "\n" +
         FormatConfidentWrong(e.confident_wrong);
  if (e.has_model) {
    out += "\nthreshold table (lines that reached the model)\n" + FormatThresholds(e.thresholds);
    out += "\nconfidence calibration (lines that reached the model)\n" +
           FormatReliability(e.reliability);
  }
  return out;
}

nlohmann::json PipelineEvalToJson(const PipelineEval& e) {
  nlohmann::json j = ScoresToJson(e.scores);
  j["methods"] = MethodsToJson(e.methods);
  j["confident_wrong"] = ConfidentWrongToJson(e.confident_wrong);
  j["thresholds"] = e.has_model ? ThresholdsToJson(e.thresholds) : nlohmann::json::array();
  j["reliability"] = e.has_model ? ReliabilityToJson(e.reliability) : nlohmann::json(nullptr);
  j["stages"] = e.stages;
  return j;
}

}  // namespace logsieve

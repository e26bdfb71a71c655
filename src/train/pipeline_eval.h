// `logsieve eval DATA.csv`: the whole pipeline of a config scored on labelled
// lines: accuracy, macro-F1 and per-class scores, what each method decided,
// and what the model stage would decide at each threshold.
//
//   StatusOr<PipelineEval> e = EvaluatePipeline(config, rows);
//   std::cout << FormatPipelineEval(*e);
//
// The threshold table re-asks the model stage (threshold 0) for the lines
// that reached it (see ReachedModel), on the pipeline's own templates.
//
// Thread safety: a pure function (the classifier it builds runs on this
// thread).
#ifndef LOGSIEVE_TRAIN_PIPELINE_EVAL_H_
#define LOGSIEVE_TRAIN_PIPELINE_EVAL_H_

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "model/confidence.h"
#include "train/evaluation.h"
#include "train/labelled_data.h"

namespace logsieve {

struct PipelineEval {
  Scores scores;
  std::vector<MethodScores> methods;  // "Degraded": guesses kept without the LLM
  ConfidentWrong confident_wrong;
  bool has_model = false;  // thresholds and reliability are empty without a model stage
  std::vector<ThresholdRow> thresholds;
  // The model's confidence on the lines that reached it: right or wrong?
  Reliability reliability;
  std::vector<std::string> stages;  // descriptions of the stages the rows' routes use
};

StatusOr<PipelineEval> EvaluatePipeline(const Config& config,
                                        const std::vector<LabelledLine>& rows);

// The report of `logsieve eval`: stages, scores, methods, confident-but-wrong,
// threshold table, reliability of the model's confidence.
std::string FormatPipelineEval(const PipelineEval& eval);
// ScoresToJson plus "methods", "confident_wrong", "thresholds", "reliability"
// and "stages".
nlohmann::json PipelineEvalToJson(const PipelineEval& eval);

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_PIPELINE_EVAL_H_

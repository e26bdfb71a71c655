// Scores of a labelling against the truth: accuracy, macro-F1, per-class
// precision/recall/F1 and a confusion matrix, as text or JSON.
//
//   Scores s = Score(truth, predicted, labels);
//   std::cout << FormatScores(s);
//
// Conventions (those of scikit-learn's classification_report): a class with
// no predictions has precision 0; macro-F1 averages over the classes that
// occur in the truth (a label only predicted, such as "Unclassified", is not
// a class of the data and would pull the mean down by a zero that says
// nothing); a prediction outside `labels` counts as wrong and gets its own
// confusion column.
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_TRAIN_EVALUATION_H_
#define LOGSIEVE_TRAIN_EVALUATION_H_

#include <cstddef>
#include <nlohmann/json_fwd.hpp>
#include <span>
#include <string>
#include <vector>

#include "common/decision.h"

namespace logsieve {

struct ClassScores {
  std::string label;
  double precision = 0, recall = 0, f1 = 0;
  size_t support = 0;  // rows whose truth is this label
};

struct Scores {
  size_t rows = 0;
  double accuracy = 0, macro_f1 = 0;
  std::vector<ClassScores> per_class;  // in `labels` order, then extra predicted labels
  // confusion[t][p]: rows with truth per_class[t].label predicted per_class[p].label.
  std::vector<std::vector<size_t>> confusion;
};

// REQUIRES: truth.size() == predicted.size().
Scores Score(std::span<const std::string> truth, std::span<const std::string> predicted,
             const std::vector<std::string>& labels);

// A fixed-width report: per-class table, accuracy, macro-F1, confusion matrix.
std::string FormatScores(const Scores& scores);
// {"rows","accuracy","macro_f1","per_class":[{label,precision,recall,f1,support}],
//  "labels":[...],"confusion":[[...]]}
nlohmann::json ScoresToJson(const Scores& scores);

// Share and accuracy of the lines each method decided ("Regex", "ML", "LLM",
// "Degraded": a best guess kept because the LLM could not be asked, "None"),
// in that order, methods with no line left out.
struct MethodScores {
  std::string method;
  size_t lines = 0;
  double share = 0;     // of all rows
  double accuracy = 0;  // of the lines this method decided
};
// REQUIRES: truth, predicted and methods have the same length.
std::vector<MethodScores> ScoreByMethod(std::span<const std::string> truth,
                                        std::span<const std::string> predicted,
                                        std::span<const std::string> methods);

// Confident but wrong: lines the model decided (method "ML": its confidence
// reached the threshold) with a wrong label, as a share of ALL rows, overall
// and per label the model gave. These are the errors the hybrid design
// cannot catch: the LLM never sees them.
struct ConfidentWrong {
  struct PerLabel {
    std::string label;  // the label the model gave
    size_t lines = 0;
    double share = 0;  // of all rows
  };
  size_t rows = 0, lines = 0;
  double share = 0;
  std::vector<PerLabel> per_label;  // `labels` order, then others
};
// REQUIRES: truth, predicted and methods have the same length.
ConfidentWrong ScoreConfidentWrong(std::span<const std::string> truth,
                                   std::span<const std::string> predicted,
                                   std::span<const std::string> methods,
                                   const std::vector<std::string>& labels);
std::string FormatConfidentWrong(const ConfidentWrong& c);
// {"lines","share","per_label":[{"label","lines","share"}]}
nlohmann::json ConfidentWrongToJson(const ConfidentWrong& c);

// Whether a line reached the model stage, from what the classifier did with
// it: the model decided it or left a guess (tentative), or a stage after the
// model in the line's route (`route`: stage names in order) decided it. The
// last case is how a line answered by the LLM from the decision cache shows:
// the cache keeps the final decision, not the model's guess.
bool ReachedModel(const Decision& decision, const Decision& tentative,
                  std::span<const std::string> route);

// What the model stage would do at each threshold, for the lines that reach
// it (model_label non-empty): the share of all rows it decides (p >= t), its
// accuracy on them, and the share left for the LLM (p < t).
struct ThresholdRow {
  double threshold = 0;
  double model_share = 0;
  double model_accuracy = 0;
  double llm_share = 0;
};
// Thresholds 0.50, 0.55, ..., 0.95. REQUIRES: equal lengths.
std::vector<ThresholdRow> ThresholdTable(std::span<const std::string> truth,
                                         std::span<const std::string> model_label,
                                         std::span<const float> model_p);

std::string FormatMethods(const std::vector<MethodScores>& methods);
std::string FormatThresholds(const std::vector<ThresholdRow>& rows);
nlohmann::json MethodsToJson(const std::vector<MethodScores>& methods);
nlohmann::json ThresholdsToJson(const std::vector<ThresholdRow>& rows);

}  // namespace logsieve

#endif  // LOGSIEVE_TRAIN_EVALUATION_H_

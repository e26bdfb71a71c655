// Scores of a labelling against the truth: accuracy, macro-F1, per-class
// precision/recall/F1 and a confusion matrix, as text or JSON.
//
//   Scores s = Score(truth, predicted, labels);
//   std::cout << FormatScores(s);
//
// Conventions (those of scikit-learn's classification_report): a class with
// no predictions has precision 0; macro-F1 averages over the classes that
// occur in the truth or the predictions; a prediction outside `labels` (such
// as "Unclassified") counts as wrong and gets its own confusion column.
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_MODEL_EVALUATION_H_
#define LOGSIEVE_MODEL_EVALUATION_H_

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace logsieve::model {

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

}  // namespace logsieve::model

#endif  // LOGSIEVE_MODEL_EVALUATION_H_

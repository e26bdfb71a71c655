// Learn: a candidate model from the base corpus plus the store, gated against
// the current model, registered, and promoted only when it is not worse.
//
//   LearnOptions o = LearnOptions::FromConfig(config);
//   StatusOr<LearnReport> r = Learn(config, store, o);
//   std::cout << FormatLearnReport(*r);   // both models per label, and why
//
// Training rows: the base corpus (a labelled CSV, learn.base_corpus; empty =
// the synthetic corpus the default model is trained on), every correction
// repeated learn.correction_weight times, and each stored LLM answer (not
// degraded) with confidence >= learn.min_llm_confidence, learn.llm_weight times. The LLM rows
// are split by template: learn.holdout of them (whole templates, seeded) are
// held out and never trained on.
//
// Gate (GateReasons): both models label the store holdout and the
// out-of-distribution dev set (learn.ood_dev) with the model stage alone at
// threshold 0. The candidate is promoted only if, on each set, its accuracy
// is not lower than the current model's and no label's F1 drops by more than
// learn.max_label_drop. Every candidate is registered (metadata: data hashes,
// metrics, parent, time, promoted, reasons); only a promoted one is activated.
//
// The current model: what runs (model/registry.h, ResolveModelFile):
// model.file, else the registry's active version, else the bundled default.
// Only LLM answers are held out; every correction is trained on. With the
// synthetic base corpus, a store with no rows is refused (the candidate would
// be the bundled model).
//
// Thread safety: a pure function of its inputs (one thread).
#ifndef LOGSIEVE_LEARN_LEARN_H_
#define LOGSIEVE_LEARN_LEARN_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "store/autopilot.h"
#include "store/store.h"
#include "train/evaluation.h"

namespace logsieve {

struct LearnOptions {
  std::string base_corpus;
  size_t base_rows;  // of the synthetic corpus, when base_corpus is empty
  std::string ood_dev;
  std::string registry;
  double min_llm_confidence;
  int64_t correction_weight;
  int64_t llm_weight;
  double holdout;
  double max_label_drop;
  double max_accuracy_drop;
  size_t min_label_support;  // labels with fewer rows in a gate set are not checked one by one
  // Activate a candidate that passes the gate (`logsieve learn`). The server's
  // POST /v1/learn sets it false: a person looks at the report and activates.
  bool activate = true;

  // learn.* keys; an empty learn.registry is $XDG_STATE_HOME/logsieve/models
  // (else ~/.local/state/logsieve/models).
  static LearnOptions FromConfig(const Config& config);
};

// Both models on one evaluation set.
struct GateSet {
  std::string name;  // "store holdout", "ood dev"
  Scores current;
  Scores candidate;
};

struct LearnReport {
  std::string version;               // the candidate's registry version
  std::string parent;                // the current model: a version, or its file
  bool promoted = false;             // passed the gate
  bool activated = false;            // promoted and made the registry's active version
  std::vector<std::string> reasons;  // why it was not promoted (empty when it was)
  std::vector<GateSet> sets;
  size_t base_rows = 0, corrections = 0, llm_rows = 0, holdout_rows = 0, skipped_rows = 0;
  std::string active_model;  // the registry's active.lsm: what model.file should name
};

StatusOr<LearnReport> Learn(const Config& config, Store& store, const LearnOptions& options);

// Why `sets` do not allow a promotion; empty when they do. A set without rows
// is not a reason.
// Uses options.max_accuracy_drop, max_label_drop and min_label_support.
std::vector<std::string> GateReasons(const std::vector<GateSet>& sets, const LearnOptions& options);

// The store's LLM answers and corrections (StoreStats) when the registry's
// newest version was trained; 0 without one.
int64_t LearnedStoreAnswers(const Config& config);
// The autopilot's round (Learn with activation) and its baseline
// (LearnedStoreAnswers), for serve and the worker.
LearningHooks MakeLearningHooks(const Config& config);

std::string FormatLearnReport(const LearnReport& report);
nlohmann::json LearnReportToJson(const LearnReport& report);

}  // namespace logsieve

#endif  // LOGSIEVE_LEARN_LEARN_H_

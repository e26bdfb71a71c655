// Classifier: the whole pipeline behind one call.
//
//   StatusOr<std::unique_ptr<Classifier>> c = Classifier::Create(config);
//   Batch batch;
//   batch.records = {{"ModernCRM", "User User123 logged in."}};
//   (*c)->Classify(batch);
//   // batch.decisions[0] == {"User Action", Method::kRegex, 1.0, "rule user-login"}
//
// For each line: a person's correction of its template (ClassifierParts::
// corrections, src/pipeline/corrections.h) answers first, method
// "Correction", before even the rules; then the rules see the raw line; lines no rule decides are
// normalized to a template; the decision cache (keyed by source route and
// template) answers templates seen before; the remaining distinct templates
// go once each through the costly stages of the line's route (model, then
// llm); duplicates in the batch share that answer. A line no stage decides is
// "Unclassified" with method "None" and a detail saying why. The audit
// (llm.audit_rate): a fixed share of the templates the model decides, chosen
// by template key, goes to the route's LLM too when one can be asked; where
// the LLM disagrees its answer is served, with the model's decision left in
// `tentative` (the store records it as the model's error).
//
// Thread safety: built, then frozen; Classify may be called from any number of
// threads at once.
#ifndef LOGSIEVE_PIPELINE_CLASSIFIER_H_
#define LOGSIEVE_PIPELINE_CLASSIFIER_H_

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/config.h"
#include "common/decision.h"
#include "common/stage.h"
#include "common/status.h"
#include "pipeline/corrections.h"

namespace logsieve {

// What a classifier consults besides the stages its config names.
struct ClassifierParts {
  // People's corrections (null: none are consulted).
  std::shared_ptr<const CorrectionSource> corrections;
};

class Classifier {
 public:
  // Builds every stage named in pipeline.stages and pipeline.routes from
  // `config`. Fails (naming the file and the problem) when a rule file, model
  // file or setting is bad: nothing runs half-loaded.
  static StatusOr<std::unique_ptr<Classifier>> Create(const Config& config,
                                                      ClassifierParts parts = {});
  // For tests and embedders: a pipeline over stages built elsewhere.
  static StatusOr<std::unique_ptr<Classifier>> CreateWithStages(
      const Config& config, std::vector<std::unique_ptr<Stage>> stages, ClassifierParts parts = {});

  virtual ~Classifier() = default;

  // Classifies every record of `batch`; fills batch.decisions (and templates,
  // keys). Cannot fail and never drops a line: on a stage failure the
  // affected lines are Unclassified with the failure in the detail.
  virtual void Classify(Batch& batch) const = 0;

  // One line (the single-line endpoint).
  virtual Decision ClassifyOne(std::string_view source, std::string_view message) const = 0;

  // True when some loaded stage may block on I/O (Stage::may_wait): a call to
  // Classify can then take as long as the LLM does.
  virtual bool may_wait() const = 0;

  // The label set (from config `labels`), in config order.
  virtual const std::vector<std::string>& labels() const = 0;
  // Names of the stages that were loaded ("rules", "model", "llm").
  virtual std::vector<std::string> stage_names() const = 0;
  // A one-line description per loaded stage (file, rule count, encoder...).
  virtual std::vector<std::string> stage_descriptions() const = 0;
  // What the answers depend on: (stage name, Stage::version()) per loaded
  // stage in pipeline order, then ("labels", VersionId of the label set's
  // names and descriptions). The server shows them in GET / and /metrics.
  virtual std::vector<std::pair<std::string, std::string>> versions() const = 0;
  // Each loaded stage's non-empty Stage::RunReport() (LLM requests, tokens, latency).
  virtual std::vector<std::string> stage_reports() const = 0;
  // The stages a line from `source` goes through, in order: its route's, or
  // pipeline.stages for a source no route names.
  virtual std::vector<std::string> route_stages(std::string_view source) const = 0;
};

// Builds a classifier anew from its files (the config file, rules, model):
// how a server reloads. Errors name the file and the problem.
using ClassifierLoader = std::function<StatusOr<std::shared_ptr<const Classifier>>()>;

}  // namespace logsieve

#endif  // LOGSIEVE_PIPELINE_CLASSIFIER_H_

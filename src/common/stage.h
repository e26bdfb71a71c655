// Stage: the one seam of the pipeline.
//
// Each stage (rules, model, llm) sees a batch and the indices of the lines
// still undecided, decides what it can, and leaves the rest:
//
//   Status RulesStage::Decide(Batch& batch, std::span<const size_t> pending) {
//     for (size_t i : pending)
//       if (auto hit = Match(batch.records[i])) batch.decisions[i] = *hit;
//     return OkStatus();
//   }
//
// Contract:
//   - A stage writes only batch.decisions[i] / batch.tentative[i] for i in
//     `pending`, and sets decisions[i].method to its own method when it decides.
//   - With batch.want_detail false nobody shows Decision::detail: a stage
//     may leave it empty and skip the work that only explains.
//   - Leaving a line undecided is not an error. A non-OK Status means the
//     stage could not work at all (the pipeline reports it; lines stay
//     undecided and lose nothing).
//   - Batches matter: the transformer wants many lines at once, the LLM wants
//     many requests in flight, rules want a tight loop. A batch of one serves
//     the single-line endpoint.
//
// Thread safety: stages are built, then frozen; Decide is called concurrently
// from many threads on different batches, so it must be const in spirit (use
// per-thread scratch, not members).
#ifndef LOGSIEVE_COMMON_STAGE_H_
#define LOGSIEVE_COMMON_STAGE_H_

#include <span>
#include <string>
#include <string_view>

#include "common/decision.h"
#include "common/status.h"

namespace logsieve {

class Stage {
 public:
  virtual ~Stage() = default;
  // "rules", "model", "llm": the name used in config (pipeline.stages, routes).
  virtual std::string_view name() const = 0;
  // True when this stage's decisions may be cached by template (everything but
  // rules, which see the raw line).
  virtual bool cacheable() const { return true; }
  // True when Decide may block on I/O (the LLM's network calls). The server
  // answers small requests of a pipeline with no such stage on its I/O
  // threads instead of handing them to a worker.
  virtual bool may_wait() const { return false; }
  // One line for people and the health endpoint: what is loaded
  // ("rules: 42 rules from rules/default.yaml").
  virtual std::string description() const { return std::string(name()); }
  // A short identifier of what the stage loaded, which changes whenever its
  // answers may change: a hash of the rule file's text, the model file's
  // checksum, the LLM model and prompt version. Shown in GET / and /metrics
  // so that an operator can tell which files a server answers with.
  virtual std::string version() const = 0;
  // What the stage did so far, for the end-of-run summary ("llm: 12 requests,
  // tokens ..."); empty when it has nothing to add to the decision counts.
  virtual std::string RunReport() const { return std::string(); }
  virtual Status Decide(Batch& batch, std::span<const size_t> pending) const = 0;
};

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_STAGE_H_

// The LLM stage: labels the lines the cheaper stages were not sure of by
// asking an OpenAI-compatible chat completion endpoint (Groq by default).
//
//   StatusOr<std::unique_ptr<Stage>> llm = MakeLlmStage(config);
//   LOGSIEVE_RETURN_IF_ERROR((*llm)->Decide(batch, pending));   // blocks until done
//   // batch.decisions[i] == {"Security Alert", Method::kLLM, 0.8, "llm: repeated failed logins"}
//
// For each pending line (the pipeline sends each distinct template once):
//   - the raw message, cut to llm.max_line_bytes and masked (llm.mask_pii,
//     llm.mask_patterns), is sent as JSON data, one line per request or
//     llm.batch_lines per request, up to llm.concurrency requests in flight;
//   - an answer in the label set → method LLM, the label, a confidence from
//     the label tokens' log probabilities when the server returns them, else
//     llm.fixed_confidence, and the model's reason in the detail;
//   - an answer outside the set (not mappable by case, spacing or
//     punctuation), "Unclassified", or unparseable → Unclassified, method
//     None, the raw answer in the detail;
//   - no API key, endpoint down (after retries), circuit breaker open, budget
//     spent, request refused (4xx), malformed response → the degraded
//     decision: the model stage's tentative guess when there is one (its
//     label, method and p, degraded = true, detail "llm unavailable: REASON;
//     model's best guess p=0.61"), else Unclassified, method None, degraded =
//     true, detail "llm unavailable: REASON".
// Every pending line gets a decision; Decide returns OK unless the batch
// itself is inconsistent. The API key never appears in a detail or message.
//
// A slow or failing endpoint is not silent: while requests wait and nothing
// has come back for llm.warn_after_ms, and when requests fail (at most once
// per llm.warn_after_ms), the stage prints "logsieve: warning: llm: ..." on
// stderr and counts it in logsieve_llm_warnings_total{reason="no_answer"|
// "failing"}.
//
// Thread safety: built, then frozen; Decide may run on many threads at once
// (the concurrency limit, budget and breaker are shared by all of them).
#ifndef LOGSIEVE_LLM_LLM_STAGE_H_
#define LOGSIEVE_LLM_LLM_STAGE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "common/config.h"
#include "common/stage.h"
#include "common/status.h"

namespace logsieve {

class HttpTransport;

// What the LLM stage did since it was built: for the run summary.
struct LlmStats {
  uint64_t requests = 0;  // HTTP requests sent, retries included
  uint64_t retries = 0;
  uint64_t failed_requests = 0;  // requests without a usable answer
  uint64_t refused = 0;          // not sent: budget spent or breaker open
  uint64_t breaker_opened = 0;
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;
  double request_seconds = 0;       // summed over requests
  uint64_t lines_labelled = 0;      // method LLM
  uint64_t lines_unclassified = 0;  // the answer named no label of the set
  uint64_t lines_unparsed = 0;      // of those, answers not understood (not "Unclassified")
  uint64_t lines_degraded = 0;      // llm unavailable: fallback decision

  // "llm: 12 requests (2 retries, 1 failed, 0 refused), tokens 3400 prompt +
  // 120 completion, mean 0.41 s; lines: 10 labelled, 1 unclassified, 1 degraded"
  std::string Summary() const;
};

// Builds the stage from the `llm` and `labels` sections. Fails on a bad
// setting (naming the key); a missing key is not an error (lines degrade).
StatusOr<std::unique_ptr<Stage>> MakeLlmStage(const Config& config);
// The same over another transport (tests, embedders).
StatusOr<std::unique_ptr<Stage>> MakeLlmStage(const Config& config,
                                              std::unique_ptr<HttpTransport> transport);

// The counters of `stage` when it is an LLM stage.
std::optional<LlmStats> GetLlmStats(const Stage& stage);

}  // namespace logsieve

#endif  // LOGSIEVE_LLM_LLM_STAGE_H_

// ChatClient: sends chat completion requests dependably and within budget.
//
//   ChatClient client(options, MakeCurlTransport());
//   StatusOr<ChatCompletion> c = client.Complete(BuildChatRequest(spec, lines));
//   if (!c.ok()) Degrade(c.status().message());   // never contains the key
//
// One Complete() call is one logical request:
//   - it waits for one of `concurrency` process-wide slots per attempt;
//   - it retries timeouts, dropped connections, 408, 429 and 5xx up to
//     `max_retries` times, waiting Retry-After (seconds or an HTTP date) when
//     the server sends one, else a full-jitter exponential backoff; other
//     4xx and malformed responses are not retried; a 429's Retry-After
//     pauses every request of this client, not only the one that got it;
//   - every attempt spends one call of the budget (per run, per minute); a
//     spent budget fails the request (kResourceExhausted) instead of waiting;
//   - the waits before retries (backoff, Retry-After) of all requests
//     together may not pass `max_retry_wait_ms`; a retry whose wait does not
//     fit is not taken (the request fails with its last error);
//   - a circuit breaker (circuit_breaker.h) opens after `breaker_failures`
//     consecutive failed requests (their last attempt ended in a timeout, a
//     connection error, a 5xx or a 429; a flaky endpoint that answers a retry
//     does not count): while open, requests and retries fail fast
//     (kUnavailable); after `breaker_open_ms` exactly one attempt goes through
//     as the probe (not retried) and its outcome closes or reopens it.
// Metrics: logsieve_llm_requests_total{outcome}, logsieve_llm_tokens_total{kind},
// logsieve_llm_request_seconds, logsieve_llm_refused_total{reason}.
//
// Thread safety: Complete may be called from any number of threads at once.
#ifndef LOGSIEVE_LLM_CHAT_CLIENT_H_
#define LOGSIEVE_LLM_CHAT_CLIENT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/config.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "llm/circuit_breaker.h"
#include "llm/http_transport.h"
#include "llm/prompt.h"

namespace logsieve {

// The llm.* keys of the same names; the config table holds the defaults.
struct ChatClientOptions {
  std::string url;      // {base_url}/chat/completions
  std::string api_key;  // empty: no Authorization header
  int64_t connect_timeout_ms = 0;
  int64_t timeout_ms = 0;
  int concurrency = 0;
  int max_retries = 0;
  int64_t backoff_base_ms = 0;
  int64_t backoff_max_ms = 0;
  int64_t retry_after_max_ms = 0;
  int64_t max_calls_per_run = 0;     // 0: no limit
  int64_t max_calls_per_minute = 0;  // 0: no limit
  int breaker_failures = 0;          // 0: no breaker
  int64_t breaker_open_ms = 0;
  int64_t max_retry_wait_ms = 0;  // total wait before retries per client (run); 0: no limit

  // Every field but `url` from the llm.* keys (ranges checked by the table).
  static ChatClientOptions FromConfig(const Config& config);
};

// The delay a Retry-After header asks for: delta-seconds ("7") or an HTTP
// date ("Wed, 21 Oct 2015 07:28:00 GMT", relative to `now`, never negative).
// Absent when the value is neither.
std::optional<std::chrono::milliseconds> ParseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

// Calls allowed per run and per sliding minute.
// Thread safety: TryAcquire may be called concurrently.
class CallBudget {
 public:
  CallBudget(int64_t per_run, int64_t per_minute) : per_run_(per_run), per_minute_(per_minute) {}
  // OK and one call spent, or kResourceExhausted saying which limit.
  Status TryAcquire(SteadyTime now);

 private:
  const int64_t per_run_, per_minute_;
  Mutex mu_;
  int64_t spent_ GUARDED_BY(mu_) = 0;
  std::deque<SteadyTime> recent_ GUARDED_BY(mu_);  // calls of the last minute
};

// Counters since the client was built.
struct ChatClientStats {
  uint64_t requests = 0;  // HTTP attempts sent (retries included)
  uint64_t retries = 0;
  uint64_t failed_attempts = 0;  // attempts that did not return a usable 200
  uint64_t refused = 0;          // requests not sent: budget spent or breaker open
  uint64_t breaker_opened = 0;
  uint64_t retry_wait_ms = 0;  // waited before retries (the llm.max_retry_wait_ms budget spent)
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;
  double request_seconds = 0;  // sum over attempts
};

class ChatClient {
 public:
  ChatClient(ChatClientOptions options, std::unique_ptr<HttpTransport> transport);

  // POSTs `body` (retrying as above) and parses the chat completion. Errors:
  // kUnavailable (endpoint down, breaker open), kDeadlineExceeded (timeouts),
  // kResourceExhausted (budget, or still rate-limited), kUnauthenticated /
  // kPermissionDenied (401/403), kInvalidArgument (other 4xx), kDataLoss
  // (malformed response). Messages name the cause, never the key. A 4xx is
  // never retried but 408 and 429; after a 401, 403 or 404 (a wrong key, URL
  // or model, which no retry mends) every later call fails at once with that
  // error, without a request.
  // `deadline`: the caller's (Batch::deadline). No attempt starts, waits for
  // a slot or a backoff, or runs past it; each attempt's timeout is cut to
  // the time left. Past it: kDeadlineExceeded.
  StatusOr<ChatCompletion> Complete(const std::string& body,
                                    SteadyTime deadline = SteadyTime::max());

  ChatClientStats stats() const;
  // `text` with every occurrence of the API key replaced by "<redacted>".
  std::string Redact(std::string text) const;

 private:
  // Waits for a free slot and for any pause a 429 + Retry-After asked for.
  // False when `deadline` passes first.
  bool AcquireSlot(SteadyTime deadline) EXCLUDES(slot_mu_);
  void PauseUntil(SteadyTime until) EXCLUDES(slot_mu_);
  void ReleaseSlot() EXCLUDES(slot_mu_);
  std::chrono::milliseconds Backoff(int retry) const;

  const ChatClientOptions options_;
  const std::unique_ptr<HttpTransport> transport_;
  CircuitBreaker breaker_;
  CallBudget budget_;
  RetryWaitBudget retry_wait_;

  Mutex slot_mu_;
  CondVar slot_cv_;
  int in_flight_ GUARDED_BY(slot_mu_) = 0;
  SteadyTime paused_until_ GUARDED_BY(slot_mu_){};

  Mutex refusal_mu_;
  Status refusal_ GUARDED_BY(refusal_mu_);  // a 401, 403 or 404 seen: not asked again

  std::atomic<uint64_t> requests_{0}, retries_{0}, failed_{0}, refused_{0}, opened_{0};
  std::atomic<uint64_t> prompt_tokens_{0}, completion_tokens_{0};
  std::atomic<double> seconds_{0};
};

}  // namespace logsieve

#endif  // LOGSIEVE_LLM_CHAT_CLIENT_H_

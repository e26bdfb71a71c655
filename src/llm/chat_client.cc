#include "llm/chat_client.h"

#include <time.h>

#include <algorithm>
#include <cctype>
#include <random>
#include <thread>

#include "common/config_binding.h"
#include "common/metrics.h"

namespace logsieve {

using std::chrono::milliseconds;

// ---------------------------------------------------------------------------
// Retry-After

std::optional<milliseconds> ParseRetryAfter(std::string_view value,
                                            std::chrono::system_clock::time_point now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front())))
    value.remove_prefix(1);
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back())))
    value.remove_suffix(1);
  if (value.empty()) return std::nullopt;
  if (std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    if (value.size() > 9) return milliseconds(std::numeric_limits<int32_t>::max());
    return milliseconds(std::stoll(std::string(value)) * 1000);
  }
  // IMF-fixdate, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::string text(value);
  struct tm tm = {};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr || *end != '\0') return std::nullopt;
  // In whole seconds: a far-off year would overflow the clock's nanoseconds.
  int64_t at = static_cast<int64_t>(timegm(&tm));
  int64_t now_s = static_cast<int64_t>(std::chrono::system_clock::to_time_t(now));
  if (at <= now_s) return milliseconds(0);
  return milliseconds(std::min<int64_t>(at - now_s, int64_t{1} << 31) * 1000);
}

// ---------------------------------------------------------------------------
// CallBudget

Status CallBudget::TryAcquire(SteadyTime now) {
  MutexLock lock(&mu_);
  if (per_run_ > 0 && spent_ >= per_run_) {
    return ResourceExhaustedError(
        "budget spent (llm.max_calls_per_run = " + std::to_string(per_run_) + ")");
  }
  if (per_minute_ > 0) {
    while (!recent_.empty() && now - recent_.front() >= std::chrono::minutes(1))
      recent_.pop_front();
    if (static_cast<int64_t>(recent_.size()) >= per_minute_) {
      return ResourceExhaustedError(
          "rate budget spent (llm.max_calls_per_minute = " + std::to_string(per_minute_) + ")");
    }
    recent_.push_back(now);
  }
  ++spent_;
  return OkStatus();
}

// ---------------------------------------------------------------------------
// ChatClient

namespace {

void AtomicAdd(std::atomic<double>& a, double by) {
  double cur = a.load(std::memory_order_relaxed);
  while (!a.compare_exchange_weak(cur, cur + by, std::memory_order_relaxed)) {
  }
}

struct Metrics {
  Counter& ok;
  Counter& timeout;
  Counter& connection;
  Counter& rate_limited;
  Counter& server_error;
  Counter& client_error;
  Counter& bad_response;
  Counter& prompt_tokens;
  Counter& completion_tokens;
  Counter& refused_budget;
  Counter& refused_breaker;
  Histogram& seconds;

  static Metrics& Get() {
    static Metrics* m = [] {
      MetricsRegistry& r = MetricsRegistry::Global();
      auto req = [&r](const char* outcome) -> Counter& {
        return r.GetCounter("logsieve_llm_requests_total",
                            "HTTP requests sent to the LLM endpoint, by outcome",
                            {{"outcome", outcome}});
      };
      auto tok = [&r](const char* kind) -> Counter& {
        return r.GetCounter("logsieve_llm_tokens_total",
                            "Tokens reported in the LLM responses' usage", {{"kind", kind}});
      };
      auto refused = [&r](const char* reason) -> Counter& {
        return r.GetCounter("logsieve_llm_refused_total",
                            "LLM requests not sent: budget spent or breaker open",
                            {{"reason", reason}});
      };
      return new Metrics{
          req("ok"),
          req("timeout"),
          req("connection_error"),
          req("rate_limited"),
          req("server_error"),
          req("client_error"),
          req("bad_response"),
          tok("prompt"),
          tok("completion"),
          refused("budget"),
          refused("breaker_open"),
          r.GetHistogram("logsieve_llm_request_seconds", "Latency of one LLM HTTP request",
                         DefaultLatencyBuckets())};
    }();
    return *m;
  }
};

std::string Snippet(std::string_view body) {
  std::string out;
  for (char c : body.substr(0, 160)) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  if (body.size() > 160) out += "...";
  return out;
}

std::string Attempts(int n) {
  return " (" + std::to_string(n) + (n == 1 ? " attempt)" : " attempts)");
}

}  // namespace

constexpr ConfigBinding<ChatClientOptions> kChatClientBindings[] = {
    {"llm.api_key", &ChatClientOptions::api_key},
    {"llm.connect_timeout_ms", &ChatClientOptions::connect_timeout_ms},
    {"llm.timeout_ms", &ChatClientOptions::timeout_ms},
    {"llm.concurrency", &ChatClientOptions::concurrency},
    {"llm.max_retries", &ChatClientOptions::max_retries},
    {"llm.backoff_base_ms", &ChatClientOptions::backoff_base_ms},
    {"llm.backoff_max_ms", &ChatClientOptions::backoff_max_ms},
    {"llm.retry_after_max_ms", &ChatClientOptions::retry_after_max_ms},
    {"llm.max_calls_per_run", &ChatClientOptions::max_calls_per_run},
    {"llm.max_calls_per_minute", &ChatClientOptions::max_calls_per_minute},
    {"llm.breaker_failures", &ChatClientOptions::breaker_failures},
    {"llm.breaker_open_ms", &ChatClientOptions::breaker_open_ms},
    {"llm.max_retry_wait_ms", &ChatClientOptions::max_retry_wait_ms},
};

ChatClientOptions ChatClientOptions::FromConfig(const Config& c) {
  ChatClientOptions o;
  BindConfig(c, kChatClientBindings, &o);
  return o;
}

ChatClient::ChatClient(ChatClientOptions options, std::unique_ptr<HttpTransport> transport)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      breaker_(options_.breaker_failures, milliseconds(options_.breaker_open_ms)),
      budget_(options_.max_calls_per_run, options_.max_calls_per_minute),
      retry_wait_(milliseconds(options_.max_retry_wait_ms)) {}

bool ChatClient::AcquireSlot(SteadyTime deadline) {
  MutexLock lock(&slot_mu_);
  for (;;) {
    while (in_flight_ >= std::max(1, options_.concurrency)) {
      if (deadline == SteadyTime::max()) {
        slot_cv_.Wait(&slot_mu_);
      } else if (!slot_cv_.WaitUntil(&slot_mu_, deadline) &&
                 in_flight_ >= std::max(1, options_.concurrency)) {
        return false;
      }
    }
    SteadyTime until = paused_until_;
    if (std::chrono::steady_clock::now() >= until) break;
    if (until >= deadline) return false;
    slot_mu_.Unlock();  // the endpoint asked everyone to wait (429 + Retry-After)
    std::this_thread::sleep_until(until);
    slot_mu_.Lock();
  }
  ++in_flight_;
  return true;
}

void ChatClient::PauseUntil(SteadyTime until) {
  MutexLock lock(&slot_mu_);
  paused_until_ = std::max(paused_until_, until);
}

void ChatClient::ReleaseSlot() {
  {
    MutexLock lock(&slot_mu_);
    --in_flight_;
  }
  slot_cv_.Signal();
}

milliseconds ChatClient::Backoff(int retry) const {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  int64_t ceiling = options_.backoff_base_ms;
  for (int i = 1; i < retry && ceiling < options_.backoff_max_ms; ++i) ceiling *= 2;
  ceiling = std::clamp<int64_t>(ceiling, 0, options_.backoff_max_ms);
  if (ceiling <= 0) return milliseconds(0);
  return milliseconds(std::uniform_int_distribution<int64_t>(0, ceiling)(rng));  // full jitter
}

std::string ChatClient::Redact(std::string text) const {
  const std::string& key = options_.api_key;
  if (key.empty()) return text;
  for (size_t pos = text.find(key); pos != std::string::npos; pos = text.find(key, pos)) {
    text.replace(pos, key.size(), "<redacted>");
  }
  return text;
}

StatusOr<ChatCompletion> ChatClient::Complete(const std::string& body, SteadyTime deadline) {
  Metrics& m = Metrics::Get();
  HttpRequest request{options_.url, body, options_.api_key, options_.connect_timeout_ms,
                      options_.timeout_ms};
  Status last;
  auto refuse_open = [&]() -> Status {
    refused_.fetch_add(1, std::memory_order_relaxed);
    m.refused_breaker.Inc();
    std::string why = "circuit breaker open (endpoint failing; probing again within " +
                      std::to_string(options_.breaker_open_ms) + " ms)";
    if (!last.ok()) why += "; last error: " + last.message();
    return UnavailableError(why);
  };
  // Every attempt asks the breaker, retries included, so retries in flight
  // when it opened neither slip through after the window nor bypass the
  // single probe. A failed request (its last attempt) counts once, so a flaky
  // but alive endpoint does not open it. A probe is not retried.
  CircuitBreaker::Admit admit = CircuitBreaker::Admit::kNo;
  auto deadline_passed = [&]() -> Status {
    std::string why = "the caller's deadline passed (server.classify_timeout_ms)";
    if (!last.ok()) why += "; last error: " + last.message();
    return DeadlineExceededError(Redact(why));
  };
  {
    MutexLock lock(&refusal_mu_);
    if (!refusal_.ok()) {
      refused_.fetch_add(1, std::memory_order_relaxed);
      return Status(refusal_.code(),
                    refusal_.message() + " (an earlier request; not asked again until a reload)");
    }
  }
  for (int attempt = 1;; ++attempt) {
    SteadyTime now = std::chrono::steady_clock::now();
    if (now >= deadline) return deadline_passed();
    bool cut_by_deadline = false;         // this attempt's timeout is the caller's deadline
    if (deadline != SteadyTime::max()) {  // this attempt ends by the deadline
      int64_t left = std::chrono::duration_cast<milliseconds>(deadline - now).count();
      cut_by_deadline = left < options_.timeout_ms;
      request.timeout_ms = std::clamp<int64_t>(left, 1, options_.timeout_ms);
      request.connect_timeout_ms = std::min(request.connect_timeout_ms, request.timeout_ms);
    }
    admit = breaker_.Allow(now);
    if (admit == CircuitBreaker::Admit::kNo) return refuse_open();
    if (Status b = budget_.TryAcquire(now); !b.ok()) {
      // A probe we did not send must not hold the breaker half-open.
      if (admit == CircuitBreaker::Admit::kProbe) breaker_.AbandonProbe();
      refused_.fetch_add(1, std::memory_order_relaxed);
      m.refused_budget.Inc();
      if (!last.ok()) return Status(b.code(), b.message() + "; last error: " + last.message());
      return b;
    }
    if (attempt > 1) retries_.fetch_add(1, std::memory_order_relaxed);
    requests_.fetch_add(1, std::memory_order_relaxed);
    if (!AcquireSlot(deadline)) {
      if (admit == CircuitBreaker::Admit::kProbe) breaker_.AbandonProbe();
      return deadline_passed();
    }
    HttpResponse r = transport_->Post(request);
    ReleaseSlot();
    AtomicAdd(seconds_, r.seconds);
    m.seconds.Observe(r.seconds);

    bool retryable = false;
    bool endpoint_failure = false;  // counts toward the breaker when the request gives up on it
    std::optional<milliseconds> wait;
    if (r.outcome == HttpOutcome::kOk && r.status >= 200 && r.status < 300) {
      StatusOr<ChatCompletion> c = ParseChatCompletion(r.body);
      breaker_.OnSuccess(admit);  // the endpoint answered, whatever it said
      if (!c.ok()) {
        m.bad_response.Inc();
        failed_.fetch_add(1, std::memory_order_relaxed);
        return DataLossError(Redact("endpoint sent a malformed response: " + c.status().message()));
      }
      m.ok.Inc();
      prompt_tokens_.fetch_add(static_cast<uint64_t>(std::max<int64_t>(0, c->prompt_tokens)));
      completion_tokens_.fetch_add(
          static_cast<uint64_t>(std::max<int64_t>(0, c->completion_tokens)));
      m.prompt_tokens.Inc(static_cast<double>(std::max<int64_t>(0, c->prompt_tokens)));
      m.completion_tokens.Inc(static_cast<double>(std::max<int64_t>(0, c->completion_tokens)));
      return c;
    }
    failed_.fetch_add(1, std::memory_order_relaxed);
    switch (r.outcome) {
      case HttpOutcome::kTimeout:
        m.timeout.Inc();
        last = DeadlineExceededError("endpoint timed out: " + r.error);
        retryable = endpoint_failure = true;
        break;
      case HttpOutcome::kTooLarge:
        breaker_.OnSuccess(admit);  // it answered (every return must settle a half-open probe)
        m.bad_response.Inc();
        return DataLossError("endpoint sent a response too large: " + r.error);
      case HttpOutcome::kConnection:
        m.connection.Inc();
        last = UnavailableError("endpoint unreachable: " + r.error);
        retryable = endpoint_failure = true;
        break;
      case HttpOutcome::kOk:
        if (r.status == 429) {
          // Alive but refusing us: retried, and a request that ends on a 429
          // (sustained rate limiting) counts toward the breaker.
          m.rate_limited.Inc();
          last = ResourceExhaustedError("endpoint rate-limited us (HTTP 429)");
          retryable = endpoint_failure = true;
          wait = ParseRetryAfter(r.retry_after, std::chrono::system_clock::now());
        } else if (r.status == 408) {
          m.timeout.Inc();
          last = DeadlineExceededError("endpoint timed out reading the request (HTTP 408)");
          retryable = true;
        } else if (r.status >= 500) {
          m.server_error.Inc();
          last = UnavailableError("endpoint failing: HTTP " + std::to_string(r.status));
          retryable = endpoint_failure = true;
          wait = ParseRetryAfter(r.retry_after, std::chrono::system_clock::now());
        } else {
          m.client_error.Inc();
          std::string what = "endpoint refused the request: HTTP " + std::to_string(r.status) +
                             ": " + Snippet(r.body);
          StatusCode code = r.status == 401   ? StatusCode::kUnauthenticated
                            : r.status == 403 ? StatusCode::kPermissionDenied
                                              : StatusCode::kInvalidArgument;
          breaker_.OnSuccess(admit);
          Status refused(code, Redact(what));
          if (r.status == 401 || r.status == 403 || r.status == 404) {
            MutexLock lock(&refusal_mu_);
            refusal_ = refused;
          }
          return refused;
        }
        break;
    }
    if (!endpoint_failure) breaker_.OnSuccess(admit);  // 408: alive, just slow
    bool give_up = !retryable || attempt > options_.max_retries ||
                   (endpoint_failure && admit == CircuitBreaker::Admit::kProbe);
    std::string why;
    milliseconds delay = Backoff(attempt);
    if (!give_up && wait) {
      if (wait->count() > options_.retry_after_max_ms) {
        give_up = true;
        why = "; Retry-After " + std::to_string(wait->count() / 1000) +
              " s is beyond llm.retry_after_max_ms";
      } else {
        delay = *wait;
      }
    }
    // An attempt that timed out at the deadline is not retried, even when the
    // transport's timer (whole milliseconds) fired a little before it.
    if (!give_up && deadline != SteadyTime::max() &&
        ((cut_by_deadline && r.outcome == HttpOutcome::kTimeout) ||
         std::chrono::steady_clock::now() + delay >= deadline)) {
      give_up = true;
      why = "; the caller's deadline comes before the next attempt (server.classify_timeout_ms)";
    }
    if (!give_up && !retry_wait_.TrySpend(delay)) {
      give_up = true;
      why = "; retry wait budget spent (llm.max_retry_wait_ms = " +
            std::to_string(options_.max_retry_wait_ms) + ")";
    }
    if (give_up) {
      if (endpoint_failure && breaker_.OnFailure(std::chrono::steady_clock::now(), admit)) {
        opened_.fetch_add(1);
      }
      return Status(last.code(), Redact(last.message() + why + Attempts(attempt)));
    }
    // A 429's Retry-After pauses everyone, not just this request: the limit
    // is the account's. It was charged to the retry wait budget above.
    if (r.status == 429 && wait) PauseUntil(std::chrono::steady_clock::now() + *wait);
    last = Status(last.code(), last.message() + Attempts(attempt));
    std::this_thread::sleep_for(delay);
  }
}

ChatClientStats ChatClient::stats() const {
  ChatClientStats s;
  s.requests = requests_.load();
  s.retries = retries_.load();
  s.failed_attempts = failed_.load();
  s.refused = refused_.load();
  s.breaker_opened = opened_.load();
  s.retry_wait_ms = static_cast<uint64_t>(retry_wait_.spent().count());
  s.prompt_tokens = prompt_tokens_.load();
  s.completion_tokens = completion_tokens_.load();
  s.request_seconds = seconds_.load();
  return s;
}

}  // namespace logsieve

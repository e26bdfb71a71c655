#include "ingest/otlp_output.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/json.h"
#include "common/metrics.h"

namespace logsieve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kFirstBackoff{100};
// The longest Retry-After honoured: a receiver asking for more is asked again then.
constexpr std::chrono::seconds kMaxRetryAfter{60};
constexpr size_t kMaxResponseBytes = 1 << 20;

// The OTLP/HTTP spec's retryable answers.
bool Retryable(int status) {
  return status == 429 || status == 502 || status == 503 || status == 504;
}

// The first 300 bytes of a receiver's answer, on one line, for the log.
std::string Snippet(std::string_view body) {
  std::string out(body.substr(0, 300));
  std::replace_if(
      out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
  return out;
}

// Retry-After in delta-seconds; an HTTP-date (or nothing) gives 0: the backoff decides.
std::chrono::seconds RetryAfter(const std::string& value) {
  if (value.empty() || value.size() > 9 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::chrono::seconds(0);
  }
  return std::min(std::chrono::seconds(std::stol(value)), kMaxRetryAfter);
}

void CountRejected(size_t records, int status, std::string_view why) {
  Counter& c = MetricsRegistry::Global().GetCounter(
      "logsieve_output_rejected_records_total",
      "Records an output's receiver refused for good (not retried): OTLP 4xx other than 429, "
      "5xx other than 502-504, partial success",
      {{"output", "otlp"}});
  const auto before = static_cast<uint64_t>(c.value());
  c.Inc(static_cast<double>(records));
  // One log line for the first 10 refusals, then the 100th, 1000th, ... record.
  const auto after = static_cast<uint64_t>(c.value());
  bool log = false;
  for (uint64_t n = before + 1; n <= after && !log; ++n) log = WorthLogging(n);
  if (log) {
    std::fprintf(stderr,
                 "logsieve worker: output.otlp.endpoint: the receiver refused %zu records "
                 "(HTTP %d): %s (%llu refused so far; not retried)\n",
                 records, status, Snippet(why).c_str(), static_cast<unsigned long long>(after));
  }
}

// partialSuccess.rejectedLogRecords of a 2xx answer (an int64, as a string
// or a number), and its errorMessage.
uint64_t PartiallyRejected(const std::string& body, std::string* message) {
  if (body.empty() || body.front() != '{') return 0;
  StatusOr<nlohmann::json> j = ParseJson(body, "OTLP response");
  if (!j.ok() || !j->is_object() || !j->contains("partialSuccess")) return 0;
  const nlohmann::json& p = (*j)["partialSuccess"];
  if (!p.is_object() || !p.contains("rejectedLogRecords")) return 0;
  const nlohmann::json& n = p["rejectedLogRecords"];
  uint64_t rejected = 0;
  if (n.is_number_unsigned()) rejected = n.get<uint64_t>();
  if (n.is_string()) rejected = std::strtoull(n.get<std::string>().c_str(), nullptr, 10);
  if (p.contains("errorMessage") && p["errorMessage"].is_string()) {
    *message = p["errorMessage"].get<std::string>();
  }
  return rejected;
}

bool ValidHeader(const std::string& h) {
  size_t colon = h.find(':');
  if (colon == 0 || colon == std::string::npos) return false;
  for (char c : h.substr(0, colon)) {
    if (c <= ' ' || c >= 127) return false;
  }
  return h.find_first_of("\r\n") == std::string::npos;
}

}  // namespace

StatusOr<std::string> OtlpLogsUrl(const std::string& endpoint) {
  size_t scheme = endpoint.find("://");
  std::string name = scheme == std::string::npos ? "" : endpoint.substr(0, scheme);
  if (name != "http" && name != "https") {
    return InvalidArgumentError("output.otlp.endpoint: '" + endpoint +
                                "' is not an http:// or https:// URL");
  }
  size_t path = endpoint.find('/', scheme + 3);
  if (path == scheme + 3) {
    return InvalidArgumentError("output.otlp.endpoint: '" + endpoint + "' has no host");
  }
  if (path == std::string::npos) return endpoint + "/v1/logs";
  if (endpoint.substr(path) == "/") return endpoint + "v1/logs";
  return endpoint;
}

StatusOr<std::unique_ptr<OtlpOutput>> OtlpOutput::Start(OtlpOutputOptions options,
                                                        std::unique_ptr<HttpTransport> http) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::string url, OtlpLogsUrl(options.endpoint));
  for (const std::string& h : options.headers) {
    if (!ValidHeader(h)) {
      return InvalidArgumentError("output.otlp.headers: '" + h +
                                  "' is not a header line 'Name: value'");
    }
  }
  if (options.batch_size == 0 || options.queue_records == 0) {
    return InvalidArgumentError("output.otlp.batch_size and output.otlp.queue_records must be > 0");
  }
  if (http == nullptr) http = MakeCurlTransport(kMaxResponseBytes);
  return std::unique_ptr<OtlpOutput>(
      new OtlpOutput(std::move(options), std::move(url), std::move(http)));
}

OtlpOutput::OtlpOutput(OtlpOutputOptions options, std::string url,
                       std::unique_ptr<HttpTransport> http)
    : options_(std::move(options)), url_(std::move(url)), http_(std::move(http)) {
  sender_ = std::thread([this] { SendLoop(); });
}

OtlpOutput::~OtlpOutput() {
  {
    MutexLock lock(&mu_);
    stop_ = true;
    changed_.SignalAll();
  }
  if (sender_.joinable()) sender_.join();
}

void OtlpOutput::SetQueuedGauge() {
  MetricsRegistry::Global()
      .GetGauge("logsieve_output_queued_records",
                "Records an output holds: queued, or in a request not yet answered",
                {{"output", "otlp"}})
      .Set(static_cast<double>(queue_.size() + in_flight_));
}

Status OtlpOutput::Write(const ClassifiedBatch& batch) {
  const auto now_ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                                std::chrono::system_clock::now().time_since_epoch())
                                                .count());
  const auto give_up = Clock::now() + options_.write_wait;
  MutexLock lock(&mu_);
  while (taken_ < batch.records.size()) {
    if (stop_) return UnavailableError("output.otlp.endpoint: the output has stopped");
    const size_t held = queue_.size() + in_flight_;
    if (held >= options_.queue_records) {
      if (Clock::now() >= give_up) {
        return UnavailableError(
            "output.otlp.endpoint: the queue is full (" + std::to_string(held) + " records): '" +
            url_ + "' is not taking them" +
            (last_error_.empty() ? std::string() : " (last error: " + last_error_ + ")"));
      }
      changed_.WaitUntil(&mu_, give_up);
      continue;
    }
    if (queue_.empty()) oldest_ = Clock::now();
    const size_t n = std::min(options_.queue_records - held, batch.records.size() - taken_);
    for (size_t i = 0; i < n; ++i, ++taken_) {
      queue_.push_back({batch.records[taken_], batch.decisions[taken_], now_ns});
    }
    SetQueuedGauge();
    changed_.SignalAll();
  }
  taken_ = 0;
  return OkStatus();
}

void OtlpOutput::Abandon() { taken_ = 0; }

void OtlpOutput::SendLoop() {
  std::vector<Queued> taken;
  std::vector<EncodedOtlpRecord> records;
  for (;;) {
    {
      MutexLock lock(&mu_);
      for (;;) {
        if (stop_) return;
        if (queue_.size() >= options_.batch_size) break;
        if (!queue_.empty() && (finishing_ || Clock::now() >= oldest_ + options_.flush_interval)) {
          break;
        }
        if (queue_.empty()) {
          changed_.Wait(&mu_);
        } else {
          changed_.WaitUntil(&mu_, oldest_ + options_.flush_interval);
        }
      }
      // The records left, if any, have waited at least this request's time: due at once.
      const size_t n = std::min(options_.batch_size, queue_.size());
      taken.clear();
      for (size_t i = 0; i < n; ++i) {
        taken.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      in_flight_ = n;
    }
    records.clear();
    for (const Queued& q : taken) {
      records.push_back(EncodeOtlpLogRecord(q.record, q.decision, q.observed_time_unix_nano));
    }
    if (!Deliver(records)) return;  // stopped; in_flight_ counts them as not delivered
    MutexLock lock(&mu_);
    in_flight_ = 0;
    SetQueuedGauge();
    changed_.SignalAll();  // room for Write; an empty queue for Finish
  }
}

bool OtlpOutput::Sleep(Clock::time_point until) {
  MutexLock lock(&mu_);
  while (!stop_ && Clock::now() < until) {
    changed_.WaitUntil(&mu_, finishing_ ? std::min(until, deadline_) : until);
    if (finishing_ && Clock::now() >= deadline_) break;
  }
  return !stop_;
}

bool OtlpOutput::Deliver(const std::vector<EncodedOtlpRecord>& records) {
  HttpRequest request;
  request.url = url_;
  request.body = EncodeOtlpExportRequest(records);
  request.headers = options_.headers;
  std::chrono::milliseconds backoff = kFirstBackoff;
  std::string last_logged;
  for (;;) {
    std::chrono::milliseconds timeout = options_.timeout;
    {
      MutexLock lock(&mu_);
      if (stop_) return false;
      if (finishing_) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline_ - Clock::now());
        if (left.count() <= 0) return false;
        timeout = std::min(timeout, left);
      }
    }
    request.connect_timeout_ms = timeout.count();
    request.timeout_ms = timeout.count();
    HttpResponse r = http_->Post(request);
    if (r.outcome == HttpOutcome::kOk && r.status >= 200 && r.status < 300) {
      std::string message;
      uint64_t refused = std::min<uint64_t>(PartiallyRejected(r.body, &message), records.size());
      if (refused > 0) CountRejected(refused, r.status, "partial success: " + message);
      delivered_.fetch_add(records.size() - refused, std::memory_order_relaxed);
      rejected_.fetch_add(refused, std::memory_order_relaxed);
      CountWritten(name(), records.size() - refused);
      MutexLock lock(&mu_);
      last_error_.clear();
      return true;
    }
    if (r.outcome == HttpOutcome::kOk && !Retryable(r.status)) {
      CountRejected(records.size(), r.status, r.body);
      rejected_.fetch_add(records.size(), std::memory_order_relaxed);
      return true;
    }
    CountOutputError(name());
    std::chrono::milliseconds wait = backoff;
    std::string error;
    if (r.outcome == HttpOutcome::kOk) {
      error = "HTTP " + std::to_string(r.status);
      if (!r.body.empty()) error += ": " + Snippet(r.body);
      if (auto after = RetryAfter(r.retry_after); after.count() > 0) {
        wait = after;
        error += " (Retry-After: " + r.retry_after + ")";
      }
    } else {
      error = r.error;
    }
    if (error != last_logged) {
      std::fprintf(stderr,
                   "logsieve worker: output.otlp.endpoint: POST %s failed: %s; retrying %zu "
                   "records\n",
                   url_.c_str(), error.c_str(), records.size());
      last_logged = error;
    }
    {
      MutexLock lock(&mu_);
      last_error_ = error;
    }
    if (!Sleep(Clock::now() + wait)) return false;
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
}

uint64_t OtlpOutput::Finish(Clock::time_point deadline) {
  {
    MutexLock lock(&mu_);
    finishing_ = true;
    deadline_ = deadline;
    changed_.SignalAll();
    while (!(queue_.empty() && in_flight_ == 0) && Clock::now() < deadline) {
      changed_.WaitUntil(&mu_, deadline);
    }
    stop_ = true;
    changed_.SignalAll();
  }
  if (sender_.joinable()) sender_.join();
  MutexLock lock(&mu_);
  const uint64_t left = queue_.size() + in_flight_;
  if (left > 0) {
    std::fprintf(stderr,
                 "logsieve worker: output.otlp.endpoint: %llu records not delivered to '%s' by the "
                 "drain deadline (last error: %s)\n",
                 static_cast<unsigned long long>(left), url_.c_str(),
                 last_error_.empty() ? "none" : last_error_.c_str());
  }
  return left;
}

}  // namespace logsieve

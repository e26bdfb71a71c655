#include "llm/llm_stage.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <span>
#include <system_error>
#include <thread>
#include <utility>
#include <vector>

#include "common/metrics.h"
#include "common/thread_annotations.h"
#include "llm/chat_client.h"
#include "llm/http_transport.h"
#include "llm/pii_masker.h"
#include "llm/prompt.h"

namespace logsieve {
namespace {

constexpr size_t kMaxReasonBytes = 200;

std::string OneLine(std::string_view s, size_t max) {
  std::string out;
  for (char c : s.substr(0, max)) out += static_cast<unsigned char>(c) < 0x20 ? ' ' : c;
  if (s.size() > max) out += "...";
  return out;
}

// Cuts at `max` bytes without splitting a UTF-8 sequence.
std::string_view Cut(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

struct Settings {
  std::string base_url;
  std::string model;
  bool has_key = false;
  std::string unavailable;  // why no request can be made at all; empty when one can
  PromptSpec prompt;
  std::string prompt_version;  // PromptVersion(config)
  PiiMasker masker;
  // From the llm.* keys (the table holds the defaults).
  size_t max_line_bytes = 0;
  size_t batch_lines = 0;
  int concurrency = 0;
  std::chrono::milliseconds warn_after{0};  // 0: no warnings
  float fixed_confidence = 0;
  ChatClientOptions client;
};

StatusOr<Settings> ReadSettings(const Config& c) {
  Settings s;
  s.prompt_version = PromptVersion(c);
  s.base_url = c.GetString("llm.base_url");
  while (!s.base_url.empty() && s.base_url.back() == '/') s.base_url.pop_back();
  if (!s.base_url.empty() && s.base_url.rfind("http://", 0) != 0 &&
      s.base_url.rfind("https://", 0) != 0) {
    return InvalidArgumentError("'llm.base_url' must start with http:// or https://, got '" +
                                s.base_url + "' (" + c.Origin("llm.base_url") + ")");
  }
  s.model = c.GetString("llm.model");
  const std::string& key = c.GetString("llm.api_key");
  for (char ch : key) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) {
      // The key itself is never echoed.
      return InvalidArgumentError("'llm.api_key' contains a control character (" +
                                  c.Origin("llm.api_key") + ")");
    }
  }
  s.has_key = !key.empty();
  if (s.base_url.empty()) {
    s.unavailable = "llm.base_url is empty";
  } else if (!s.has_key && c.GetBool("llm.require_key")) {
    s.unavailable = "no API key (set LOGSIEVE_LLM_API_KEY or GROQ_API_KEY)";
  }

  s.prompt.labels.assign(c.labels().labels().begin(), c.labels().labels().end());
  // Under a team's own labels (labels[].from) the examples' bundled labels
  // are mapped, and an example of a bundled label left unmapped is dropped
  // (the LLM may not answer it); any other label is still an error.
  nlohmann::json examples = c.GetJson("llm.examples");
  if (c.labels().uses_from() && examples.is_array()) {
    nlohmann::json kept = nlohmann::json::array();
    for (nlohmann::json& e : examples) {
      if (e.is_object() && e.contains("label") && e["label"].is_string()) {
        const std::string label = e["label"].get<std::string>();
        if (std::optional<std::string_view> answer = c.labels().Map(label)) {
          e["label"] = std::string(*answer);
        } else if (c.labels().Accepts(label, BundledLabels().names())) {
          continue;
        }
      }
      kept.push_back(std::move(e));
    }
    examples = std::move(kept);
  }
  LOGSIEVE_ASSIGN_OR_RETURN(s.prompt.examples, ExamplesFromJson(examples, s.prompt.labels));
  s.prompt.model = s.model;
  s.prompt.response_format = c.GetBool("llm.response_format");
  s.prompt.logprobs = c.GetBool("llm.logprobs");
  s.prompt.max_tokens_per_line = c.GetInt("llm.max_tokens_per_line");
  LOGSIEVE_ASSIGN_OR_RETURN(
      s.masker, PiiMasker::Create(c.GetStringList("llm.mask_pii"), c.GetJson("llm.mask_patterns")));

  s.fixed_confidence = static_cast<float>(c.GetDouble("llm.fixed_confidence"));
  s.max_line_bytes = c.GetSize("llm.max_line_bytes");
  s.batch_lines = c.GetSize("llm.batch_lines");
  s.concurrency = static_cast<int>(c.GetInt("llm.concurrency"));
  s.warn_after = std::chrono::milliseconds(c.GetInt("llm.warn_after_ms"));

  s.client = ChatClientOptions::FromConfig(c);
  s.client.url = s.base_url + "/chat/completions";
  return s;
}

Counter& WarningCounter(const char* reason) {
  return MetricsRegistry::Global().GetCounter(
      "logsieve_llm_warnings_total",
      "Warnings on stderr about the LLM endpoint: no answer for llm.warn_after_ms while requests "
      "wait, or failing requests",
      {{"reason", reason}});
}

// Watches one Decide call from a thread of its own: each time `after` passes
// with requests waiting and no answer back, says so on stderr.
class NoAnswerWarning {
 public:
  NoAnswerWarning(std::chrono::milliseconds after, std::string endpoint)
      : after_(after), endpoint_(std::move(endpoint)) {
    if (after_.count() == 0) return;
    try {
      thread_ = std::thread([this] { Watch(); });
    } catch (const std::system_error&) {
      // No watcher: the run goes on, only without the warning.
    }
  }
  ~NoAnswerWarning() {
    {
      MutexLock lock(&mu_);
      done_ = true;
    }
    cv_.SignalAll();
    if (thread_.joinable()) thread_.join();
  }
  NoAnswerWarning(const NoAnswerWarning&) = delete;
  NoAnswerWarning& operator=(const NoAnswerWarning&) = delete;

  // A request came back (with an answer or an error).
  void Answered() { answered_.fetch_add(1, std::memory_order_relaxed); }

 private:
  void Watch() {
    using Clock = std::chrono::steady_clock;
    MutexLock lock(&mu_);
    uint64_t seen = answered_.load(std::memory_order_relaxed);
    Clock::time_point since = Clock::now();
    while (!done_) {
      if (cv_.WaitUntil(&mu_, Clock::now() + after_) || done_) continue;
      const uint64_t now_answered = answered_.load(std::memory_order_relaxed);
      if (now_answered != seen) {
        seen = now_answered;
        since = Clock::now();
        continue;
      }
      const double waited = std::chrono::duration<double>(Clock::now() - since).count();
      std::fprintf(stderr,
                   "logsieve: warning: llm: no answer from %s for %.0f s; lines wait for it "
                   "(llm.timeout_ms, llm.max_retries), then degrade\n",
                   endpoint_.c_str(), waited);
      WarningCounter("no_answer").Inc();
    }
  }

  const std::chrono::milliseconds after_;
  const std::string endpoint_;
  std::atomic<uint64_t> answered_{0};
  Mutex mu_;
  CondVar cv_;
  bool done_ GUARDED_BY(mu_) = false;
  std::thread thread_;
};

class LlmStage final : public Stage {
 public:
  LlmStage(Settings settings, std::unique_ptr<HttpTransport> transport)
      : s_(std::move(settings)), client_(s_.client, std::move(transport)) {}

  std::string_view name() const override { return "llm"; }
  std::string description() const override {
    return "llm: " + s_.model + " at " + s_.base_url + (s_.has_key ? " (key set)" : " (no key)");
  }
  // The model asked and the prompt it is asked with: "MODEL/PROMPT_VERSION".
  std::string version() const override { return s_.model + "/" + s_.prompt_version; }
  std::string RunReport() const override { return stats().Summary(); }
  // An unavailable LLM (no endpoint, or no key when one is required) answers
  // at once: every line degrades without a request.
  bool may_wait() const override { return s_.unavailable.empty(); }

  Status Decide(Batch& batch, std::span<const size_t> pending) const override {
    if (batch.decisions.size() != batch.size() || batch.tentative.size() != batch.size()) {
      return InternalError("llm stage: batch not Reset() (decisions/tentative sized wrong)");
    }
    for (size_t i : pending) {
      if (i >= batch.size()) return InternalError("llm stage: pending index out of range");
    }
    if (!s_.unavailable.empty()) {
      for (size_t i : pending) Degrade(batch, i, s_.unavailable);
      return OkStatus();
    }

    // What leaves the machine: cut, masked.
    std::vector<size_t> index;
    std::vector<PromptLine> lines;
    index.reserve(pending.size());
    lines.reserve(pending.size());
    std::vector<bool> seen(batch.size(), false);
    for (size_t i : pending) {
      if (seen[i]) continue;  // an index given twice is asked (and written) once
      seen[i] = true;
      const LogRecord& r = batch.records[i];
      StatusOr<std::string> text = s_.masker.Mask(Cut(r.message, s_.max_line_bytes));
      if (!text.ok()) {
        Degrade(batch, i, "not sent: " + text.status().message());
        continue;
      }
      index.push_back(i);
      lines.push_back({std::string(Cut(r.source, 256)), std::move(text).value()});
    }

    const size_t groups = (lines.size() + s_.batch_lines - 1) / s_.batch_lines;
    std::atomic<size_t> next{0};
    NoAnswerWarning watch(groups > 0 ? s_.warn_after : std::chrono::milliseconds(0), s_.base_url);
    auto work = [&] {
      for (size_t g = next.fetch_add(1); g < groups; g = next.fetch_add(1)) {
        size_t begin = g * s_.batch_lines;
        size_t n = std::min(s_.batch_lines, lines.size() - begin);
        Ask(batch, std::span(index).subspan(begin, n),
            std::span<const PromptLine>(lines).subspan(begin, n));
        watch.Answered();
      }
    };
    const size_t workers = std::min<size_t>(static_cast<size_t>(s_.concurrency), groups);
    std::vector<std::thread> threads;
    for (size_t t = 1; t < workers; ++t) {
      try {
        threads.emplace_back(work);
      } catch (const std::system_error&) {
        break;  // fewer threads, same work
      }
    }
    work();
    for (std::thread& t : threads) t.join();
    return OkStatus();
  }

  LlmStats stats() const {
    ChatClientStats c = client_.stats();
    LlmStats s;
    s.requests = c.requests;
    s.retries = c.retries;
    s.failed_requests = c.failed_attempts;
    s.refused = c.refused;
    s.breaker_opened = c.breaker_opened;
    s.prompt_tokens = c.prompt_tokens;
    s.completion_tokens = c.completion_tokens;
    s.request_seconds = c.request_seconds;
    s.lines_labelled = labelled_.load();
    s.lines_unclassified = unclassified_.load();
    s.lines_unparsed = unparsed_.load();
    s.lines_degraded = degraded_.load();
    return s;
  }

 private:
  // One request for `lines`; writes the decisions of `index`.
  void Ask(Batch& batch, std::span<const size_t> index, std::span<const PromptLine> lines) const {
    StatusOr<ChatCompletion> c =
        client_.Complete(BuildChatRequest(s_.prompt, lines), batch.deadline);
    if (!c.ok()) {
      WarnFailing(c.status());
      for (size_t i : index) Degrade(batch, i, c.status().message());
      return;
    }
    std::vector<LineAnswer> answers = ParseAnswers(*c, s_.prompt.labels, lines.size());
    for (size_t k = 0; k < index.size(); ++k) {
      LineAnswer& a = answers[k];
      Decision d;
      if (a.label) {
        d.label = std::move(*a.label);
        d.method = Method::kLLM;
        d.confidence = a.probability.value_or(s_.fixed_confidence);
        d.detail =
            a.reason.empty() ? "llm" : client_.Redact("llm: " + OneLine(a.reason, kMaxReasonBytes));
        labelled_.fetch_add(1, std::memory_order_relaxed);
        Lines().labelled.Inc();
      } else {
        d.detail = client_.Redact(a.problem);
        if (!a.no_fit) unparsed_.fetch_add(1, std::memory_order_relaxed);
        unclassified_.fetch_add(1, std::memory_order_relaxed);
        Lines().unclassified.Inc();
      }
      batch.decisions[index[k]] = std::move(d);
    }
  }

  // A failed request: on stderr at once, then at most once per
  // llm.warn_after_ms with the count since the last warning.
  void WarnFailing(const Status& error) const {
    if (s_.warn_after.count() == 0) return;
    const auto now = std::chrono::steady_clock::now();
    uint64_t failures = 0;
    {
      MutexLock lock(&warn_mu_);
      ++failures_unreported_;
      if (last_failure_warning_ != std::chrono::steady_clock::time_point{} &&
          now - last_failure_warning_ < s_.warn_after) {
        return;
      }
      last_failure_warning_ = now;
      failures = std::exchange(failures_unreported_, 0);
    }
    std::fprintf(stderr, "logsieve: warning: llm: %llu request%s failed, lines degrade: %s\n",
                 static_cast<unsigned long long>(failures), failures == 1 ? "" : "s",
                 client_.Redact(error.message()).c_str());
    WarningCounter("failing").Inc();
  }

  void Degrade(Batch& batch, size_t i, const std::string& reason) const {
    std::string why = "llm unavailable: " + client_.Redact(reason);
    const Decision& guess = batch.tentative[i];
    Decision d;
    if (guess.method == Method::kML && guess.label != kUnclassified) {
      d = guess;
      char p[32] = "";
      if (guess.confidence)
        std::snprintf(p, sizeof p, " p=%.2f", static_cast<double>(*guess.confidence));
      d.detail = why + "; model's best guess" + p;
    } else {
      d.detail = why;
    }
    d.degraded = true;
    batch.decisions[i] = std::move(d);
    degraded_.fetch_add(1, std::memory_order_relaxed);
    Lines().degraded.Inc();
  }

  struct LineMetrics {
    Counter& labelled;
    Counter& unclassified;
    Counter& degraded;
  };
  static LineMetrics& Lines() {
    static LineMetrics* m = [] {
      MetricsRegistry& r = MetricsRegistry::Global();
      auto c = [&r](const char* result) -> Counter& {
        return r.GetCounter("logsieve_llm_lines_total", "Lines the LLM stage decided, by result",
                            {{"result", result}});
      };
      return new LineMetrics{c("labelled"), c("unclassified"), c("degraded")};
    }();
    return *m;
  }

  const Settings s_;
  mutable ChatClient client_;  // thread-safe; shared budget, breaker and slots
  mutable std::atomic<uint64_t> labelled_{0}, unclassified_{0}, unparsed_{0}, degraded_{0};
  mutable Mutex warn_mu_;
  mutable std::chrono::steady_clock::time_point last_failure_warning_ GUARDED_BY(warn_mu_){};
  mutable uint64_t failures_unreported_ GUARDED_BY(warn_mu_) = 0;
};

}  // namespace

std::string LlmStats::Summary() const {
  char buf[512];
  double mean = requests > 0 ? request_seconds / static_cast<double>(requests) : 0.0;
  std::snprintf(
      buf, sizeof buf,
      "llm: %llu requests (%llu retries, %llu failed, %llu refused), tokens %llu prompt + %llu "
      "completion, mean %.2f s; lines: %llu labelled, %llu unclassified, %llu degraded",
      static_cast<unsigned long long>(requests), static_cast<unsigned long long>(retries),
      static_cast<unsigned long long>(failed_requests), static_cast<unsigned long long>(refused),
      static_cast<unsigned long long>(prompt_tokens),
      static_cast<unsigned long long>(completion_tokens), mean,
      static_cast<unsigned long long>(lines_labelled),
      static_cast<unsigned long long>(lines_unclassified),
      static_cast<unsigned long long>(lines_degraded));
  return buf;
}

StatusOr<std::unique_ptr<Stage>> MakeLlmStage(const Config& config) {
  return MakeLlmStage(config, MakeCurlTransport());
}

StatusOr<std::unique_ptr<Stage>> MakeLlmStage(const Config& config,
                                              std::unique_ptr<HttpTransport> transport) {
  if (transport == nullptr) return InvalidArgumentError("MakeLlmStage: no transport");
  LOGSIEVE_ASSIGN_OR_RETURN(Settings s, ReadSettings(config));
  return std::unique_ptr<Stage>(std::make_unique<LlmStage>(std::move(s), std::move(transport)));
}

std::optional<LlmStats> GetLlmStats(const Stage& stage) {
  if (const auto* llm = dynamic_cast<const LlmStage*>(&stage)) return llm->stats();
  return std::nullopt;
}

}  // namespace logsieve

#include "store/recorder.h"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "llm/prompt.h"
#include "text/normalizer.h"

namespace logsieve {
namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// What of line i goes to the store: LLM decisions, degraded ones, and lines
// nothing decided once they reached the cached stages (key set).
bool Recorded(const Batch& batch, size_t i) {
  const Decision& d = batch.decisions[i];
  if (batch.keys[i] == 0) return false;
  return d.method == Method::kLLM || d.method == Method::kNone || d.degraded;
}

std::string_view ReasonOf(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnavailable:
      return "locked";
    case StatusCode::kResourceExhausted:
      return "full";
    case StatusCode::kDataLoss:
      return "corrupt";
    default:
      return "other";
  }
}

Counter& Errors(std::string_view reason) {
  return MetricsRegistry::Global().GetCounter("logsieve_store_errors_total",
                                              "Store opens and writes that failed, by cause",
                                              {{"reason", std::string(reason)}});
}

class RecordingClassifier final : public Classifier {
 public:
  RecordingClassifier(std::unique_ptr<Classifier> inner, std::shared_ptr<StoreRecorder> recorder,
                      RecordingTags tags)
      : inner_(std::move(inner)), recorder_(std::move(recorder)), tags_(std::move(tags)) {}

  void Classify(Batch& batch) const override {
    inner_->Classify(batch);
    recorder_->Observe(batch, tags_);
  }
  Decision ClassifyOne(std::string_view source, std::string_view message) const override {
    Batch batch;
    batch.records.push_back({std::string(source), std::string(message)});
    Classify(batch);
    return std::move(batch.decisions[0]);
  }
  const std::vector<std::string>& labels() const override { return inner_->labels(); }
  bool may_wait() const override { return inner_->may_wait(); }
  std::vector<std::string> stage_names() const override { return inner_->stage_names(); }
  std::vector<std::pair<std::string, std::string>> versions() const override {
    return inner_->versions();
  }
  std::vector<std::string> stage_descriptions() const override {
    std::vector<std::string> out = inner_->stage_descriptions();
    out.push_back("store: recording to " + recorder_->store().path());
    return out;
  }
  std::vector<std::string> stage_reports() const override { return inner_->stage_reports(); }
  std::vector<std::string> route_stages(std::string_view source) const override {
    return inner_->route_stages(source);
  }

 private:
  const std::unique_ptr<Classifier> inner_;
  const std::shared_ptr<StoreRecorder> recorder_;
  const RecordingTags tags_;
};

}  // namespace

RecorderOptions RecorderOptions::FromConfig(const Config& config) {
  return {config.GetInt("store.flush_ms"), config.GetInt("store.max_pending"),
          config.GetInt("store.examples")};
}

RecordingTags RecordingTags::FromConfig(const Config& config) {
  return {config.GetString("llm.model"), PromptVersion(config)};
}

StoreRecorder::StoreRecorder(std::shared_ptr<Store> store, RecorderOptions options)
    : store_(std::move(store)),
      options_(options),
      up_(MetricsRegistry::Global().GetGauge("logsieve_store_up",
                                             "1 while the store takes writes, 0 when it fails")),
      pending_gauge_(MetricsRegistry::Global().GetGauge(
          "logsieve_store_pending_templates", "Templates waiting to be written to the store")),
      dropped_(MetricsRegistry::Global().GetCounter(
          "logsieve_store_dropped_total",
          "Template observations dropped: the store failed and store.max_pending was reached")),
      written_(MetricsRegistry::Global().GetCounter("logsieve_store_templates_written_total",
                                                    "Template observations written to the store")) {
  up_.Set(1);
  writer_ = std::thread([this] { Run(); });
}

StoreRecorder::~StoreRecorder() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  writer_.join();
  (void)Flush();
}

void StoreRecorder::Observe(const Batch& batch, const RecordingTags& tags) {
  const int64_t now = NowSeconds();
  MutexLock lock(&mu_);
  size_t dropped = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    if (!Recorded(batch, i)) continue;
    auto it = pending_.find(batch.keys[i]);
    if (it == pending_.end()) {
      if (pending_.size() >= static_cast<size_t>(options_.max_pending)) {
        ++dropped;
        continue;
      }
      it = pending_.emplace(batch.keys[i], TemplateObservation{}).first;
      TemplateObservation& o = it->second;
      o.key = batch.keys[i];
      o.source = batch.records[i].source;
      o.template_text = batch.templates[i];
      o.first_seen = now;
    }
    TemplateObservation& o = it->second;
    const Decision& d = batch.decisions[i];
    o.label = d.label;
    o.method = std::string(MethodName(d.method));
    o.confidence = d.confidence;
    o.degraded = d.degraded;
    if (const Decision& t = batch.tentative[i]; t.method == Method::kML) {
      o.model_label = t.label;
      o.model_confidence = t.confidence;
    }
    if (d.method == Method::kLLM) {
      o.llm_model = tags.llm_model;
      o.prompt_version = tags.prompt_version;
    }
    ++o.count;
    o.last_seen = now;
    // Cut to kMaxExampleBytes: a store keeps lines for a person to read.
    const std::string_view example =
        std::string_view(batch.records[i].message).substr(0, kMaxExampleBytes);
    if (o.examples.size() < static_cast<size_t>(options_.examples) &&
        std::find(o.examples.begin(), o.examples.end(), example) == o.examples.end()) {
      o.examples.emplace_back(example);
    }
  }
  pending_gauge_.Set(static_cast<double>(pending_.size()));
  if (dropped > 0) dropped_.Inc(static_cast<double>(dropped));
}

size_t StoreRecorder::pending() const {
  MutexLock lock(&mu_);
  return pending_.size();
}

size_t StoreRecorder::Merge(Pending& from, Pending* into) const {
  size_t dropped = 0;
  for (auto& [key, o] : from) {
    auto it = into->find(key);
    if (it == into->end()) {
      if (into->size() >= static_cast<size_t>(options_.max_pending)) {
        ++dropped;
        continue;
      }
      into->emplace(key, std::move(o));
      continue;
    }
    // `into` holds the newer observation: keep its decision, add the counts.
    TemplateObservation& n = it->second;
    n.count += o.count;
    n.first_seen = std::min(n.first_seen, o.first_seen);
    if (n.model_label.empty()) {
      n.model_label = std::move(o.model_label);
      n.model_confidence = o.model_confidence;
    }
    for (std::string& e : o.examples) {
      if (n.examples.size() < static_cast<size_t>(options_.examples)) {
        n.examples.push_back(std::move(e));
      }
    }
  }
  return dropped;
}

Status StoreRecorder::Flush() {
  MutexLock write_lock(&write_mu_);
  Pending batch;
  {
    MutexLock lock(&mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return OkStatus();
  std::vector<TemplateObservation> rows;
  rows.reserve(batch.size());
  for (const auto& [key, o] : batch) rows.push_back(o);
  Status s = store_->Record(rows);
  if (s.ok()) {
    written_.Inc(static_cast<double>(rows.size()));
    up_.Set(1);
    if (!healthy_) {
      std::fprintf(stderr, "logsieve: store %s: writes work again\n", store_->path().c_str());
      healthy_ = true;
    }
    MutexLock lock(&mu_);
    pending_gauge_.Set(static_cast<double>(pending_.size()));
    return s;
  }
  Errors(ReasonOf(s)).Inc();
  up_.Set(0);
  size_t kept;
  size_t dropped;
  {
    MutexLock lock(&mu_);
    dropped = Merge(pending_, &batch);  // the newer observations win their key
    pending_.swap(batch);
    kept = pending_.size();
    pending_gauge_.Set(static_cast<double>(kept));
  }
  if (dropped > 0) dropped_.Inc(static_cast<double>(dropped));
  if (healthy_) {
    std::fprintf(stderr,
                 "logsieve: store write failed, classification goes on: %s (%zu templates kept "
                 "in memory, retried every %lld ms)\n",
                 s.message().c_str(), kept, static_cast<long long>(options_.flush_ms));
    healthy_ = false;
  }
  return s;
}

void StoreRecorder::Run() {
  for (;;) {
    {
      MutexLock lock(&mu_);
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.flush_ms);
      while (!stopping_ && wake_.WaitUntil(&mu_, deadline)) {
      }
      if (stopping_) return;
    }
    (void)Flush();
  }
}

bool RecordsIn(const Config& config, std::string_view command) {
  const std::string& enabled = config.GetString("store.enabled");
  return enabled == "on" || (enabled == "auto" && (command == "serve" || command == "worker"));
}

std::shared_ptr<Store> OpenStoreOrLog(const Config& config, StoreOpenMode mode) {
  StatusOr<StoreOptions> options = StoreOptions::FromConfig(config);
  StatusOr<std::unique_ptr<Store>> store = options.ok()
                                               ? Store::Open(*options, mode)
                                               : StatusOr<std::unique_ptr<Store>>(options.status());
  if (!store.ok()) {
    Errors(ReasonOf(store.status())).Inc();
    MetricsRegistry::Global()
        .GetGauge("logsieve_store_up", "1 while the store takes writes, 0 when it fails")
        .Set(0);
    std::fprintf(stderr, "logsieve: store not opened, classification goes on without it: %s\n",
                 store.status().message().c_str());
    return nullptr;
  }
  return std::shared_ptr<Store>(*std::move(store));
}

std::shared_ptr<StoreRecorder> OpenRecorder(const Config& config, std::string_view command) {
  if (!RecordsIn(config, command)) return nullptr;
  std::shared_ptr<Store> store = OpenStoreOrLog(config);
  if (store == nullptr) return nullptr;
  return std::make_shared<StoreRecorder>(std::move(store), RecorderOptions::FromConfig(config));
}

std::unique_ptr<Classifier> WithRecording(std::unique_ptr<Classifier> inner,
                                          std::shared_ptr<StoreRecorder> recorder,
                                          const Config& config) {
  return std::make_unique<RecordingClassifier>(std::move(inner), std::move(recorder),
                                               RecordingTags::FromConfig(config));
}

}  // namespace logsieve

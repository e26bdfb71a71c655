#include "store/autopilot.h"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <utility>

namespace logsieve {
namespace {

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Counter& Rounds(std::string_view result) {
  return MetricsRegistry::Global().GetCounter(
      "logsieve_learn_rounds_total",
      "Autopilot learn rounds, by result (promoted, refused, failed)",
      {{"result", std::string(result)}});
}

StatusOr<int64_t> Learnable(Store& store) {
  LOGSIEVE_ASSIGN_OR_RETURN(StoreStats s, store.Stats());
  return LearningSignal(s);
}

}  // namespace

int64_t LearningSignal(const StoreStats& stats) {
  return stats.llm_templates + stats.corrections + 10 * stats.disagreements;
}

AutopilotOptions AutopilotOptions::FromConfig(const Config& config) {
  return {config.GetInt("learn.auto_min_new"), config.GetInt("learn.auto_interval_s"),
          config.GetInt("learn.auto_check_s")};
}

std::unique_ptr<Autopilot> Autopilot::Start(const Config& config, std::shared_ptr<Store> store,
                                            Round round, Baseline baseline,
                                            OnPromoted on_promoted) {
  if (!config.GetBool("learn.auto") || store == nullptr || !round) return nullptr;
  if (!config.GetString("model.file").empty()) {
    std::fprintf(stderr,
                 "logsieve: autopilot off: model.file names the model to run, so a learned "
                 "version would never be put in service (leave model.file empty to use the "
                 "registry)\n");
    return nullptr;
  }
  std::unique_ptr<Autopilot> a(new Autopilot(AutopilotOptions::FromConfig(config), std::move(store),
                                             std::move(round), std::move(baseline),
                                             std::move(on_promoted)));
  a->thread_ = std::thread([p = a.get()] { p->Run(); });
  return a;
}

Autopilot::Autopilot(AutopilotOptions options, std::shared_ptr<Store> store, Round round,
                     Baseline baseline, OnPromoted on_promoted)
    : options_(options),
      store_(std::move(store)),
      round_(std::move(round)),
      baseline_(std::move(baseline)),
      on_promoted_(std::move(on_promoted)),
      running_(MetricsRegistry::Global().GetGauge(
          "logsieve_learn_running", "Whether an autopilot learn round runs now (1) or not (0)")) {
  running_.Set(0);
  for (const char* r : {"promoted", "refused", "failed"}) Rounds(r);  // shown from the start
}

Autopilot::~Autopilot() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (thread_.joinable()) thread_.join();
}

int64_t Autopilot::rounds() const {
  MutexLock lock(&mu_);
  return rounds_;
}

void Autopilot::Run() {
  // The lowest priority for this thread alone (Linux: a thread is a task).
  setpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid)), 19);
  int64_t learned_from = baseline_ ? baseline_() : 0;
  int64_t last_round_s = NowSeconds();
  while (true) {
    {
      MutexLock lock(&mu_);
      const auto deadline =
          std::chrono::steady_clock::now() + std::chrono::seconds(options_.check_s);
      while (!stopping_ && wake_.WaitUntil(&mu_, deadline)) {
      }
      if (stopping_) return;
    }
    Check(&learned_from, &last_round_s);
  }
}

void Autopilot::Check(int64_t* learned_from, int64_t* last_round_s) {
  StatusOr<int64_t> now = Learnable(*store_);
  if (!now.ok()) return;  // the store's own metrics say why; try at the next look
  // Fewer than before: rows were evicted or purged; count from here.
  if (*now < *learned_from) *learned_from = *now;
  const int64_t fresh = *now - *learned_from;
  const bool due = fresh >= options_.min_new ||
                   (fresh > 0 && NowSeconds() - *last_round_s >= options_.interval_s);
  if (!due) return;

  running_.Set(1);
  StatusOr<RoundOutcome> result = round_(*store_);
  running_.Set(0);
  *last_round_s = NowSeconds();
  *learned_from = *now;  // a failed or refused round waits for new rows too
  {
    MutexLock lock(&mu_);
    ++rounds_;
  }
  if (!result.ok()) {
    Rounds("failed").Inc();
    std::fprintf(stderr,
                 "logsieve: autopilot: learn round failed, the model in service stays: %s\n",
                 result.status().message().c_str());
    return;
  }
  if (!result->promoted) {
    Rounds("refused").Inc();
    std::string why;
    for (const std::string& r : result->reasons) why += (why.empty() ? "" : "; ") + r;
    std::fprintf(stderr,
                 "logsieve: autopilot: %s refused by the gate, the model in service stays: %s\n",
                 result->version.c_str(), why.c_str());
    return;
  }
  Rounds("promoted").Inc();
  std::fprintf(stderr,
               "logsieve: autopilot: %s passed the gate (learning signal +%lld: new answers and "
               "corrections, disagreements x10); putting it in service\n",
               result->version.c_str(), static_cast<long long>(fresh));
  on_promoted_(result->version);
}

}  // namespace logsieve

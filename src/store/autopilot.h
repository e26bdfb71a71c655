// Autopilot: `serve` and the stream worker teach themselves. A thread of low
// priority watches the store; once enough new LLM answers and corrections
// have come in (learn.auto_min_new), or some did and learn.auto_interval_s
// passed, it runs one gated learn round (LearningSignal says what counts); a round that passes the
// gate is registered and activated by the round itself, and `on_promoted` puts the new model in
// service (the server's hot reload, the worker's swap).
//
//   Autopilot::Round round = ...;  // learn::Learn with activation (the binary's)
//   std::unique_ptr<Autopilot> a = Autopilot::Start(config, store, round,
//                                                   [&](const std::string& v) { Reload(); });
//
// The round itself is a function, so that logsieve_store (and the server and
// worker that use it) never link training: apps/logsieve supplies it.
//
// Where it starts counting: the LearningSignal of the store when the
// registry's newest version was trained (its metadata's data.store_answers),
// so a restart neither repeats a round nor forgets what came in meanwhile.
//
// Cost bound: one round at a time, on this one thread, at the lowest CPU
// priority (nice 19), so classification threads are always scheduled first;
// its memory is that of `logsieve learn` (BENCHMARKS.md). A round that is
// refused or fails is logged with its reasons; the model in service stays.
//
// Metrics: logsieve_learn_running (0 or 1), logsieve_learn_rounds_total{result}
// with result promoted, refused or failed.
//
// Thread safety: Start returns a running object; its destructor stops the
// thread (waiting for a round in progress to end).
#ifndef LOGSIEVE_STORE_AUTOPILOT_H_
#define LOGSIEVE_STORE_AUTOPILOT_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "store/store.h"

namespace logsieve {

// What the autopilot counts towards a round: the store's LLM answers and
// corrections, and each template whose model decision a later answer
// contradicted (an audit's or a person's) ten times over, since such a
// disagreement is a confident error the next round can fix. Learn records
// this figure in each version's metadata (data.store_answers).
int64_t LearningSignal(const StoreStats& stats);

struct AutopilotOptions {
  int64_t min_new;     // learn.auto_min_new
  int64_t interval_s;  // learn.auto_interval_s
  int64_t check_s;     // learn.auto_check_s

  static AutopilotOptions FromConfig(const Config& config);
};

// What one round did.
struct RoundOutcome {
  bool promoted = false;             // passed the gate and is now the active version
  std::string version;               // the candidate's registry version
  std::vector<std::string> reasons;  // why not promoted
};

class Autopilot {
 public:
  // Runs one gated learn round on `store` with activation.
  using Round = std::function<StatusOr<RoundOutcome>(Store& store)>;
  // The LearningSignal when the newest registered version was trained (0
  // when none): where counting starts.
  using Baseline = std::function<int64_t()>;
  using OnPromoted = std::function<void(const std::string& version)>;

  // Null when learn.auto is false, there is no store or no round.
  static std::unique_ptr<Autopilot> Start(const Config& config, std::shared_ptr<Store> store,
                                          Round round, Baseline baseline, OnPromoted on_promoted);
  ~Autopilot();
  Autopilot(const Autopilot&) = delete;
  Autopilot& operator=(const Autopilot&) = delete;

  // Rounds run so far (any result).
  int64_t rounds() const EXCLUDES(mu_);

 private:
  Autopilot(AutopilotOptions options, std::shared_ptr<Store> store, Round round, Baseline baseline,
            OnPromoted on_promoted);
  void Run() EXCLUDES(mu_);
  // One look at the store: a round when it is due.
  void Check(int64_t* learned_from, int64_t* last_round_s) EXCLUDES(mu_);

  const AutopilotOptions options_;
  const std::shared_ptr<Store> store_;
  const Round round_;
  const Baseline baseline_;
  const OnPromoted on_promoted_;
  mutable Mutex mu_;
  CondVar wake_;
  bool stopping_ GUARDED_BY(mu_) = false;
  int64_t rounds_ GUARDED_BY(mu_) = 0;
  Gauge& running_;
  std::thread thread_;
};

// What serve and the worker need from the binary to run an autopilot: the
// round and its baseline (apps/logsieve, over src/learn). Empty: no autopilot.
struct LearningHooks {
  Autopilot::Round round;
  Autopilot::Baseline baseline;
};

}  // namespace logsieve

#endif  // LOGSIEVE_STORE_AUTOPILOT_H_

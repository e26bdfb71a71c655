// `logsieve worker`: the pipeline, a Worker, its metrics listener and the
// process signals. Kept apart from worker.cc so tests run workers in-process
// without signal handlers.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string_view>

#include "pipeline/hot_swap.h"
#include "store/store_parts.h"
#include "stream/metrics_listener.h"
#include "stream/worker.h"

namespace logsieve {
namespace {

std::atomic<Worker*> g_worker{nullptr};

void OnStopSignal(int /*sig*/) {
  constexpr std::string_view kMessage =
      "logsieve worker: finishing the batch in flight, then exiting\n";
  [[maybe_unused]] ssize_t n = write(2, kMessage.data(), kMessage.size());  // async-signal-safe
  if (Worker* w = g_worker.load()) w->RequestStop();
}

}  // namespace

Status RunWorker(const Config& config, const LearningHooks& learning) {
  LOGSIEVE_ASSIGN_OR_RETURN(WorkerOptions options, WorkerOptions::FromConfig(config));
  // The pipeline loads first: a broken rule or model file stops before any entry is read.
  // The learning loop's store (store.enabled=auto records here, and its
  // corrections answer first); one that cannot be opened is logged and the
  // worker goes on without it.
  const StoreParts store = OpenStoreParts(config, "worker");
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> first, CreateClassifier(config, store));
  HotSwapClassifier classifier(std::move(first));
  Worker worker(classifier, options);
  // The autopilot swaps a promoted model in between batches.
  std::unique_ptr<Autopilot> autopilot = Autopilot::Start(
      config, store.recorder != nullptr ? store.store : nullptr, learning.round, learning.baseline,
      [&config, &store, &classifier](const std::string& version) {
        StatusOr<std::unique_ptr<Classifier>> next = CreateClassifier(config, store);
        if (!next.ok()) {
          std::fprintf(stderr, "logsieve worker: autopilot: %s not put in service: %s\n",
                       version.c_str(), next.status().message().c_str());
          return;
        }
        classifier.Swap(*std::move(next));
      });

  std::unique_ptr<MetricsListener> listener;
  if (options.metrics_port != 0) {
    LOGSIEVE_ASSIGN_OR_RETURN(listener,
                              MetricsListener::Start(options.metrics_host, options.metrics_port,
                                                     [&worker] { return worker.ready(); }));
    std::fprintf(stderr, "logsieve worker: /metrics and /readyz on http://%s:%d\n",
                 options.metrics_host.c_str(), listener->port());
  }
  std::fprintf(stderr, "logsieve worker: reading %zu stream(s) into '%s' (dead letters: '%s')\n",
               options.streams.size(), options.output_stream.c_str(),
               options.dead_letter_stream.c_str());

  g_worker = &worker;
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);

  Status status = worker.Run();
  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  g_worker = nullptr;

  WorkerStats s = worker.stats();
  std::fprintf(
      stderr,
      "logsieve worker: %llu entries consumed, %llu written, %llu dead-lettered, %llu "
      "claimed from other consumers, %llu reconnects\n",
      static_cast<unsigned long long>(s.consumed), static_cast<unsigned long long>(s.produced),
      static_cast<unsigned long long>(s.dead_lettered), static_cast<unsigned long long>(s.claimed),
      static_cast<unsigned long long>(s.reconnects));
  return status;
}

}  // namespace logsieve

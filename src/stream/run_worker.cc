// `logsieve worker`: the pipeline, its inputs (a Redis Streams Worker, the
// syslog and OTLP/HTTP listeners), its outputs (output.ndjson,
// output.otlp.endpoint), the metrics listener and the process signals. Kept
// apart from worker.cc so tests run workers in-process without signal
// handlers.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <optional>
#include <string_view>
#include <thread>

#include "ingest/ingest.h"
#include "ingest/ndjson_output.h"
#include "ingest/otlp_listener.h"
#include "ingest/otlp_output.h"
#include "ingest/syslog_listener.h"
#include "pipeline/hot_swap.h"
#include "store/store_parts.h"
#include "stream/metrics_listener.h"
#include "stream/worker.h"

namespace logsieve {
namespace {

// The main thread waits on this pipe; a stop signal, or the Redis input
// ending, writes to it.
std::atomic<int> g_stop_write{-1};
std::atomic<NdjsonOutput*> g_output{nullptr};

void WakeMain() {
  char b = 0;
  if (int fd = g_stop_write.load(); fd >= 0) {
    [[maybe_unused]] ssize_t n = write(fd, &b, 1);  // async-signal-safe
  }
}

void OnStopSignal(int /*sig*/) {
  constexpr std::string_view kMessage =
      "logsieve worker: finishing the batch in flight, then exiting\n";
  [[maybe_unused]] ssize_t n = write(2, kMessage.data(), kMessage.size());
  WakeMain();
}

void OnHangup(int /*sig*/) {
  if (NdjsonOutput* o = g_output.load()) o->RequestReopen();
  constexpr std::string_view kMessage =
      "logsieve worker: SIGHUP: output.ndjson is reopened before the next write\n";
  [[maybe_unused]] ssize_t n = write(2, kMessage.data(), kMessage.size());
}

// Redis is an input when worker.streams names a stream and either no ingest
// input is set or a Redis connection key was set (flag, file or
// environment): an ingest-only worker never dials the default 127.0.0.1:6379.
bool UsesRedis(const Config& config) {
  if (config.GetStringList("worker.streams").empty()) return false;
  if (config.GetStringList("ingest.syslog.listen").empty() &&
      config.GetString("ingest.otlp.listen").empty()) {
    return true;
  }
  for (KeyName key : {KeyName("worker.redis_url"), KeyName("worker.host"), KeyName("worker.port"),
                      KeyName("worker.password"), KeyName("worker.db")}) {
    if (config.Origin(key) != "default") return true;
  }
  return false;
}

}  // namespace

Status RunWorker(const Config& config, const LearningHooks& learning) {
  const bool redis = UsesRedis(config);
  const std::vector<std::string> listen = config.GetStringList("ingest.syslog.listen");
  const std::string otlp_listen = config.GetString("ingest.otlp.listen");
  const std::string ndjson_path = config.GetString("output.ndjson");
  const std::string otlp_endpoint = config.GetString("output.otlp.endpoint");
  if (!redis && listen.empty() && otlp_listen.empty()) {
    return InvalidArgumentError(
        "worker: no input: worker.streams is [] and ingest.syslog.listen and ingest.otlp.listen "
        "are empty");
  }
  for (auto [key, set] : {std::pair{"ingest.syslog.listen", !listen.empty()},
                          std::pair{"ingest.otlp.listen", !otlp_listen.empty()}}) {
    if (set && ndjson_path.empty() && otlp_endpoint.empty()) {
      return InvalidArgumentError(
          std::string(key) +
          " is set but neither output.ndjson nor output.otlp.endpoint is: the records would go "
          "nowhere (set output.ndjson to a path, or - for stdout, or output.otlp.endpoint to a "
          "collector's URL)");
    }
  }
  if (!otlp_endpoint.empty() && listen.empty() && otlp_listen.empty()) {
    return InvalidArgumentError(
        "output.otlp.endpoint is set but no ingest input is (ingest.syslog.listen, "
        "ingest.otlp.listen): it forwards the ingest inputs' records; Redis entries go to "
        "worker.output_stream");
  }
  std::optional<WorkerOptions> options;
  if (redis) {
    LOGSIEVE_ASSIGN_OR_RETURN(WorkerOptions o, WorkerOptions::FromConfig(config));
    options = std::move(o);
  }
  // The pipeline loads first: a broken rule or model file stops before any entry is read.
  // The learning loop's store (store.enabled=auto records here, and its
  // corrections answer first); one that cannot be opened is logged and the
  // worker goes on without it.
  const StoreParts store = OpenStoreParts(config, "worker");
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> first, CreateClassifier(config, store));
  // One classifier for every input: the autopilot's swaps reach them all.
  HotSwapClassifier classifier(std::move(first));
  // Every input's records go to output.ndjson, when set; the ingest inputs'
  // also to output.otlp.endpoint.
  std::unique_ptr<NdjsonOutput> output;
  if (!ndjson_path.empty()) {
    LOGSIEVE_ASSIGN_OR_RETURN(output, NdjsonOutput::Open(ndjson_path));
  }
  std::unique_ptr<OtlpOutput> otlp;
  if (!otlp_endpoint.empty()) {
    OtlpOutputOptions o;
    o.endpoint = otlp_endpoint;
    o.headers = config.GetStringList("output.otlp.headers");
    o.batch_size = config.GetSize("output.otlp.batch_size");
    o.flush_interval = std::chrono::milliseconds(config.GetInt("output.otlp.flush_interval_ms"));
    o.queue_records = config.GetSize("output.otlp.queue_records");
    o.timeout = std::chrono::milliseconds(config.GetInt("output.otlp.timeout_ms"));
    LOGSIEVE_ASSIGN_OR_RETURN(otlp, OtlpOutput::Start(std::move(o)));
  }
  std::unique_ptr<Worker> worker;
  if (redis) worker = std::make_unique<Worker>(classifier, *options, output.get());
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

  // Before the listeners: nothing received waits on a start that fails.
  std::unique_ptr<MetricsListener> listener;
  if (const int port = static_cast<int>(config.GetInt("worker.metrics_port")); port != 0) {
    const std::string& host = config.GetString("worker.metrics_host");
    LOGSIEVE_ASSIGN_OR_RETURN(listener, MetricsListener::Start(host, port, [w = worker.get()] {
                                return w == nullptr || w->ready();
                              }));
    std::fprintf(stderr, "logsieve worker: /metrics and /readyz on http://%s:%d\n", host.c_str(),
                 listener->port());
  }
  const size_t batch_size = config.GetSize("worker.batch_size");
  IngestQueue queue(4 * batch_size);
  std::unique_ptr<SyslogListener> syslog;
  if (!listen.empty()) {
    SyslogListenerOptions so;
    so.listen = listen;
    so.max_record_bytes = config.GetSize("input.max_record_bytes");
    so.max_connections = config.GetSize("ingest.syslog.max_connections");
    so.default_source = config.GetString("worker.source");
    LOGSIEVE_ASSIGN_OR_RETURN(syslog, SyslogListener::Start(so, &queue));
    for (const std::string& a : syslog->addresses()) {
      std::fprintf(stderr, "logsieve worker: listening for syslog on %s\n", a.c_str());
    }
  }
  std::unique_ptr<OtlpListener> otlp_in;
  if (!otlp_listen.empty()) {
    OtlpListenerOptions oo;
    oo.listen = otlp_listen;
    oo.max_body_bytes = config.GetSize("ingest.otlp.max_body_bytes");
    oo.max_connections = config.GetSize("ingest.otlp.max_connections");
    oo.read_timeout_ms = static_cast<int>(config.GetInt("ingest.otlp.read_timeout_ms"));
    oo.default_source = config.GetString("worker.source");
    LOGSIEVE_ASSIGN_OR_RETURN(otlp_in, OtlpListener::Start(oo, &queue));
    std::fprintf(stderr, "logsieve worker: listening for OTLP/HTTP logs on %s/v1/logs\n",
                 otlp_in->address().c_str());
  }
  std::vector<RecordOutput*> outputs;
  if (output != nullptr) {
    std::fprintf(stderr, "logsieve worker: writing classified records to output.ndjson '%s'\n",
                 ndjson_path.c_str());
    outputs.push_back(output.get());
  }
  if (otlp != nullptr) {
    std::fprintf(stderr, "logsieve worker: forwarding classified records as OTLP to '%s'\n",
                 otlp->url().c_str());
    outputs.push_back(otlp.get());
  }
  IngestLoop loop(
      classifier, &queue, std::move(outputs),
      {.batch_size = batch_size,
       .classify_timeout_ms = static_cast<int>(config.GetInt("worker.classify_timeout_ms")),
       .drain_timeout = std::chrono::milliseconds(config.GetInt("output.drain_timeout_ms"))});

  if (redis) {
    std::fprintf(stderr, "logsieve worker: reading %zu stream(s) into '%s' (dead letters: '%s')\n",
                 options->streams.size(), options->output_stream.c_str(),
                 options->dead_letter_stream.c_str());
  }

  int stop_pipe[2];
  if (pipe2(stop_pipe, O_CLOEXEC) != 0) return InternalError("worker: cannot create its stop pipe");
  g_stop_write = stop_pipe[1];
  g_output = output.get();
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  if (output != nullptr) {
    struct sigaction hup = sa;
    hup.sa_handler = OnHangup;
    sigaction(SIGHUP, &hup, nullptr);
  }
  signal(SIGPIPE, SIG_IGN);

  Status redis_status = OkStatus(), ingest_status = OkStatus();
  std::thread redis_thread, ingest_thread;
  if (worker != nullptr) {
    redis_thread = std::thread([&] {
      redis_status = worker->Run();
      WakeMain();  // a Redis input that ends (a fault it cannot retry) ends the worker
    });
  }
  if (syslog != nullptr || otlp_in != nullptr) {
    ingest_thread = std::thread([&] { ingest_status = loop.Run(); });
  }

  char b;
  while (read(stop_pipe[0], &b, 1) < 0 && errno == EINTR) {
  }
  // Stop reading everywhere; each input finishes what it holds.
  if (worker != nullptr) worker->RequestStop();
  loop.RequestStop();
  if (syslog != nullptr) syslog->Stop();
  // Answers every OTLP request taken (the loop writes its records meanwhile).
  if (otlp_in != nullptr) otlp_in->Stop();
  queue.Close();
  if (ingest_thread.joinable()) ingest_thread.join();
  if (redis_thread.joinable()) redis_thread.join();

  signal(SIGTERM, SIG_DFL);
  signal(SIGINT, SIG_DFL);
  if (output != nullptr) signal(SIGHUP, SIG_DFL);
  g_stop_write = -1;
  g_output = nullptr;
  close(stop_pipe[0]);
  close(stop_pipe[1]);

  if (worker != nullptr) {
    WorkerStats s = worker->stats();
    std::fprintf(
        stderr,
        "logsieve worker: %llu entries consumed, %llu written, %llu dead-lettered, %llu "
        "claimed from other consumers, %llu reconnects\n",
        static_cast<unsigned long long>(s.consumed), static_cast<unsigned long long>(s.produced),
        static_cast<unsigned long long>(s.dead_lettered),
        static_cast<unsigned long long>(s.claimed), static_cast<unsigned long long>(s.reconnects));
  }
  if (syslog != nullptr) {
    std::fprintf(stderr, "logsieve worker: %llu syslog records received, %llu written\n",
                 static_cast<unsigned long long>(syslog->received()),
                 static_cast<unsigned long long>(loop.stats().records));
  }
  if (otlp != nullptr) {
    std::fprintf(stderr,
                 "logsieve worker: output.otlp.endpoint: %llu records delivered, %llu refused by "
                 "the receiver\n",
                 static_cast<unsigned long long>(otlp->delivered()),
                 static_cast<unsigned long long>(otlp->rejected()));
  }
  if (otlp_in != nullptr) {
    std::fprintf(stderr, "logsieve worker: %llu OTLP records received, %llu written\n",
                 static_cast<unsigned long long>(otlp_in->received()),
                 static_cast<unsigned long long>(loop.stats().records));
  }
  return redis_status.ok() ? ingest_status : redis_status;
}

}  // namespace logsieve

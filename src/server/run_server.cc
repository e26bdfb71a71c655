// `logsieve serve`: wiring of Server, Classifier and the process signals.
// Kept apart from server.cc so tests link the server without the pipeline's
// stage factories.
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/server.h"
#include "store/store_parts.h"

namespace logsieve {
namespace {

// The write end of the self-pipe the signal handler writes the signal number to.
// A handler, not sigwait: threads that libraries start before main (OpenBLAS
// starts its pool in a constructor) do not have the signals blocked, so only
// a process-wide handler is sure to see them.
std::atomic<int> g_signal_pipe{-1};

void OnStopSignal(int sig) {
  int fd = g_signal_pipe.load();
  if (fd >= 0) {
    unsigned char b = static_cast<unsigned char>(sig);
    [[maybe_unused]] ssize_t n = write(fd, &b, 1);  // async-signal-safe
  }
}

// The keys read once at start-up (the listener, limits, the store) that differ
// between `before` and `after`, comma-separated.
std::string StartupKeysChanged(const Config& before, const Config& after) {
  std::string changed;
  for (const ConfigKey& key : ConfigSchema()) {
    if (!key.name.starts_with("server.") && !key.name.starts_with("store.")) continue;
    const KeyName name = KeyName::Runtime(key.name);
    if (before.GetJson(name) != after.GetJson(name)) {
      changed += (changed.empty() ? "" : ", ") + std::string(key.name);
    }
  }
  return changed;
}

}  // namespace

Status RunServer(const std::function<StatusOr<Config>()>& load_config, const std::string& version,
                 std::shared_ptr<const ModelService> models, const LearningHooks& learning) {
  LOGSIEVE_ASSIGN_OR_RETURN(const Config config, load_config());
  LOGSIEVE_ASSIGN_OR_RETURN(ServerOptions options, ServerOptions::FromConfig(config));
  options.version = version;

  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return InternalError("cannot create the signal pipe");
  g_signal_pipe = pipe_fds[1];
  struct sigaction sa {};
  sa.sa_handler = OnStopSignal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up is an error on its socket, not a crash
  // Every connection is a descriptor: allow as many as the hard limit does,
  // so server.max_connections (not EMFILE) is what refuses clients.
  if (rlimit nofile{};
      getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < nofile.rlim_max) {
    nofile.rlim_cur = nofile.rlim_max;
    setrlimit(RLIMIT_NOFILE, &nofile);
  }

  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Server> server, Server::Create(options));
  LOGSIEVE_RETURN_IF_ERROR(server->Bind());
  std::fprintf(stderr, "logsieve %s: listening on http://%s:%d (loading the classifier)\n",
               version.c_str(), options.host.c_str(), server->port());

  Status served;
  std::thread serving([&] { served = server->Serve(); });
  // Waits for signals: SIGHUP reloads (Server::Reload logs the outcome; a
  // SIGHUP while the first classifier loads is ignored), anything else stops.
  std::thread stopper([&] {
    while (true) {
      unsigned char sig = 0;
      ssize_t n;
      do {
        n = read(pipe_fds[0], &sig, 1);
      } while (n < 0 && errno == EINTR);
      if (n == 1 && sig == SIGHUP) {
        if (server->ready()) (void)server->Reload();
        continue;
      }
      if (n == 1 && sig != 0) {
        std::fprintf(stderr, "logsieve: %s: finishing requests in flight, then exiting\n",
                     sig == SIGTERM ? "SIGTERM" : "SIGINT");
      }
      server->Stop();
      return;
    }
  });
  auto wake_stopper = [&] {  // a zero byte: no signal, just stop waiting
    unsigned char zero = 0;
    [[maybe_unused]] ssize_t n = write(pipe_fds[1], &zero, 1);
    stopper.join();
    g_signal_pipe = -1;
    close(pipe_fds[0]);
    close(pipe_fds[1]);
  };

  // The store (store.enabled auto: on in serve; its corrections answer
  // first); one that cannot be opened is logged and the server runs without it.
  const StoreParts store = OpenStoreParts(config, "serve");
  StatusOr<std::unique_ptr<Classifier>> classifier = CreateClassifier(config, store);
  if (!classifier.ok()) {
    server->Stop();
    serving.join();
    wake_stopper();
    return classifier.status();
  }
  std::unique_ptr<Classifier> serving_classifier = *std::move(classifier);
  if (store.recorder != nullptr) server->SetStore(store.recorder);
  // A reload reads the config and every file it names again; the store and
  // the listener stay those of the start.
  server->SetLoader(
      [&load_config, &config, &store]() -> StatusOr<std::shared_ptr<const Classifier>> {
        LOGSIEVE_ASSIGN_OR_RETURN(Config next, load_config());
        if (std::string changed = StartupKeysChanged(config, next); !changed.empty()) {
          std::fprintf(stderr, "logsieve: reload: %s changed; they take effect at the next start\n",
                       changed.c_str());
        }
        LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> made, CreateClassifier(next, store));
        return std::shared_ptr<const Classifier>(std::move(made));
      });
  server->SetModelService(std::move(models));
  server->SetClassifier(std::shared_ptr<const Classifier>(std::move(serving_classifier)));
  // The autopilot puts a promoted model in service as a reload does.
  std::unique_ptr<Autopilot> autopilot = Autopilot::Start(
      config, store.recorder != nullptr ? store.store : nullptr, learning.round, learning.baseline,
      [&server](const std::string&) {
        if (Status s = server->Reload(); !s.ok()) {
          std::fprintf(stderr, "logsieve: autopilot: reload failed: %s\n", s.message().c_str());
        }
      });
  // Where to go next, and what this server will do with what it is sent.
  const std::string base = "http://" + options.host + ":" + std::to_string(server->port());
  const bool llm_key = !config.GetString("llm.api_key").empty();
  std::fprintf(stderr,
               "logsieve: ready%s\n  dashboard  %s/ui/\n  API docs   %s/docs\n  store      %s\n"
               "  LLM key    %s\n",
               autopilot != nullptr ? " (autopilot on: learn.auto)" : "", base.c_str(),
               base.c_str(),
               store.store != nullptr ? store.store->path().c_str() : "off (store.enabled)",
               llm_key ? "set"
                       : "not set: lines the rules and model are unsure of get the model's guess, "
                         "degraded (LOGSIEVE_LLM_API_KEY or GROQ_API_KEY)");
  serving.join();     // until a signal stops the server
  autopilot.reset();  // waits for a round in progress
  wake_stopper();
  return served;
}

}  // namespace logsieve

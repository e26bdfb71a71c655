// `logsieve serve`: wiring of Server, Classifier and the process signals.
// Kept apart from server.cc so tests link the server without the pipeline's
// stage factories.
#include <pthread.h>
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "server/server.h"

namespace logsieve {

Status RunServer(const Config& config, const std::string& version) {
  LOGSIEVE_ASSIGN_OR_RETURN(ServerOptions options, ServerOptions::FromConfig(config));
  options.version = version;

  // SIGTERM and SIGINT are taken by one thread (sigwait), never by a handler
  // interrupting a request thread: block them before any thread starts.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);  // a client that hangs up is an error on its socket, not a crash

  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Server> server, Server::Create(options));
  LOGSIEVE_RETURN_IF_ERROR(server->Bind());
  std::fprintf(stderr, "logsieve %s: listening on http://%s:%d (loading the classifier)\n",
               version.c_str(), options.host.c_str(), server->port());

  Status served;
  std::atomic<bool> exiting{false};
  std::thread serving([&] { served = server->Serve(); });
  std::thread stopper([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    if (exiting) return;  // woken by RunServer itself
    std::fprintf(stderr, "logsieve: %s: finishing requests in flight, then exiting\n",
                 sig == SIGTERM ? "SIGTERM" : "SIGINT");
    server->Stop();
  });
  auto finish = [&](Status status) {
    server->Stop();
    serving.join();
    exiting = true;
    pthread_kill(stopper.native_handle(), SIGTERM);  // release sigwait if no signal came
    stopper.join();
    return status.ok() ? served : status;
  };

  StatusOr<std::unique_ptr<Classifier>> classifier = Classifier::Create(config);
  if (!classifier.ok()) return finish(classifier.status());
  server->SetClassifier(std::shared_ptr<const Classifier>(*std::move(classifier)));
  std::fprintf(stderr, "logsieve: ready\n");
  serving.join();  // until a signal stops the server
  exiting = true;
  pthread_kill(stopper.native_handle(), SIGTERM);
  stopper.join();
  return served;
}

}  // namespace logsieve

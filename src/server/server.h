// Server: logsieve's HTTP API (`logsieve serve`).
//
// The original's FastAPI contract (GET /, POST /classify/, POST
// /classify-single/, /docs, /redoc) plus a batch API (/v1/classify, NDJSON
// /v1/classify/stream), /openapi.json, Prometheus /metrics and probes
// (/healthz, /readyz). Errors are FastAPI-shaped: {"detail": "..."}.
// doc/server.md lists every endpoint, error and limit.
//
//   StatusOr<ServerOptions> options = ServerOptions::FromConfig(config);
//   StatusOr<std::unique_ptr<Server>> server = Server::Create(*options);
//   LOGSIEVE_RETURN_IF_ERROR((*server)->Bind());   // port 0: any free port
//   (*server)->SetClassifier(std::move(classifier));  // now ready
//   std::thread t([&] { (void)(*server)->Serve(); });
//   ...
//   (*server)->Stop();  // stop accepting, finish in-flight requests
//   t.join();
//
// The classifier is set after the socket is bound, so probes answer (503 "not
// ready") while a large model loads. One Classifier serves every request
// thread; it is built, frozen and shared. A reload (SIGHUP, POST
// /admin/reload) builds a new one with the loader and swaps it in: requests in
// flight finish on the one they started with.
//
// The parts (doc/server.md): options.h (the keys), codec.h (JSON),
// admission.h (decisions from the head), multipart.h, handlers.h (one per
// endpoint), http_edge.h (Boost.Beast: connections, deadlines, framing, the
// worker pool).
//
// Thread safety: Serve runs on one thread and starts the I/O threads and the
// worker pool; SetClassifier, Stop and the accessors may be called from any
// thread.
#ifndef LOGSIEVE_SERVER_SERVER_H_
#define LOGSIEVE_SERVER_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "pipeline/classifier.h"
#include "server/model_service.h"
#include "server/options.h"
#include "store/autopilot.h"
#include "store/recorder.h"

namespace logsieve {

class Server {
 public:
  static StatusOr<std::unique_ptr<Server>> Create(ServerOptions options);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens on options.host:options.port. REQUIRES: called once.
  Status Bind();
  // The bound port. REQUIRES: Bind() succeeded.
  int port() const;

  // Makes the server ready: classify endpoints answer from now on. Called
  // again, swaps the classifier (requests in flight keep theirs).
  // REQUIRES: classifier != nullptr.
  void SetClassifier(std::shared_ptr<const Classifier> classifier);
  // How Reload builds the next classifier. REQUIRES: called before the first
  // SetClassifier, at most once.
  void SetLoader(ClassifierLoader loader);
  // Builds a classifier with the loader and swaps it in (what SIGHUP and
  // POST /admin/reload do). On failure the error names the file, and the
  // classifier in service stays.
  Status Reload();
  // The learning loop's store for /v1/feedback and /v1/review (doc/learning.md).
  // REQUIRES: called before SetClassifier, at most once.
  void SetStore(std::shared_ptr<StoreRecorder> recorder);
  // The model registry endpoints (/v1/models, /v1/learn, /v1/models/activate).
  // REQUIRES: called before SetClassifier, at most once.
  void SetModelService(std::shared_ptr<const ModelService> models);
  bool ready() const;

  // Accepts and serves connections until Stop(). REQUIRES: Bind() succeeded.
  // Returns after in-flight requests are finished.
  Status Serve();
  // Stops accepting; /readyz turns 503; requests in flight finish and
  // keep-alive connections close after their current request. Safe to call
  // before Serve() runs and more than once.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// `logsieve serve`: loads the config with `load_config`, binds, loads the
// classifier (rules, model, llm), serves until SIGTERM or SIGINT, then shuts
// down gracefully. SIGHUP and POST /admin/reload call `load_config` again and
// swap in a classifier built from it; server.* and store.* keys keep their
// start-up values (a change to them is logged as needing a restart). Logs the
// listening address, reloads and access lines on stderr.
// `models`: the model registry endpoints' backend (null: they answer 503).
// `learning`: the autopilot's round (with learn.auto and a store, a promoted
// model is put in service by a reload; store/autopilot.h).
Status RunServer(const std::function<StatusOr<Config>()>& load_config, const std::string& version,
                 std::shared_ptr<const ModelService> models = nullptr,
                 const LearningHooks& learning = {});

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_SERVER_H_

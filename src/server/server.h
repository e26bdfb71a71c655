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
// The classifier is set once, after the socket is bound, so probes answer
// (503 "not ready") while a large model loads. One Classifier serves every
// request thread; it is built, frozen and shared.
//
// Thread safety: Serve runs on one thread and owns the connection threads;
// SetClassifier, Stop and the accessors may be called from any thread.
#ifndef LOGSIEVE_SERVER_SERVER_H_
#define LOGSIEVE_SERVER_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "pipeline/classifier.h"

namespace logsieve {

// The `server.*` config keys, read and checked once.
struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;  // 0: any free port
  int threads = 0;  // 0: max(8, 4 x cores)
  size_t max_upload_bytes = 32 << 20;
  size_t max_stream_bytes = 0;  // 0: no limit
  size_t max_batch = 10000;
  size_t max_rows = 1000000;
  int request_timeout_ms = 60000;
  int read_timeout_ms = 10000;
  int write_timeout_ms = 10000;
  bool keep_alive = true;
  int keep_alive_timeout_ms = 5000;
  int keep_alive_max_requests = 1000;
  std::vector<std::string> api_keys;  // empty: no authentication
  bool access_log = true;
  size_t batch_size = 256;            // pipeline.batch_size: lines per Classify call
  size_t max_record_bytes = 1 << 20;  // input.max_record_bytes: longest NDJSON line
  std::string version = "dev";        // reported by GET /

  // REQUIRES: nothing. Fails naming the key when a value is out of range.
  static StatusOr<ServerOptions> FromConfig(const Config& config);
};

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

  // Makes the server ready: classify endpoints answer from now on.
  // REQUIRES: called at most once; classifier != nullptr.
  void SetClassifier(std::shared_ptr<const Classifier> classifier);
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

// `logsieve serve`: binds, loads the classifier from `config` (rules, model,
// llm), serves until SIGTERM or SIGINT, then shuts down gracefully. Logs the
// listening address and access lines on stderr.
Status RunServer(const Config& config, const std::string& version);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_SERVER_H_

// HttpEdge: the event-driven HTTP/1.1 edge of `logsieve serve`, on
// Boost.Beast over Asio. The only file that includes Beast or Asio is
// http_edge.cc; everything it decides with is in handlers.h and admission.h.
//
//   Handlers handlers(options);
//   StatusOr<std::unique_ptr<HttpEdge>> edge = HttpEdge::Create(handlers);
//   LOGSIEVE_RETURN_IF_ERROR((*edge)->Bind());      // options.host:options.port
//   std::thread t([&] { (void)(*edge)->Serve(); });  // until Stop, then drains
//   (*edge)->Stop();
//   t.join();
//
// What it guarantees (doc/server.md has the why):
//   - a few I/O threads (ServerOptions::IoThreads) own every socket; no
//     thread per connection, so slow or idle clients cost memory, not threads;
//   - per connection: a whole-head deadline (header_timeout_ms, however
//     slowly the bytes come), a whole-body deadline (request_timeout_ms; 408),
//     a keep-alive idle deadline (keep_alive_timeout_ms), a write deadline;
//   - at most max_connections open; one more is answered 503 unread;
//   - strict RFC 9112 framing: Beast's parser plus CheckFraming (admission.h);
//     a framing error is answered (400, 431, 501) and the connection closed;
//   - pipelined requests are answered in order on their connection;
//   - classification runs on a worker pool (ServerOptions::WorkerThreads) with
//     at most max_queued requests waiting (503 beyond); probes, metrics and
//     documents are answered on the I/O threads, so they never wait for it.
//
// Thread safety: Serve runs on one thread (and starts the others); Stop and
// port may be called from any thread. REQUIRES: `handlers` outlives the edge.
#ifndef LOGSIEVE_SERVER_HTTP_EDGE_H_
#define LOGSIEVE_SERVER_HTTP_EDGE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "server/handlers.h"

namespace logsieve {

class HttpEdge {
 public:
  static StatusOr<std::unique_ptr<HttpEdge>> Create(Handlers& handlers);
  ~HttpEdge();
  HttpEdge(const HttpEdge&) = delete;
  HttpEdge& operator=(const HttpEdge&) = delete;

  // Binds and listens. REQUIRES: called once.
  Status Bind();
  int port() const;
  // Serves until Stop(); returns once every connection has ended.
  Status Serve();
  // Stops accepting; idle connections close now, busy ones after their answer.
  void Stop();

  struct Impl;

 private:
  explicit HttpEdge(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The edge's request parsing without sockets (for the fuzz target and framing
// tests): `bytes` as they would arrive on one connection, parsed request after
// request with the same parser settings and framing checks. Stops at the
// first error or incomplete request, or after `max_requests`.
struct ParsedRequest {
  int status = 0;  // 0: parsed; else the error status the edge would answer
  std::string detail;
  std::string method;
  std::string path;
  size_t body_bytes = 0;
};
std::vector<ParsedRequest> ParseRequests(std::string_view bytes, size_t max_requests = 64);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_HTTP_EDGE_H_

// OtlpListener: ingest.otlp.listen, OTLP/HTTP logs (`POST /v1/logs`) on
// Boost.Beast, a few I/O threads (io_threads). A request's body (JSON or protobuf, gzip or
// not, Content-Length or chunked) is decoded (otlp.h) and its records are
// pushed to an IngestQueue together, sharing one IngestAck: the request is
// answered only once the IngestLoop wrote all of them.
//
//   OtlpListenerOptions o;
//   o.listen = "127.0.0.1:4318";
//   StatusOr<std::unique_ptr<OtlpListener>> l = OtlpListener::Start(o, &queue);
//   ...                      // an IngestLoop runs on the queue meanwhile
//   (*l)->Stop();            // before queue.Close()
//
// Answers (the OTLP/HTTP spec's):
//   200  every record written; an ExportLogsServiceResponse in the request's
//        encoding, with partial_success (rejected_log_records, error_message)
//        when records without a body were rejected
//   400  a body that does not decode (a google.rpc.Status naming the problem)
//   404  a path other than /v1/logs; 405 a method other than POST
//   413  a body over max_body_bytes, on the wire or inflated
//   415  a Content-Type other than JSON or protobuf, or a Content-Encoding
//        other than gzip or identity
//   429  the queue has no room for the request's records (Retry-After:
//        retry_after_s); nothing of the request was taken
//   503  the records were lost (the output failed until the stop) or the
//        listener is stopping
// A request takes at most read_timeout_ms to arrive (head and body; the
// connection is closed after it), at most max_connections are open (one
// more is accepted and closed at once, counted and logged).
//
// Thread safety: Start, Stop and the destructor on one thread.
// REQUIRES: an IngestLoop drains the queue until Stop returns (Stop waits
// for the answers of the requests in flight, which wait for the loop).
#ifndef LOGSIEVE_INGEST_OTLP_LISTENER_H_
#define LOGSIEVE_INGEST_OTLP_LISTENER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "common/status.h"
#include "ingest/ingest.h"

namespace logsieve {

struct OtlpListenerOptions {
  std::string listen;                      // HOST:PORT (numeric host; PORT 0: a free one)
  size_t max_body_bytes = 4u << 20;        // ingest.otlp.max_body_bytes
  size_t max_connections = 256;            // ingest.otlp.max_connections
  int read_timeout_ms = 30000;             // ingest.otlp.read_timeout_ms
  int retry_after_s = 1;                   // the Retry-After of a 429
  std::string default_source = "unknown";  // without service.name (worker.source)
  // Threads that read, decode and answer requests (each connection on a
  // strand: one thread at a time); the ingest loop classifies on its own.
  int io_threads = 2;
};

class OtlpListener {
 public:
  // Binds and starts the I/O thread. InvalidArgument naming
  // ingest.otlp.listen for an address it cannot read, Unavailable for one it
  // cannot bind.
  static StatusOr<std::unique_ptr<OtlpListener>> Start(const OtlpListenerOptions& options,
                                                       IngestQueue* queue);
  // Stops accepting; idle connections close now; a request being read is
  // read, and every request taken is answered (its records written), then
  // its connection closes. Returns once every connection has closed.
  // Idempotent.
  void Stop();
  ~OtlpListener();
  OtlpListener(const OtlpListener&) = delete;
  OtlpListener& operator=(const OtlpListener&) = delete;

  // The bound address, http://HOST:PORT, with the real port.
  const std::string& address() const;
  // Records taken into the queue so far.
  uint64_t received() const;

  struct Impl;

 private:
  explicit OtlpListener(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_OTLP_LISTENER_H_

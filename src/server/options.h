// ServerOptions: the `server.*` config keys of `logsieve serve`, read and
// checked once, then passed by value to the server.
//
//   StatusOr<ServerOptions> o = ServerOptions::FromConfig(config);
//   if (!o.ok()) return o.status();  // "server.port = 70000 (from flag --port): expected 0..65535"
//
// Thread safety: a plain value.
#ifndef LOGSIEVE_SERVER_OPTIONS_H_
#define LOGSIEVE_SERVER_OPTIONS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace logsieve {

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8000;     // 0: any free port
  int threads = 0;     // classification workers; 0: max(8, 4 x cores)
  int io_threads = 0;  // threads owning the sockets; 0: min(2, cores)
  size_t max_connections = 4096;
  size_t max_queued = 1024;  // classify requests waiting for a worker
  size_t max_upload_bytes = 32 << 20;
  size_t max_stream_bytes = 0;  // 0: no limit
  size_t max_batch = 10000;
  size_t max_rows = 1000000;
  int header_timeout_ms = 10000;   // whole request head, from its first byte
  int request_timeout_ms = 60000;  // whole body, from the end of the head
  int read_timeout_ms = 10000;     // each read of a stream body
  int write_timeout_ms = 10000;    // each write
  int classify_timeout_ms = 0;     // 0: no classification deadline
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

  // threads / io_threads with their defaults applied (always >= 1).
  int WorkerThreads() const;
  int IoThreads() const;
};

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_OPTIONS_H_

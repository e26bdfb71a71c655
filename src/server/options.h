// ServerOptions: the `server.*` config keys of `logsieve serve`, read and
// checked once, then passed by value to the server.
//
//   StatusOr<ServerOptions> o = ServerOptions::FromConfig(config);
//   if (!o.ok()) return o.status();  // "server.host is empty"
//
// Thread safety: a plain value.
#ifndef LOGSIEVE_SERVER_OPTIONS_H_
#define LOGSIEVE_SERVER_OPTIONS_H_

#include <cstddef>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "io/multiline.h"

namespace logsieve {

// Every value comes from the config table (src/common/config_schema.h),
// which holds the defaults, ranges and docs; nothing is repeated here. A
// default-constructed ServerOptions is not meant to be used: start from
// FromConfig(Config()) for the documented defaults.
struct ServerOptions {
  std::string host;
  int port = 0;        // 0: any free port
  int threads = 0;     // classification workers; 0: max(8, 4 x cores)
  int io_threads = 0;  // threads owning the sockets; 0: min(2, cores)
  size_t max_connections = 0;
  size_t max_queued = 0;  // classify requests waiting for a worker
  size_t max_upload_bytes = 0;
  size_t max_stream_bytes = 0;  // 0: no limit
  size_t max_batch = 0;
  size_t max_rows = 0;
  int header_timeout_ms = 0;    // whole request head, from its first byte
  int request_timeout_ms = 0;   // whole body, from the end of the head
  int read_timeout_ms = 0;      // each read of a stream body
  int write_timeout_ms = 0;     // each write
  int classify_timeout_ms = 0;  // 0: no classification deadline
  bool keep_alive = false;
  int keep_alive_timeout_ms = 0;
  int keep_alive_max_requests = 0;
  std::vector<std::string> api_keys;  // empty: no authentication
  bool access_log = false;
  size_t batch_size = 0;        // pipeline.batch_size: lines per Classify call
  size_t max_record_bytes = 0;  // input.max_record_bytes: longest NDJSON line
  // input.multiline: joins the lines of a plain-text upload into events, as
  // `classify --format lines` does (the NDJSON stream answers per record).
  MultilineOptions multiline;
  std::string version = "dev";  // reported by GET /

  // REQUIRES: nothing (the table has checked every range when the value was
  // set). Fails only for an empty server.host.
  static StatusOr<ServerOptions> FromConfig(const Config& config);

  // threads / io_threads with their defaults applied (always >= 1).
  int WorkerThreads() const;
  int IoThreads() const;
};

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_OPTIONS_H_

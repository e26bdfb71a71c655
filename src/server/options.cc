#include "server/options.h"

#include <algorithm>
#include <cstdint>
#include <string_view>
#include <thread>

namespace logsieve {

StatusOr<ServerOptions> ServerOptions::FromConfig(const Config& config) {
  ServerOptions o;
  auto in_range = [&](std::string_view key, int64_t lo, int64_t hi) -> StatusOr<int64_t> {
    int64_t v = config.GetInt(key);
    if (v < lo || v > hi) {
      return InvalidArgumentError(std::string(key) + " = " + std::to_string(v) + " (from " +
                                  config.Origin(key) + "): expected " + std::to_string(lo) + ".." +
                                  std::to_string(hi));
    }
    return v;
  };
  constexpr int64_t kMaxBytes = int64_t{1} << 40;
  constexpr int64_t kDay = 86400000;
  o.host = config.GetString("server.host");
  if (o.host.empty()) return InvalidArgumentError("server.host is empty");
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t port, in_range("server.port", 0, 65535));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t threads, in_range("server.threads", 0, 4096));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t io_threads, in_range("server.io_threads", 0, 64));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t conns, in_range("server.max_connections", 1, 1000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t queued, in_range("server.max_queued", 0, 1000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t upload, in_range("server.max_upload_bytes", 1, kMaxBytes));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t stream, in_range("server.max_stream_bytes", 0, kMaxBytes));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t batch, in_range("server.max_batch", 1, 100000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t rows, in_range("server.max_rows", 1, 1000000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t head_t, in_range("server.header_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t req_t, in_range("server.request_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t read_t, in_range("server.read_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t write_t, in_range("server.write_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t classify_t, in_range("server.classify_timeout_ms", 0, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t ka_t, in_range("server.keep_alive_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t ka_n,
                            in_range("server.keep_alive_max_requests", 1, 1000000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t batch_size, in_range("pipeline.batch_size", 1, 1000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t record, in_range("input.max_record_bytes", 1, kMaxBytes));
  o.port = static_cast<int>(port);
  o.threads = static_cast<int>(threads);
  o.io_threads = static_cast<int>(io_threads);
  o.max_connections = static_cast<size_t>(conns);
  o.max_queued = static_cast<size_t>(queued);
  o.max_upload_bytes = static_cast<size_t>(upload);
  o.max_stream_bytes = static_cast<size_t>(stream);
  o.max_batch = static_cast<size_t>(batch);
  o.max_rows = static_cast<size_t>(rows);
  o.header_timeout_ms = static_cast<int>(head_t);
  o.request_timeout_ms = static_cast<int>(req_t);
  o.read_timeout_ms = static_cast<int>(read_t);
  o.write_timeout_ms = static_cast<int>(write_t);
  o.classify_timeout_ms = static_cast<int>(classify_t);
  o.keep_alive = config.GetBool("server.keep_alive");
  o.keep_alive_timeout_ms = static_cast<int>(ka_t);
  o.keep_alive_max_requests = static_cast<int>(ka_n);
  o.batch_size = static_cast<size_t>(batch_size);
  o.max_record_bytes = static_cast<size_t>(record);
  o.access_log = config.GetBool("server.access_log");
  std::string_view keys = config.GetString("server.api_keys");
  while (!keys.empty()) {
    size_t comma = keys.find(',');
    std::string_view k = keys.substr(0, comma);
    while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
    while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
    if (!k.empty()) o.api_keys.emplace_back(k);
    if (comma == std::string_view::npos) break;
    keys.remove_prefix(comma + 1);
  }
  return o;
}

int ServerOptions::WorkerThreads() const {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(8u, 4 * std::thread::hardware_concurrency()));
}

int ServerOptions::IoThreads() const {
  if (io_threads > 0) return io_threads;
  return static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 2u));
}

}  // namespace logsieve

#include "server/options.h"

#include <algorithm>
#include <string_view>
#include <thread>

namespace logsieve {

StatusOr<ServerOptions> ServerOptions::FromConfig(const Config& config) {
  ServerOptions o;
  o.host = config.GetString("server.host");
  if (o.host.empty()) return InvalidArgumentError("server.host is empty");
  auto ms = [&](std::string_view key) { return static_cast<int>(config.GetInt(key)); };
  o.port = static_cast<int>(config.GetInt("server.port"));
  o.threads = static_cast<int>(config.GetInt("server.threads"));
  o.io_threads = static_cast<int>(config.GetInt("server.io_threads"));
  o.max_connections = config.GetSize("server.max_connections");
  o.max_queued = config.GetSize("server.max_queued");
  o.max_upload_bytes = config.GetSize("server.max_upload_bytes");
  o.max_stream_bytes = config.GetSize("server.max_stream_bytes");
  o.max_batch = config.GetSize("server.max_batch");
  o.max_rows = config.GetSize("server.max_rows");
  o.header_timeout_ms = ms("server.header_timeout_ms");
  o.request_timeout_ms = ms("server.request_timeout_ms");
  o.read_timeout_ms = ms("server.read_timeout_ms");
  o.write_timeout_ms = ms("server.write_timeout_ms");
  o.classify_timeout_ms = ms("server.classify_timeout_ms");
  o.keep_alive = config.GetBool("server.keep_alive");
  o.keep_alive_timeout_ms = ms("server.keep_alive_timeout_ms");
  o.keep_alive_max_requests = static_cast<int>(config.GetInt("server.keep_alive_max_requests"));
  o.batch_size = config.GetSize("pipeline.batch_size");
  o.max_record_bytes = config.GetSize("input.max_record_bytes");
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

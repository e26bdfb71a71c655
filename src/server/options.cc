#include "server/options.h"

#include <algorithm>
#include <string_view>
#include <thread>

#include "common/config_binding.h"

namespace logsieve {
namespace {

constexpr ConfigBinding<ServerOptions> kServerBindings[] = {
    {"server.host", &ServerOptions::host},
    {"server.port", &ServerOptions::port},
    {"server.threads", &ServerOptions::threads},
    {"server.io_threads", &ServerOptions::io_threads},
    {"server.max_connections", &ServerOptions::max_connections},
    {"server.max_queued", &ServerOptions::max_queued},
    {"server.max_upload_bytes", &ServerOptions::max_upload_bytes},
    {"server.max_stream_bytes", &ServerOptions::max_stream_bytes},
    {"server.max_batch", &ServerOptions::max_batch},
    {"server.max_rows", &ServerOptions::max_rows},
    {"server.header_timeout_ms", &ServerOptions::header_timeout_ms},
    {"server.request_timeout_ms", &ServerOptions::request_timeout_ms},
    {"server.read_timeout_ms", &ServerOptions::read_timeout_ms},
    {"server.write_timeout_ms", &ServerOptions::write_timeout_ms},
    {"server.classify_timeout_ms", &ServerOptions::classify_timeout_ms},
    {"server.keep_alive", &ServerOptions::keep_alive},
    {"server.keep_alive_timeout_ms", &ServerOptions::keep_alive_timeout_ms},
    {"server.keep_alive_max_requests", &ServerOptions::keep_alive_max_requests},
    {"pipeline.batch_size", &ServerOptions::batch_size},
    {"input.max_record_bytes", &ServerOptions::max_record_bytes},
    {"server.access_log", &ServerOptions::access_log},
};

}  // namespace

StatusOr<ServerOptions> ServerOptions::FromConfig(const Config& config) {
  ServerOptions o;
  BindConfig(config, kServerBindings, &o);
  if (o.host.empty()) return InvalidArgumentError("server.host is empty");
  LOGSIEVE_ASSIGN_OR_RETURN(o.multiline, MultilineOptions::FromConfig(config));
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

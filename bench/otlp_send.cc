// The sender of bench/otlp_bench.sh: N log records as OTLP/HTTP requests of
// R records each (JSON or protobuf), over C keep-alive connections, to a
// `logsieve worker` with ingest.otlp.listen. Every body is built before the
// clock starts; the clock stops at the last 200, and since the worker answers
// 200 only once a request's records are in output.ndjson, that is the time to
// have them all written. A 429 is retried after 5 ms (counted).
//
//   otlp_send PORT json|proto N R C PREFIX SUFFIX
//   -> "records 200000 seconds 1.234 records/s 162074 retries 0"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"

namespace {

namespace collector = opentelemetry::proto::collector::logs::v1;

std::string Message(const std::string& prefix, long i, const std::string& suffix) {
  return prefix + std::to_string(100000000 + i) + suffix;
}

std::string JsonBody(long first, long count, const std::string& prefix, const std::string& suffix) {
  std::string b = R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":)"
                  R"({"stringValue":"ModernCRM"}}]},"scopeLogs":[{"logRecords":[)";
  for (long i = first; i < first + count; ++i) {
    if (i != first) b += ',';
    b += R"({"timeUnixNano":"1733600000000000000","severityNumber":9,"severityText":"INFO",)"
         R"("body":{"stringValue":")" +
         Message(prefix, i, suffix) +
         R"("},"attributes":[{"key":"app.line","value":{"intValue":")" + std::to_string(i) +
         R"("}}]})";
  }
  return b + "]}]}]}";
}

std::string ProtoBody(long first, long count, const std::string& prefix,
                      const std::string& suffix) {
  collector::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  auto* name = rl->mutable_resource()->add_attributes();
  name->set_key("service.name");
  name->mutable_value()->set_string_value("ModernCRM");
  auto* sl = rl->add_scope_logs();
  for (long i = first; i < first + count; ++i) {
    auto* r = sl->add_log_records();
    r->set_time_unix_nano(1733600000000000000u);
    r->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_INFO);
    r->set_severity_text("INFO");
    r->mutable_body()->set_string_value(Message(prefix, i, suffix));
    auto* a = r->add_attributes();
    a->set_key("app.line");
    a->mutable_value()->set_int_value(i);
  }
  return req.SerializeAsString();
}

int Connect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0) {
    std::perror("otlp_send: connect");
    std::exit(1);
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

// Sends `request` and reads one response; its status code.
int RoundTrip(int fd, const std::string& request, std::string* buffer) {
  for (size_t sent = 0; sent < request.size();) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) return 0;
    sent += static_cast<size_t>(n);
  }
  buffer->clear();
  char chunk[4096];
  for (;;) {
    size_t head = buffer->find("\r\n\r\n");
    if (head != std::string::npos) {
      size_t at = buffer->find("Content-Length: ");
      size_t length = at < head ? std::strtoul(buffer->c_str() + at + 16, nullptr, 10) : 0;
      if (buffer->size() >= head + 4 + length) return std::atoi(buffer->c_str() + 9);
    }
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) return 0;
    buffer->append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 8) {
    std::fprintf(stderr, "usage: otlp_send PORT json|proto N R C PREFIX SUFFIX\n");
    return 2;
  }
  const int port = std::atoi(argv[1]);
  const bool json = std::strcmp(argv[2], "json") == 0;
  const long n = std::atol(argv[3]), per = std::atol(argv[4]);
  const int connections = std::atoi(argv[5]);
  const std::string prefix = argv[6], suffix = argv[7];

  std::vector<std::string> requests;
  for (long first = 0; first < n; first += per) {
    long count = std::min(per, n - first);
    std::string body =
        json ? JsonBody(first, count, prefix, suffix) : ProtoBody(first, count, prefix, suffix);
    requests.push_back(std::string("POST /v1/logs HTTP/1.1\r\nHost: bench\r\nContent-Type: ") +
                       (json ? "application/json" : "application/x-protobuf") +
                       "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
  }
  std::atomic<size_t> next{0};
  std::atomic<long> retries{0};
  std::atomic<bool> failed{false};
  auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int c = 0; c < connections; ++c) {
    threads.emplace_back([&] {
      int fd = Connect(port);
      std::string buffer;
      for (size_t i; (i = next.fetch_add(1)) < requests.size();) {
        int status;
        while ((status = RoundTrip(fd, requests[i], &buffer)) == 429) {
          retries.fetch_add(1);
          std::this_thread::sleep_for(std::chrono::milliseconds(5));
        }
        if (status != 200) {
          std::fprintf(stderr, "otlp_send: request %zu answered %d: %s\n", i, status,
                       buffer.substr(0, 300).c_str());
          failed = true;
          break;
        }
      }
      close(fd);
    });
  }
  for (std::thread& t : threads) t.join();
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (failed) return 1;
  std::printf("records %ld seconds %.3f records/s %.0f retries %ld\n", n, seconds, n / seconds,
              retries.load());
  return 0;
}

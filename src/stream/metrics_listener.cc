#include "stream/metrics_listener.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <string_view>

#include "common/metrics.h"

namespace logsieve {
namespace {

constexpr size_t kMaxHead = 8192;
constexpr int kReadTimeoutMs = 2000;

void WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

std::string Response(int status, std::string_view reason, std::string_view content_type,
                     std::string_view body) {
  std::string r = "HTTP/1.1 " + std::to_string(status) + " " + std::string(reason) +
                  "\r\nContent-Type: " + std::string(content_type) +
                  "\r\nContent-Length: " + std::to_string(body.size()) +
                  "\r\nConnection: close\r\n\r\n";
  r += body;
  return r;
}

}  // namespace

StatusOr<std::unique_ptr<MetricsListener>> MetricsListener::Start(const std::string& host, int port,
                                                                  std::function<bool()> ready) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, host.c_str(), &addr.sin_addr) != 1) {
    return InvalidArgumentError("worker.metrics_host: '" + host + "' is not an IPv4 address");
  }
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return InternalError(std::string("metrics listener: socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || listen(fd, 16) != 0) {
    std::string why = strerror(errno);
    close(fd);
    return UnavailableError("worker.metrics_port: cannot listen on " + host + ":" +
                            std::to_string(port) + ": " + why);
  }
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) {
    close(fd);
    return InternalError("metrics listener: cannot create its stop pipe");
  }
  std::unique_ptr<MetricsListener> l(
      new MetricsListener(fd, ntohs(addr.sin_port), pipe_fds[0], pipe_fds[1], std::move(ready)));
  l->thread_ = std::thread([p = l.get()] { p->Serve(); });
  return l;
}

MetricsListener::MetricsListener(int listen_fd, int port, int stop_read, int stop_write,
                                 std::function<bool()> ready)
    : listen_fd_(listen_fd),
      port_(port),
      stop_read_(stop_read),
      stop_write_(stop_write),
      ready_(std::move(ready)) {}

MetricsListener::~MetricsListener() {
  char b = 0;
  [[maybe_unused]] ssize_t n = write(stop_write_, &b, 1);
  if (thread_.joinable()) thread_.join();
  close(listen_fd_);
  close(stop_read_);
  close(stop_write_);
}

void MetricsListener::Serve() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_read_, POLLIN, 0}};
    if (poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if (fds[1].revents != 0) return;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Answer(fd);
    close(fd);
  }
}

void MetricsListener::Answer(int fd) const {
  std::string head;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReadTimeoutMs);
  char buf[2048];
  while (head.find("\r\n\r\n") == std::string::npos && head.size() <= kMaxHead) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                    deadline - std::chrono::steady_clock::now())
                    .count();
    pollfd p{fd, POLLIN, 0};
    if (left <= 0 || poll(&p, 1, static_cast<int>(left)) <= 0) return;
    ssize_t n = recv(fd, buf, sizeof buf, 0);
    if (n <= 0) return;
    head.append(buf, static_cast<size_t>(n));
  }
  if (head.size() > kMaxHead) {
    WriteAll(fd, Response(431, "Request Header Fields Too Large", "text/plain", "too large\n"));
    return;
  }
  // "GET /path HTTP/1.1"
  std::string_view line = std::string_view(head).substr(0, head.find("\r\n"));
  size_t sp1 = line.find(' ');
  size_t sp2 = line.find(' ', sp1 == std::string_view::npos ? 0 : sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos) {
    WriteAll(fd, Response(400, "Bad Request", "text/plain", "bad request line\n"));
    return;
  }
  std::string_view method = line.substr(0, sp1);
  std::string_view path = line.substr(sp1 + 1, sp2 - sp1 - 1);
  path = path.substr(0, path.find('?'));
  if (method != "GET") {
    WriteAll(fd, Response(405, "Method Not Allowed", "text/plain", "GET only\n"));
  } else if (path == "/metrics") {
    WriteAll(fd, Response(200, "OK", "text/plain; version=0.0.4",
                          MetricsRegistry::Global().RenderPrometheus()));
  } else if (path == "/readyz") {
    WriteAll(fd, ready_() ? Response(200, "OK", "application/json", "{\"status\":\"ready\"}\n")
                          : Response(503, "Service Unavailable", "application/json",
                                     "{\"status\":\"not ready: no Redis connection\"}\n"));
  } else if (path == "/healthz") {
    WriteAll(fd, Response(200, "OK", "application/json", "{\"status\":\"ok\"}\n"));
  } else {
    WriteAll(fd, Response(404, "Not Found", "text/plain", "not found\n"));
  }
}

}  // namespace logsieve

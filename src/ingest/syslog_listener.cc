#include "ingest/syslog_listener.h"

#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "common/metrics.h"
#include "io/ndjson.h"

namespace logsieve {
namespace {

constexpr std::string_view kUdp = "syslog_udp";
constexpr std::string_view kTcp = "syslog_tcp";
// The largest UDP payload.
constexpr size_t kReadBuffer = 65536;
// Reads per socket per poll round: one busy sender does not starve the rest.
constexpr int kReadsPerRound = 16;
// What a stop reads from one socket at most: a sender that keeps sending
// does not hold the stop forever.
constexpr size_t kMaxDrainBytes = 64u << 20;

Gauge& Connections() { return IngestConnections(kTcp); }
Counter& Refused() { return IngestConnectionsRefused(kTcp); }

struct Address {
  bool tcp = false;
  sockaddr_storage addr{};
  socklen_t len = 0;
};

StatusOr<Address> ParseAddress(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError("ingest.syslog.listen: '" + text + "': " + why +
                                " (expected udp://HOST:PORT or tcp://HOST:PORT)");
  };
  Address a;
  std::string_view rest = text;
  if (rest.substr(0, 6) == "udp://") {
    a.tcp = false;
  } else if (rest.substr(0, 6) == "tcp://") {
    a.tcp = true;
  } else {
    return bad("unknown scheme");
  }
  rest.remove_prefix(6);
  size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == rest.size()) return bad("no port");
  std::string host(rest.substr(0, colon));
  std::string port(rest.substr(colon + 1));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  if (host.empty()) return bad("no host");
  addrinfo hints{};
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV | AI_PASSIVE;
  hints.ai_socktype = a.tcp ? SOCK_STREAM : SOCK_DGRAM;
  addrinfo* found = nullptr;
  if (int rc = getaddrinfo(host.c_str(), port.c_str(), &hints, &found); rc != 0) {
    return bad(gai_strerror(rc));
  }
  std::memcpy(&a.addr, found->ai_addr, found->ai_addrlen);
  a.len = found->ai_addrlen;
  freeaddrinfo(found);
  return a;
}

std::string Describe(bool tcp, const sockaddr_storage& addr, socklen_t len) {
  char host[NI_MAXHOST], port[NI_MAXSERV];
  if (getnameinfo(reinterpret_cast<const sockaddr*>(&addr), len, host, sizeof host, port,
                  sizeof port, NI_NUMERICHOST | NI_NUMERICSERV) != 0) {
    return "?";
  }
  std::string h = host;
  if (addr.ss_family == AF_INET6) h = "[" + h + "]";
  return std::string(tcp ? "tcp://" : "udp://") + h + ":" + port;
}

}  // namespace

IngestRecord SyslogRecord(const SyslogMessage& m, size_t cut_bytes, std::string_view input,
                          const std::string& default_source) {
  IngestRecord r;
  r.input = input;
  std::string_view app = TrimRecordField(m.app_name);
  r.record.source = app.empty() ? default_source : std::string(app);
  r.record.message = TrimRecordField(m.message);
  auto keep = [&r](const char* name, std::string_view value) {
    if (!value.empty()) r.fields.emplace_back(name, value);
  };
  keep("hostname", m.hostname);
  keep("facility", SyslogFacilityName(m.facility));
  keep("severity", SyslogSeverityName(m.severity));
  keep("timestamp", m.timestamp);
  keep("procid", m.procid);
  keep("msgid", m.msgid);
  keep("structured_data", m.structured_data);
  if (cut_bytes > 0) r.fields.emplace_back("truncated_bytes", std::to_string(cut_bytes));
  return r;
}

struct SyslogListener::Connection {
  Connection(int f, size_t max) : fd(f), framer(max) {}
  int fd;
  SyslogFramer framer;
};

SyslogListener::SyslogListener(SyslogListenerOptions options, IngestQueue* queue)
    : options_(std::move(options)), queue_(queue), buffer_(kReadBuffer) {}

StatusOr<std::unique_ptr<SyslogListener>> SyslogListener::Start(
    const SyslogListenerOptions& options, IngestQueue* queue) {
  std::unique_ptr<SyslogListener> l(new SyslogListener(options, queue));
  for (const std::string& text : options.listen) {
    LOGSIEVE_ASSIGN_OR_RETURN(Address a, ParseAddress(text));
    int fd = socket(a.addr.ss_family,
                    (a.tcp ? SOCK_STREAM : SOCK_DGRAM) | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return InternalError(std::string("syslog listener: socket: ") + strerror(errno));
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (!a.tcp) {
      int size = 8 << 20;  // bursts wait here; the kernel caps it at net.core.rmem_max
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    }
    if (bind(fd, reinterpret_cast<sockaddr*>(&a.addr), a.len) != 0 ||
        (a.tcp && listen(fd, 128) != 0)) {
      std::string why = strerror(errno);
      close(fd);
      return UnavailableError("ingest.syslog.listen: cannot listen on " + text + ": " + why);
    }
    a.len = sizeof a.addr;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a.addr), &a.len);
    l->addresses_.push_back(Describe(a.tcp, a.addr, a.len));
    (a.tcp ? l->tcp_fds_ : l->udp_fds_).push_back(fd);
  }
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return InternalError("syslog listener: no stop pipe");
  l->stop_read_ = pipe_fds[0];
  l->stop_write_ = pipe_fds[1];
  l->thread_ = std::thread([p = l.get()] { p->Serve(); });
  return l;
}

void SyslogListener::Stop() {
  if (!thread_.joinable()) return;
  char b = 0;
  [[maybe_unused]] ssize_t n = write(stop_write_, &b, 1);
  thread_.join();
}

SyslogListener::~SyslogListener() {
  Stop();
  for (int fd : udp_fds_) close(fd);
  for (int fd : tcp_fds_) close(fd);
  for (auto& c : connections_) Close(*c);
  if (stop_read_ >= 0) close(stop_read_);
  if (stop_write_ >= 0) close(stop_write_);
}

void SyslogListener::Serve() {
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    fds.push_back({stop_read_, POLLIN, 0});
    for (int fd : udp_fds_) fds.push_back({fd, POLLIN, 0});
    for (int fd : tcp_fds_) fds.push_back({fd, POLLIN, 0});
    for (auto& c : connections_) fds.push_back({c->fd, POLLIN, 0});
    if (poll(fds.data(), fds.size(), -1) < 0) {
      if (errno == EINTR) continue;
      std::fprintf(stderr, "logsieve worker: syslog listener: poll: %s\n", strerror(errno));
      return;
    }
    if (fds[0].revents != 0) break;
    size_t k = 1;
    for (int fd : udp_fds_) {
      if (fds[k++].revents != 0) ReadDatagrams(fd, false);
    }
    for (int fd : tcp_fds_) {
      if (fds[k++].revents != 0) Accept(fd, false);
    }
    // Connections accepted in this round are after the polled ones.
    size_t polled = fds.size() - k;
    for (size_t i = 0; i < polled; ++i) {
      Connection& c = *connections_[i];
      if (fds[k + i].revents != 0 && !ReadStream(c, false)) Close(c);
    }
    std::erase_if(connections_, [](const std::unique_ptr<Connection>& c) { return c->fd < 0; });
  }
  // The stop: what the sockets hold already is read, then every one closed.
  for (int fd : udp_fds_) ReadDatagrams(fd, true);
  for (int fd : tcp_fds_) Accept(fd, true);
  for (auto& c : connections_) {
    ReadStream(*c, true);
    Close(*c);
  }
  connections_.clear();
}

void SyslogListener::ReadDatagrams(int fd, bool drain) {
  size_t drained = 0;
  for (int round = 0; drain ? drained < kMaxDrainBytes : round < kReadsPerRound; ++round) {
    ssize_t n = recv(fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) return;  // EAGAIN: nothing more; other errors are the datagram's
    auto size = static_cast<size_t>(n);
    drained += size;
    size_t keep = std::min({size, buffer_.size(), options_.max_record_bytes});
    PushFrame(std::string_view(buffer_.data(), keep), size - keep, false, kUdp);
  }
}

void SyslogListener::Accept(int fd, bool drain) {
  for (;;) {
    int c = accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (c < 0) return;
    if (connections_.size() >= options_.max_connections) {
      close(c);
      Refused().Inc();
      if (auto n = static_cast<uint64_t>(Refused().value()); n <= 10 || n % 1000 == 0) {
        std::fprintf(stderr,
                     "logsieve worker: syslog_tcp: a connection over "
                     "ingest.syslog.max_connections (%zu) closed (%llu so far)\n",
                     options_.max_connections, static_cast<unsigned long long>(n));
      }
      continue;
    }
    connections_.push_back(std::make_unique<Connection>(c, options_.max_record_bytes));
    Connections().Add(1);
    if (drain) {
      ReadStream(*connections_.back(), true);
      Close(*connections_.back());
    }
  }
}

bool SyslogListener::ReadStream(Connection& c, bool drain) {
  size_t drained = 0;
  for (int round = 0; drain ? drained < kMaxDrainBytes : round < kReadsPerRound; ++round) {
    ssize_t n = recv(c.fd, buffer_.data(), buffer_.size(), MSG_DONTWAIT);
    if (n == 0) return false;
    if (n < 0) return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
    drained += static_cast<size_t>(n);
    frames_.clear();
    c.framer.Feed(std::string_view(buffer_.data(), static_cast<size_t>(n)), &frames_);
    for (const SyslogFrame& f : frames_) PushFrame(f.text, f.cut_bytes, f.incomplete, kTcp);
  }
  return true;
}

void SyslogListener::Close(Connection& c) {
  if (c.fd < 0) return;
  frames_.clear();
  c.framer.Finish(&frames_);
  for (const SyslogFrame& f : frames_) PushFrame(f.text, f.cut_bytes, f.incomplete, kTcp);
  close(c.fd);
  c.fd = -1;
  Connections().Add(-1);
}

void SyslogListener::PushFrame(std::string_view text, size_t cut_bytes, bool incomplete,
                               std::string_view input) {
  CountReceived(input);
  SyslogMessage m = ParseSyslog(text);
  if (cut_bytes > 0) {
    CountBad(input, "oversized",
             std::to_string(text.size() + cut_bytes) + " bytes, over input.max_record_bytes (" +
                 std::to_string(options_.max_record_bytes) + "); the first " +
                 std::to_string(text.size()) + " kept");
  }
  if (incomplete)
    CountBad(input, "incomplete", "the connection ended inside an octet-counted frame");
  if (m.format == SyslogMessage::Format::kUnparsed)
    CountBad(input, "unparsed", text.substr(0, 200));
  queue_->Push(SyslogRecord(m, cut_bytes, input, options_.default_source));
  received_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace logsieve

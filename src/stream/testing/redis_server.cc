#include "stream/testing/redis_server.h"

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

namespace logsieve::testing {
namespace {

// A port the kernel just handed out; free again once the socket closes.
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

StatusOr<std::unique_ptr<RedisServer>> RedisServer::Start() {
  if (access("/usr/bin/redis-server", X_OK) != 0) {
    return UnavailableError("/usr/bin/redis-server is not installed");
  }
  std::unique_ptr<RedisServer> s(new RedisServer());
  s->port_ = FreePort();
  LOGSIEVE_RETURN_IF_ERROR(s->Spawn());
  return s;
}

RedisServer::~RedisServer() { Stop(); }

RedisEndpoint RedisServer::endpoint() const {
  RedisEndpoint ep;
  ep.host = "127.0.0.1";
  ep.port = port_;
  return ep;
}

Status RedisServer::Spawn() {
  std::string port = std::to_string(port_);
  std::vector<std::string> argv = {"/usr/bin/redis-server",
                                   "--port",
                                   port,
                                   "--bind",
                                   "127.0.0.1",
                                   "--dir",
                                   dir_.path(),
                                   "--save",
                                   "",
                                   "--appendonly",
                                   "yes",
                                   "--appendfsync",
                                   "always",
                                   "--daemonize",
                                   "no",
                                   "--logfile",
                                   dir_.File("redis.log")};
  pid_ = fork();
  if (pid_ == 0) {
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  // Ready when it answers PING (and has loaded its data).
  for (int i = 0; i < 500; ++i) {
    StatusOr<std::unique_ptr<RedisConnection>> c = RedisConnection::Connect(endpoint());
    if (c.ok() && (*c)->Command({"PING"}).ok()) return OkStatus();
    if (waitpid(pid_, nullptr, WNOHANG) == pid_) {
      pid_ = -1;
      return UnavailableError("redis-server exited at start; see " + dir_.File("redis.log"));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return UnavailableError("redis-server did not answer PING within 5 s");
}

void RedisServer::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

Status RedisServer::StartAgain() { return Spawn(); }

Status RedisServer::Restart() {
  Stop();
  return Spawn();
}

std::unique_ptr<RedisConnection> RedisServer::Client() const {
  StatusOr<std::unique_ptr<RedisConnection>> c = RedisConnection::Connect(endpoint());
  if (!c.ok()) {
    ADD_FAILURE() << c.status().message();
    return nullptr;
  }
  return *std::move(c);
}

std::vector<std::string> FieldValues(RedisConnection& c, const std::string& stream,
                                     const std::string& field) {
  std::vector<std::string> out;
  StatusOr<RedisReply> r = c.Command({"XRANGE", stream, "-", "+"});
  if (!r.ok()) return out;
  for (const RedisReply& e : r->elements) {
    const std::vector<RedisReply>& kv = e.elements[1].elements;
    for (size_t i = 0; i + 1 < kv.size(); i += 2) {
      if (kv[i].str == field) out.push_back(kv[i + 1].str);
    }
  }
  return out;
}

}  // namespace logsieve::testing

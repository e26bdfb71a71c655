#include "stream/redis.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <charconv>
#include <cstring>

namespace logsieve {
namespace {

timeval Timeval(int ms) {
  return timeval{.tv_sec = ms / 1000, .tv_usec = static_cast<suseconds_t>((ms % 1000) * 1000)};
}

bool ParseNumber(std::string_view text, int lo, int hi, int* out) {
  int v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) return false;
  *out = v;
  return true;
}

RedisReply Copy(const redisReply* r) {
  RedisReply out;
  switch (r->type) {
    case REDIS_REPLY_STRING:
      out.type = RedisReply::Type::kString;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_STATUS:
      out.type = RedisReply::Type::kStatus;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_ERROR:
      out.type = RedisReply::Type::kError;
      out.str.assign(r->str, r->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.type = RedisReply::Type::kInteger;
      out.integer = r->integer;
      break;
    case REDIS_REPLY_ARRAY:
      out.type = RedisReply::Type::kArray;
      out.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) out.elements.push_back(Copy(r->element[i]));
      break;
    default:
      out.type = RedisReply::Type::kNil;
  }
  return out;
}

// argv as hiredis wants it: pointers and lengths (binary-safe).
struct Argv {
  explicit Argv(const std::vector<std::string>& args) {
    ptrs.reserve(args.size());
    lens.reserve(args.size());
    for (const std::string& a : args) {
      ptrs.push_back(a.data());
      lens.push_back(a.size());
    }
  }
  std::vector<const char*> ptrs;
  std::vector<size_t> lens;
};

}  // namespace

StatusOr<RedisEndpoint> RedisEndpoint::FromUrl(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.starts_with("rediss://")) {
    return InvalidArgumentError(
        "worker.redis_url: rediss:// (TLS) is not offered: Debian's hiredis 0.14 has no TLS "
        "support; reach Redis over a private network or a TLS tunnel (stunnel, spiped)");
  }
  if (!url.starts_with(kScheme)) {
    return InvalidArgumentError("worker.redis_url: must start with redis://");
  }
  RedisEndpoint ep;
  std::string_view rest = url.substr(kScheme.size());
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = rest.substr(0, at);
    rest = rest.substr(at + 1);
    if (size_t colon = userinfo.find(':'); colon != std::string_view::npos) {
      ep.user = std::string(userinfo.substr(0, colon));
      ep.password = std::string(userinfo.substr(colon + 1));
    } else {
      ep.password = std::string(userinfo);
    }
  }
  if (size_t slash = rest.find('/'); slash != std::string_view::npos) {
    std::string_view db = rest.substr(slash + 1);
    rest = rest.substr(0, slash);
    if (!db.empty() && !ParseNumber(db, 0, 1000000, &ep.db)) {
      return InvalidArgumentError("worker.redis_url: the database after '/' must be a number");
    }
  }
  std::string_view host = rest;
  std::string_view port;
  if (rest.starts_with('[')) {  // [IPv6]:port
    size_t close = rest.find(']');
    if (close == std::string_view::npos) {
      return InvalidArgumentError("worker.redis_url: '[' without ']' in the host");
    }
    host = rest.substr(1, close - 1);
    if (close + 1 < rest.size()) {
      if (rest[close + 1] != ':') return InvalidArgumentError("worker.redis_url: bad host");
      port = rest.substr(close + 2);
    }
  } else if (size_t colon = rest.rfind(':'); colon != std::string_view::npos) {
    host = rest.substr(0, colon);
    port = rest.substr(colon + 1);
  }
  if (host.empty()) return InvalidArgumentError("worker.redis_url: no host");
  ep.host = std::string(host);
  if (!port.empty() && !ParseNumber(port, 1, 65535, &ep.port)) {
    return InvalidArgumentError("worker.redis_url: the port must be a number in [1, 65535]");
  }
  return ep;
}

std::string RedisEndpoint::Describe() const {
  return host + ":" + std::to_string(port) + "/" + std::to_string(db);
}

StatusOr<std::unique_ptr<RedisConnection>> RedisConnection::Connect(const RedisEndpoint& endpoint) {
  std::string where = "redis " + endpoint.Describe();
  redisContext* c =
      redisConnectWithTimeout(endpoint.host.c_str(), endpoint.port, Timeval(endpoint.timeout_ms));
  if (c == nullptr) return UnavailableError(where + ": cannot allocate a connection");
  if (c->err != 0) {
    std::string message = where + ": " + c->errstr;
    redisFree(c);
    return UnavailableError(message);
  }
  redisSetTimeout(c, Timeval(endpoint.timeout_ms));
  std::unique_ptr<RedisConnection> conn(new RedisConnection(c, where));
  if (!endpoint.password.empty()) {
    std::vector<std::string> auth = {"AUTH"};
    if (!endpoint.user.empty()) auth.push_back(endpoint.user);
    auth.push_back(endpoint.password);
    StatusOr<RedisReply> r = conn->Command(auth);
    if (!r.ok()) return r.status();
  }
  if (endpoint.db != 0) {
    StatusOr<RedisReply> r = conn->Command({"SELECT", std::to_string(endpoint.db)});
    if (!r.ok()) return r.status();
  }
  return conn;
}

RedisConnection::RedisConnection(redisContext* context, std::string where)
    : context_(context), where_(std::move(where)) {}

RedisConnection::~RedisConnection() { redisFree(context_); }

void RedisConnection::SetTimeout(int timeout_ms) { redisSetTimeout(context_, Timeval(timeout_ms)); }

Status RedisConnection::Lost() {
  broken_ = true;
  std::string why = context_->err != 0 ? context_->errstr : "connection lost";
  if (context_->err == REDIS_ERR_EOF) why = "the server closed the connection";
  return UnavailableError(where_ + ": " + why);
}

StatusOr<RedisReply> RedisConnection::Command(const std::vector<std::string>& argv) {
  if (broken_) return UnavailableError(where_ + ": connection lost");
  Argv a(argv);
  auto* r = static_cast<redisReply*>(
      redisCommandArgv(context_, static_cast<int>(argv.size()), a.ptrs.data(), a.lens.data()));
  if (r == nullptr) return Lost();
  RedisReply reply = Copy(r);
  freeReplyObject(r);
  if (reply.is_error()) {
    // A server that is loading its data or failing over will answer soon.
    for (std::string_view transient :
         {"LOADING", "BUSY ", "TRYAGAIN", "MASTERDOWN", "CLUSTERDOWN"}) {
      if (std::string_view(reply.str).starts_with(transient)) {
        return UnavailableError(where_ + ": " + reply.str);
      }
    }
    // AUTH and SELECT faults, WRONGTYPE, BUSYGROUP...: the server's own words.
    return FailedPreconditionError(where_ + ": " + reply.str);
  }
  return reply;
}

StatusOr<std::vector<RedisReply>> RedisConnection::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (broken_) return UnavailableError(where_ + ": connection lost");
  for (const std::vector<std::string>& argv : commands) {
    Argv a(argv);
    if (redisAppendCommandArgv(context_, static_cast<int>(argv.size()), a.ptrs.data(),
                               a.lens.data()) != REDIS_OK) {
      return Lost();
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(context_, &raw) != REDIS_OK || raw == nullptr) return Lost();
    replies.push_back(Copy(static_cast<redisReply*>(raw)));
    freeReplyObject(raw);
  }
  return replies;
}

}  // namespace logsieve

// RedisConnection: one synchronous connection to a Redis (or Valkey) server,
// behind logsieve's Status. The only file that includes hiredis is redis.cc.
//
//   StatusOr<RedisEndpoint> ep = RedisEndpoint::FromUrl("redis://:pw@127.0.0.1:6379/0");
//   StatusOr<std::unique_ptr<RedisConnection>> c = RedisConnection::Connect(*ep);
//   StatusOr<RedisReply> r = (*c)->Command({"XADD", "in", "*", "log_message", "hi"});
//
// Failures come in two kinds, and callers tell them apart by the code:
//   - kUnavailable: the connection is gone (refused, reset, timed out). The
//     connection is then broken() and must be replaced; what was sent may or
//     may not have been executed. An error reply that says "try again soon"
//     (LOADING, BUSY, TRYAGAIN, MASTERDOWN, CLUSTERDOWN) is kUnavailable too.
//   - any other code: the server answered with an error reply (Command), e.g.
//     WRONGTYPE or BUSYGROUP; the connection is still good.
//
// No TLS: Debian 12's hiredis is 0.14, and TLS (hiredis_ssl) came with 1.0.
//
// Thread safety: a connection belongs to one thread at a time.
#ifndef LOGSIEVE_STREAM_REDIS_H_
#define LOGSIEVE_STREAM_REDIS_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

struct redisContext;

namespace logsieve {

struct RedisEndpoint {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string user;      // ACL user for AUTH; empty: the default user
  std::string password;  // empty: no AUTH
  int db = 0;
  // Connect and per-reply timeout. A reply that blocks on the server
  // (XREADGROUP BLOCK) needs a timeout above its block time.
  int timeout_ms = 5000;

  // redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]. rediss:// is refused with the
  // reason (no TLS in hiredis 0.14); the message names the URL's fault, never
  // the password.
  static StatusOr<RedisEndpoint> FromUrl(std::string_view url);
  // "HOST:PORT/DB", for messages (no password).
  std::string Describe() const;
};

// A reply, copied out of hiredis. Error replies have type kError and the
// message in `str`.
struct RedisReply {
  enum class Type : uint8_t { kNil, kString, kStatus, kInteger, kArray, kError };
  Type type = Type::kNil;
  std::string str;
  int64_t integer = 0;
  std::vector<RedisReply> elements;

  bool is_error() const { return type == Type::kError; }
  bool is_nil() const { return type == Type::kNil; }
};

class RedisConnection {
 public:
  // Connects, then AUTH (when a password is set) and SELECT (db != 0).
  // Unavailable when the server cannot be reached; an AUTH or SELECT error
  // reply is returned as FailedPrecondition (a configuration fault).
  static StatusOr<std::unique_ptr<RedisConnection>> Connect(const RedisEndpoint& endpoint);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // One command; an error reply becomes FailedPrecondition("redis: MESSAGE").
  StatusOr<RedisReply> Command(const std::vector<std::string>& argv);
  // Sends every command, then reads every reply: one round trip. Error
  // replies are returned as replies (one per command, in order); only a lost
  // connection fails the call.
  StatusOr<std::vector<RedisReply>> Pipeline(const std::vector<std::vector<std::string>>& commands);
  // Replaces the per-reply timeout (milliseconds).
  void SetTimeout(int timeout_ms);

  bool broken() const { return broken_; }

 private:
  RedisConnection(redisContext* context, std::string where);
  Status Lost();

  redisContext* context_;
  std::string where_;  // host:port/db, for messages
  bool broken_ = false;
};

}  // namespace logsieve

#endif  // LOGSIEVE_STREAM_REDIS_H_

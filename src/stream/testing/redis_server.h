// RedisServer: a real redis-server (Debian's) for tests, on a free loopback
// port in its own scratch directory, stopped when the object dies.
//
//   LOGSIEVE_REQUIRE_REDIS(redis);       // skips the test by name without redis-server
//   RedisEndpoint ep = redis->endpoint();
//   redis->Restart();                    // same port and data (append-only file, fsync always)
//
// Persistence is the append-only file with `appendfsync always`, so a
// Restart keeps every acknowledged write: what a production Redis with AOF
// does, and what the restart tests rely on.
#ifndef LOGSIEVE_STREAM_TESTING_REDIS_SERVER_H_
#define LOGSIEVE_STREAM_TESTING_REDIS_SERVER_H_

#include <memory>
#include <string>
#include <vector>

#include "common/status.h"
#include "stream/redis.h"
#include "testing/testing.h"

namespace logsieve::testing {

class RedisServer {
 public:
  // Unavailable when redis-server is not installed or does not start.
  static StatusOr<std::unique_ptr<RedisServer>> Start();
  ~RedisServer();
  RedisServer(const RedisServer&) = delete;
  RedisServer& operator=(const RedisServer&) = delete;

  RedisEndpoint endpoint() const;
  int port() const { return port_; }
  // Stops the server (SIGTERM, waits) and starts it again on the same port and data.
  Status Restart();
  void Stop();
  Status StartAgain();

  // A new client connection (REQUIRES: running).
  std::unique_ptr<RedisConnection> Client() const;

 private:
  RedisServer() = default;
  Status Spawn();

  ScratchDir dir_;
  int port_ = 0;
  int pid_ = -1;
};

// The values of `field` in every entry of `stream` (XRANGE - +), in order.
std::vector<std::string> FieldValues(RedisConnection& c, const std::string& stream,
                                     const std::string& field);

}  // namespace logsieve::testing

// Binds `var` (a std::unique_ptr<RedisServer>) or skips the test, visibly
// and by name, when redis-server cannot run here.
#define LOGSIEVE_REQUIRE_REDIS(var)                                                               \
  auto var##_or_ = ::logsieve::testing::RedisServer::Start();                                     \
  if (!var##_or_.ok()) {                                                                          \
    GTEST_SKIP() << "SKIPPED " << ::testing::UnitTest::GetInstance()->current_test_info()->name() \
                 << ": needs redis-server (scripts/install-deps.sh --test): "                     \
                 << var##_or_.status().message();                                                 \
  }                                                                                               \
  std::unique_ptr<::logsieve::testing::RedisServer> var = *std::move(var##_or_)

#endif  // LOGSIEVE_STREAM_TESTING_REDIS_SERVER_H_

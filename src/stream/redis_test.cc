#include "stream/redis.h"

#include <gtest/gtest.h>

#include "stream/testing/redis_server.h"

namespace logsieve {
namespace {

TEST(RedisEndpointTest, AUrlGivesHostPortPasswordAndDb) {
  StatusOr<RedisEndpoint> ep = RedisEndpoint::FromUrl("redis://:s3cret@cache.internal:6380/2");
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_EQ(ep->host, "cache.internal");
  EXPECT_EQ(ep->port, 6380);
  EXPECT_EQ(ep->password, "s3cret");
  EXPECT_EQ(ep->user, "");
  EXPECT_EQ(ep->db, 2);
  EXPECT_EQ(ep->Describe(), "cache.internal:6380/2");
}

TEST(RedisEndpointTest, AUrlWithUserAndIpv6HostAndNoPortTakesTheDefaultPort) {
  StatusOr<RedisEndpoint> ep = RedisEndpoint::FromUrl("redis://app:pw@[::1]");
  ASSERT_TRUE(ep.ok()) << ep.status().message();
  EXPECT_EQ(ep->host, "::1");
  EXPECT_EQ(ep->port, 6379);
  EXPECT_EQ(ep->user, "app");
  EXPECT_EQ(ep->password, "pw");
}

TEST(RedisEndpointTest, TlsUrlsAreRefusedWithTheReason) {
  Status s = RedisEndpoint::FromUrl("rediss://h:6379").status();
  EXPECT_EQ(s.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("hiredis 0.14 has no TLS"), std::string::npos) << s.message();
}

TEST(RedisEndpointTest, BadUrlsNameTheirFaultAndNeverThePassword) {
  for (const char* url :
       {"http://h", "redis://:pw@h:99999", "redis://:pw@h:6379/x", "redis://:pw@"}) {
    Status s = RedisEndpoint::FromUrl(url).status();
    EXPECT_FALSE(s.ok()) << url;
    EXPECT_EQ(s.message().find("pw"), std::string::npos) << s.message();
  }
}

TEST(RedisConnectionTest, ErrorRepliesAreFailedPreconditionAndTheConnectionStaysUsable) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  ASSERT_TRUE(c->Command({"SET", "k", "v"}).ok());
  Status s = c->Command({"XADD", "k", "*", "a", "b"}).status();
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("WRONGTYPE"), std::string::npos);
  EXPECT_EQ(c->Command({"GET", "k"})->str, "v");
}

TEST(RedisConnectionTest, APipelineAnswersEveryCommandInOrderWithErrorsAsReplies) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  StatusOr<std::vector<RedisReply>> r =
      c->Pipeline({{"SET", "a", "1"}, {"INCR", "nope", "x"}, {"INCR", "a"}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[0].str, "OK");
  EXPECT_TRUE((*r)[1].is_error());
  EXPECT_EQ((*r)[2].integer, 2);
}

TEST(RedisConnectionTest, AStoppedServerIsUnavailableNotAnError) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  redis->Stop();
  EXPECT_EQ(c->Command({"PING"}).status().code(), StatusCode::kUnavailable);
  EXPECT_TRUE(c->broken());
  EXPECT_EQ(RedisConnection::Connect(redis->endpoint()).status().code(), StatusCode::kUnavailable);
}

TEST(RedisConnectionTest, AWrongPasswordIsAConfigurationFault) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  ASSERT_TRUE(redis->Client()->Command({"CONFIG", "SET", "requirepass", "right"}).ok());
  RedisEndpoint ep = redis->endpoint();
  ep.password = "wrong";
  EXPECT_EQ(RedisConnection::Connect(ep).status().code(), StatusCode::kFailedPrecondition);
  ep.password = "right";
  ep.db = 3;
  EXPECT_TRUE(RedisConnection::Connect(ep).ok());
}

}  // namespace
}  // namespace logsieve

#include "llm/chat_client.h"

#include <gtest/gtest.h>

#include "llm/testing/fake_llm_server.h"

namespace logsieve {
namespace {

using namespace std::chrono_literals;
using testing::FakeLlmServer;
using testing::FakeReply;

constexpr char kBody[] = R"({"model": "m", "messages": []})";

class ChatClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = FakeLlmServer::Start();
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(s).value();
    options_.url = server_->base_url() + "/chat/completions";
    options_.api_key = "sk-client-test";
    options_.connect_timeout_ms = 500;
    options_.timeout_ms = 2000;
    options_.max_retries = 2;
    options_.backoff_base_ms = 1;
    options_.backoff_max_ms = 5;
  }
  ChatClient Client() { return ChatClient(options_, MakeCurlTransport()); }

  std::unique_ptr<FakeLlmServer> server_;
  ChatClientOptions options_;
};

TEST_F(ChatClientTest, AGoodAnswerTakesOneRequestAndSendsTheKey) {
  ChatClient client = Client();
  auto c = client.Complete(kBody);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(server_->request_count(), 1u);
  EXPECT_EQ(server_->requests()[0].authorization, "Bearer sk-client-test");
  EXPECT_EQ(server_->requests()[0].path, "/v1/chat/completions");
  EXPECT_EQ(client.stats().prompt_tokens, 100u);
  EXPECT_EQ(client.stats().completion_tokens, 10u);
}

TEST_F(ChatClientTest, A500IsRetriedThenSucceeds) {
  server_->Enqueue(FakeReply::Error(500));
  ChatClient client = Client();
  EXPECT_TRUE(client.Complete(kBody).ok());
  EXPECT_EQ(server_->request_count(), 2u);
  EXPECT_EQ(client.stats().retries, 1u);
}

TEST_F(ChatClientTest, A429WaitsForRetryAfterSeconds) {
  server_->Enqueue(FakeReply::Error(429, "1"));
  ChatClient client = Client();
  auto start = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.Complete(kBody).ok());
  EXPECT_GE(std::chrono::steady_clock::now() - start, 900ms);  // a lower bound only
  EXPECT_EQ(server_->request_count(), 2u);
}

TEST_F(ChatClientTest, ARetryAfterBeyondTheMaximumGivesUpAtOnce) {
  options_.retry_after_max_ms = 1000;
  server_->Enqueue(FakeReply::Error(429, "120"));
  ChatClient client = Client();
  auto c = client.Complete(kBody);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(c.status().message().find("Retry-After 120 s"), std::string::npos);
  EXPECT_EQ(server_->request_count(), 1u);
}

TEST_F(ChatClientTest, OtherClientErrorsAreNotRetried) {
  for (int status : {400, 404, 422}) {
    server_->Enqueue(FakeReply::Error(status));
  }
  ChatClient client = Client();
  for (int i = 0; i < 3; ++i) {
    auto c = client.Complete(kBody);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(server_->request_count(), 3u);
}

TEST_F(ChatClientTest, PersistentFailureGivesUpAfterMaxRetries) {
  server_->SetHandler([](const testing::FakeRequest&) { return FakeReply::Error(503); });
  ChatClient client = Client();
  auto c = client.Complete(kBody);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(c.status().message().find("HTTP 503 (3 attempts)"), std::string::npos)
      << c.status().message();
  EXPECT_EQ(server_->request_count(), 3u);  // 1 + max_retries
}

TEST_F(ChatClientTest, ASlowServerTimesOutAndIsRetried) {
  options_.timeout_ms = 200;
  options_.max_retries = 1;
  server_->Enqueue(FakeReply::Label("HTTP Status").After(3s));
  ChatClient client = Client();
  EXPECT_TRUE(client.Complete(kBody).ok());
  EXPECT_EQ(server_->request_count(), 2u);
}

TEST_F(ChatClientTest, A408IsRetriedLikeATimeout) {
  server_->Enqueue(FakeReply::Error(408));
  ChatClient client = Client();
  EXPECT_TRUE(client.Complete(kBody).ok());
  EXPECT_EQ(server_->request_count(), 2u);
}

TEST_F(ChatClientTest, ADroppedConnectionIsRetried) {
  server_->Enqueue(FakeReply::Drop());
  ChatClient client = Client();
  EXPECT_TRUE(client.Complete(kBody).ok());
  EXPECT_EQ(server_->request_count(), 2u);
}

TEST_F(ChatClientTest, AMalformedResponseIsDataLossWithoutRetry) {
  server_->Enqueue(FakeReply::Malformed());
  ChatClient client = Client();
  auto c = client.Complete(kBody);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(server_->request_count(), 1u);
}

TEST_F(ChatClientTest, AnOversizedResponseIsDataLossWithoutRetry) {
  ChatClient client(options_, MakeCurlTransport(/*max_body_bytes=*/64));
  auto c = client.Complete(kBody);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kDataLoss);
  EXPECT_EQ(server_->request_count(), 1u);
}

TEST_F(ChatClientTest, AnUnreachableEndpointIsUnavailable) {
  server_->Stop();
  ChatClient client = Client();
  auto c = client.Complete(kBody);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnavailable);
}

TEST_F(ChatClientTest, TheKeyIsRedactedFromErrorsThatEchoIt) {
  FakeReply r = FakeReply::Error(401);
  r.body = R"({"error": {"message": "Incorrect API key provided: sk-client-test"}})";
  server_->Enqueue(r);
  ChatClient client = Client();
  auto c = client.Complete(kBody);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(c.status().message().find("sk-client-test"), std::string::npos);
  EXPECT_NE(c.status().message().find("<redacted>"), std::string::npos);
}

TEST(RetryAfterTest, ReadsSecondsAndHttpDates) {
  auto now = std::chrono::system_clock::from_time_t(1445412470);  // Wed, 21 Oct 2015 07:27:50 GMT
  EXPECT_EQ(ParseRetryAfter("7", now), std::chrono::milliseconds(7000));
  EXPECT_EQ(ParseRetryAfter(" 0 ", now), std::chrono::milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", now),
            std::chrono::milliseconds(10000));
  EXPECT_EQ(ParseRetryAfter("Wed, 21 Oct 2015 07:00:00 GMT", now), std::chrono::milliseconds(0));
  EXPECT_EQ(ParseRetryAfter("soon", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("", now), std::nullopt);
  EXPECT_EQ(ParseRetryAfter("-3", now), std::nullopt);
  // Found by the fuzz replay: far-off years must not overflow the clock.
  EXPECT_GT(ParseRetryAfter("Wed, 21 Oct 2500 07:28:00 GMT", now), std::chrono::hours(24 * 365));
  EXPECT_EQ(ParseRetryAfter("Mon, 01 Jan 0001 00:00:00 GMT", now), std::chrono::milliseconds(0));
}

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndProbesOnceLater) {
  using Admit = CircuitBreaker::Admit;
  CircuitBreaker b(3, 1000ms);
  SteadyTime t0{};
  EXPECT_FALSE(b.OnFailure(t0));
  b.OnSuccess();  // resets the run
  EXPECT_FALSE(b.OnFailure(t0));
  EXPECT_FALSE(b.OnFailure(t0));
  EXPECT_TRUE(b.OnFailure(t0));
  EXPECT_EQ(b.Allow(t0 + 999ms), Admit::kNo);
  EXPECT_EQ(b.Allow(t0 + 1000ms), Admit::kProbe);
  EXPECT_EQ(b.Allow(t0 + 1001ms), Admit::kNo);  // one probe at a time
  EXPECT_TRUE(b.OnFailure(t0 + 1100ms));        // a failed probe reopens
  EXPECT_EQ(b.Allow(t0 + 2000ms), Admit::kNo);
  EXPECT_EQ(b.Allow(t0 + 2100ms), Admit::kProbe);
  b.OnSuccess();
  EXPECT_EQ(b.Allow(t0 + 2101ms), Admit::kYes);
  EXPECT_EQ(b.Allow(t0 + 2101ms), Admit::kYes);
}

TEST(CircuitBreakerTest, AnAbandonedProbeLetsTheNextCallerProbe) {
  CircuitBreaker b(1, 10ms);
  SteadyTime t0{};
  EXPECT_TRUE(b.OnFailure(t0));
  EXPECT_EQ(b.Allow(t0 + 10ms), CircuitBreaker::Admit::kProbe);
  b.AbandonProbe();
  EXPECT_EQ(b.Allow(t0 + 11ms), CircuitBreaker::Admit::kProbe);
}

TEST(CircuitBreakerTest, ZeroFailuresDisablesIt) {
  CircuitBreaker b(0, 10ms);
  for (int i = 0; i < 10; ++i) EXPECT_FALSE(b.OnFailure(SteadyTime{}));
  EXPECT_EQ(b.Allow(SteadyTime{}), CircuitBreaker::Admit::kYes);
}

TEST(CallBudgetTest, StopsAtThePerRunLimit) {
  CallBudget budget(2, 0);
  EXPECT_TRUE(budget.TryAcquire(SteadyTime{}).ok());
  EXPECT_TRUE(budget.TryAcquire(SteadyTime{}).ok());
  Status s = budget.TryAcquire(SteadyTime{});
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(s.message().find("max_calls_per_run = 2"), std::string::npos);
}

TEST(CallBudgetTest, ThePerMinuteLimitSlides) {
  CallBudget budget(0, 2);
  SteadyTime t0{};
  EXPECT_TRUE(budget.TryAcquire(t0).ok());
  EXPECT_TRUE(budget.TryAcquire(t0 + 30s).ok());
  EXPECT_FALSE(budget.TryAcquire(t0 + 59s).ok());
  EXPECT_TRUE(budget.TryAcquire(t0 + 60s).ok());
}

}  // namespace
}  // namespace logsieve

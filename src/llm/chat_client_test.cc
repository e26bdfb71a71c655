#include "llm/chat_client.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

#include "llm/testing/fake_llm_server.h"

namespace logsieve {
namespace {

using namespace std::chrono_literals;
using testing::FakeLlmServer;
using testing::FakeReply;
using ::testing::HasSubstr;

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
  ChatClientOptions options_ = ChatClientOptions::FromConfig(Config());
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
  for (int status : {400, 409, 422}) {
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

TEST_F(ChatClientTest, AfterA404TheEndpointIsNotAskedAgainAndEveryCallSaysWhy) {
  server_->SetHandler([](const testing::FakeRequest&) { return FakeReply::Error(404); });
  ChatClient client = Client();
  for (int i = 0; i < 3; ++i) {
    auto c = client.Complete(kBody);
    ASSERT_FALSE(c.ok());
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(c.status().message(), HasSubstr("endpoint refused the request: HTTP 404"));
    if (i > 0) {
      EXPECT_THAT(c.status().message(), HasSubstr("not asked again until a reload"));
    }
  }
  EXPECT_EQ(server_->request_count(), 1u);
  EXPECT_EQ(client.stats().refused, 2u);
}

TEST_F(ChatClientTest, AWrongKeyIsNotAskedAgainEither) {
  server_->SetHandler([](const testing::FakeRequest&) { return FakeReply::Error(401); });
  ChatClient client = Client();
  EXPECT_EQ(client.Complete(kBody).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(client.Complete(kBody).status().code(), StatusCode::kUnauthenticated);
  EXPECT_EQ(server_->request_count(), 1u);
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

TEST_F(ChatClientTest, TheCallersDeadlineCutsTheAttemptAndStopsTheRetries) {
  options_.timeout_ms = 30000;
  options_.max_retries = 3;
  server_->SetHandler([](const testing::FakeRequest&) { return FakeReply::Label("X").After(10s); });
  ChatClient client = Client();
  auto c = client.Complete(kBody, std::chrono::steady_clock::now() + 300ms);
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), StatusCode::kDeadlineExceeded) << c.status().ToString();
  EXPECT_EQ(server_->request_count(), 1u) << "no retry after the deadline";
}

TEST_F(ChatClientTest, APassedDeadlineSendsNothing) {
  ChatClient client = Client();
  auto c = client.Complete(kBody, std::chrono::steady_clock::now() - 1ms);
  EXPECT_EQ(c.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(server_->request_count(), 0u);
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

// Issue 16 item 9: a 429 never opened the breaker, so sustained rate limiting
// made every line wait out its retries.
TEST_F(ChatClientTest, SustainedRateLimitingOpensTheBreaker) {
  options_.max_retries = 1;
  options_.breaker_failures = 2;
  options_.breaker_open_ms = 60000;
  server_->SetHandler([](const testing::FakeRequest&) { return FakeReply::Error(429); });
  ChatClient client = Client();
  EXPECT_EQ(client.Complete(kBody).status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(client.Complete(kBody).status().code(), StatusCode::kResourceExhausted);
  auto refused = client.Complete(kBody);
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(refused.status().message().find("circuit breaker open"), std::string::npos);
  EXPECT_EQ(server_->request_count(), 4u);
  EXPECT_EQ(client.stats().breaker_opened, 1u);
}

// Issue 16 item 9: with Retry-After honoured a long run could wait for hours.
TEST_F(ChatClientTest, RetriesStopWhenTheRunsRetryWaitBudgetIsSpent) {
  options_.max_retries = 5;
  options_.breaker_failures = 0;
  options_.max_retry_wait_ms = 1500;
  server_->SetHandler([](const testing::FakeRequest&) { return FakeReply::Error(429, "1"); });
  ChatClient client = Client();
  auto c = client.Complete(kBody);
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find(
                "retry wait budget spent (llm.max_retry_wait_ms = 1500) (2 attempts)"),
            std::string::npos)
      << c.status().message();
  EXPECT_EQ(server_->request_count(), 2u);  // one 1 s wait fits, the second does not
  EXPECT_EQ(client.stats().retry_wait_ms, 1000u);
}

// An in-process transport whose calls answer 500 only when the test releases
// them (or after 3 s, so a regression fails instead of hanging).
class GatedTransport : public HttpTransport {
 public:
  HttpResponse Post(const HttpRequest&) override {
    std::unique_lock lock(mu_);
    int n = ++calls_;
    cv_.notify_all();
    cv_.wait_for(lock, 3s, [&] { return released_.count(n) > 0; });
    HttpResponse r;
    r.outcome = HttpOutcome::kOk;
    r.status = 500;
    return r;
  }
  void WaitForCalls(int n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, 3s, [&] { return calls_ >= n; });
  }
  void Release(int n) {
    std::lock_guard lock(mu_);
    released_.insert(n);
    cv_.notify_all();
  }
  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  std::set<int> released_;
};

// Issue 16 item 7: once the open window had passed, retries that were in
// flight went straight through, and a new request probed beside them.
TEST(ChatClientBreakerTest, ARetryInFlightWhenTheBreakerOpenedBecomesTheOnlyProbe) {
  ChatClientOptions o;
  o.url = "http://fake/chat/completions";
  o.max_retries = 2;
  o.backoff_base_ms = 0;
  o.backoff_max_ms = 0;
  o.breaker_failures = 1;
  o.breaker_open_ms = 0;  // the window has passed as soon as it opens
  o.concurrency = 4;      // B's held call must not keep the others from the endpoint
  auto transport = std::make_unique<GatedTransport>();
  GatedTransport* t = transport.get();
  ChatClient client(o, std::move(transport));

  StatusOr<ChatCompletion> b = InternalError("not run");
  std::thread tb([&] { b = client.Complete(kBody); });  // call 1, held
  t->WaitForCalls(1);
  t->Release(2);
  t->Release(3);
  t->Release(4);
  EXPECT_FALSE(client.Complete(kBody).ok());  // calls 2, 3, 4 fail: the breaker opens
  EXPECT_EQ(client.stats().breaker_opened, 1u);
  t->Release(1);  // B's first attempt fails; its retry must take the probe
  t->WaitForCalls(5);
  auto c = client.Complete(kBody);  // while the probe is out: refused, no call
  EXPECT_EQ(c.status().code(), StatusCode::kUnavailable);
  EXPECT_NE(c.status().message().find("circuit breaker open"), std::string::npos)
      << c.status().message();
  EXPECT_EQ(t->calls(), 5);
  t->Release(5);  // the probe fails: not retried (max_retries would allow one more), reopens
  tb.join();
  EXPECT_NE(b.status().message().find("(2 attempts)"), std::string::npos) << b.status().message();
  EXPECT_EQ(t->calls(), 5);
  EXPECT_EQ(client.stats().breaker_opened, 2u);
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

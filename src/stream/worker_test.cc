#include "stream/worker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <functional>
#include <map>
#include <regex>
#include <set>
#include <thread>

#include "io/records.h"
#include "llm/testing/fake_llm_server.h"
#include "stream/metrics_listener.h"
#include "stream/testing/redis_server.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::FieldValues;
using testing::RedisServer;

// Polls `done` until it holds or 60 s pass (a bound against hanging, not a timing assertion).
bool WaitFor(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

Config WorkerConfig(const RedisServer& redis, const std::map<std::string, std::string>& sets = {}) {
  Config config;
  std::map<std::string, std::string> all = {
      {"worker.port", std::to_string(redis.port())},
      {"worker.streams", "[in]"},
      {"worker.output_stream", "out"},
      {"worker.dead_letter_stream", "dead"},
      {"worker.block_ms", "100"},
      {"worker.batch_size", "16"},
      {"pipeline.stages", "[rules]"},
      {"pipeline.routes", "[]"},
  };
  for (const auto& [k, v] : sets) all[k] = v;
  for (const auto& [k, v] : all) EXPECT_TRUE(config.Set(k, v, "test").ok()) << k;
  return config;
}

// A worker on its own thread, stopped and joined when the object dies.
class RunningWorker {
 public:
  explicit RunningWorker(const Config& config, std::string consumer = "w1",
                         NdjsonOutput* ndjson = nullptr) {
    classifier_ = std::move(Classifier::Create(config)).value();
    WorkerOptions options = std::move(WorkerOptions::FromConfig(config)).value();
    options.consumer = std::move(consumer);
    worker_ = std::make_unique<Worker>(*classifier_, options, ndjson);
    thread_ = std::thread([this] { status_ = worker_->Run(); });
  }
  ~RunningWorker() { [[maybe_unused]] Status s = Stop(); }
  Status Stop() {
    worker_->RequestStop();
    if (thread_.joinable()) thread_.join();
    return status_;
  }
  Worker& worker() { return *worker_; }
  const Classifier& classifier() { return *classifier_; }

 private:
  std::unique_ptr<Classifier> classifier_;
  std::unique_ptr<Worker> worker_;
  std::thread thread_;
  Status status_;
};

std::string Add(RedisConnection& c, const std::string& stream, const StreamFields& fields) {
  std::vector<std::string> argv = {"XADD", stream, "*"};
  for (const auto& [k, v] : fields) {
    argv.push_back(k);
    argv.push_back(v);
  }
  StatusOr<RedisReply> r = c.Command(argv);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? r->str : "";
}

int64_t Len(RedisConnection& c, const std::string& stream) {
  StatusOr<RedisReply> r = c.Command({"XLEN", stream});
  return r.ok() ? r->integer : -1;
}

int64_t PendingCount(RedisConnection& c) {
  StatusOr<RedisReply> r = c.Command({"XPENDING", "in", "logsieve"});
  return r.ok() && !r->elements.empty() ? r->elements[0].integer : -1;
}

// The fields of the stream's entries, in order.
std::vector<std::map<std::string, std::string>> Entries(RedisConnection& c,
                                                        const std::string& stream) {
  std::vector<std::map<std::string, std::string>> out;
  StatusOr<RedisReply> r = c.Command({"XRANGE", stream, "-", "+"});
  if (!r.ok()) return out;
  for (const RedisReply& e : r->elements) {
    std::map<std::string, std::string> m;
    const std::vector<RedisReply>& kv = e.elements[1].elements;
    for (size_t i = 0; i + 1 < kv.size(); i += 2) m[kv[i].str] = kv[i + 1].str;
    out.push_back(std::move(m));
  }
  return out;
}

TEST(WorkerTest, AWorkerCreatesItsGroupWritesOneOutputPerEntryThenAcknowledges) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  std::string id =
      Add(*c, "in",
          {{"source", "ModernCRM"}, {"log_message", "User User123 logged in."}, {"host", "web-1"}});
  RunningWorker w(WorkerConfig(*redis));
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 1; }));
  ASSERT_TRUE(w.Stop().ok());
  auto out = Entries(*c, "out");
  EXPECT_EQ(out[0], (std::map<std::string, std::string>{{"source", "ModernCRM"},
                                                        {"log_message", "User User123 logged in."},
                                                        {"host", "web-1"},
                                                        {"target_label", "User Action"},
                                                        {"method_used", "Regex"},
                                                        {"confidence", "1.0"},
                                                        {"detail", out[0]["detail"]},
                                                        {"source_stream", "in"},
                                                        {"source_id", id}}));
  EXPECT_EQ(PendingCount(*c), 0);
  EXPECT_EQ(w.worker().stats().consumed, 1u);
}

TEST(WorkerTest, WithOutputNdjsonEachOutputEntryIsAlsoAnNdjsonLineAsClassifyWritesIt) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  testing::ScratchDir dir;
  std::unique_ptr<RedisConnection> c = redis->Client();
  std::string id =
      Add(*c, "in", {{"source", "ModernCRM"}, {"log_message", "User User1 logged in."}});
  auto ndjson = NdjsonOutput::Open(dir.File("out.ndjson"));
  ASSERT_TRUE(ndjson.ok());
  RunningWorker w(WorkerConfig(*redis), "w1", ndjson->get());
  ASSERT_TRUE(WaitFor([&] { return PendingCount(*c) == 0 && Len(*c, "out") == 1; }));
  ASSERT_TRUE(w.Stop().ok());
  Batch batch;
  batch.records = {{"ModernCRM", "User User1 logged in."}};
  batch.Reset();
  w.classifier().Classify(batch);
  std::string expected;
  AppendNdjsonDecision({{"source", "ModernCRM"},
                        {"log_message", "User User1 logged in."},
                        {"source_stream", "in"},
                        {"source_id", id}},
                       batch.decisions[0], &expected);
  EXPECT_EQ(testing::ReadFile(dir.File("out.ndjson")), expected);
}

TEST(WorkerTest, AGroupIsCreatedOnAStreamThatDoesNotExistYet) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  RunningWorker w(WorkerConfig(*redis));
  ASSERT_TRUE(WaitFor([&] { return w.worker().ready(); }));
  Add(*c, "in", {{"log_message", "User User9 logged in."}});
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 1; }));
  StatusOr<RedisReply> groups = c->Command({"XINFO", "GROUPS", "in"});
  ASSERT_EQ(groups->elements.size(), 1u);
  EXPECT_EQ(groups->elements[0].elements[1].str, "logsieve");
}

TEST(WorkerTest, MalformedEntriesAreDeadLetteredWithTheReasonAndNeverBlockTheGroup) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  Add(*c, "in", {{"msg", "no message field"}});
  Add(*c, "in", {{"log_message", "bad \xff bytes"}});
  Add(*c, "in", {{"log_message", std::string(200, 'x')}});
  std::string good = Add(*c, "in", {{"log_message", "User User1 logged in."}});
  RunningWorker w(WorkerConfig(*redis, {{"worker.max_entry_bytes", "100"}}));
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 1 && Len(*c, "dead") == 3; }));
  ASSERT_TRUE(w.Stop().ok());
  auto dead = Entries(*c, "dead");
  EXPECT_EQ(dead[0]["reason"], "no log_message field");
  EXPECT_EQ(dead[0]["msg"], "no message field");
  EXPECT_EQ(dead[1]["reason"], "log_message is not valid UTF-8");
  EXPECT_EQ(dead[2]["reason"], "entry of 211 bytes is over worker.max_entry_bytes (100)");
  EXPECT_EQ(Entries(*c, "out")[0]["source_id"], good);
  EXPECT_EQ(PendingCount(*c), 0);
  EXPECT_EQ(w.worker().stats().dead_lettered, 3u);
}

TEST(WorkerTest, TwoWorkersShareOneStreamAndWriteEveryEntryOnce) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  std::set<std::string> ids;
  Config config = WorkerConfig(*redis, {{"worker.batch_size", "10"}});
  RunningWorker a(config, "a");
  RunningWorker b(config, "b");
  ASSERT_TRUE(WaitFor([&] { return a.worker().ready() && b.worker().ready(); }));
  for (int i = 0; i < 500; ++i) {
    ids.insert(Add(*c, "in", {{"log_message", "User User" + std::to_string(i) + " logged in."}}));
  }
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 500; }));
  ASSERT_TRUE(a.Stop().ok());
  ASSERT_TRUE(b.Stop().ok());
  std::vector<std::string> written = FieldValues(*c, "out", "source_id");
  EXPECT_EQ(std::set<std::string>(written.begin(), written.end()), ids);
  EXPECT_EQ(a.worker().stats().consumed + b.worker().stats().consumed, 500u);
  StatusOr<RedisReply> consumers = c->Command({"XINFO", "CONSUMERS", "in", "logsieve"});
  EXPECT_EQ(consumers->elements.size(), 2u);
}

TEST(WorkerTest, ADeadConsumersPendingEntriesAreClaimedAfterTheIdleTime) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  ASSERT_TRUE(c->Command({"XGROUP", "CREATE", "in", "logsieve", "0", "MKSTREAM"}).ok());
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i)
    ids.insert(Add(*c, "in", {{"log_message", "disk full " + std::to_string(i)}}));
  // "dead" reads them and never acknowledges.
  ASSERT_TRUE(
      c->Command({"XREADGROUP", "GROUP", "logsieve", "dead", "COUNT", "5", "STREAMS", "in", ">"})
          .ok());
  RunningWorker w(WorkerConfig(*redis, {{"worker.claim_idle_ms", "200"}}));
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 5; }));
  ASSERT_TRUE(w.Stop().ok());
  std::vector<std::string> written = FieldValues(*c, "out", "source_id");
  EXPECT_EQ(std::set<std::string>(written.begin(), written.end()), ids);
  EXPECT_EQ(w.worker().stats().claimed, 5u);
  EXPECT_EQ(PendingCount(*c), 0);
}

TEST(WorkerTest, AnEntryDeliveredMoreThanMaxDeliveriesIsDeadLettered) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  ASSERT_TRUE(c->Command({"XGROUP", "CREATE", "in", "logsieve", "0", "MKSTREAM"}).ok());
  std::string id = Add(*c, "in", {{"log_message", "kills every worker that reads it"}});
  // Two deliveries to consumers that died on it.
  ASSERT_TRUE(c->Command({"XREADGROUP", "GROUP", "logsieve", "dead1", "STREAMS", "in", ">"}).ok());
  ASSERT_TRUE(c->Command({"XCLAIM", "in", "logsieve", "dead2", "0", id}).ok());
  RunningWorker w(
      WorkerConfig(*redis, {{"worker.claim_idle_ms", "1"}, {"worker.max_deliveries", "2"}}));
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "dead") == 1; }));
  ASSERT_TRUE(w.Stop().ok());
  auto dead = Entries(*c, "dead");
  EXPECT_EQ(dead[0]["source_id"], id);
  EXPECT_EQ(dead[0]["reason"], "delivered 3 times, more than worker.max_deliveries (2)");
  EXPECT_EQ(Len(*c, "out"), 0);
  EXPECT_EQ(PendingCount(*c), 0);
}

TEST(WorkerTest, ARedisRestartMidRunLosesNoEntry) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::set<std::string> ids;
  RunningWorker w(WorkerConfig(*redis, {{"worker.batch_size", "8"}}));
  {
    std::unique_ptr<RedisConnection> c = redis->Client();
    for (int i = 0; i < 300; ++i)
      ids.insert(Add(*c, "in", {{"log_message", "User U" + std::to_string(i) + " logged in."}}));
  }
  ASSERT_TRUE(WaitFor([&] { return w.worker().stats().consumed > 0; }));
  ASSERT_TRUE(redis->Restart().ok());
  std::unique_ptr<RedisConnection> c = redis->Client();
  for (int i = 0; i < 300; ++i)
    ids.insert(Add(*c, "in", {{"log_message", "User V" + std::to_string(i) + " logged in."}}));
  auto written = [&] {
    std::vector<std::string> v = FieldValues(*c, "out", "source_id");
    return std::set<std::string>(v.begin(), v.end());
  };
  ASSERT_TRUE(WaitFor([&] { return written() == ids; }));
  ASSERT_TRUE(w.Stop().ok());
  EXPECT_GE(w.worker().stats().reconnects, 1u);
  EXPECT_EQ(PendingCount(*c), 0);
  size_t duplicates = static_cast<size_t>(Len(*c, "out")) - ids.size();
  RecordProperty("duplicates", static_cast<int>(duplicates));
}

// Each pending entry's delivery count (XPENDING's extended form).
std::vector<int64_t> DeliveryCounts(RedisConnection& c) {
  std::vector<int64_t> counts;
  StatusOr<RedisReply> r = c.Command({"XPENDING", "in", "logsieve", "-", "+", "1000"});
  if (!r.ok()) return counts;
  for (const RedisReply& e : r->elements) counts.push_back(e.elements[3].integer);
  return counts;
}

TEST(WorkerTest, AnOutputKeyOfTheWrongTypeHoldsTheBatchUntilFixedAndNothingIsDeadLettered) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  ASSERT_TRUE(c->Command({"SET", "out", "not a stream"}).ok());
  std::set<std::string> ids;
  for (int i = 0; i < 100; ++i) {
    ids.insert(Add(*c, "in", {{"log_message", "User User" + std::to_string(i) + " logged in."}}));
  }
  // max_deliveries 1: a single repeated delivery would dead-letter an entry;
  // claim_idle_ms 400 keeps the retries 200 ms apart at most.
  RunningWorker w(
      WorkerConfig(*redis, {{"worker.max_deliveries", "1"}, {"worker.claim_idle_ms", "400"}}));
  auto listener = MetricsListener::Start("127.0.0.1", 0, [&w] { return w.worker().ready(); });
  ASSERT_TRUE(listener.ok()) << listener.status().message();
  httplib::Client http("127.0.0.1", (*listener)->port());
  ASSERT_TRUE(
      WaitFor([&] { return w.worker().stats().output_errors >= kUnreadyAfterOutputFailures + 2; }));
  EXPECT_EQ(http.Get("/readyz")->status, 503);
  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_THAT(metrics->body,
              ::testing::HasSubstr("logsieve_worker_output_errors_total{reason=\"WRONGTYPE\"}"));
  EXPECT_EQ(Len(*c, "dead"), 0);
  EXPECT_EQ(w.worker().stats().consumed, 0u);
  // One batch read, held, delivered once: none acknowledged, none read again.
  EXPECT_EQ(DeliveryCounts(*c), std::vector<int64_t>(16, 1));

  ASSERT_TRUE(c->Command({"DEL", "out"}).ok());
  ASSERT_TRUE(WaitFor([&] { return w.worker().stats().consumed == 100; }));
  EXPECT_TRUE(WaitFor([&] { return http.Get("/readyz")->status == 200; }));
  ASSERT_TRUE(w.Stop().ok());
  std::vector<std::string> written = FieldValues(*c, "out", "source_id");
  EXPECT_EQ(written.size(), 100u) << "each entry exactly once";
  EXPECT_EQ(std::set<std::string>(written.begin(), written.end()), ids);
  EXPECT_EQ(Len(*c, "dead"), 0);
  EXPECT_EQ(PendingCount(*c), 0);
}

TEST(WorkerTest, ADeadLetterKeyOfTheWrongTypeRetriesOnlyTheDeadLettersAndWritesNoOutputTwice) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  ASSERT_TRUE(c->Command({"LPUSH", "dead", "a list"}).ok());
  Add(*c, "in", {{"log_message", "User User1 logged in."}});
  Add(*c, "in", {{"msg", "no message field"}});
  Add(*c, "in", {{"log_message", "User User2 logged in."}});
  RunningWorker w(WorkerConfig(*redis, {{"worker.claim_idle_ms", "400"}}));
  ASSERT_TRUE(WaitFor([&] { return w.worker().stats().output_errors >= 2; }));
  ASSERT_TRUE(c->Command({"DEL", "dead"}).ok());
  ASSERT_TRUE(WaitFor([&] { return w.worker().stats().consumed == 3; }));
  ASSERT_TRUE(w.Stop().ok());
  EXPECT_EQ(Len(*c, "out"), 2);
  EXPECT_EQ(Entries(*c, "dead")[0]["reason"], "no log_message field");
  EXPECT_EQ(PendingCount(*c), 0);
}

TEST(WorkerTest, TheBytesOfABatchStayWithinMaxBatchBytes) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  for (int i = 0; i < 40; ++i) Add(*c, "in", {{"log_message", std::string(900, 'a' + i % 26)}});
  // At most 4 entries of max_entry_bytes fit the budget: batches of 4, never 16.
  RunningWorker w(WorkerConfig(
      *redis, {{"worker.max_entry_bytes", "1000"}, {"worker.max_batch_bytes", "4500"}}));
  ASSERT_TRUE(WaitFor([&] { return w.worker().stats().consumed == 40; }));
  ASSERT_TRUE(w.Stop().ok());
  EXPECT_EQ(Len(*c, "out"), 40);
  EXPECT_EQ(w.worker().stats().batches, 10u);
}

TEST(WorkerTest, SmallEntriesFillTheBatchByToppingUpWithinTheBudget) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  for (int i = 0; i < 16; ++i) Add(*c, "in", {{"log_message", "User User1 logged in."}});
  // The budget allows 2 worst-case entries per read; small ones top the batch up to 16.
  RunningWorker w(WorkerConfig(
      *redis, {{"worker.max_entry_bytes", "1000"}, {"worker.max_batch_bytes", "2000"}}));
  ASSERT_TRUE(WaitFor([&] { return w.worker().stats().consumed == 16; }));
  ASSERT_TRUE(w.Stop().ok());
  EXPECT_EQ(w.worker().stats().batches, 1u);
}

TEST(WorkerTest, MetricsAndReadinessAreServedAndReadinessFollowsRedis) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  std::unique_ptr<RedisConnection> c = redis->Client();
  Add(*c, "in", {{"log_message", "User User1 logged in."}});
  RunningWorker w(WorkerConfig(*redis));
  auto listener = MetricsListener::Start("127.0.0.1", 0, [&w] { return w.worker().ready(); });
  ASSERT_TRUE(listener.ok()) << listener.status().message();
  httplib::Client http("127.0.0.1", (*listener)->port());
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 1; }));
  EXPECT_EQ(http.Get("/readyz")->status, 200);
  auto metrics = http.Get("/metrics");
  ASSERT_TRUE(metrics);
  for (const char* name : {"logsieve_worker_consumed_total", "logsieve_worker_produced_total",
                           "logsieve_worker_dead_lettered_total", "logsieve_worker_pending",
                           "logsieve_worker_lag", "logsieve_worker_batch_seconds_bucket"}) {
    EXPECT_NE(metrics->body.find(name), std::string::npos) << name;
  }
  EXPECT_EQ(http.Get("/nope")->status, 404);
  redis->Stop();
  EXPECT_TRUE(WaitFor([&] { return http.Get("/readyz")->status == 503; }));
}

TEST(WorkerTest, TheLlmStageAnswersThroughTheWorkerAndItsOutageTakesClassifysDegradedPath) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  auto llm = testing::FakeLlmServer::Start();
  ASSERT_TRUE(llm.ok());
  std::unique_ptr<RedisConnection> c = redis->Client();
  Add(*c, "in", {{"log_message", "Ticket 42 escalation failed"}});
  Config config = WorkerConfig(*redis, {{"pipeline.stages", "[llm]"},
                                        {"llm.base_url", (*llm)->base_url()},
                                        {"llm.api_key", "test-key"},
                                        {"llm.max_retries", "0"}});
  {
    RunningWorker w(config);
    ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 1; }));
  }
  EXPECT_EQ(Entries(*c, "out")[0]["method_used"], "LLM");
  EXPECT_EQ(Entries(*c, "out")[0]["target_label"], "System Notification");

  // The LLM goes away: the worker writes what classify would, degraded.
  std::string base_url = (*llm)->base_url();
  llm->reset();
  Add(*c, "in", {{"log_message", "Ticket 43 escalation failed"}});
  RunningWorker w(config);
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 2; }));
  Decision expected = w.classifier().ClassifyOne("unknown", "Ticket 43 escalation failed");
  EXPECT_TRUE(expected.degraded);
  auto out = Entries(*c, "out")[1];
  EXPECT_EQ(out["target_label"], expected.label);
  EXPECT_EQ(out["method_used"], MethodName(expected.method));
  // The same words; curl's "after N ms" may differ by a millisecond between the two tries.
  const std::regex elapsed(" after [0-9]+ ms");
  EXPECT_EQ(std::regex_replace(out["detail"], elapsed, " after _ ms"),
            std::regex_replace(expected.detail, elapsed, " after _ ms"));
  EXPECT_THAT(expected.detail, ::testing::HasSubstr("llm unavailable: endpoint unreachable"));
}

TEST(WorkerTest, AHungLlmTakesTheDegradedPathAtTheClassifyDeadlineSoTheBatchEnds) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  auto llm = testing::FakeLlmServer::Start();
  ASSERT_TRUE(llm.ok());
  for (int i = 0; i < 4; ++i) {  // every attempt hangs far past the deadline
    testing::FakeReply hang = testing::FakeReply::Label("Error");
    hang.delay = std::chrono::seconds(60);
    (*llm)->Enqueue(hang);
  }
  std::unique_ptr<RedisConnection> c = redis->Client();
  Add(*c, "in", {{"log_message", "Ticket 44 escalation failed"}});
  Config config = WorkerConfig(*redis, {{"pipeline.stages", "[llm]"},
                                        {"llm.base_url", (*llm)->base_url()},
                                        {"llm.api_key", "test-key"},
                                        {"worker.classify_timeout_ms", "300"}});
  RunningWorker w(config);
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 1; }));
  auto out = Entries(*c, "out")[0];
  EXPECT_EQ(out["method_used"], "None") << out["detail"];
  EXPECT_NE(out["detail"].find("llm"), std::string::npos) << out["detail"];
  (*llm)->Stop();
}

TEST(WorkerTest, AStackTraceSentEntryByEntryIsClassifiedAsOneEventAndEachEntryAnswered) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  auto llm = testing::FakeLlmServer::Start();
  ASSERT_TRUE(llm.ok());
  // Only a line that holds the exception is an Error: frames alone are not.
  (*llm)->SetHandler(
      testing::FakeLlmServer::LabelByKeyword({{"Exception", "Error"}}, "System Notification"));
  std::unique_ptr<RedisConnection> c = redis->Client();
  const std::vector<std::string> lines = {
      "java.lang.IllegalStateException: payment 42 failed",
      "\tat com.acme.pay.Ledger.post(Ledger.java:88)",
      "\tat com.acme.pay.Api.charge(Api.java:31)",
      "Caused by: java.net.SocketTimeoutException: Read timed out",
      "\t... 12 more",
      "User 7 logged in"};
  for (const std::string& line : lines) Add(*c, "in", {{"log_message", line}});
  Config config = WorkerConfig(*redis, {{"pipeline.stages", "[llm]"},
                                        {"llm.base_url", (*llm)->base_url()},
                                        {"llm.api_key", "test-key"},
                                        {"input.multiline.mode", "java"}});
  RunningWorker w(config);
  ASSERT_TRUE(WaitFor([&] { return Len(*c, "out") == 6; }));
  auto out = Entries(*c, "out");
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(out[i]["log_message"], lines[i]) << "each entry keeps its own text";
    EXPECT_EQ(out[i]["target_label"], "Error") << i << ": " << out[i]["detail"];
  }
  EXPECT_EQ(out[5]["target_label"], "System Notification");
}

TEST(WorkerTest, OptionsRefuseAnInputThatIsAlsoTheOutput) {
  Config config;
  ASSERT_TRUE(config.Set("worker.streams", "[logsieve:out]", "test").ok());
  EXPECT_EQ(WorkerOptions::FromConfig(config).status().message(),
            "worker.streams: 'logsieve:out' is also the output or dead-letter stream (a loop)");
}

TEST(WorkerTest, AnInputKeyThatIsNotAStreamStopsTheWorkerWithTheReason) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  ASSERT_TRUE(redis->Client()->Command({"SET", "in", "a string"}).ok());
  Config config = WorkerConfig(*redis);
  std::unique_ptr<Classifier> classifier = std::move(Classifier::Create(config)).value();
  Worker w(*classifier, std::move(WorkerOptions::FromConfig(config)).value());
  Status s = w.Run();  // returns by itself: retrying cannot fix this
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("cannot create group 'logsieve' on stream 'in'"), std::string::npos)
      << s.message();
  EXPECT_NE(s.message().find("WRONGTYPE"), std::string::npos) << s.message();
}

}  // namespace
}  // namespace logsieve

// `logsieve worker` as an operator runs it: killed with -9 mid-batch, its
// entries are finished by the other worker; on SIGTERM it drains and exits 0.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "stream/testing/redis_server.h"
#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::FieldValues;

// `logsieve worker` on `redis` as `consumer`, stderr in `log`; killed (-9) when the object dies.
class WorkerProcess {
 public:
  WorkerProcess(const testing::RedisServer& redis, const std::string& consumer,
                const std::string& log) {
    std::vector<std::string> argv = {testing::LogsieveBinary(),
                                     "worker",
                                     "--redis",
                                     "redis://127.0.0.1:" + std::to_string(redis.port()),
                                     "--set",
                                     "worker.consumer=" + consumer,
                                     "--set",
                                     "worker.streams=[in]",
                                     "--set",
                                     "worker.output_stream=out",
                                     "--set",
                                     "worker.dead_letter_stream=dead",
                                     "--set",
                                     "worker.batch_size=20",
                                     "--set",
                                     "worker.block_ms=100",
                                     "--set",
                                     "worker.claim_idle_ms=500",
                                     "--set",
                                     "pipeline.stages=[rules]",
                                     "--set",
                                     "pipeline.routes=[]"};
    process_ = std::make_unique<testing::Background>(argv, log);
  }

  // Sends `sig` and waits: the exit code, or 128 + the signal.
  int Signal(int sig) { return process_->Signal(sig); }

 private:
  std::unique_ptr<testing::Background> process_;
};

bool WaitFor(const std::function<bool()>& done) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return done();
}

// Adds `n` rule-decided entries in one round trip; returns their ids.
std::set<std::string> AddEntries(RedisConnection& c, int n) {
  std::vector<std::vector<std::string>> commands;
  for (int i = 0; i < n; ++i) {
    commands.push_back({"XADD", "in", "*", "source", "ModernCRM", "log_message",
                        "User User" + std::to_string(i) + " logged in."});
  }
  std::set<std::string> ids;
  StatusOr<std::vector<RedisReply>> r = c.Pipeline(commands);
  EXPECT_TRUE(r.ok());
  if (r.ok()) {
    for (const RedisReply& reply : *r) ids.insert(reply.str);
  }
  return ids;
}

int64_t Integer(RedisConnection& c, const std::vector<std::string>& argv) {
  StatusOr<RedisReply> r = c.Command(argv);
  return r.ok() ? r->integer : -1;
}

// Entries pending at `consumer` (XPENDING summary).
int64_t PendingAt(RedisConnection& c, const std::string& consumer) {
  StatusOr<RedisReply> r = c.Command({"XPENDING", "in", "logsieve", "-", "+", "1000", consumer});
  return r.ok() ? static_cast<int64_t>(r->elements.size()) : -1;
}

int64_t PendingTotal(RedisConnection& c) {
  StatusOr<RedisReply> r = c.Command({"XPENDING", "in", "logsieve"});
  return r.ok() && !r->elements.empty() ? r->elements[0].integer : -1;
}

TEST(WorkerCommandTest, KillNineOfOneWorkerMidBatchLosesNoEntry) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  testing::ScratchDir dir;
  std::unique_ptr<RedisConnection> c = redis->Client();
  WorkerProcess a(*redis, "a", dir.File("a.log"));
  WorkerProcess b(*redis, "b", dir.File("b.log"));
  // Entries keep arriving while `a` dies.
  std::set<std::string> ids;
  std::atomic<bool> feeding{true};
  std::thread feeder([&] {
    std::unique_ptr<RedisConnection> f = redis->Client();
    while (feeding.load()) {
      std::set<std::string> added = AddEntries(*f, 50);
      ids.insert(added.begin(), added.end());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  // Mid-batch: `a` holds entries it has read and not acknowledged.
  bool mid_batch = WaitFor([&] {
    return Integer(*c, {"XLEN", "out"}) > 500 && PendingAt(*c, "a") > 0;
  });
  if (mid_batch) {
    EXPECT_EQ(a.Signal(SIGKILL), 128 + SIGKILL);
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  feeding = false;
  feeder.join();
  ASSERT_TRUE(mid_batch) << testing::ReadFile(dir.File("a.log"));

  auto written = [&] {
    std::vector<std::string> v = FieldValues(*c, "out", "source_id");
    return std::set<std::string>(v.begin(), v.end());
  };
  ASSERT_TRUE(WaitFor([&] { return written() == ids; })) << testing::ReadFile(dir.File("b.log"));
  ASSERT_TRUE(WaitFor([&] { return PendingTotal(*c) == 0; }));
  int64_t duplicates = Integer(*c, {"XLEN", "out"}) - static_cast<int64_t>(ids.size());
  EXPECT_GE(duplicates, 0);
  RecordProperty("duplicates", static_cast<int>(duplicates));
  std::printf("kill -9: %zu entries, %lld duplicates in the output\n", ids.size(),
              static_cast<long long>(duplicates));
  EXPECT_EQ(b.Signal(SIGTERM), 0) << testing::ReadFile(dir.File("b.log"));
}

TEST(WorkerCommandTest, SigtermFinishesAndAcknowledgesTheBatchInFlightThenExitsZero) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  testing::ScratchDir dir;
  std::unique_ptr<RedisConnection> c = redis->Client();
  AddEntries(*c, 3000);
  WorkerProcess w(*redis, "w", dir.File("w.log"));
  ASSERT_TRUE(WaitFor([&] {
    return Integer(*c, {"XLEN", "out"}) > 100;
  })) << testing::ReadFile(dir.File("w.log"));
  EXPECT_EQ(w.Signal(SIGTERM), 0) << testing::ReadFile(dir.File("w.log"));
  // Every entry read was written and acknowledged; the rest wait for the next worker.
  EXPECT_EQ(PendingTotal(*c), 0);
  std::string log = testing::ReadFile(dir.File("w.log"));
  EXPECT_NE(log.find("finishing the batch in flight"), std::string::npos) << log;
  int64_t out = Integer(*c, {"XLEN", "out"});
  EXPECT_NE(
      log.find(std::to_string(out) + " entries consumed, " + std::to_string(out) + " written"),
      std::string::npos)
      << log;
}

TEST(WorkerCommandTest, ABadRedisUrlIsAUsageErrorNamingTheKey) {
  testing::RunResult r =
      testing::RunProgram({testing::LogsieveBinary(), "worker", "--redis", "rediss://h:1"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("worker.redis_url: rediss:// (TLS) is not offered"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace logsieve

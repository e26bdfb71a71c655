#include "store/correction_feed.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "store/autopilot.h"
#include "store/store_parts.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

std::shared_ptr<Store> OpenAt(const std::string& path) {
  StoreOptions o = *StoreOptions::FromConfig(Config());
  o.path = path;
  StatusOr<std::unique_ptr<Store>> s = Store::Open(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::shared_ptr<Store>(*std::move(s));
}

Correction Corrected(std::string line, std::string label) {
  Correction c;
  c.source = "billing";
  c.log_message = std::move(line);
  c.target_label = std::move(label);
  c.origin = "api";
  return c;
}

TEST(CorrectionFeedTest, ARefreshAppendsWhatAnotherConnectionStoredInTheSameEpoch) {
  testing::ScratchDir dir;
  auto mine = OpenAt(dir.File("s.db"));
  auto theirs = OpenAt(dir.File("s.db"));  // another process's connection
  ASSERT_TRUE(theirs->AddCorrections({{Corrected("job 1 stalled", "Workflow Error")}}).ok());
  auto feed = CorrectionFeed::Start(mine, /*poll_ms=*/0);
  ASSERT_TRUE(feed.ok()) << feed.status().ToString();
  std::shared_ptr<const CorrectionLog> first = (*feed)->Current();
  ASSERT_EQ(first->lines.size(), 1u);
  EXPECT_EQ(first->lines[0].label, "Workflow Error");

  ASSERT_TRUE(theirs->AddCorrections({{Corrected("job 2 done", "User Action")}}).ok());
  ASSERT_TRUE((*feed)->Refresh().ok());
  std::shared_ptr<const CorrectionLog> second = (*feed)->Current();
  ASSERT_EQ(second->lines.size(), 2u);
  EXPECT_EQ(second->epoch, first->epoch);
  EXPECT_EQ(second->lines[1].message, "job 2 done");
  ASSERT_TRUE((*feed)->Refresh().ok());
  EXPECT_EQ((*feed)->Current(), second);  // nothing new: the same log
}

TEST(CorrectionFeedTest, APurgeStartsANewEpochWithoutTheRemovedCorrections) {
  testing::ScratchDir dir;
  auto store = OpenAt(dir.File("s.db"));
  ASSERT_TRUE(store->AddCorrections({{Corrected("job 1 stalled", "Workflow Error")}}).ok());
  auto feed = *CorrectionFeed::Start(store, 0);
  const uint64_t epoch = feed->Current()->epoch;
  ASSERT_TRUE(store->Purge().ok());
  ASSERT_TRUE(store->AddCorrections({{Corrected("job 9 done", "User Action")}}).ok());
  ASSERT_TRUE(feed->Refresh().ok());
  ASSERT_EQ(feed->Current()->lines.size(), 1u);
  EXPECT_EQ(feed->Current()->lines[0].message, "job 9 done");
  EXPECT_NE(feed->Current()->epoch, epoch);
}

TEST(CorrectionFeedTest, ThePollerPicksUpACorrectionWithoutBeingAsked) {
  testing::ScratchDir dir;
  auto mine = OpenAt(dir.File("s.db"));
  auto theirs = OpenAt(dir.File("s.db"));
  auto feed = *CorrectionFeed::Start(mine, /*poll_ms=*/20);
  ASSERT_TRUE(theirs->AddCorrections({{Corrected("job 1 stalled", "Workflow Error")}}).ok());
  // Waits for the event, not for a time: up to 10 s on a loaded machine.
  for (int i = 0; i < 1000 && feed->Current()->lines.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(feed->Current()->lines.size(), 1u);
}

TEST(StorePartsTest, ClassifyReadsCorrectionsFromAnExistingStoreButNeverCreatesOne) {
  testing::ScratchDir dir;
  Config config;
  ASSERT_TRUE(config.Set("store.path", dir.File("s.db"), "test").ok());
  ASSERT_TRUE(config.Set("model.file", "none", "test").ok());
  ASSERT_TRUE(config.Set("pipeline.stages", "[rules]", "test").ok());
  StoreParts none = OpenStoreParts(config, "classify");
  EXPECT_EQ(none.store, nullptr);
  EXPECT_FALSE(std::filesystem::exists(dir.File("s.db")));

  ASSERT_TRUE(OpenAt(dir.File("s.db"))
                  ->AddCorrections({{Corrected("invoice 42 reconciled", "Workflow Error")}})
                  .ok());
  StoreParts parts = OpenStoreParts(config, "classify");
  ASSERT_NE(parts.corrections, nullptr);
  EXPECT_EQ(parts.recorder, nullptr);  // store.enabled auto: classify does not record
  auto classifier = CreateClassifier(config, parts);
  ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
  Decision d = (*classifier)->ClassifyOne("billing", "invoice 7 reconciled");
  EXPECT_EQ(d.label, "Workflow Error");
  EXPECT_EQ(d.method, Method::kCorrection);
}

TEST(AutopilotTest, ARoundRunsOnceEnoughNewAnswersCameInAndAPromotionIsHandedOn) {
  testing::ScratchDir dir;
  auto store = OpenAt(dir.File("s.db"));
  Config config;
  ASSERT_TRUE(config.Set("learn.auto_min_new", "3", "test").ok());
  ASSERT_TRUE(config.Set("learn.auto_check_s", "1", "test").ok());
  std::atomic<int> rounds{0};
  std::atomic<int> promoted{0};
  auto pilot = Autopilot::Start(
      config, store,
      [&](Store&) -> StatusOr<RoundOutcome> {
        ++rounds;
        return RoundOutcome{rounds == 1, "v000" + std::to_string(rounds.load()), {"a reason"}};
      },
      [] { return int64_t{0}; }, [&](const std::string& v) { promoted += v == "v0001"; });
  ASSERT_NE(pilot, nullptr);
  ASSERT_TRUE(store->AddCorrections({{Corrected("a 1", "Error"), Corrected("b 2", "Error")}}).ok());
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));  // two looks: 2 < min_new
  EXPECT_EQ(rounds, 0);
  ASSERT_TRUE(store->AddCorrections({{Corrected("c 3", "Error")}}).ok());
  for (int i = 0; i < 1000 && promoted == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(rounds, 1);
  EXPECT_EQ(promoted, 1);
  const std::string metrics = MetricsRegistry::Global().RenderPrometheus();
  EXPECT_THAT(metrics, ::testing::HasSubstr("logsieve_learn_rounds_total{result=\"promoted\"}"));
  EXPECT_THAT(metrics, ::testing::HasSubstr("\nlogsieve_learn_running 0\n"));
}

TEST(AutopilotTest, ItIsOffWhenModelFileNamesTheModelOrLearnAutoIsFalse) {
  testing::ScratchDir dir;
  auto store = OpenAt(dir.File("s.db"));
  auto round = [](Store&) -> StatusOr<RoundOutcome> { return RoundOutcome{}; };
  Config off;
  ASSERT_TRUE(off.Set("learn.auto", "false", "test").ok());
  EXPECT_EQ(Autopilot::Start(off, store, round, nullptr, nullptr), nullptr);
  Config pinned;
  ASSERT_TRUE(pinned.Set("model.file", dir.File("m.lsm"), "test").ok());
  EXPECT_EQ(Autopilot::Start(pinned, store, round, nullptr, nullptr), nullptr);
  EXPECT_NE(Autopilot::Start(Config(), store, round, nullptr, nullptr), nullptr);
}

}  // namespace
}  // namespace logsieve

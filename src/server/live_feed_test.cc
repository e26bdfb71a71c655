#include "server/live_feed.h"

#include <gtest/gtest.h>

#include <string>

namespace logsieve {
namespace {

Batch Decided(size_t n) {
  Batch batch;
  for (size_t i = 0; i < n; ++i) {
    batch.records.push_back({"ModernCRM", "line " + std::to_string(i)});
  }
  batch.Reset();
  for (Decision& d : batch.decisions) d = {"User Action", Method::kRegex, 1.0f, "rule r"};
  return batch;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

TEST(LiveFeed, ASubscriberReceivesEachLineWithItsDecision) {
  LiveFeed feed({});
  auto sub = feed.Subscribe();
  feed.Offer(Decided(2));
  const std::string events = sub->Take();
  EXPECT_EQ(Count(events, "event: decision\ndata: {"), 2u);
  EXPECT_NE(events.find(R"("log_message":"line 1")"), std::string::npos);
  EXPECT_NE(events.find(R"("target_label":"User Action")"), std::string::npos);
  EXPECT_NE(events.find(R"("source":"ModernCRM")"), std::string::npos);
  EXPECT_EQ(events.find("dropped"), std::string::npos);
  EXPECT_EQ(sub->Take(), "");
}

TEST(LiveFeed, ASubscriberGetsAtMostItsRateAndHearsHowManyItMissed) {
  LiveFeed feed({.max_per_second = 10, .capacity = 1000});
  auto sub = feed.Subscribe();
  const LiveFeed::Clock::time_point t0 = LiveFeed::Clock::now();
  feed.Offer(Decided(25), t0);
  std::string events = sub->Take();
  EXPECT_EQ(Count(events, "event: decision"), 10u);
  EXPECT_NE(events.find("event: dropped\ndata: {\"dropped\": 15}"), std::string::npos);
  // Half a second later, half a second's worth again.
  feed.Offer(Decided(25), t0 + std::chrono::milliseconds(500));
  events = sub->Take();
  EXPECT_EQ(Count(events, "event: decision"), 5u);
  EXPECT_NE(events.find("{\"dropped\": 20}"), std::string::npos);
}

TEST(LiveFeed, ASubscriberThatDoesNotTakeHoldsAtMostItsCapacity) {
  LiveFeed feed({.max_per_second = 1000000, .capacity = 3});
  auto sub = feed.Subscribe();
  feed.Offer(Decided(10));
  const std::string events = sub->Take();
  EXPECT_EQ(Count(events, "event: decision"), 3u);
  EXPECT_NE(events.find("{\"dropped\": 7}"), std::string::npos);
}

TEST(LiveFeed, EachSubscriberHasItsOwnQueue) {
  LiveFeed feed({});
  auto a = feed.Subscribe();
  feed.Offer(Decided(1));
  auto b = feed.Subscribe();
  feed.Offer(Decided(2));
  EXPECT_EQ(Count(a->Take(), "event: decision"), 3u);
  EXPECT_EQ(Count(b->Take(), "event: decision"), 2u);
}

TEST(LiveFeed, ASubscriptionEndsWithItsObject) {
  LiveFeed feed({});
  EXPECT_EQ(feed.subscribers(), 0);
  {
    auto sub = feed.Subscribe();
    EXPECT_EQ(feed.subscribers(), 1);
  }
  EXPECT_EQ(feed.subscribers(), 0);
  feed.Offer(Decided(3));  // nobody: nothing kept
  EXPECT_EQ(feed.Subscribe()->Take(), "");
}

TEST(LiveFeed, ALongLineIsCutInTheEvent) {
  LiveFeed feed({});
  auto sub = feed.Subscribe();
  Batch batch = Decided(1);
  batch.records[0].message = std::string(10000, 'q');
  feed.Offer(batch);
  const std::string events = sub->Take();
  EXPECT_EQ(Count(events, "q"), LiveFeed::kMaxEventLineBytes);
  EXPECT_NE(events.find(R"("cut":true)"), std::string::npos);
}

TEST(LiveFeed, OneClientCannotTakeEverySlot) {
  LiveFeed feed({.max_subscribers = 3, .max_per_client = 2});
  auto a1 = feed.Subscribe("10.0.0.1");
  auto a2 = feed.Subscribe("10.0.0.1");
  ASSERT_NE(a1, nullptr);
  ASSERT_NE(a2, nullptr);
  EXPECT_EQ(feed.Subscribe("10.0.0.1"), nullptr);
  auto b = feed.Subscribe("10.0.0.2");
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(feed.Subscribe("10.0.0.3"), nullptr) << "three in all";
  EXPECT_EQ(feed.subscribers(), 3);
  a1.reset();
  EXPECT_NE(feed.Subscribe("10.0.0.1"), nullptr) << "a closed subscription frees its slot";
}

}  // namespace
}  // namespace logsieve

#include "pipeline/decision_cache.h"

#include <gtest/gtest.h>

namespace logsieve {
namespace {

Decision D(const char* label) { return Decision{label, Method::kML, 0.9f, ""}; }

TEST(DecisionCacheTest, ReturnsWhatWasInserted) {
  DecisionCache c(100);
  c.Insert(1, "t", D("A"));
  ASSERT_TRUE(c.Lookup(1, "t").has_value());
  EXPECT_EQ(c.Lookup(1, "t")->label, "A");
  EXPECT_FALSE(c.Lookup(2, "t").has_value());
}

TEST(DecisionCacheTest, ADecisionWithoutItsDetailAnswersOnlyLookupsThatWantNone) {
  DecisionCache c(100);
  c.Insert(1, "t", D("A"), /*detailed=*/false);
  EXPECT_TRUE(c.Lookup(1, "t", /*want_detail=*/false).has_value());
  EXPECT_FALSE(c.Lookup(1, "t", /*want_detail=*/true).has_value());
  c.Insert(1, "t", D("A"), /*detailed=*/true);
  EXPECT_TRUE(c.Lookup(1, "t", /*want_detail=*/true).has_value());
  EXPECT_TRUE(c.Lookup(1, "t", /*want_detail=*/false).has_value());
}

TEST(DecisionCacheTest, AKeyCollisionNeverReturnsAnotherTemplatesDecision) {
  DecisionCache c(100);
  c.Insert(7, "template one", D("A"));
  EXPECT_FALSE(c.Lookup(7, "template two").has_value());
}

TEST(DecisionCacheTest, EvictsTheLeastRecentlyUsedWhenFull) {
  DecisionCache c(16);  // one entry per shard
  c.Insert(0, "a", D("A"));
  c.Insert(16, "b", D("B"));  // same shard as key 0
  EXPECT_FALSE(c.Lookup(0, "a").has_value());
  EXPECT_TRUE(c.Lookup(16, "b").has_value());
  EXPECT_LE(c.size(), 16u);
}

TEST(DecisionCacheTest, CapacityZeroStoresNothing) {
  DecisionCache c(0);
  c.Insert(1, "t", D("A"));
  EXPECT_FALSE(c.Lookup(1, "t").has_value());
}

}  // namespace
}  // namespace logsieve

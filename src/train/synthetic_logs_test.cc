#include "train/synthetic_logs.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace logsieve {
namespace {

TEST(SyntheticLogsTest, SameSeedGivesSameRows) {
  auto a = GenerateSyntheticLogs({.seed = 5, .rows = 500});
  auto b = GenerateSyntheticLogs({.seed = 5, .rows = 500});
  ASSERT_EQ(a.size(), 500u);
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].message, b[i].message);
  EXPECT_NE(GenerateSyntheticLogs({.seed = 6, .rows = 1})[0].message, a[0].message);
}

TEST(SyntheticLogsTest, EveryLabelIsBalancedAcrossTheNineDefaults) {
  std::map<std::string, int> count;
  for (const auto& r : GenerateSyntheticLogs({.seed = 1, .rows = 900})) ++count[r.label];
  EXPECT_EQ(count.size(), 9u);
  for (const auto& [label, n] : count) EXPECT_EQ(n, 100) << label;
}

TEST(SyntheticLogsTest, HeldOutFamiliesNeverAppearInTraining) {
  std::set<int> train, hold;
  for (const auto& r :
       GenerateSyntheticLogs({.seed = 1, .rows = 5000, .split = SyntheticSplit::kTrain}))
    train.insert(r.family);
  for (const auto& r :
       GenerateSyntheticLogs({.seed = 1, .rows = 5000, .split = SyntheticSplit::kHoldout}))
    hold.insert(r.family);
  for (int f : hold) EXPECT_FALSE(train.contains(f)) << f;
  EXPECT_EQ(hold.size(), SyntheticHoldoutFamilyCount());
  EXPECT_GE(SyntheticFamilyCount(), 150u);
}

TEST(SyntheticLogsTest, EveryFamilyRowIsDrawn) {
  std::set<int> seen;
  for (const auto& r : GenerateSyntheticLogs({.seed = 3, .rows = 20000})) seen.insert(r.family);
  EXPECT_EQ(seen.size(), SyntheticFamilyCount());
}

TEST(SyntheticLogsTest, EverySlotIsFilled) {
  for (const auto& r : GenerateSyntheticLogs({.seed = 2, .rows = 20000})) {
    // An unknown slot would be left as "{name}"; JSON lines have '{"', and
    // JSON inside a quoted JSON or logfmt message '{\"'.
    for (size_t open = r.message.find('{'); open != std::string::npos;
         open = r.message.find('{', open + 1)) {
      ASSERT_TRUE(r.message[open + 1] == '"' || r.message.compare(open + 1, 2, "\\\"") == 0)
          << r.message;
    }
  }
}

}  // namespace
}  // namespace logsieve

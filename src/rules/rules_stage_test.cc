#include "rules/rules_stage.h"

#include <gtest/gtest.h>

#include "common/metrics.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

std::shared_ptr<const RuleSet> Compile(const std::string& yaml) {
  StatusOr<RuleFile> file = ParseRuleFile(yaml, "t.yaml");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  StatusOr<std::unique_ptr<RuleSet>> set = RuleSet::Compile(*std::move(file));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return std::shared_ptr<const RuleSet>(*std::move(set));
}

Batch MakeBatch(std::vector<LogRecord> records) {
  Batch batch;
  batch.records = std::move(records);
  batch.Reset();
  return batch;
}

TEST(RulesStage, DecidesMatchingLinesWithLabelRegexConfidenceAndDetail) {
  auto stage = MakeRulesStage(Compile(R"(
- {id: user-login, pattern: 'user \w+ logged in', label: User Action, confidence: 0.95}
)"),
                              {"User Action"});
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  Batch batch = MakeBatch({{"S", "at 10:00 user bob logged in"}, {"S", "unrelated"}});
  const std::vector<size_t> pending = {0, 1};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_EQ(batch.decisions[0].label, "User Action");
  EXPECT_EQ(batch.decisions[0].method, Method::kRegex);
  ASSERT_TRUE(batch.decisions[0].confidence);
  EXPECT_FLOAT_EQ(*batch.decisions[0].confidence, 0.95f);
  EXPECT_EQ(batch.decisions[0].detail, "rule user-login [9,27)");
  EXPECT_FALSE(batch.decisions[1].decided());
  EXPECT_EQ(batch.decisions[1].label, kUnclassified);
}

TEST(RulesStage, ARuleDecisionCarriesTheRuleIdAndTheMatchedBytesForExplanations) {
  auto stage = MakeRulesStage(
      Compile("- {id: user-login, pattern: 'user \\w+ logged in', label: A}\n"), {"A"});
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  Batch batch = MakeBatch({{"S", "at 10:00 user bob logged in"}});
  const std::vector<size_t> pending = {0};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_EQ(batch.decisions[0].rule_id, "user-login");
  ASSERT_TRUE(batch.decisions[0].rule_span);
  EXPECT_EQ(*batch.decisions[0].rule_span, std::make_pair(9u, 27u));
}

TEST(RulesStage, CountsTheHitsOfEachRuleInTheMetrics) {
  auto stage = MakeRulesStage(Compile(R"(
- {id: hits-test-x, pattern: 'x', label: A}
- {id: hits-test-y, pattern: 'y', label: A}
)"),
                              {"A"});
  ASSERT_TRUE(stage.ok());
  Counter& x = MetricsRegistry::Global().GetCounter("logsieve_rule_hits_total", "",
                                                    {{"rule", "hits-test-x"}});
  Counter& y = MetricsRegistry::Global().GetCounter("logsieve_rule_hits_total", "",
                                                    {{"rule", "hits-test-y"}});
  const double x0 = x.value(), y0 = y.value();
  Batch batch = MakeBatch({{"S", "x"}, {"S", "x"}, {"S", "y"}, {"S", "z"}});
  const std::vector<size_t> pending = {0, 1, 2, 3};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_EQ(x.value() - x0, 2);
  EXPECT_EQ(y.value() - y0, 1);
}

TEST(RulesStage, TouchesOnlyPendingLines) {
  auto stage = MakeRulesStage(Compile("- {id: r, pattern: 'x', label: A}\n"), {"A"});
  ASSERT_TRUE(stage.ok());
  Batch batch = MakeBatch({{"S", "x"}, {"S", "x"}});
  const std::vector<size_t> pending = {1};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_FALSE(batch.decisions[0].decided());
  EXPECT_TRUE(batch.decisions[1].decided());
}

TEST(RulesStage, IsNamedRulesIsNotCacheableAndDescribesItself) {
  auto stage = MakeRulesStage(
      Compile("- {id: r, pattern: 'x', label: A}\n- {id: s, pattern: 'y', label: A}\n"), {"A"});
  ASSERT_TRUE(stage.ok());
  EXPECT_EQ((*stage)->name(), "rules");
  EXPECT_FALSE((*stage)->cacheable());
  EXPECT_EQ((*stage)->description(), "rules: 2 rules from t.yaml");
}

TEST(RulesStage, ItsVersionChangesWithTheRuleFileTextAndOnlyWithIt) {
  const std::string a = "- {id: r, pattern: 'x', label: A}\n";
  const std::string b = "- {id: r, pattern: 'x', label: B}\n";
  auto version = [](const std::string& yaml) {
    auto stage = MakeRulesStage(Compile(yaml), {"A", "B"});
    EXPECT_TRUE(stage.ok()) << stage.status().ToString();
    return (*stage)->version();
  };
  EXPECT_EQ(version(a), version(a));
  EXPECT_NE(version(a), version(b));
  EXPECT_EQ(version(a).size(), 12u);
}

TEST(RulesStage, ALabelOutsideTheLabelSetNamesTheRuleAndTheSet) {
  auto stage = MakeRulesStage(
      Compile("- {id: r, pattern: 'x', label: A}\n- {id: odd, pattern: 'y', label: Zzz}\n"),
      {"A", "B"});
  ASSERT_FALSE(stage.ok());
  const std::string m = stage.status().message();
  EXPECT_NE(m.find("t.yaml:2: rule 'odd': label 'Zzz' is not in the label set [A, B]"),
            std::string::npos)
      << m;
}

TEST(RulesStage, ConfigNoneMeansNoStage) {
  Config config;
  ASSERT_TRUE(config.Set("rules.file", "none", "test").ok());
  auto stage = MakeRulesStage(config);
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  EXPECT_EQ(*stage, nullptr);
}

TEST(RulesStage, ConfigEmptyLoadsTheBundledDefaultRules) {
  Config config;
  ASSERT_TRUE(config.Set("rules.spans", "false", "test").ok());  // halves the compile
  auto stage = MakeRulesStage(config);
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  ASSERT_NE(*stage, nullptr);
  EXPECT_NE((*stage)->description().find("rules/default.yaml"), std::string::npos);
}

TEST(RulesStage, ConfigSpansOffLeavesTheSpanOutOfTheDetail) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("r.yaml"),
                     "- {id: login, pattern: 'logged in', label: User Action}\n");
  Config config;
  ASSERT_TRUE(config.Set("rules.file", dir.File("r.yaml"), "test").ok());
  ASSERT_TRUE(config.Set("rules.spans", "false", "test").ok());
  auto stage = MakeRulesStage(config);
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  Batch batch = MakeBatch({{"S", "user bob logged in"}});
  const std::vector<size_t> pending = {0};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_EQ(batch.decisions[0].detail, "rule login");
}

TEST(RulesStage, ConfigFileErrorsNameTheFile) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("r.yaml"), "- {id: a, pattern: 'x', label: NotALabel}\n");
  Config config;
  ASSERT_TRUE(config.Set("rules.file", dir.File("r.yaml"), "test").ok());
  auto stage = MakeRulesStage(config);
  ASSERT_FALSE(stage.ok());
  EXPECT_NE(stage.status().message().find(dir.File("r.yaml") + ":1: rule 'a': label 'NotALabel'"),
            std::string::npos)
      << stage.status().message();
  EXPECT_NE(stage.status().message().find("HTTP Status"), std::string::npos);
}

TEST(RulesStage, AMissingRuleFileIsNotFound) {
  Config config;
  ASSERT_TRUE(config.Set("rules.file", "/nonexistent/r.yaml", "test").ok());
  auto stage = MakeRulesStage(config);
  ASSERT_FALSE(stage.ok());
  EXPECT_EQ(stage.status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace logsieve

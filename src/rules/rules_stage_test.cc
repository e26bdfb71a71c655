#include "rules/rules_stage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

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

// A label set of plain names.
LabelSet Set(std::vector<std::string> names) {
  std::vector<Label> labels;
  for (std::string& n : names) labels.push_back({std::move(n), ""});
  StatusOr<LabelSet> set = LabelSet::FromLabels(std::move(labels));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return *std::move(set);
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
                              Set({"User Action"}));
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
      Compile("- {id: user-login, pattern: 'user \\w+ logged in', label: A}\n"), Set({"A"}));
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
                              Set({"A"}));
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
  auto stage = MakeRulesStage(Compile("- {id: r, pattern: 'x', label: A}\n"), Set({"A"}));
  ASSERT_TRUE(stage.ok());
  Batch batch = MakeBatch({{"S", "x"}, {"S", "x"}});
  const std::vector<size_t> pending = {1};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_FALSE(batch.decisions[0].decided());
  EXPECT_TRUE(batch.decisions[1].decided());
}

TEST(RulesStage, IsNamedRulesIsNotCacheableAndDescribesItself) {
  auto stage = MakeRulesStage(
      Compile("- {id: r, pattern: 'x', label: A}\n- {id: s, pattern: 'y', label: A}\n"),
      Set({"A"}));
  ASSERT_TRUE(stage.ok());
  EXPECT_EQ((*stage)->name(), "rules");
  EXPECT_FALSE((*stage)->cacheable());
  EXPECT_EQ((*stage)->description(), "rules: 2 rules from t.yaml");
}

TEST(RulesStage, ItsVersionChangesWithTheRuleFileTextAndOnlyWithIt) {
  const std::string a = "- {id: r, pattern: 'x', label: A}\n";
  const std::string b = "- {id: r, pattern: 'x', label: B}\n";
  auto version = [](const std::string& yaml) {
    auto stage = MakeRulesStage(Compile(yaml), Set({"A", "B"}));
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
      Set({"A", "B"}));
  ASSERT_FALSE(stage.ok());
  const std::string m = stage.status().message();
  EXPECT_NE(m.find("t.yaml:2: rule 'odd': label 'Zzz' is not in the label set [A, B]"),
            std::string::npos)
      << m;
}

// The five-label taxonomy of doc/labels.md.
LabelSet Team() {
  StatusOr<LabelSet> set = LabelSet::FromJson(nlohmann::json::parse(R"([
    {"name": "Account Activity", "from": ["User Action"]},
    {"name": "Failure", "from": ["Error", "Critical Error", "Workflow Error"]},
    {"name": "Security", "from": ["Security Alert"]},
    {"name": "Ops", "from": ["Resource Usage", "System Notification"]},
    "Billing"])"));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return *std::move(set);
}

TEST(RulesStage, AMappedRuleAnswersTheTeamsLabelAndTheDetailNamesBoth) {
  auto stage = MakeRulesStage(Compile(R"(
- {id: login, pattern: 'logged in', label: User Action}
- {id: invoice, pattern: 'invoice \d+ overdue', label: Billing}
)"),
                              Team());
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  Batch batch = MakeBatch({{"S", "user bob logged in"}, {"S", "invoice 12 overdue"}});
  const std::vector<size_t> pending = {0, 1};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_EQ(batch.decisions[0].label, "Account Activity");
  EXPECT_EQ(batch.decisions[0].method, Method::kRegex);
  EXPECT_EQ(batch.decisions[0].detail, "rule login (User Action -> Account Activity) [9,18)");
  EXPECT_EQ(batch.decisions[1].label, "Billing");
  EXPECT_EQ(batch.decisions[1].detail, "rule invoice [0,18)");
}

TEST(RulesStage, AnUnmappedBundledRuleLabelLeavesItsLinesUndecidedAndHidesLaterRules) {
  auto stage = MakeRulesStage(Compile(R"(
- {id: access, pattern: 'HTTP/1\.1" \d+', label: HTTP Status}
- {id: error, pattern: 'error', label: Error}
)"),
                              Team());
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  Batch batch = MakeBatch({{"S", R"("GET /error HTTP/1.1" 500)"}, {"S", "disk error"}});
  const std::vector<size_t> pending = {0, 1};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_FALSE(batch.decisions[0].decided());  // HTTP Status first: unsure, not Failure
  EXPECT_EQ(batch.decisions[0].label, kUnclassified);
  EXPECT_EQ(batch.decisions[1].label, "Failure");
  EXPECT_THAT(batch.decisions[1].detail, ::testing::HasSubstr("(Error -> Failure)"));
}

TEST(RulesStage, WithFromALabelNeitherInTheSetNorBundledIsStillAnError) {
  auto stage =
      MakeRulesStage(Compile("- {id: odd, pattern: 'y', label: Acount Activity}\n"), Team());
  ASSERT_FALSE(stage.ok());
  EXPECT_THAT(stage.status().message(),
              ::testing::HasSubstr("t.yaml:1: rule 'odd': label 'Acount Activity' is not in the "
                                   "label set [Account Activity, Failure, Security, Ops, Billing] "
                                   "nor in any entry's `from`"));
}

TEST(RulesStage, WithoutFromAnUnmappedBundledLabelIsAnError) {
  auto stage = MakeRulesStage(Compile("- {id: r, pattern: 'y', label: HTTP Status}\n"),
                              Set({"Billing", "Ops"}));
  ASSERT_FALSE(stage.ok());
  EXPECT_THAT(stage.status().message(),
              ::testing::HasSubstr("label 'HTTP Status' is not in the label set [Billing, Ops]"));
}

TEST(RulesStage, TheBundledRulesLoadUnderTheFiveLabelTaxonomy) {
  Config config;
  ASSERT_TRUE(
      config
          .Set("labels",
               "[{name: Account Activity, from: [User Action]}, {name: Failure, from: "
               "[Error, Critical Error, Workflow Error]}, {name: Security, from: [Security "
               "Alert]}, {name: Ops, from: [Resource Usage, System Notification]}, Billing]",
               "test")
          .ok());
  ASSERT_TRUE(config.Set("rules.spans", "false", "test").ok());
  auto stage = MakeRulesStage(config);
  ASSERT_TRUE(stage.ok()) << stage.status().ToString();
  Batch batch = MakeBatch(
      {{"sshd",
        "sshd[812]: Failed password for invalid user admin from 203.0.113.9 port 22 ssh2"}});
  const std::vector<size_t> pending = {0};
  ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
  EXPECT_EQ(batch.decisions[0].label, "Security");
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

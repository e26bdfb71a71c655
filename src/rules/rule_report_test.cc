#include "rules/rule_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace logsieve {
namespace {

std::unique_ptr<RuleSet> Compile(const std::string& yaml) {
  StatusOr<RuleFile> file = ParseRuleFile(yaml, "t.yaml");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  StatusOr<std::unique_ptr<RuleSet>> set = RuleSet::Compile(*std::move(file));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return *std::move(set);
}

TEST(RuleReport, CountsWinsMatchesOverlapsAndUnmatched) {
  auto set = Compile(R"(
- {id: backup, pattern: 'backup', label: A}
- {id: backup-done, pattern: 'backup completed', label: A}
- {id: login, pattern: 'logged in', label: B}
)");
  const std::vector<LogRecord> sample = {
      {"S", "backup completed"}, {"S", "backup started"}, {"S", "user logged in"}, {"S", "noise"}};
  RuleReport r = AnalyzeRules(*set, sample);
  EXPECT_EQ(r.lines, 4u);
  EXPECT_EQ(r.matched, 3u);
  EXPECT_EQ(r.unmatched, 1u);
  EXPECT_EQ(r.overlapping, 1u);
  ASSERT_EQ(r.overlaps.size(), 1u);
  EXPECT_EQ(r.overlaps[0].line, 0u);
  EXPECT_EQ(r.overlaps[0].rules, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(r.wins, (std::vector<size_t>{2, 0, 1}));
  EXPECT_EQ(r.matches, (std::vector<size_t>{2, 1, 1}));
}

TEST(RuleReport, ARuleThatMatchesButNeverWinsIsShadowedByTheRulesThatWon) {
  auto set = Compile(R"(
- {id: general, pattern: 'backup', label: A}
- {id: specific, pattern: 'backup completed', label: A}
- {id: unused, pattern: 'zzz', label: A}
)");
  const std::vector<LogRecord> sample = {{"S", "backup completed"}};
  RuleReport r = AnalyzeRules(*set, sample);
  ASSERT_EQ(r.shadowed.size(), 1u);  // `unused` never matched: not shadowed, just unused
  EXPECT_EQ(r.shadowed[0].rule, 1u);
  EXPECT_EQ(r.shadowed[0].by, (std::vector<uint32_t>{0}));
}

TEST(RuleReport, DuplicatePatternsNeedTheSameFlags) {
  auto set = Compile(R"(
- {id: a, pattern: 'x', label: A}
- {id: b, pattern: 'x', label: A, case_insensitive: true}
- {id: c, pattern: 'x', label: B}
)");
  EXPECT_EQ(DuplicatePatterns(*set), (std::vector<std::pair<uint32_t, uint32_t>>{{2, 0}}));
}

TEST(RuleReport, LintNamesDuplicatesShadowedAndUnusedRulesWithTheirLines) {
  auto set = Compile(R"(- {id: general, pattern: 'backup', label: A}
- {id: specific, pattern: 'backup completed', label: A}
- {id: again, pattern: 'backup', label: A}
- {id: unused, pattern: 'zzz', label: A}
)");
  const std::vector<LogRecord> sample = {{"S", "backup completed"}, {"S", "backup"}};
  RuleReport report = AnalyzeRules(*set, sample);
  RuleLint lint = LintRules(*set, &report);
  const std::vector<std::string>& w = lint.warnings;
  ASSERT_EQ(w.size(), 3u);
  EXPECT_EQ(w[0], "t.yaml:3: rule 'again': same pattern and flags as rule 'general' (line 1)");
  EXPECT_EQ(w[1], "t.yaml:2: rule 'specific': never wins on the sample: every line it matches (1) is won by "
                  "earlier rule 'general'");
  EXPECT_EQ(w[2], "t.yaml:3: rule 'again': never wins on the sample: every line it matches (2) is won by "
                  "earlier rule 'general'");
  EXPECT_EQ(lint.notes, std::vector<std::string>{"t.yaml:4: rule 'unused': matches no line of the sample"});
  EXPECT_EQ(LintRules(*set, nullptr).warnings.size(), 1u);
  EXPECT_TRUE(LintRules(*set, nullptr).notes.empty());
}

TEST(RuleReport, JsonNamesRulesById) {
  auto set = Compile("- {id: a, pattern: 'x', label: A}\n- {id: b, pattern: 'x', label: A}\n");
  const std::vector<LogRecord> sample = {{"S", "x"}, {"S", "y"}};
  nlohmann::json j = RuleReportJson(*set, AnalyzeRules(*set, sample));
  EXPECT_EQ(j["unmatched"], 1);
  EXPECT_EQ(j["overlapping"], 1);
  EXPECT_EQ(j["rules"][0]["id"], "a");
  EXPECT_EQ(j["rules"][0]["wins"], 1);
  EXPECT_EQ(j["overlaps"][0]["rules"], nlohmann::json({"a", "b"}));
  EXPECT_EQ(j["shadowed"][0]["rule"], "b");
  EXPECT_EQ(j["shadowed"][0]["by"], nlohmann::json({"a"}));
  std::string text = FormatRuleReport(*set, AnalyzeRules(*set, sample));
  EXPECT_NE(text.find("unmatched: 1"), std::string::npos) << text;
}

}  // namespace
}  // namespace logsieve

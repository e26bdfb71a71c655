#include "common/yaml_nesting.h"

#include <gtest/gtest.h>

#include <string>

namespace logsieve {
namespace {

std::string Indented(size_t levels) {
  std::string out;
  for (size_t i = 0; i < levels; ++i)
    out += std::string(i * 2, ' ') + "k" + std::to_string(i) + ":\n";
  return out + std::string(levels * 2, ' ') + "v: 1\n";
}

TEST(CheckYamlNesting, AcceptsOrdinaryRuleAndConfigFiles) {
  EXPECT_TRUE(
      CheckYamlNesting(
          "rules:\n  - id: a\n    regex: '[[:digit:]{'\n    label: X\n    tags: [a, {b: c}]\n",
          "r.yaml")
          .ok());
  EXPECT_TRUE(CheckYamlNesting(Indented(10), "c.yaml").ok());
}

TEST(CheckYamlNesting, RefusesFlowNestingPastTheLimitNamingTheLine) {
  std::string text = "rules:\n  - x\nbad: " + std::string(200000, '[') + "\n";
  Status s = CheckYamlNesting(text, "rules.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "rules.yaml:3: YAML nested too deeply (more than 64 levels)");
}

TEST(CheckYamlNesting, RefusesBlockNestingPastTheLimit) {
  EXPECT_TRUE(CheckYamlNesting(Indented(63), "c.yaml").ok());
  Status s = CheckYamlNesting(Indented(70), "c.yaml");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.message(), "c.yaml:65: YAML nested too deeply (more than 64 levels)");
}

TEST(CheckYamlNesting, CountsCompactSequenceEntriesOnOneLine) {
  std::string dashes;
  for (int i = 0; i < 100; ++i) dashes += "- ";
  EXPECT_FALSE(CheckYamlNesting(dashes + "x\n", "r.yaml").ok());
  EXPECT_TRUE(CheckYamlNesting("- - - x\n", "r.yaml").ok());
}

TEST(CheckYamlNesting, IgnoresBracketsInQuotesCommentsAndBlockScalars) {
  std::string brackets(100, '[');
  EXPECT_TRUE(CheckYamlNesting(
                  "a: '" + brackets + "'\nb: \"" + brackets + "\"\nc: 1 # " + brackets + "\n", "x")
                  .ok());
  std::string block = "text: |\n";
  for (int i = 0; i < 100; ++i) block += std::string(2 + i, ' ') + "line\n";
  block += "after: 1\n";
  EXPECT_TRUE(CheckYamlNesting(block, "x").ok());
}

}  // namespace
}  // namespace logsieve

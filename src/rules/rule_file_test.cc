#include "rules/rule_file.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace logsieve {
namespace {

// Parses `text`, expects an InvalidArgument error, returns its message.
std::string ErrorOf(const std::string& text) {
  StatusOr<RuleFile> file = ParseRuleFile(text, "t.yaml");
  EXPECT_FALSE(file.ok()) << "parsed but should not have:\n" << text;
  if (file.ok()) return "";
  EXPECT_EQ(file.status().code(), StatusCode::kInvalidArgument);
  return file.status().message();
}

TEST(RuleFile, ParsesEveryKeyOfARule) {
  StatusOr<RuleFile> file = ParseRuleFile(R"(rules:
  - id: login
    pattern: '\buser\s+\S+\s+logged\s+in\b'
    label: User Action
    sources: [ModernCRM, WebPortal]
    confidence: 0.9
    case_insensitive: true
    flags: [dot_all, m]
    description: A user signed in.
)",
                                          "t.yaml");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->rules.size(), 1u);
  const Rule& r = file->rules[0];
  EXPECT_EQ(r.id, "login");
  EXPECT_EQ(r.pattern, R"(\buser\s+\S+\s+logged\s+in\b)");
  EXPECT_EQ(r.label, "User Action");
  EXPECT_EQ(r.sources, (std::vector<std::string>{"ModernCRM", "WebPortal"}));
  EXPECT_FLOAT_EQ(r.confidence, 0.9f);
  EXPECT_TRUE(r.case_insensitive);
  EXPECT_TRUE(r.dot_all);
  EXPECT_TRUE(r.multi_line);
  EXPECT_EQ(r.description, "A user signed in.");
  EXPECT_EQ(r.line, 2);
}

TEST(RuleFile, DefaultsAreConfidenceOneCaseSensitiveAllSources) {
  StatusOr<RuleFile> file = ParseRuleFile("- {id: a, pattern: x, label: L}\n", "t.yaml");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_FLOAT_EQ(file->rules[0].confidence, 1.0f);
  EXPECT_FALSE(file->rules[0].case_insensitive);
  EXPECT_TRUE(file->rules[0].sources.empty());
}

TEST(RuleFile, AcceptsABareListAndKeepsFileOrder) {
  StatusOr<RuleFile> file =
      ParseRuleFile("- {id: b, pattern: x, label: L}\n- {id: a, pattern: y, label: L}\n", "t.yaml");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  ASSERT_EQ(file->rules.size(), 2u);
  EXPECT_EQ(file->rules[0].id, "b");
  EXPECT_EQ(file->rules[1].id, "a");
  EXPECT_EQ(file->rules[1].line, 2);
}

TEST(RuleFile, AnEmptyRuleListIsValid) {
  StatusOr<RuleFile> file = ParseRuleFile("rules: []\n", "t.yaml");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_TRUE(file->rules.empty());
}

TEST(RuleFile, UnknownKeyNamesTheRuleTheLineAndTheKey) {
  std::string m = ErrorOf("rules:\n  - id: a\n    pattern: x\n    label: L\n    colour: red\n");
  EXPECT_NE(m.find("t.yaml:5"), std::string::npos) << m;
  EXPECT_NE(m.find("rule 'a'"), std::string::npos) << m;
  EXPECT_NE(m.find("unknown key 'colour'"), std::string::npos) << m;
}

TEST(RuleFile, DuplicateIdNamesBothLines) {
  std::string m = ErrorOf(
      "- {id: a, pattern: x, label: L}\n- {id: b, pattern: y, label: L}\n"
      "- {id: a, pattern: z, label: L}\n");
  EXPECT_NE(m.find("t.yaml:3: rule 'a'"), std::string::npos) << m;
  EXPECT_NE(m.find("duplicate id"), std::string::npos) << m;
  EXPECT_NE(m.find("line 1"), std::string::npos) << m;
}

TEST(RuleFile, MissingPatternOrLabelOrIdIsAnError) {
  EXPECT_NE(ErrorOf("- {id: a, label: L}\n").find("rule 'a': no pattern"), std::string::npos);
  EXPECT_NE(ErrorOf("- {id: a, pattern: x}\n").find("rule 'a': no label"), std::string::npos);
  EXPECT_NE(ErrorOf("- {pattern: x, label: L}\n").find("t.yaml:1: rule has no id"),
            std::string::npos);
}

TEST(RuleFile, WrongTypesNameTheRuleAndLine) {
  std::string m = ErrorOf("- id: a\n  pattern: x\n  label: L\n  confidence: high\n");
  EXPECT_NE(m.find("t.yaml:4: rule 'a': confidence"), std::string::npos) << m;
  m = ErrorOf("- id: a\n  pattern: x\n  label: L\n  confidence: 1.5\n");
  EXPECT_NE(m.find("t.yaml:4: rule 'a': confidence"), std::string::npos) << m;
  m = ErrorOf("- id: a\n  pattern: [x]\n  label: L\n");
  EXPECT_NE(m.find("t.yaml:2: rule 'a': pattern"), std::string::npos) << m;
  m = ErrorOf("- id: a\n  pattern: x\n  label: L\n  case_insensitive: maybe\n");
  EXPECT_NE(m.find("t.yaml:4: rule 'a': case_insensitive"), std::string::npos) << m;
  m = ErrorOf("- id: a\n  pattern: x\n  label: L\n  sources: {a: b}\n");
  EXPECT_NE(m.find("t.yaml:4: rule 'a': sources"), std::string::npos) << m;
  m = ErrorOf("- id: a\n  pattern: x\n  label: L\n  flags: [z]\n");
  EXPECT_NE(m.find("t.yaml:4: rule 'a': unknown flag 'z'"), std::string::npos) << m;
}

TEST(RuleFile, AKeyGivenTwiceIsAnError) {
  std::string m = ErrorOf("- id: a\n  pattern: x\n  label: L\n  pattern: y\n");
  EXPECT_NE(m.find("rule 'a'"), std::string::npos) << m;
  EXPECT_NE(m.find("appears twice"), std::string::npos) << m;
}

TEST(RuleFile, ANulByteInAPatternIsRefusedWithAHint) {
  std::string m = ErrorOf("- id: a\n  pattern: \"x\\0y\"\n  label: L\n");
  EXPECT_NE(m.find("rule 'a'"), std::string::npos) << m;
  EXPECT_NE(m.find("\\x00"), std::string::npos) << m;
}

TEST(RuleFile, BadYamlNamesTheLine) {
  std::string m = ErrorOf("rules:\n  - id: a\n    pattern: x\n    label: [L\n");
  EXPECT_NE(m.find("t.yaml:"), std::string::npos) << m;
  EXPECT_NE(m.find("not valid YAML"), std::string::npos) << m;
}

TEST(RuleFile, WrongShapesAreErrors) {
  EXPECT_NE(ErrorOf("").find("expected a list of rules"), std::string::npos);
  EXPECT_NE(ErrorOf("just text\n").find("expected a list of rules"), std::string::npos);
  EXPECT_NE(ErrorOf("rules: {a: b}\n").find("expected a list of rules"), std::string::npos);
  EXPECT_NE(ErrorOf("rules: []\nextra: 1\n").find("t.yaml:2: unknown top-level key 'extra'"),
            std::string::npos);
  EXPECT_NE(ErrorOf("- just a string\n").find("t.yaml:1: a rule must be a mapping"),
            std::string::npos);
}

TEST(RuleFile, IdsWithSpacesAreRefused) {
  EXPECT_NE(ErrorOf("- {id: 'a b', pattern: x, label: L}\n").find("spaces"), std::string::npos);
}

TEST(RuleFile, LoadingAMissingFileIsNotFound) {
  StatusOr<RuleFile> file = LoadRuleFile("/nonexistent/rules.yaml");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().code(), StatusCode::kNotFound);
  EXPECT_NE(file.status().message().find("/nonexistent/rules.yaml"), std::string::npos);
}

TEST(RuleFile, LoadingUsesThePathInMessages) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("r.yaml"), "- {id: a, pattern: x, label: L, bogus: 1}\n");
  StatusOr<RuleFile> file = LoadRuleFile(dir.File("r.yaml"));
  ASSERT_FALSE(file.ok());
  EXPECT_NE(file.status().message().find(dir.File("r.yaml") + ":1: rule 'a'"), std::string::npos)
      << file.status().message();
}

TEST(RuleFile, RefusesADirectoryNamingThePath) {
  testing::ScratchDir dir;
  StatusOr<RuleFile> file = LoadRuleFile(dir.path());
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), dir.path() + ": is a directory, not a rule file");
}

// Issue 16 item 6: the 16 MiB cap was applied after reading the whole file.
TEST(RuleFile, AnEndlessDeviceStopsAtTheSizeCap) {
  StatusOr<RuleFile> file = LoadRuleFile("/dev/zero");
  ASSERT_FALSE(file.ok());
  EXPECT_EQ(file.status().message(), "/dev/zero: rule file is larger than 16 MiB");
}

// Issue 16 item 9: yaml-cpp recursed and answered "not valid YAML: bad file".
TEST(RuleFile, A200000DeepFileIsNestedTooDeeplyWithItsLine) {
  EXPECT_EQ(ErrorOf("rules:\n  - id: a\n    tags: " + std::string(200000, '[') + "\n"),
            "t.yaml:3: YAML nested too deeply (more than 64 levels)");
  std::string block = "rules:\n";
  for (int i = 0; i < 200; ++i)
    block += std::string(static_cast<size_t>(i) * 2 + 2, ' ') + "- x:\n";
  EXPECT_NE(ErrorOf(block).find("YAML nested too deeply"), std::string::npos);
}

}  // namespace
}  // namespace logsieve

// `logsieve rules check|test`, run as a user would.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::LogsieveBinary;
using testing::RunProgram;
using testing::RunResult;

class RulesCli : public ::testing::Test {
 protected:
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), LogsieveBinary());
    return RunProgram(args);
  }
  std::string Write(const std::string& name, const std::string& text) {
    testing::WriteFile(dir_.File(name), text);
    return dir_.File(name);
  }
  testing::ScratchDir dir_;
};

TEST_F(RulesCli, CheckAcceptsTheDefaultRules) {
  RunResult r = Run({"rules", "check", testing::SourceDir() + "/rules/default.yaml"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("rules OK, 0 warnings"), std::string::npos) << r.out;
}

TEST_F(RulesCli, CheckExitsTwoAndNamesEveryBadRule) {
  std::string file =
      Write("bad.yaml",
            "- {id: a, pattern: 'x(', label: Error}\n- {id: b, pattern: '(a)\\1', label: Error}\n"
            "- {id: c, pattern: 'fine', label: Nonsense}\n");
  RunResult r = Run({"rules", "check", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find(file + ":3: rule 'c': label 'Nonsense'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file + ":1: rule 'a': invalid pattern"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find(file + ":2: rule 'b': invalid pattern"), std::string::npos) << r.err;
}

TEST_F(RulesCli, CheckRefusesALabelOutsideTheLabelSet) {
  std::string file = Write("labels.yaml", "- {id: a, pattern: 'x', label: Gossip}\n");
  RunResult r = Run({"rules", "check", file});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("rule 'a': label 'Gossip' is not in the label set [HTTP Status"),
            std::string::npos)
      << r.err;
}

TEST_F(RulesCli, CheckWithASampleWarnsAboutShadowedRulesAndStrictFails) {
  std::string file =
      Write("r.yaml",
            "- {id: general, pattern: 'backup', label: System Notification}\n"
            "- {id: specific, pattern: 'backup completed', label: System Notification}\n");
  std::string sample = Write("s.csv", "source,log_message\nS,backup completed\nS,other\n");
  RunResult r = Run({"rules", "check", file, "--sample", sample});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("warning: " + file + ":2: rule 'specific': never wins on the sample"),
            std::string::npos)
      << r.out;
  r = Run({"rules", "check", file, "--sample", sample, "--strict"});
  EXPECT_EQ(r.exit_code, 2);
}

TEST_F(RulesCli, TestPrintsHitsOverlapsAndUnmatchedAsJson) {
  std::string file =
      Write("r.yaml",
            "- {id: general, pattern: 'backup', label: System Notification}\n"
            "- {id: specific, pattern: 'backup completed', label: System Notification}\n");
  std::string input =
      Write("in.csv", "source,log_message\nS,backup completed\nS,other\nS,\"a, backup\"\n");
  RunResult r = Run({"rules", "test", file, "--input", input, "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["lines"], 3);
  EXPECT_EQ(j["unmatched"], 1);
  EXPECT_EQ(j["overlapping"], 1);
  EXPECT_EQ(j["rules"][0]["wins"], 2);
  EXPECT_EQ(j["overlaps"][0]["rules"], nlohmann::json({"general", "specific"}));
  r = Run({"rules", "test", file, "--input", input});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("unmatched: 1"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace logsieve

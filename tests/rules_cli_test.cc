// `logsieve rules check|test`, and the compiled-rules cache of `classify`, run
// as a user would.
#include <gtest/gtest.h>

#include <filesystem>
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

// `classify` with the bundled rules only, lines in, lines out.
class ClassifyRuleCache : public RulesCli {
 protected:
  RunResult Classify(std::vector<std::string> args, const std::string& xdg) {
    std::vector<std::string> argv = {
        LogsieveBinary(),         "classify", "-q", "--format", "lines", "--source", "S", "--set",
        "pipeline.stages=[rules]"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("-");
    return RunProgram(argv, "User alice logged in\nsomething else\n", {"XDG_CACHE_HOME=" + xdg});
  }
  static size_t Entries(const std::string& dir) {
    if (!std::filesystem::is_directory(dir)) return 0;
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) n += e.is_regular_file();
    return n;
  }
  static constexpr char kExpected[] =
      "User Action\tRegex\t1.0\tUser alice logged in\nUnclassified\tNone\t\tsomething else\n";
};

TEST_F(ClassifyRuleCache, TheSecondRunLoadsWhatTheFirstStoredAndAnswersTheSame) {
  const std::string xdg = dir_.File("xdg");
  RunResult first = Classify({}, xdg);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, kExpected);
  EXPECT_EQ(Entries(xdg + "/logsieve/rules"), 1u);
  RunResult second = Classify({}, xdg);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.out, kExpected);
  EXPECT_EQ(second.err, "");
  EXPECT_EQ(Entries(xdg + "/logsieve/rules"), 1u);
}

TEST_F(ClassifyRuleCache, OffWritesNothing) {
  const std::string xdg = dir_.File("xdg");
  RunResult r = Classify({"--set", "rules.cache_dir=off"}, xdg);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kExpected);
  EXPECT_FALSE(std::filesystem::exists(xdg));
}

TEST_F(ClassifyRuleCache, AnUnwritableCacheDirIsOneWarningLineAndStillClassifies) {
  const std::string file = Write("file", "not a directory");
  RunResult r = Classify({"--set", "rules.cache_dir=" + file + "/rules"}, dir_.File("xdg"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, kExpected);
  EXPECT_EQ(r.err.rfind("logsieve: warning: rule cache: cannot create '" + file + "/rules'", 0), 0u)
      << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

}  // namespace
}  // namespace logsieve

// `logsieve classify` with the store, `feedback import`, `review`, `store`,
// `learn` and `models`, run as a user would (doc/learning.md).
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::LogsieveBinary;
using testing::RunProgram;
using testing::RunResult;
using testing::ScratchDir;
using testing::WriteFile;

class LearningCliTest : public ::testing::Test {
 protected:
  // Every command on the scratch store and registry; no LLM (no key): LLM
  // lines are degraded, which the store records for review.
  RunResult Run(std::vector<std::string> args, const std::string& input = "") {
    std::vector<std::string> argv = {LogsieveBinary()};
    argv.insert(argv.end(), args.begin(), args.end());
    for (const std::string& s :
         {"store.path=" + dir_.File("s.db"), "learn.registry=" + dir_.File("reg"),
          std::string("llm.api_key=")}) {
      argv.push_back("--set");
      argv.push_back(s);
    }
    return RunProgram(argv, input);
  }
  ScratchDir dir_;
};

TEST_F(LearningCliTest, ClassifyRecordsOnlyWhenTheStoreIsOn) {
  const std::string input = "source,log_message\nLegacyCRM,Case 17 escalation failed\n";
  RunResult off = Run({"classify", "-", "-q"}, input);
  ASSERT_EQ(off.exit_code, 0) << off.err;
  RunResult on = Run({"classify", "-", "-q", "--set", "store.enabled=on"}, input);
  ASSERT_EQ(on.exit_code, 0) << on.err;
  RunResult stats = Run({"store", "stats"});
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  EXPECT_EQ(nlohmann::json::parse(stats.out)["templates"], 1) << stats.out;
  RunResult review = Run({"review", "--json"});
  ASSERT_EQ(review.exit_code, 0) << review.err;
  EXPECT_NE(review.out.find("\"degraded\""), std::string::npos) << review.out;
  ASSERT_EQ(Run({"store", "purge"}).exit_code, 0);
  EXPECT_EQ(nlohmann::json::parse(Run({"store", "stats"}).out)["templates"], 0);
}

TEST_F(LearningCliTest, FeedbackImportRefusesAnUnknownLabelNamingFileAndLine) {
  WriteFile(dir_.File("f.csv"),
            "source,log_message,target_label\nA,disk 4 full,Resource Usage\nA,oops,Eror\n");
  RunResult r = Run({"feedback", "import", dir_.File("f.csv")});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find(dir_.File("f.csv") + ":3: target_label: unknown label 'Eror'"),
            std::string::npos)
      << r.err;
  WriteFile(dir_.File("g.csv"), "source,log_message,target_label\nA,disk 4 full,Resource Usage\n");
  RunResult ok = Run({"feedback", "import", dir_.File("g.csv")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_EQ(nlohmann::json::parse(Run({"store", "stats"}).out)["corrections"], 1);
}

TEST_F(LearningCliTest, CommandsThatOnlyReadNeverCreateAStoreAndNameTheMissingOne) {
  for (std::vector<std::string> args :
       {std::vector<std::string>{"review"}, std::vector<std::string>{"store", "stats"},
        std::vector<std::string>{"store", "purge"}}) {
    RunResult r = Run(args);
    EXPECT_EQ(r.exit_code, 2) << args[0] << ": " << r.err;
    EXPECT_NE(r.err.find(dir_.File("s.db") + ": no store here"), std::string::npos) << r.err;
    EXPECT_FALSE(std::ifstream(dir_.File("s.db")).good()) << args[0] << " created the store";
  }
}

TEST_F(LearningCliTest, FeedbackImportPastMaxCorrectionsSaysWhatWasKeptAndWarns) {
  std::string csv = "log_message,target_label\n";
  for (int i = 0; i < 5; ++i) csv += "disk " + std::to_string(i) + " full,Resource Usage\n";
  WriteFile(dir_.File("f.csv"), csv);
  RunResult r = Run({"feedback", "import", dir_.File("f.csv"), "--set", "store.max_corrections=3"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: store.max_corrections (3) evicted 2 of the 5 imported rows and 0 "
                       "older corrections"),
            std::string::npos)
      << r.err;
  EXPECT_NE(
      r.err.find("3 corrections stored in " + dir_.File("s.db") + " (5 rows read, 2 evicted)"),
      std::string::npos)
      << r.err;
  EXPECT_EQ(nlohmann::json::parse(Run({"store", "stats"}).out)["corrections"], 3);
}

TEST_F(LearningCliTest, ACorruptStoreFailsTheStoreCommandsButNotClassify) {
  WriteFile(dir_.File("s.db"), std::string(8192, 'x'));
  RunResult r = Run({"store", "stats"});
  EXPECT_EQ(r.exit_code, 2);  // DataLoss: bad input
  EXPECT_NE(r.err.find(dir_.File("s.db") + ": not a logsieve store or corrupt"), std::string::npos)
      << r.err;
  RunResult c = Run({"classify", "-", "-q", "--set", "store.enabled=on"},
                    "source,log_message\nLegacyCRM,Case 17 escalation failed\n");
  EXPECT_EQ(c.exit_code, 0) << c.err;
  EXPECT_NE(c.out.find("LegacyCRM,Case 17 escalation failed,"), std::string::npos) << c.out;
  EXPECT_NE(c.err.find("store not opened, classification goes on without it"), std::string::npos)
      << c.err;
}

TEST_F(LearningCliTest, RulesSuggestWritesYamlThatRulesCheckAccepts) {
  RunResult r = Run({"rules", "suggest", "--min-support", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Nothing is applied"), std::string::npos) << r.out;
  WriteFile(dir_.File("suggested.yaml"), r.out);
  RunResult check = RunProgram({LogsieveBinary(), "rules", "check", dir_.File("suggested.yaml")});
  EXPECT_EQ(check.exit_code, 0) << check.err << check.out;
}

TEST_F(LearningCliTest, ModelsRollbackWithoutAnActiveVersionSaysSo) {
  RunResult r = Run({"models", "rollback"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no active version"), std::string::npos) << r.err;
  RunResult list = Run({"models", "list"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
}

}  // namespace
}  // namespace logsieve

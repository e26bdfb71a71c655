// `logsieve classify` with the store, `feedback import`, `review`, `store`,
// `learn` and `models`, run as a user would (doc/learning.md).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

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
  // rules suggest only reads: it needs a store, and never makes one.
  EXPECT_NE(Run({"rules", "suggest"}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir_.File("s.db")));
  ASSERT_EQ(Run({"classify", "-", "-q", "--set", "store.enabled=on"},
                "source,log_message\nLegacyCRM,Case 17 escalation failed\n")
                .exit_code,
            0);
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

// A team's jargon no corpus holds: corrected lines with a word slot each.
std::string JargonCorrections(int n, const std::string& label) {
  static const char* kWords[] = {"amber",  "basalt", "cobalt", "dune",   "ember", "fjord",
                                 "garnet", "harbor", "indigo", "jasper", "kelp",  "lagoon"};
  std::string csv = "source,log_message,target_label\n";
  for (int i = 0; i < n; ++i) {
    csv += std::string("billing,frobnicator quux ") + kWords[i % 12] + " gizmo warbled on shard " +
           std::to_string(i) + "," + label + "\n";
  }
  return csv;
}

// The label and method of the one line of a CSV classify output.
std::pair<std::string, std::string> Answer(const std::string& csv_out) {
  // source,log_message,target_label,method_used,confidence,degraded
  const std::string row = csv_out.substr(csv_out.find('\n') + 1);
  std::vector<std::string> f;
  size_t start = 0;
  for (size_t c = row.find(','); c != std::string::npos; c = row.find(',', start)) {
    f.push_back(row.substr(start, c - start));
    start = c + 1;
  }
  f.push_back(row.substr(start));
  return f.size() >= 4 ? std::pair{f[2], f[3]} : std::pair{std::string(), std::string()};
}

TEST_F(LearningCliTest, ACorrectionAnswersItsTemplateInTheNextClassifyWithNoFlag) {
  const std::string line = "source,log_message\nbilling,invoice 99 reconciled twice\n";
  EXPECT_NE(Answer(Run({"classify", "-", "-q"}, line).out).second, "Correction");
  WriteFile(
      dir_.File("f.csv"),
      "source,log_message,target_label\nbilling,invoice 17 reconciled twice,Workflow Error\n");
  ASSERT_EQ(Run({"feedback", "import", dir_.File("f.csv")}).exit_code, 0);
  RunResult r = Run({"classify", "-", "-q"}, line);  // store.enabled auto: read, not recorded
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Answer(r.out), (std::pair<std::string, std::string>{"Workflow Error", "Correction"}))
      << r.out;
  // The review queue no longer lists what a person corrected.
  RunResult review = Run({"review", "--json"});
  EXPECT_THAT(review.out, ::testing::Not(::testing::HasSubstr("reconciled twice"))) << review.out;
}

TEST_F(LearningCliTest, AClassifyAfterLearnUsesTheActiveModelWithNoFlagAndRollbackRestoresIt) {
  // A line of the corrected kind, but another template: only a model can know it.
  const std::string line =
      "source,log_message\nbilling,frobnicator quux zircon gizmo warbled on shard 5\n";
  const std::pair<std::string, std::string> before = Answer(Run({"classify", "-", "-q"}, line).out);
  ASSERT_NE(before.first, "Workflow Error");
  WriteFile(dir_.File("f.csv"), JargonCorrections(24, "Workflow Error"));
  ASSERT_EQ(Run({"feedback", "import", dir_.File("f.csv")}).exit_code, 0);
  // A small base corpus, and a gate that lets it through: this checks the
  // plumbing, not the learner (bench/ measures that).
  RunResult learn = Run({"learn", "--set", "learn.base_rows=1500", "--set",
                         "learn.max_accuracy_drop=1", "--set", "learn.max_label_drop=1"});
  ASSERT_EQ(learn.exit_code, 0) << learn.err << learn.out;
  EXPECT_THAT(learn.out, ::testing::HasSubstr("promoted: v0001 is active"));
  RunResult after = Run({"classify", "-", "-q", "--detail"}, line);
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(Answer(after.out), (std::pair<std::string, std::string>{"Workflow Error", "ML"}))
      << after.out;
  RunResult rollback = Run({"models", "rollback"});
  ASSERT_EQ(rollback.exit_code, 0) << rollback.err;
  EXPECT_THAT(rollback.err, ::testing::HasSubstr("the bundled model"));
  EXPECT_EQ(Answer(Run({"classify", "-", "-q"}, line).out), before);
}

TEST_F(LearningCliTest, ConcurrentLearnRunsKeepTheRegistryWhole) {
  WriteFile(dir_.File("f.csv"), JargonCorrections(12, "Workflow Error"));
  ASSERT_EQ(Run({"feedback", "import", dir_.File("f.csv")}).exit_code, 0);
  const std::vector<std::string> learn = {LogsieveBinary(), "learn",
                                          "--set",          "store.path=" + dir_.File("s.db"),
                                          "--set",          "learn.registry=" + dir_.File("reg"),
                                          "--set",          "learn.base_rows=300",
                                          "--set",          "learn.max_accuracy_drop=1",
                                          "--set",          "learn.max_label_drop=1"};
  constexpr int kTrials = 3, kAtOnce = 3;
  for (int trial = 0; trial < kTrials; ++trial) {
    std::vector<std::thread> runs;
    std::vector<RunResult> results(kAtOnce);
    for (int k = 0; k < kAtOnce; ++k) {
      runs.emplace_back([&, k] { results[k] = RunProgram(learn); });
    }
    for (std::thread& t : runs) t.join();
    for (const RunResult& r : results) EXPECT_EQ(r.exit_code, 0) << r.err << r.out;
  }
  RunResult list = Run({"models", "list"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.err, ::testing::Not(::testing::HasSubstr("not a whole version")));
  EXPECT_EQ(std::count(list.out.begin(), list.out.end(), '\n'), kTrials * kAtOnce) << list.out;
  EXPECT_THAT(list.out, ::testing::HasSubstr("* v0"));  // one of them is active
  EXPECT_EQ(Run({"models", "rollback"}).exit_code, 0);
}

TEST_F(LearningCliTest, LearnRefusesAStoreThatDoesNotExistAndCreatesNothing) {
  RunResult r = Run({"learn"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(r.err, ::testing::HasSubstr("no store there"));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("s.db")));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("reg")));
}

}  // namespace
}  // namespace logsieve

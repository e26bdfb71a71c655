// `logsieve train`, `eval` and `gen-data`, run as a user would.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using testing::LogsieveBinary;
using testing::RunProgram;
using testing::RunResult;

class ModelCli : public ::testing::Test {
 protected:
  RunResult Run(std::vector<std::string> args) {
    args.insert(args.begin(), LogsieveBinary());
    return RunProgram(args);
  }
  testing::ScratchDir dir_;
};

TEST_F(ModelCli, GenDataIsDeterministicCsvWithTheSeedColumns) {
  RunResult a = Run({"gen-data", "--rows", "50", "--seed", "3"});
  RunResult b = Run({"gen-data", "--rows", "50", "--seed", "3"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_EQ(a.out, b.out);
  EXPECT_EQ(a.out.rfind("source,log_message,target_label\n", 0), 0u);
}

TEST_F(ModelCli, TrainReportsBadRowsByLineAndPrintsHoldoutMetrics) {
  ASSERT_EQ(Run({"gen-data", "--rows", "600", "-o", dir_.File("d.csv")}).exit_code, 0);
  std::string csv = testing::ReadFile(dir_.File("d.csv"));
  csv += "sshd,,Error\nsshd,\"a line without label\",\n";  // lines 602 and 603
  testing::WriteFile(dir_.File("d.csv"), csv);
  RunResult r = Run({"train", dir_.File("d.csv"), "-o", dir_.File("m.lsm"), "--holdout", "0.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("d.csv:602: missing log_message"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("d.csv:603: empty target_label"), std::string::npos) << r.err;
  // Measured on held-out templates, then refitted on every good row.
  EXPECT_NE(r.out.find("trained on 600 rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("refitted on all rows"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("macro-F1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("calibration on the held-out rows: ECE "), std::string::npos) << r.out;
}

TEST_F(ModelCli, EvalJsonHasAccuracyAndMacroF1AtTopLevel) {
  ASSERT_EQ(Run({"gen-data", "--rows", "90", "--seed", "5", "-o", dir_.File("d.csv")}).exit_code,
            0);
  RunResult r = Run({"eval", dir_.File("d.csv"), "--json", "--rules", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_TRUE(j["accuracy"].is_number());
  EXPECT_TRUE(j["macro_f1"].is_number());
  EXPECT_EQ(j["thresholds"].size(), 10u);
  EXPECT_TRUE(j["reliability"]["ece"].is_number()) << j["reliability"];
  EXPECT_TRUE(j["confident_wrong"]["share"].is_number()) << j["confident_wrong"];
  EXPECT_EQ(j["confident_wrong"]["per_label"].size(), 9u);
  for (const auto& d : j["stages"])
    EXPECT_EQ(d.get<std::string>().rfind("rules", 0), std::string::npos) << d;
  EXPECT_EQ(j["reliability"]["bins"].size(), 10u);
  EXPECT_GT(j["accuracy"].get<double>(), 0.5);
}

// Issue 11's target for the data the project grew from: with the bundled
// rules and model and no LLM, at least 95 % of the lines of the original
// tutorial's kind (the generator's families, a seed the default model was not
// trained with) are right. LegacyCRM lines are routed to the LLM alone, as in
// the original, so without one they stay unclassified: they are left out;
// of the other lines rules and the model decide at least 90 %, and both those
// decisions and all lines (degraded best guesses included) are >= 95 % right.
TEST_F(ModelCli, BundledDefaultsWithoutAnLlmGetTheTutorialsKindOfDataRight) {
  ASSERT_EQ(Run({"gen-data", "--rows", "2000", "--seed", "11", "-o", dir_.File("d.csv")}).exit_code,
            0);
  RunResult r = Run({"eval", dir_.File("d.csv"), "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  size_t decided = 0;
  double right = 0;
  for (const auto& m : j["methods"]) {
    if (m["method"] == "Regex" || m["method"] == "ML") {
      decided += m["lines"].get<size_t>();
      right += m["lines"].get<double>() * m["accuracy"].get<double>();
    }
  }
  const std::string csv = testing::ReadFile(dir_.File("d.csv"));
  size_t legacy = 0;
  for (size_t at = csv.find("\nLegacyCRM,"); at != std::string::npos;
       at = csv.find("\nLegacyCRM,", at + 1)) {
    ++legacy;
  }
  ASSERT_LT(legacy, 2000u);
  const double others = static_cast<double>(2000 - legacy);
  EXPECT_GE(static_cast<double>(decided) / others, 0.9) << r.out;
  EXPECT_GE(right / static_cast<double>(decided), 0.95) << r.out;
  EXPECT_GE(j["accuracy"].get<double>() * 2000 / others, 0.95) << r.out;
}

TEST_F(ModelCli, TrainWithoutLabelColumnExitsTwo) {
  testing::WriteFile(dir_.File("d.csv"), "message,label\nx,y\n");
  RunResult r = Run({"train", dir_.File("d.csv"), "-o", dir_.File("m.lsm")});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("missing required columns log_message, target_label"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace logsieve

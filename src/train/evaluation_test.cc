#include "train/evaluation.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace logsieve {
namespace {

TEST(EvaluationTest, ScoresMatchHandComputedValues) {
  // truth a a b b, predicted a b b Unclassified:
  // a: P 1/1, R 1/2, F1 2/3; b: P 1/2, R 1/2, F1 1/2; Unclassified: predicted
  // only, not a label of the truth, so not in the macro average.
  std::vector<std::string> truth = {"a", "a", "b", "b"}, pred = {"a", "b", "b", "Unclassified"};
  Scores s = Score(truth, pred, {"a", "b"});
  EXPECT_DOUBLE_EQ(s.accuracy, 0.5);
  EXPECT_NEAR(s.per_class[0].f1, 2.0 / 3, 1e-12);
  EXPECT_NEAR(s.per_class[1].precision, 0.5, 1e-12);
  EXPECT_NEAR(s.macro_f1, (2.0 / 3 + 0.5) / 2, 1e-12);
  EXPECT_EQ(s.confusion[1][2], 1u);  // b predicted Unclassified
  EXPECT_EQ(ScoresToJson(s)["macro_f1"].get<double>(), s.macro_f1);
}

TEST(EvaluationTest, ConfidentButWrongCountsModelDecisionsWithAWrongLabelOverAllRows) {
  // Five rows: a rule error (not counted), two model errors (as b, as a),
  // one model hit, one LLM error (not counted): 2 of 5 lines.
  std::vector<std::string> truth = {"a", "a", "a", "b", "b"}, pred = {"b", "b", "a", "a", "a"},
                           how = {"Regex", "ML", "ML", "ML", "LLM"};
  ConfidentWrong c = ScoreConfidentWrong(truth, pred, how, {"a", "b"});
  EXPECT_EQ(c.lines, 2u);
  EXPECT_DOUBLE_EQ(c.share, 0.4);
  ASSERT_EQ(c.per_label.size(), 2u);
  EXPECT_EQ(c.per_label[0].label, "a");
  EXPECT_EQ(c.per_label[0].lines, 1u);
  EXPECT_DOUBLE_EQ(c.per_label[1].share, 0.2);
  EXPECT_NE(FormatConfidentWrong(c).find("2 lines, 0.400 of all"), std::string::npos)
      << FormatConfidentWrong(c);
  EXPECT_DOUBLE_EQ(ConfidentWrongToJson(c)["share"].get<double>(), 0.4);
}

TEST(EvaluationTest, ThresholdTableCountsOnlyLinesThatReachedTheModel) {
  std::vector<std::string> truth = {"a", "a", "b", "b"}, label = {"a", "b", "b", ""};
  std::vector<float> p = {0.9f, 0.6f, 0.52f, 0.0f};
  auto rows = ThresholdTable(truth, label, p);
  ASSERT_EQ(rows.size(), 10u);
  EXPECT_DOUBLE_EQ(rows[0].model_share, 0.75);  // t=0.50: three lines
  EXPECT_NEAR(rows[0].model_accuracy, 2.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(rows[5].model_share, 0.25);  // t=0.75: only p=0.9
  EXPECT_DOUBLE_EQ(rows[5].llm_share, 0.5);
}

TEST(EvaluationTest, MethodsReportShareAndAccuracy) {
  std::vector<std::string> truth = {"a", "b", "a"}, pred = {"a", "a", "a"},
                           how = {"Regex", "ML", "ML"};
  auto m = ScoreByMethod(truth, pred, how);
  ASSERT_EQ(m.size(), 2u);
  EXPECT_EQ(m[1].method, "ML");
  EXPECT_DOUBLE_EQ(m[1].accuracy, 0.5);
}

TEST(EvaluationTest, ALineReachedTheModelWhenItDecidedGuessedOrALaterStageDecided) {
  const std::vector<std::string> full = {"rules", "model", "llm"};
  const std::vector<std::string> direct = {"llm"}, reversed = {"llm", "model"};
  const Decision ml{"Error", Method::kML, 0.9f, "p=0.9"};
  const Decision llm{"Error", Method::kLLM, 0.8f, "llm"};
  const Decision rule{"Error", Method::kRegex, 1.0f, "rule"};
  const Decision none;
  EXPECT_TRUE(ReachedModel(ml, none, full));
  EXPECT_TRUE(ReachedModel(llm, ml, full));         // the model guessed, the LLM decided
  EXPECT_TRUE(ReachedModel(llm, none, full));       // the same, answered from the cache
  EXPECT_FALSE(ReachedModel(llm, none, direct));    // routed straight to the LLM
  EXPECT_FALSE(ReachedModel(llm, none, reversed));  // the LLM ran before the model
  EXPECT_FALSE(ReachedModel(rule, none, full));
  EXPECT_FALSE(ReachedModel(none, none, full));
}

}  // namespace
}  // namespace logsieve

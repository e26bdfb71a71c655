#include "train/confident_training.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>

#include "common/config.h"
#include "embed/hashing_encoder.h"
#include "io/csv.h"
#include "io/input_stream.h"
#include "testing/testing.h"
#include "train/default_model.h"
#include "train/synthetic_logs.h"

namespace logsieve {
namespace {

std::vector<LabelledLine> Synthetic(uint64_t seed, size_t rows, SyntheticSplit split) {
  std::vector<LabelledLine> out;
  for (SyntheticRow& r : GenerateSyntheticLogs({.seed = seed, .rows = rows, .split = split}))
    out.push_back({std::move(r.source), std::move(r.message), std::move(r.label)});
  return out;
}

TrainOptions Options() {
  TrainOptions o;
  o.encoder = std::move(HashingEncoder::Create(HashingOptions::Defaults(1 << 14)).value());
  o.normalizer = std::make_shared<Normalizer>(Normalizer::FromConfig(Config()).value());
  o.lr.C = 10;
  o.lr.gradient_tolerance = 1e-4;
  return o;
}

// The probe and the calibration see the training families and one sample of
// the held-out families; the check runs on another sample of those.
class ConfidentTrainingTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    train_ = new std::vector<LabelledLine>(Synthetic(1, 3000, SyntheticSplit::kTrain));
    std::vector<LabelledLine> held = Synthetic(2, 900, SyntheticSplit::kHoldout);
    result_ =
        new StatusOr<ConfidentTrainResult>(TrainWithHeldOut(*train_, held, *train_, Options()));
  }
  static void TearDownTestSuite() {
    delete result_;
    delete train_;
  }

  // (top probability, confidence, right?) of each line under the final model.
  struct Scored {
    std::vector<float> p, conf;
    std::vector<uint8_t> correct;
  };
  static Scored Score(const std::vector<LabelledLine>& lines) {
    const Model& m = (*result_)->fit.model;
    auto enc = HashingEncoder::FromSpec(m.encoder_spec).value();
    auto normalizer = Normalizer::FromConfig(Config()).value();
    HashingEncoder::Workspace ws;
    SparseVector x;
    std::string text;
    std::vector<float> p(m.labels.size());
    Scored s;
    for (const LabelledLine& l : lines) {
      normalizer.Normalize(l.message, &text);
      enc->Encode(text, &ws, &x);
      m.linear.PredictProba(x, p.data());
      const size_t k = std::max_element(p.begin(), p.end()) - p.begin();
      s.p.push_back(p[k]);
      s.conf.push_back(m.calibration.Apply(p[k], m.familiarity.Score(ws)));
      s.correct.push_back(m.labels[k] == l.label ? 1 : 0);
    }
    return s;
  }

  static std::vector<LabelledLine>* train_;
  static StatusOr<ConfidentTrainResult>* result_;
};
std::vector<LabelledLine>* ConfidentTrainingTest::train_ = nullptr;
StatusOr<ConfidentTrainResult>* ConfidentTrainingTest::result_ = nullptr;

TEST_F(ConfidentTrainingTest, CalibrationLowersTheErrorOnAnotherHeldOutSample) {
  ASSERT_TRUE(result_->ok()) << result_->status().ToString();
  ASSERT_TRUE((*result_)->calibration.has_value());
  const Scored s = Score(Synthetic(3, 900, SyntheticSplit::kHoldout));
  const double before = MeasureReliability(s.p, s.correct).ece;
  const double after = MeasureReliability(s.conf, s.correct).ece;
  EXPECT_LT(after, before) << "raw ECE " << before << ", calibrated " << after;
  EXPECT_GT((*result_)->fit.model.calibration.b, 0.0) << "less familiar, less sure";
}

TEST_F(ConfidentTrainingTest, LinesUnlikeTheTrainingDataGetLowConfidence) {
  ASSERT_TRUE(result_->ok()) << result_->status().ToString();
  const Scored ood = Score({
      {"erp", "Quarterly reconciliation escalated to the treasury desk", "Workflow Error"},
      {"crm", "Lead 4411 merged into account 93 by territory rules", "User Action"},
      {"hr", "Payroll cutover window opens for region EMEA", "System Notification"},
      {"mes", "Kanban card 77 moved to the paint shop queue", "System Notification"},

  });
  // Below the default threshold: the stage does not decide them.
  const float threshold = static_cast<float>(Config().GetDouble("pipeline.threshold"));
  for (size_t i = 0; i < ood.conf.size(); ++i) {
    EXPECT_LT(ood.conf[i], threshold) << "line " << i << " (raw p " << ood.p[i] << ")";
  }
  // ... while lines like the training data stay confident.
  const Scored known = Score(Synthetic(4, 300, SyntheticSplit::kTrain));
  size_t sure = 0;
  for (float c : known.conf) sure += c >= threshold ? 1 : 0;
  EXPECT_GT(sure, known.conf.size() * 8 / 10);
}

TEST_F(ConfidentTrainingTest, TheShippedModelIsFittedOnEveryRowAndReportsTheProbe) {
  ASSERT_TRUE(result_->ok()) << result_->status().ToString();
  EXPECT_EQ((*result_)->fit.train_rows, train_->size());
  EXPECT_EQ((*result_)->fit.holdout_rows, 900u);
  EXPECT_GT((*result_)->fit.holdout.accuracy, 0.5);
  EXPECT_FALSE((*result_)->fit.model.familiarity.empty());
  EXPECT_NE((*result_)->fit.model.training_json.find("refitted on all rows"), std::string::npos);
}

TEST(SplitByTemplate, KeepsEveryTemplatesRowsOnOneSide) {
  std::vector<LabelledLine> rows;
  for (int i = 0; i < 50; ++i) {
    rows.push_back({"a", "User " + std::to_string(i) + " logged in", "User Action"});
    rows.push_back({"a", "Disk at " + std::to_string(i) + "%", "Resource Usage"});
    rows.push_back({"a", "Job " + std::to_string(i) + " failed", "Error"});
    rows.push_back({"a", "Cache " + std::to_string(i) + " flushed", "System Notification"});
  }
  auto normalizer = Normalizer::FromConfig(Config()).value();
  std::vector<LabelledLine> train, held;
  SplitByTemplate(rows, &normalizer, 0.3, 7, &train, &held);
  EXPECT_EQ(train.size() + held.size(), rows.size());
  EXPECT_EQ(held.size() % 50, 0u) << "whole templates only";
  EXPECT_GE(held.size(), 50u);
  std::set<std::string> held_labels, train_labels;
  for (const auto& r : held) held_labels.insert(r.label);
  for (const auto& r : train) train_labels.insert(r.label);
  for (const auto& l : held_labels) EXPECT_FALSE(train_labels.contains(l)) << l;
}

// tests/data/ood_dev.csv is for choosing and judging, never for training.
// Templates of a labelled CSV's messages (column `message_column`), header skipped.
std::set<std::string> DevTemplates(const std::string& path, size_t columns, size_t message_column) {
  std::set<std::string> dev;
  auto in = InputStream::Open(path);
  EXPECT_TRUE(in.ok()) << in.status().ToString();
  if (!in.ok()) return dev;
  CsvReader reader(std::move(in).value(), {});
  CsvRow row;
  const Normalizer normalizer = Normalizer::FromConfig(Config()).value();
  for (bool header = true;; header = false) {
    StatusOr<bool> more = reader.Next(&row);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    EXPECT_EQ(row.fields.size(), columns) << path << ":" << row.line;
    if (!header && row.fields.size() == columns) {
      dev.insert(normalizer.Normalize(row.fields[message_column]));
    }
  }
  return dev;
}

// Counts the rows of the default recipe's data (all families and the
// held-out sample) whose template is one of `dev`'s.
size_t RecipeRowsIn(const std::set<std::string>& dev) {
  const Normalizer normalizer = Normalizer::FromConfig(Config()).value();
  const DefaultModelRecipe recipe;
  size_t seen = 0, checked = 0;
  for (auto [seed, rows, split] :
       {std::tuple{recipe.seed, recipe.train_rows, SyntheticSplit::kAll},
        std::tuple{recipe.seed + 1, recipe.holdout_rows, SyntheticSplit::kHoldout}}) {
    for (const SyntheticRow& r :
         GenerateSyntheticLogs({.seed = seed, .rows = rows, .split = split})) {
      if (dev.contains(normalizer.Normalize(r.message))) {
        ADD_FAILURE() << "trained on a dev line: " << r.message;
        ++seen;
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, recipe.train_rows + recipe.holdout_rows);
  return seen;
}

TEST(DevSet, DefaultRecipeNeverSeesTheDevSet) {
  const std::set<std::string> dev =
      DevTemplates(testing::SourceDir() + "/tests/data/ood_dev.csv", 3, 1);
  EXPECT_GE(dev.size(), 150u);
  EXPECT_EQ(RecipeRowsIn(dev), 0u);
}

// tests/data/loghub_dev_labels.csv labels Loghub lines kept in ../shared
// (read in place, never copied here): every id is one of its log lines, each
// label a default label, and no template of them is in the recipe's data.
TEST(DevSet, DefaultRecipeNeverSeesTheLoghubDevSet) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  std::map<int64_t, std::string> lines;
  {
    std::ifstream in(shared + "/fixtures/tokenizer/golden.jsonl");
    ASSERT_TRUE(in) << shared;
    for (std::string line; std::getline(in, line);) {
      const nlohmann::json row = nlohmann::json::parse(line);
      if (row.value("kind", "") == "log") lines[row["id"].get<int64_t>()] = row["text"];
    }
  }
  auto in = InputStream::Open(testing::SourceDir() + "/tests/data/loghub_dev_labels.csv");
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  CsvReader reader(std::move(in).value(), {});
  CsvRow row;
  const Config config;
  const Normalizer normalizer = Normalizer::FromConfig(config).value();
  std::set<std::string> dev;
  std::set<int64_t> ids;
  for (bool header = true;; header = false) {
    StatusOr<bool> more = reader.Next(&row);
    ASSERT_TRUE(more.ok()) << more.status().ToString();
    if (!*more) break;
    ASSERT_EQ(row.fields.size(), 4u) << row.line;  // id,system,target_label,why
    if (header) continue;
    const int64_t id = std::stoll(row.fields[0]);
    ASSERT_TRUE(lines.contains(id)) << "id " << id << " is not a Loghub log line";
    EXPECT_TRUE(config.labels().Contains(row.fields[2])) << row.fields[2];
    EXPECT_FALSE(row.fields[3].empty()) << "id " << id << " says not why";
    ids.insert(id);
    dev.insert(normalizer.Normalize(lines[id]));
  }
  EXPECT_EQ(ids.size(), 200u);
  EXPECT_EQ(RecipeRowsIn(dev), 0u);
}

}  // namespace
}  // namespace logsieve

#include "model/model_stage.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "embed/encoder_factory.h"
#include "embed/hashing_encoder.h"
#include "model/model_file.h"
#include "testing/testing.h"
#include "train/trainer.h"

namespace logsieve {
namespace {

// A small model trained here: three labels, obvious wordings.
class ModelStageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::vector<LabelledLine> rows;
    for (int i = 0; i < 40; ++i) {
      const std::string n = std::to_string(i);
      rows.push_back(
          {"sshd", "Failed password for user" + n + " from 10.0.0." + n, "Security Alert"});
      rows.push_back({"app", "User user" + n + " logged in", "User Action"});
      rows.push_back({"df", "Disk usage at " + n + "% on /var", "Resource Usage"});
    }
    TrainOptions o;
    o.encoder = std::move(HashingEncoder::Create(HashingOptions::Defaults(1 << 12)).value());
    o.normalizer = std::make_shared<Normalizer>(Normalizer::FromConfig(Config()).value());
    o.holdout = 0;
    auto r = TrainModel(rows, o);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_TRUE(SaveModel(r->model, dir_.File("m.lsm")).ok());
    ASSERT_TRUE(config_.Set("model.file", dir_.File("m.lsm"), "test").ok());
  }

  std::unique_ptr<Stage> Make() {
    auto s = MakeModelStage(config_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(s).value() : nullptr;
  }

  Batch BatchOf(std::vector<std::string> messages) {
    Batch b;
    for (auto& m : messages) b.records.push_back({"test", std::move(m)});
    b.Reset();
    return b;
  }

  testing::ScratchDir dir_;
  Config config_;
};

TEST_F(ModelStageTest, DecidesConfidentLinesAsMlWithTopFeatures) {
  auto stage = Make();
  Batch b = BatchOf({"Failed password for user77 from 10.1.2.3"});
  std::vector<size_t> pending = {0};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_EQ(b.decisions[0].label, "Security Alert");
  EXPECT_EQ(b.decisions[0].method, Method::kML);
  ASSERT_TRUE(b.decisions[0].confidence.has_value());
  EXPECT_GE(*b.decisions[0].confidence, 0.75f);
  EXPECT_EQ(b.decisions[0].detail.rfind("p=0.", 0), 0u) << b.decisions[0].detail;
  EXPECT_NE(b.decisions[0].detail.find("; top: \""), std::string::npos) << b.decisions[0].detail;
}

TEST_F(ModelStageTest, TheDetailNamesTheNearestTrainingExemplar) {
  auto m = ReadModelFile(dir_.File("m.lsm"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  m->exemplars = {{1, "User user<NUM> logged in"},  // labels: Resource, Security, User
                  {2, "User user<NUM> logged out"},
                  {0, "Disk usage at <NUM>% on /var"}};
  ASSERT_TRUE(SaveModel(*m, dir_.File("e.lsm")).ok());
  ASSERT_TRUE(config_.Set("model.file", dir_.File("e.lsm"), "test").ok());
  auto stage = Make();
  Batch b = BatchOf({"Disk usage at 97% on /var"});
  std::vector<size_t> pending = {0};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  ASSERT_EQ(b.decisions[0].method, Method::kML);
  const std::string near =
      "; near: \"Disk usage at <NUM>% on /var\" (" + m->labels[0] + ", sim 1.00)";
  EXPECT_NE(b.decisions[0].detail.find(near), std::string::npos) << b.decisions[0].detail;
}

TEST_F(ModelStageTest, WithoutWantDetailTheSameDecisionsComeWithNoDetail) {
  auto m = ReadModelFile(dir_.File("m.lsm"));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  m->exemplars = {{0, "Disk usage at <NUM>% on /var"}};
  ASSERT_TRUE(SaveModel(*m, dir_.File("e.lsm")).ok());
  ASSERT_TRUE(config_.Set("model.file", dir_.File("e.lsm"), "test").ok());
  auto stage = Make();
  const std::vector<std::string> lines = {"Disk usage at 97% on /var", "something else entirely"};
  Batch shown = BatchOf(lines);
  Batch hidden = BatchOf(lines);
  hidden.want_detail = false;
  std::vector<size_t> pending = {0, 1};
  ASSERT_TRUE(stage->Decide(hidden, pending).ok());
  ASSERT_TRUE(stage->Decide(shown, pending).ok());
  for (size_t i = 0; i < lines.size(); ++i) {
    EXPECT_EQ(hidden.decisions[i].label, shown.decisions[i].label) << lines[i];
    EXPECT_EQ(hidden.decisions[i].method, shown.decisions[i].method) << lines[i];
    EXPECT_EQ(hidden.decisions[i].confidence, shown.decisions[i].confidence) << lines[i];
    EXPECT_EQ(hidden.tentative[i].label, shown.tentative[i].label) << lines[i];
    EXPECT_EQ(hidden.tentative[i].confidence, shown.tentative[i].confidence) << lines[i];
    EXPECT_EQ(hidden.decisions[i].detail, "") << lines[i];
    EXPECT_EQ(hidden.tentative[i].detail, "") << lines[i];
  }
  EXPECT_NE(shown.decisions[0].detail.find("; near: \"Disk usage"), std::string::npos)
      << shown.decisions[0].detail;
}

TEST_F(ModelStageTest, BelowThresholdLeavesTheLineWithATentativeGuess) {
  ASSERT_TRUE(config_.Set("pipeline.threshold", "1.0", "test").ok());
  auto stage = Make();
  Batch b = BatchOf({"something else entirely"});
  std::vector<size_t> pending = {0};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_FALSE(b.decisions[0].decided());
  EXPECT_EQ(b.tentative[0].method, Method::kML);
  EXPECT_NE(b.tentative[0].detail.find("below threshold 1.00"), std::string::npos)
      << b.tentative[0].detail;
}

TEST_F(ModelStageTest, TouchesOnlyPendingLines) {
  auto stage = Make();
  Batch b = BatchOf({"User bob logged in", "User bob logged in"});
  std::vector<size_t> pending = {1};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_FALSE(b.decisions[0].decided());
  EXPECT_EQ(b.decisions[1].label, "User Action");
}

TEST_F(ModelStageTest, UsesThePipelinesTemplateWhenGiven) {
  auto stage = Make();
  Batch b = BatchOf({"ignored raw text"});
  b.templates[0] = "Disk usage at <NUM>% on <PATH>";
  std::vector<size_t> pending = {0};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_EQ(b.decisions[0].label, "Resource Usage");
}

TEST_F(ModelStageTest, NormalizesItselfWhenTheConfiguredMasksDiffer) {
  ASSERT_TRUE(config_.Set("normalizer.masks", "[number]", "test").ok());
  auto stage = Make();
  Batch b = BatchOf({"Disk usage at 93% on /data"});
  b.templates[0] = "a template from other masks";  // not what the model was trained on: ignored
  std::vector<size_t> pending = {0};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_EQ(b.decisions[0].label, "Resource Usage");
}

TEST_F(ModelStageTest, DescriptionNamesFileEncoderAndLabels) {
  auto stage = Make();
  EXPECT_EQ(stage->description(),
            "model: model.file, " + dir_.File("m.lsm") + " (hashing 2^12, 3 labels)");
  EXPECT_EQ(stage->name(), "model");
}

TEST_F(ModelStageTest, NoneMeansNoModelStage) {
  ASSERT_TRUE(config_.Set("model.file", "none", "test").ok());
  auto s = MakeModelStage(config_);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(*s, nullptr);
}

TEST_F(ModelStageTest, ALabelOutsideTheConfigLabelsIsRefusedByName) {
  ASSERT_TRUE(
      config_
          .Set("labels",
               "[{name: User Action, description: x}, {name: Security Alert, description: y}]",
               "test")
          .ok());
  auto s = MakeModelStage(config_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("\"Resource Usage\" is not in config `labels`"),
            std::string::npos)
      << s.status().message();
}

// The five-label taxonomy of doc/labels.md: the fixture's model labels
// (Resource Usage, Security Alert, User Action) are all mapped.
constexpr char kTeamLabels[] = R"([{name: Account Activity, from: [User Action]},
  {name: Failure, from: [Error, Critical Error, Workflow Error]},
  {name: Security, from: [Security Alert]},
  {name: Ops, from: [Resource Usage, System Notification]},
  Billing])";

TEST_F(ModelStageTest, AMappedModelLabelAnswersTheTeamsLabelAndTheDetailNamesBoth) {
  ASSERT_TRUE(config_.Set("labels", kTeamLabels, "test").ok());
  auto stage = Make();
  Batch b = BatchOf({"User bob logged in", "Disk usage at 97% on /var"});
  std::vector<size_t> pending = {0, 1};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_EQ(b.decisions[0].label, "Account Activity");
  EXPECT_EQ(b.decisions[0].method, Method::kML);
  EXPECT_EQ(b.decisions[0].detail.rfind("User Action -> Account Activity; p=0.", 0), 0u)
      << b.decisions[0].detail;
  EXPECT_EQ(b.decisions[1].label, "Ops");
}

TEST_F(ModelStageTest, AnUnmappedTopLabelLeavesTheLineUndecidedWithAnUnclassifiedGuess) {
  // Resource Usage is a bundled label that no entry maps.
  ASSERT_TRUE(config_
                  .Set("labels",
                       "[{name: Account Activity, from: [User Action]}, "
                       "{name: Security, from: [Security Alert]}, Billing]",
                       "test")
                  .ok());
  auto stage = Make();
  Batch b = BatchOf({"Disk usage at 97% on /var", "User bob logged in"});
  std::vector<size_t> pending = {0, 1};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_FALSE(b.decisions[0].decided());
  EXPECT_EQ(b.tentative[0].method, Method::kML);
  EXPECT_EQ(b.tentative[0].label, kUnclassified);
  EXPECT_THAT(b.tentative[0].detail,
              ::testing::HasSubstr("the model's top label Resource Usage (p=0."));
  EXPECT_THAT(b.tentative[0].detail, ::testing::HasSubstr("is unmapped in config `labels`"));
  EXPECT_EQ(b.decisions[1].label, "Account Activity");
}

TEST_F(ModelStageTest, ALabelOutsideTheSetIsStillRefusedWhenItIsNoBundledLabel) {
  std::vector<LabelledLine> rows;
  for (int i = 0; i < 20; ++i) {
    rows.push_back({"a", "alpha event " + std::to_string(i), "Alpha"});
    rows.push_back({"b", "User u" + std::to_string(i) + " logged in", "User Action"});
  }
  TrainOptions o;
  o.encoder = std::move(HashingEncoder::Create(HashingOptions::Defaults(1 << 10)).value());
  o.normalizer = std::make_shared<Normalizer>(Normalizer::FromConfig(Config()).value());
  o.holdout = 0;
  auto r = TrainModel(rows, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_TRUE(SaveModel(r->model, dir_.File("alpha.lsm")).ok());
  ASSERT_TRUE(config_.Set("model.file", dir_.File("alpha.lsm"), "test").ok());
  ASSERT_TRUE(config_.Set("labels", kTeamLabels, "test").ok());
  auto s = MakeModelStage(config_);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), ::testing::HasSubstr("\"Alpha\" is not in config `labels`"));
}

TEST_F(ModelStageTest, ModelLabelsAnsweringTheSameLabelAddTheirProbabilities) {
  ASSERT_TRUE(config_.Set("pipeline.threshold", "1.0", "test").ok());  // all tentative
  const std::string line = "User bob logged in after Failed password from 10.1.2.3";
  auto guess = [&](const std::string& labels) {
    EXPECT_TRUE(config_.Set("labels", labels, "test").ok());
    auto stage = Make();
    Batch b = BatchOf({line});
    std::vector<size_t> pending = {0};
    EXPECT_TRUE(stage->Decide(b, pending).ok());
    return b.decisions[0].decided() ? b.decisions[0] : b.tentative[0];  // a sum may reach 1
  };
  const Decision alone = guess("[Security Alert, User Action, Resource Usage]");
  const Decision summed = guess(
      "[{name: Access, from: [Security Alert, User Action]}, {name: Ops, from: [Resource "
      "Usage]}]");
  ASSERT_TRUE(alone.confidence && summed.confidence);
  EXPECT_EQ(summed.label, "Access");
  EXPECT_GT(*summed.confidence, *alone.confidence + 0.01f);
  EXPECT_THAT(summed.detail, ::testing::HasSubstr(" -> Access; p="));
  EXPECT_THAT(summed.detail, ::testing::HasSubstr(" + "));
}

// The fixture's model with a familiarity of its training templates and a
// calibration that keeps p for a familiar line and pulls an unfamiliar one
// far down.
TEST_F(ModelStageTest, UnfamiliarLinesFallBelowTheThresholdAndSaySo) {
  StatusOr<LoadedModel> loaded = LoadModel(dir_.File("m.lsm"));
  ASSERT_TRUE(loaded.ok());
  const auto* hashing = dynamic_cast<const HashingEncoder*>(loaded->encoder.get());
  ASSERT_NE(hashing, nullptr);
  auto normalizer = Normalizer::FromConfig(Config()).value();
  std::vector<std::string> templates;
  for (const char* raw : {"Failed password for user7 from 10.0.0.7", "User user7 logged in",
                          "Disk usage at 7% on /var"}) {
    templates.emplace_back();
    normalizer.Normalize(raw, &templates.back());
  }
  std::vector<std::string_view> views(templates.begin(), templates.end());
  loaded->model.familiarity = Familiarity::FromTexts(*hashing, views);
  loaded->model.calibration = Calibration{1.0, 12.0, -12.0};
  ASSERT_TRUE(SaveModel(loaded->model, dir_.File("m.lsm")).ok());

  auto stage = Make();
  Batch b = BatchOf({"Failed password for user77 from 10.1.2.3",
                     "Quarterly payroll reconciliation escalated to treasury for user77"});
  std::vector<size_t> pending = {0, 1};
  ASSERT_TRUE(stage->Decide(b, pending).ok());
  EXPECT_EQ(b.decisions[0].label, "Security Alert");
  EXPECT_NE(b.decisions[0].detail.find("; familiar 1.00; top: \""), std::string::npos)
      << b.decisions[0].detail;
  EXPECT_FALSE(b.decisions[1].decided());
  ASSERT_TRUE(b.tentative[1].confidence.has_value());
  EXPECT_LT(*b.tentative[1].confidence, 0.05f);
  EXPECT_NE(b.tentative[1].detail.find("below threshold 0.80; familiar 0."), std::string::npos)
      << b.tentative[1].detail;
}

// Subjects shared by both labels, so only the outcome tells them apart; the
// test lines use other subjects and failure phrases the rows never had.
StatusOr<TrainResult> TrainOutcomeModel(bool outcomes) {
  std::vector<LabelledLine> rows;
  for (const char* subject : {"Backup", "Report job", "Index rebuild", "Replication", "Mail relay",
                              "Certificate renewal"}) {
    const std::string s = subject;
    rows.push_back({"app", s + " completed successfully", "System Notification"});
    rows.push_back({"app", s + " finished", "System Notification"});
    rows.push_back({"app", s + " failed", "Error"});
    rows.push_back({"app", s + " could not start", "Error"});
  }
  TrainOptions o;
  HashingOptions h = HashingOptions::Defaults(1 << 14);
  h.outcomes = outcomes;
  o.encoder = std::move(HashingEncoder::Create(h).value());
  o.normalizer = std::make_shared<Normalizer>(Normalizer::FromConfig(Config()).value());
  o.holdout = 0;
  o.lr.C = 10;
  return TrainModel(rows, o);
}

TEST(OutcomeFeatures, MinimalPairsDifferingInOnePhraseGetDifferentLabels) {
  StatusOr<TrainResult> r = TrainOutcomeModel(true);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto enc = MakeEncoderFromSpec(r->model.encoder_spec);
  ASSERT_TRUE(enc.ok());
  auto normalizer = Normalizer::FromConfig(Config()).value();
  const std::pair<const char*, const char*> pairs[] = {
      {"Health check completed successfully", "Health check was not successful"},
      {"Nightly export finished", "Nightly export halted"},
      {"Nightly export finished", "Nightly export rolled back"},
      {"Cache warmup completed successfully", "Cache warmup timed out"},
      {"Cache warmup completed successfully", "Cache warmup unable to run"},
      {"Session cleanup finished", "Session cleanup denied"},
  };
  for (auto [ok_line, failed_line] : pairs) {
    std::vector<LabelledLine> lines = {{"app", ok_line, ""}, {"app", failed_line, ""}};
    auto labels = PredictLabels(r->model, **enc, &normalizer, lines);
    ASSERT_TRUE(labels.ok());
    EXPECT_EQ((*labels)[0], "System Notification") << ok_line;
    EXPECT_EQ((*labels)[1], "Error") << failed_line;
  }
}

TEST(OutcomeFeatures, WithoutThemANegatedSuccessReadsAsSuccess) {
  // Why they exist: the bag of words sees "successful" and little else.
  StatusOr<TrainResult> r = TrainOutcomeModel(false);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto enc = MakeEncoderFromSpec(r->model.encoder_spec);
  ASSERT_TRUE(enc.ok());
  auto normalizer = Normalizer::FromConfig(Config()).value();
  std::vector<LabelledLine> lines = {{"app", "Health check was not successful", ""}};
  auto labels = PredictLabels(r->model, **enc, &normalizer, lines);
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ((*labels)[0], "System Notification");
}

TEST_F(ModelStageTest, AMissingModelFileIsAnError) {
  ASSERT_TRUE(config_.Set("model.file", dir_.File("nope.lsm"), "test").ok());
  auto s = MakeModelStage(config_);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("nope.lsm"), std::string::npos);
}

}  // namespace
}  // namespace logsieve

#include "model/confidence.h"

#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

namespace logsieve {
namespace {

class FamiliarityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    encoder_ = std::move(HashingEncoder::Create({.dims = 1 << 10}).value());
    std::vector<std::string_view> trained = {"Failed password for <USER> from <IP>",
                                             "Disk usage at <NUM>% on /var"};
    familiarity_ = Familiarity::FromTexts(*encoder_, trained);
  }

  float Score(std::string_view text) {
    encoder_->Encode(text, &ws_, &x_);
    return familiarity_.Score(ws_);
  }

  std::unique_ptr<HashingEncoder> encoder_;
  Familiarity familiarity_;
  HashingEncoder::Workspace ws_;
  SparseVector x_;
};

TEST_F(FamiliarityTest, ATrainedLineIsFullyFamiliar) {
  EXPECT_EQ(Score("Failed password for <USER> from <IP>"), 1.0f);
  EXPECT_EQ(Score("DISK USAGE AT <NUM>% ON /VAR"), 1.0f);  // lowercased as the encoder does
}

TEST_F(FamiliarityTest, ALineOfUnseenWordsIsUnfamiliar) {
  EXPECT_EQ(Score("quarterly reconciliation escalated to treasury"), 0.0f);
}

TEST_F(FamiliarityTest, KnownWordsInAnUnseenOrderArePartlyFamiliar) {
  // Words: password, failed, for, from (4 seen); pairs: "password failed",
  // "failed for", "for from" unseen, "from <ip>" seen: 5 of 8.
  EXPECT_FLOAT_EQ(Score("password failed for from <IP>"), 5.0f / 8.0f);
}

TEST_F(FamiliarityTest, MasksAloneGiveNoEvidence) { EXPECT_EQ(Score("<NUM> <IP>"), 0.0f); }

TEST(Familiarity, AnEmptyOneCallsEveryLineFamiliar) {
  auto enc = HashingEncoder::Create({.dims = 1 << 10});
  HashingEncoder::Workspace ws;
  SparseVector x;
  (*enc)->Encode("anything at all", &ws, &x);
  EXPECT_EQ(Familiarity().Score(ws), 1.0f);
}

TEST(Familiarity, FromHashesRefusesUnsortedInput) {
  EXPECT_FALSE(Familiarity::FromHashes({3, 1}).ok());
  EXPECT_FALSE(Familiarity::FromHashes({1, 1}).ok());
  EXPECT_TRUE(Familiarity::FromHashes({1, 3}).ok());
}

TEST(Calibration, TheIdentityGivesBackTheProbability) {
  EXPECT_EQ(Calibration().Apply(0.83f, 0.1f), 0.83f);
}

// Held-out rows where the model is overconfident, the more so the less
// familiar the line: the true chance of being right is p^2 * (0.3 + 0.7 f).
struct Rows {
  std::vector<float> p, f;
  std::vector<uint8_t> correct;
};
Rows Overconfident(uint64_t seed, size_t n) {
  Rows r;
  uint64_t s = seed;
  auto uniform = [&s] {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<double>(s >> 11) / 9007199254740992.0;
  };
  for (size_t i = 0; i < n; ++i) {
    const double p = 0.5 + 0.5 * uniform();
    const double f = uniform();
    r.p.push_back(static_cast<float>(p));
    r.f.push_back(static_cast<float>(f));
    r.correct.push_back(uniform() < p * p * (0.3 + 0.7 * f) ? 1 : 0);
  }
  return r;
}

TEST(Calibration, FittingOnOneSplitLowersTheErrorOnAnother) {
  const Rows fit = Overconfident(1, 4000), test = Overconfident(2, 4000);
  StatusOr<Calibration> c = Calibration::Fit(fit.p, fit.f, fit.correct);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<float> calibrated;
  for (size_t i = 0; i < test.p.size(); ++i) calibrated.push_back(c->Apply(test.p[i], test.f[i]));
  const double before = MeasureReliability(test.p, test.correct).ece;
  const double after = MeasureReliability(calibrated, test.correct).ece;
  EXPECT_GT(before, 0.2);
  EXPECT_LT(after, 0.05);
  EXPECT_GT(c->b, 0.0) << "unfamiliar lines are right less often";
}

TEST(Calibration, OneSidedDataStillGivesFiniteValues) {
  std::vector<float> p = {0.9f, 0.8f, 0.95f}, f = {1.0f, 0.5f, 0.9f};
  std::vector<uint8_t> correct = {1, 1, 1};
  StatusOr<Calibration> c = Calibration::Fit(p, f, correct);
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(std::isfinite(c->a) && std::isfinite(c->b) && std::isfinite(c->c));
  EXPECT_FALSE(Calibration::Fit({}, {}, {}).ok());
}

TEST(Calibration, JsonRoundTripsAndRefusesAnotherKind) {
  Calibration c{1.5, 2.25, -3.125};
  StatusOr<Calibration> back = Calibration::FromJson(c.ToJson());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->a, 1.5);
  EXPECT_EQ(back->b, 2.25);
  EXPECT_EQ(back->c, -3.125);
  EXPECT_FALSE(Calibration::FromJson(nlohmann::json{{"kind", "isotonic"}}).ok());
  EXPECT_FALSE(Calibration::FromJson(nlohmann::json{{"kind", "platt-familiarity"}}).ok());
}

TEST(Reliability, EceOfAHandCheckedCase) {
  // Bin [0.9, 1]: 0.95, 0.95 with one right: |0.5 - 0.95| * 2/4 = 0.225.
  // Bin [0.8, 0.9): 0.85 right: 0.15 * 1/4. Bin [0.1, 0.2): 0.15 wrong: 0.15 * 1/4.
  std::vector<float> conf = {0.95f, 0.95f, 0.85f, 0.15f};
  std::vector<uint8_t> correct = {1, 0, 1, 0};
  Reliability r = MeasureReliability(conf, correct);
  EXPECT_NEAR(r.ece, 0.3, 1e-6);
  ASSERT_EQ(r.bins.size(), 10u);
  EXPECT_EQ(r.bins[9].lines, 2u);
  EXPECT_DOUBLE_EQ(r.bins[9].accuracy, 0.5);
  EXPECT_EQ(r.bins[8].lines, 1u);
  EXPECT_EQ(r.bins[1].lines, 1u);
  EXPECT_NE(FormatReliability(r).find("ECE 0.300 over 4 lines"), std::string::npos)
      << FormatReliability(r);
  EXPECT_EQ(ReliabilityToJson(r)["bins"].size(), 10u);
}

TEST(Reliability, AConfidenceOfOneFallsInTheLastBin) {
  std::vector<float> conf = {1.0f};
  std::vector<uint8_t> correct = {1};
  EXPECT_EQ(MeasureReliability(conf, correct).bins[9].lines, 1u);
  EXPECT_EQ(MeasureReliability(conf, correct).ece, 0.0);
}

}  // namespace
}  // namespace logsieve

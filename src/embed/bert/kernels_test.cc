#include "embed/bert/kernels.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "embed/bert/bert_test_util.h"

namespace logsieve::bert::kernels {
namespace {

std::vector<float> Random(size_t n, float scale, unsigned seed) {
  return bert::testing::RandomNormal(n, scale, seed);
}

float MaxAbsDiff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) m = std::max(m, std::fabs(a[i] - b[i]));
  return m;
}

// max |a - b| / max(1, |b|): absolute below 1, relative above.
float MaxScaledDiff(const std::vector<float>& a, const std::vector<float>& b) {
  float m = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    m = std::max(m, std::fabs(a[i] - b[i]) / std::max(1.0f, std::fabs(b[i])));
  }
  return m;
}

// Rows and columns with odd sizes so vector tails run too.
constexpr size_t kRows = 7, kCols = 389;

TEST(BertKernelsTest, FastExpIsWithinFourUlpOfStdExp) {
  for (float x = -87.0f; x <= 0.0f; x += 0.0137f) {
    const float want = std::exp(x);
    EXPECT_NEAR(FastExp(x), want, 4 * std::nextafter(want, 1e30f) - 4 * want + 1e-44f) << x;
  }
}

TEST(BertKernelsTest, FastErfIsWithin4e7OfStdErf) {
  // ~4 float ulps of 1.0; worst in the tails, where GELU multiplies it by ~0.
  for (float x = -6.0f; x <= 6.0f; x += 0.001f) EXPECT_NEAR(FastErf(x), std::erf(x), 4e-7f) << x;
}

TEST(BertKernelsTest, AddLayerNormMatchesReferenceWithin1e6Relative) {
  auto x = Random(kRows * kCols, 3, 3), b = Random(kCols, 1, 4), r = Random(kRows * kCols, 1, 5);
  auto g = Random(kCols, 1, 6), beta = Random(kCols, 1, 7), y = x;
  AddLayerNorm(x.data(), b.data(), r.data(), g.data(), beta.data(), 1e-12f, kRows, kCols);
  AddLayerNorm_ref(y.data(), b.data(), r.data(), g.data(), beta.data(), 1e-12f, kRows, kCols);
  EXPECT_LT(MaxScaledDiff(x, y), 1e-6f);  // float sums over 389 values vs double
}

TEST(BertKernelsTest, LayerNormWithoutBiasOrResidualMatchesReference) {
  auto x = Random(kRows * kCols, 0.02f, 8), g = Random(kCols, 1, 9), beta = Random(kCols, 1, 10),
       y = x;
  AddLayerNorm(x.data(), nullptr, nullptr, g.data(), beta.data(), 1e-12f, kRows, kCols);
  AddLayerNorm_ref(y.data(), nullptr, nullptr, g.data(), beta.data(), 1e-12f, kRows, kCols);
  EXPECT_LT(MaxScaledDiff(x, y), 1e-6f);
}

TEST(BertKernelsTest, GeluMatchesErfReferenceWithin1e6Relative) {
  auto x = Random(kRows * kCols, 3, 11), y = x;
  Gelu(x.data(), x.size());
  Gelu_ref(y.data(), y.size());
  EXPECT_LT(MaxScaledDiff(x, y), 1e-6f);
}

// Both versions, on row lengths around the 16-lane width (1, 7, 16, 17, 60)
// and long ones; scores up to +-12 (scaled by 4) exercise the max shift.
TEST(BertKernelsTest, SoftmaxRowsAndItsPortableTwinMatchReferenceWithin1e6) {
  for (size_t cols : {size_t{1}, size_t{7}, size_t{16}, size_t{17}, size_t{60}, kCols}) {
    auto x = Random(kRows * cols, 4, 13), y = x, z = x;
    SoftmaxRows(x.data(), kRows, cols);
    SoftmaxRowsPortable(y.data(), kRows, cols);
    SoftmaxRows_ref(z.data(), kRows, cols);
    // Probabilities: float sums of up to 389 terms vs double.
    EXPECT_LT(MaxAbsDiff(x, z), 1e-6f) << "cols " << cols;
    EXPECT_LT(MaxAbsDiff(y, z), 1e-6f) << "portable, cols " << cols;
  }
}

TEST(BertKernelsTest, MeanRowsMatchesReferenceWithin1e6) {
  auto x = Random(kRows * kCols, 2, 14);
  std::vector<float> a(kCols), b(kCols);
  MeanRows(x.data(), kRows, kCols, a.data());
  MeanRows_ref(x.data(), kRows, kCols, b.data());
  EXPECT_LT(MaxAbsDiff(a, b), 1e-6f);
}

TEST(BertKernelsTest, L2NormalizeGivesUnitLengthAndKeepsZeroVectors) {
  auto x = Random(kCols, 5, 15);
  L2Normalize(x.data(), x.size());
  double s = 0;
  for (float v : x) s += v * v;
  EXPECT_NEAR(s, 1.0, 1e-6);
  std::vector<float> z(4, 0.0f);
  L2Normalize(z.data(), z.size());
  EXPECT_EQ(z, std::vector<float>(4, 0.0f));
}

}  // namespace
}  // namespace logsieve::bert::kernels

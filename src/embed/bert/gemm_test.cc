#include "embed/bert/gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "embed/bert/bert_test_util.h"

namespace logsieve::bert {
namespace {

std::vector<float> Random(size_t n, unsigned seed) { return testing::RandomNormal(n, 1.0f, seed); }

using GemmFn = void (*)(const float*, size_t, size_t, const PackedB&, float, const float*, float*,
                        size_t);

// Runs `fn` and the double reference on A [m, k] (row stride k + 3) times
// B [k, n] packed from its transpose, with alpha and bias, into C with row
// stride n + 5 whose spare columns hold a sentinel. Returns the largest
// |C - C_ref| / sum_k |a b|: a float sum of k terms in blocks of <= 256 is
// within ~256 ulps of that sum in the worst case, ~sqrt(256) typically.
double MaxRelativeError(GemmFn fn, size_t m, size_t k, size_t n, bool* sentinel_ok) {
  const size_t lda = k + 3, ldc = n + 5;
  const auto a = Random(m * lda, 1), bt = Random(n * k, 2), bias = Random(n, 3);
  PackedB b;
  b.PackTransposed(bt.data(), n, k, k);
  std::vector<float> c(m * ldc, 7.0f), ref(m * ldc, 7.0f);
  fn(a.data(), m, lda, b, 0.5f, bias.data(), c.data(), ldc);
  Gemm_ref(a.data(), m, lda, b, 0.5f, bias.data(), ref.data(), ldc);
  double worst = 0;
  *sentinel_ok = true;
  for (size_t r = 0; r < m; ++r) {
    for (size_t j = 0; j < ldc; ++j) {
      if (j >= n) {
        *sentinel_ok &= c[r * ldc + j] == 7.0f;
        continue;
      }
      double abs_sum = std::fabs(bias[j]);
      for (size_t kk = 0; kk < k; ++kk)
        abs_sum += 0.5 * std::fabs(a[r * lda + kk] * bt[j * k + kk]);
      worst = std::max(worst, std::fabs(c[r * ldc + j] - ref[r * ldc + j]) / abs_sum);
    }
  }
  return worst;
}

struct Shape {
  size_t m, k, n;
};
// Row tails (1..11 of 12), K blocks (600 = 3 x 200), column tails (< 16, 16..31).
const Shape kShapes[] = {{1, 1, 1},      {5, 7, 17},    {12, 32, 32},  {13, 300, 45},
                         {150, 600, 70}, {61, 384, 96}, {3, 1536, 40}, {145, 33, 31}};

TEST(BertGemmTest, Avx512KernelMatchesTheDoubleReferenceWithinFloatRounding) {
  if (!CpuHasAvx512()) GTEST_SKIP() << "SKIPPED: this CPU has no AVX-512";
  for (const Shape& s : kShapes) {
    bool sentinel_ok = false;
    EXPECT_LT(MaxRelativeError(Gemm, s.m, s.k, s.n, &sentinel_ok), 1e-6)
        << s.m << "x" << s.k << "x" << s.n;
    EXPECT_TRUE(sentinel_ok) << "wrote past column n: " << s.m << "x" << s.k << "x" << s.n;
  }
}

TEST(BertGemmTest, PortableKernelMatchesTheDoubleReferenceWithinFloatRounding) {
  for (const Shape& s : kShapes) {
    bool sentinel_ok = false;
    EXPECT_LT(MaxRelativeError(GemmPortable, s.m, s.k, s.n, &sentinel_ok), 1e-6)
        << s.m << "x" << s.k << "x" << s.n;
    EXPECT_TRUE(sentinel_ok) << "wrote past column n: " << s.m << "x" << s.k << "x" << s.n;
  }
}

TEST(BertGemmTest, PackAndPackTransposedHoldTheSameMatrix) {
  const size_t k = 37, n = 45;
  const auto kn = Random(k * n, 4);  // [k, n]
  std::vector<float> nk(n * k);      // its transpose
  for (size_t kk = 0; kk < k; ++kk) {
    for (size_t j = 0; j < n; ++j) nk[j * k + kk] = kn[kk * n + j];
  }
  PackedB a, b;
  a.Pack(kn.data(), k, n, n);
  b.PackTransposed(nk.data(), n, k, k);
  ASSERT_EQ(a.panels(), 2u);
  for (size_t kk = 0; kk < k; ++kk) {
    for (size_t j = 0; j < n; ++j) {
      EXPECT_EQ(a.at(kk, j), kn[kk * n + j]);
      EXPECT_EQ(b.at(kk, j), kn[kk * n + j]);
    }
    for (size_t j = n; j < 2 * PackedB::kPanel; ++j) EXPECT_EQ(a.at(kk, j), 0.0f) << "padding";
  }
}

TEST(BertGemmTest, RepackingASmallerMatrixReusesTheBuffer) {
  const auto big = Random(64 * 64, 5), small = Random(10 * 8, 6);
  PackedB b;
  b.Pack(big.data(), 64, 64, 64);
  const float* before = b.panel(0);
  b.Pack(small.data(), 10, 8, 8);
  EXPECT_EQ(b.panel(0), before);
  EXPECT_EQ(b.k(), 10u);
  EXPECT_EQ(b.n(), 8u);
  EXPECT_EQ(b.at(9, 7), small[9 * 8 + 7]);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(b.panel(0)) % 64, 0u) << "panels are 64-byte aligned";
}

TEST(BertGemmTest, AnEmptyInnerDimensionGivesTheBias) {
  PackedB b;
  b.PackTransposed(nullptr, 3, 0, 0);
  const float bias[3] = {1, 2, 3};
  float c[6] = {9, 9, 9, 9, 9, 9};
  Gemm(nullptr, 2, 0, b, 1.0f, bias, c, 3);
  for (size_t i = 0; i < 6; ++i) EXPECT_EQ(c[i], bias[i % 3]);
}

}  // namespace
}  // namespace logsieve::bert

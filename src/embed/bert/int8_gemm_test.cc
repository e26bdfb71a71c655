#include "embed/bert/int8_gemm.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <utility>

#include "embed/bert/bert_test_util.h"

namespace logsieve::bert {
namespace {

using testing::RandomNormal;
std::vector<float> Random(size_t n, float scale, unsigned seed) {
  return RandomNormal(n, scale, seed);
}

TEST(BertInt8GemmTest, QuantizedWeightsRoundTripWithinHalfAStep) {
  const size_t out = 19, in = 37;
  auto w = Random(out * in, 0.05f, 1);
  Int8Matrix q = Int8Matrix::Quantize(w.data(), out, in);
  for (size_t o = 0; o < out; ++o) {
    for (size_t k = 0; k < in; ++k) {
      EXPECT_NEAR(q.at(o, k) * q.scale[o], w[o * in + k], 0.5f * q.scale[o] + 1e-9f);
    }
  }
}

using Int8Fn = void (*)(const float*, size_t, const Int8Matrix&, const float*, float*,
                        Int8Scratch*);

// Odd sizes: row tails (of 4, 16 and 32), column tails (of 16 and 32), k
// not a multiple of 4 or 64, k over several AMX tiles; one scratch reused
// from large to small calls.
void ExpectSameAsTheScalarTwin(Int8Fn fn) {
  Int8Scratch scratch;
  for (size_t n : {61u, 1u, 3u, 4u, 7u, 16u, 17u, 33u}) {
    for (auto [out, in] : {std::pair<size_t, size_t>{83, 45}, {16, 64}, {40, 200}, {130, 1536}}) {
      auto x = Random(n * in, 1.0f, 2), w = Random(out * in, 0.05f, 3), b = Random(out, 0.02f, 4);
      Int8Matrix q = Int8Matrix::Quantize(w.data(), out, in);
      std::vector<float> y(n * out, 7.0f), y_ref(n * out);
      fn(x.data(), n, q, b.data(), y.data(), &scratch);
      Int8Linear_ref(x.data(), n, q, b.data(), y_ref.data());
      for (size_t i = 0; i < y.size(); ++i) {
        // Same integers; only the float epilogue (fma vs mul+add) may differ.
        ASSERT_NEAR(y[i], y_ref[i], 1e-6f * std::max(1.0f, std::fabs(y_ref[i])))
            << "n " << n << " out " << out << " in " << in << " i " << i;
      }
    }
  }
}

TEST(BertInt8GemmTest, VnniKernelMatchesTheScalarTwinWithin1e6Relative) {
  if (!CpuHasVnni()) GTEST_SKIP() << "SKIPPED: this CPU has no AVX-512 VNNI";
  ExpectSameAsTheScalarTwin(Int8LinearVnni);
}

TEST(BertInt8GemmTest, AmxKernelMatchesTheScalarTwinWithin1e6Relative) {
  if (!CpuHasAmx()) GTEST_SKIP() << "SKIPPED: this CPU (or OS) offers no AMX-INT8";
  ExpectSameAsTheScalarTwin(Int8Linear);  // Int8Linear takes AMX when it can
}

TEST(BertInt8GemmTest, ScalarTwinIsCloseToTheFloatProduct) {
  const size_t n = 5, out = 64, in = 384;
  auto x = Random(n * in, 1.0f, 5), w = Random(out * in, 0.05f, 6);
  Int8Matrix q = Int8Matrix::Quantize(w.data(), out, in);
  std::vector<float> y(n * out);
  Int8Linear_ref(x.data(), n, q, nullptr, y.data());
  double err = 0, norm = 0;
  for (size_t r = 0; r < n; ++r) {
    for (size_t o = 0; o < out; ++o) {
      double exact = 0;
      for (size_t k = 0; k < in; ++k) exact += double(x[r * in + k]) * w[o * in + k];
      err += (y[r * out + o] - exact) * (y[r * out + o] - exact);
      norm += exact * exact;
    }
  }
  // Two 8-bit roundings of Gaussian data: relative RMS error ~1-2 %.
  EXPECT_LT(std::sqrt(err / norm), 0.03);
}

}  // namespace
}  // namespace logsieve::bert

#include "embed/bert/kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "embed/bert/x86_simd.h"

// Run-time dispatch between AVX-512, AVX2 and baseline x86-64 code for the
// vectorisable loops (glibc ifunc). Other architectures get one plain build.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define LOGSIEVE_MULTIVERSION __attribute__((target_clones("avx512f", "avx2,fma", "default")))
#else
#define LOGSIEVE_MULTIVERSION
#endif

namespace logsieve::bert::kernels {
namespace {

inline __attribute__((always_inline)) float ExpApprox(float x) {
  // Cephes expf: x = n ln2 + r, |r| <= ln2/2, degree-7 polynomial, scale by 2^n.
  x = std::min(std::max(x, -87.0f), 88.0f);
  // Round to nearest by the 1.5 * 2^23 trick (vectorises, unlike nearbyint).
  const float n = (x * 1.44269504088896341f + 12582912.0f) - 12582912.0f;
  const float r = (x - n * 0.693359375f) + n * 2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  const int32_t bits = (static_cast<int32_t>(n) + 127) << 23;
  float scale;
  std::memcpy(&scale, &bits, 4);
  return p * scale;
}

inline __attribute__((always_inline)) float ErfApprox(float x) {
  // Rational approximation on [-4, 4] (outside, erf is +-1 in float); as in Eigen.
  x = std::min(std::max(x, -4.0f), 4.0f);
  const float x2 = x * x;
  float p = -2.72614225801306e-10f;
  p = p * x2 + 2.77068142495902e-08f;
  p = p * x2 + -2.10102402082508e-06f;
  p = p * x2 + -5.69250639462346e-05f;
  p = p * x2 + -7.34990630326855e-04f;
  p = p * x2 + -2.95459980854025e-03f;
  p = p * x2 + -1.60960333262415e-02f;
  p = p * x;
  float q = -1.45660718464996e-05f;
  q = q * x2 + -2.13374055278905e-04f;
  q = q * x2 + -1.68282697438203e-03f;
  q = q * x2 + -7.37332916720468e-03f;
  q = q * x2 + -1.42647390514189e-02f;
  return p / q;
}

// Sum and max over n floats in 16 lanes: float reductions do not vectorise
// on their own (no -ffast-math), and a one-accumulator loop waits on the add
// latency for every element.
constexpr size_t kLanes = 16;

inline __attribute__((always_inline)) float LaneSum(const float* x, size_t n) {
  float acc[kLanes] = {};
  size_t c = 0;
  for (; c + kLanes <= n; c += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) acc[j] += x[c + j];
  }
  for (size_t j = 0; c + j < n; ++j) acc[j] += x[c + j];
  float s = 0.0f;
  for (size_t j = 0; j < kLanes; ++j) s += acc[j];
  return s;
}

// Sum of (x - mean)^2.
inline __attribute__((always_inline)) float LaneSquares(const float* x, size_t n, float mean) {
  float acc[kLanes] = {};
  size_t c = 0;
  for (; c + kLanes <= n; c += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) {
      const float d = x[c + j] - mean;
      acc[j] += d * d;
    }
  }
  for (size_t j = 0; c + j < n; ++j) {
    const float d = x[c + j] - mean;
    acc[j] += d * d;
  }
  float s = 0.0f;
  for (size_t j = 0; j < kLanes; ++j) s += acc[j];
  return s;
}

inline __attribute__((always_inline)) float LaneMax(const float* x, size_t n) {
  float acc[kLanes];
  for (size_t j = 0; j < kLanes; ++j) acc[j] = x[0];
  size_t c = 0;
  for (; c + kLanes <= n; c += kLanes) {
    for (size_t j = 0; j < kLanes; ++j) acc[j] = acc[j] > x[c + j] ? acc[j] : x[c + j];
  }
  for (size_t j = 0; c + j < n; ++j) acc[j] = acc[j] > x[c + j] ? acc[j] : x[c + j];
  float m = acc[0];
  for (size_t j = 1; j < kLanes; ++j) m = m > acc[j] ? m : acc[j];
  return m;
}

}  // namespace

float FastExp(float x) { return ExpApprox(x); }
float FastErf(float x) { return ErfApprox(x); }

LOGSIEVE_MULTIVERSION
void AddLayerNorm(float* x, const float* bias, const float* residual, const float* gamma,
                  const float* beta, float eps, size_t rows, size_t cols) {
  const float inv_n = 1.0f / static_cast<float>(cols);
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * cols;
    if (bias != nullptr) {
      for (size_t c = 0; c < cols; ++c) row[c] += bias[c];
    }
    if (residual != nullptr) {
      const float* res = residual + r * cols;
      for (size_t c = 0; c < cols; ++c) row[c] += res[c];
    }
    const float mean = LaneSum(row, cols) * inv_n;
    const float inv_std = 1.0f / std::sqrt(LaneSquares(row, cols, mean) * inv_n + eps);
    for (size_t c = 0; c < cols; ++c) row[c] = (row[c] - mean) * inv_std * gamma[c] + beta[c];
  }
}

void AddLayerNorm_ref(float* x, const float* bias, const float* residual, const float* gamma,
                      const float* beta, float eps, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * cols;
    double mean = 0.0;
    for (size_t c = 0; c < cols; ++c) {
      double v = row[c];
      if (bias != nullptr) v += bias[c];
      if (residual != nullptr) v += residual[r * cols + c];
      row[c] = static_cast<float>(v);
      mean += v;
    }
    mean /= static_cast<double>(cols);
    double var = 0.0;
    for (size_t c = 0; c < cols; ++c) var += (row[c] - mean) * (row[c] - mean);
    var /= static_cast<double>(cols);
    for (size_t c = 0; c < cols; ++c) {
      row[c] = static_cast<float>((row[c] - mean) / std::sqrt(var + eps) * gamma[c] + beta[c]);
    }
  }
}

LOGSIEVE_MULTIVERSION
void Gelu(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const float v = x[i];
    x[i] = 0.5f * v * (1.0f + ErfApprox(v * 0.70710678118654752f));
  }
}

void Gelu_ref(float* x, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const double v = x[i];
    x[i] = static_cast<float>(0.5 * v * (1.0 + std::erf(v / std::sqrt(2.0))));
  }
}

LOGSIEVE_MULTIVERSION
void SoftmaxRowsPortable(float* x, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * cols;
    const float mx = LaneMax(row, cols);
    for (size_t c = 0; c < cols; ++c) row[c] = ExpApprox(row[c] - mx);
    const float inv = 1.0f / LaneSum(row, cols);
    for (size_t c = 0; c < cols; ++c) row[c] *= inv;
  }
}

#if defined(__x86_64__)
namespace {

// ExpApprox in 16 lanes: the same reduction and polynomial; scalef applies 2^n.
LOGSIEVE_AVX512 inline __m512 Exp16(__m512 x) {
  x = _mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f));
  const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  const __m512 r = _mm512_fmadd_ps(n, _mm512_set1_ps(2.12194440e-4f),
                                   _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), x));
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, n);
}

// Rows of attention scores are short (a log line: ~60): masked tails instead
// of scalar ones, which made the plain loops 2 ns per element.
LOGSIEVE_AVX512 void SoftmaxRowsAvx512(float* x, size_t rows, size_t cols) {
  const __m512 neg_inf = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * cols;
    __m512 mx = neg_inf;
    for (size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = static_cast<__mmask16>(cols - c >= 16 ? 0xFFFF : (1u << (cols - c)) - 1);
      mx = _mm512_max_ps(mx, _mm512_mask_loadu_ps(neg_inf, m, row + c));
    }
    const __m512 vmax = _mm512_set1_ps(_mm512_reduce_max_ps(mx));
    __m512 sum = _mm512_setzero_ps();
    for (size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = static_cast<__mmask16>(cols - c >= 16 ? 0xFFFF : (1u << (cols - c)) - 1);
      const __m512 e = Exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, row + c), vmax));
      sum = _mm512_add_ps(sum, _mm512_maskz_mov_ps(m, e));
      _mm512_mask_storeu_ps(row + c, m, e);
    }
    const __m512 inv = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
    for (size_t c = 0; c < cols; c += 16) {
      const __mmask16 m = static_cast<__mmask16>(cols - c >= 16 ? 0xFFFF : (1u << (cols - c)) - 1);
      _mm512_mask_storeu_ps(row + c, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, row + c), inv));
    }
  }
}

}  // namespace
#endif

void SoftmaxRows(float* x, size_t rows, size_t cols) {
#if defined(__x86_64__)
  static const bool avx512 = __builtin_cpu_supports("avx512f");
  if (avx512) {
    SoftmaxRowsAvx512(x, rows, cols);
    return;
  }
#endif
  SoftmaxRowsPortable(x, rows, cols);
}

void SoftmaxRows_ref(float* x, size_t rows, size_t cols) {
  for (size_t r = 0; r < rows; ++r) {
    float* row = x + r * cols;
    double mx = row[0];
    for (size_t c = 1; c < cols; ++c) mx = std::max<double>(mx, row[c]);
    double sum = 0.0;
    for (size_t c = 0; c < cols; ++c) sum += std::exp(row[c] - mx);
    for (size_t c = 0; c < cols; ++c) row[c] = static_cast<float>(std::exp(row[c] - mx) / sum);
  }
}

LOGSIEVE_MULTIVERSION
void MeanRows(const float* x, size_t rows, size_t cols, float* out) {
  std::fill(out, out + cols, 0.0f);  // (sums across rows: vertical, vectorised)
  for (size_t r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    for (size_t c = 0; c < cols; ++c) out[c] += row[c];
  }
  const float inv = 1.0f / static_cast<float>(std::max<size_t>(rows, 1));
  for (size_t c = 0; c < cols; ++c) out[c] *= inv;
}

void MeanRows_ref(const float* x, size_t rows, size_t cols, float* out) {
  for (size_t c = 0; c < cols; ++c) {
    double s = 0.0;
    for (size_t r = 0; r < rows; ++r) s += x[r * cols + c];
    out[c] = static_cast<float>(s / static_cast<double>(std::max<size_t>(rows, 1)));
  }
}

void L2Normalize(float* x, size_t n) {
  double s = 0.0;
  for (size_t i = 0; i < n; ++i) s += static_cast<double>(x[i]) * x[i];
  const double inv = 1.0 / std::max(std::sqrt(s), 1e-12);
  for (size_t i = 0; i < n; ++i) x[i] = static_cast<float>(x[i] * inv);
}

}  // namespace logsieve::bert::kernels

#include "embed/bert/gemm.h"

#include <algorithm>
#include <cstdint>

#include "embed/bert/x86_simd.h"

// The portable kernel is compiled for AVX2+FMA and baseline x86-64, chosen at
// run time (glibc ifunc); elsewhere one plain build.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && \
    !defined(__SANITIZE_ADDRESS__)
#define LOGSIEVE_MULTIVERSION __attribute__((target_clones("avx2,fma", "default")))
#else
#define LOGSIEVE_MULTIVERSION
#endif

namespace logsieve::bert {
namespace {

constexpr size_t kNr = PackedB::kPanel;
constexpr size_t kKc = 256;  // K block: a 256 x 32 panel slice (32 KB) stays in L1
constexpr size_t kMc = 144;  // M block: 144 rows of A, all of K, packed (<= 864 KB at K 1536) in L2

// The loop nest shared by both kernels: M blocks; per M block, every K block
// of A is shown to `block(a, mc, kc, k0)` first; then panels, K blocks, row
// tiles of at most `mr` rows. `tile(a, row, rows, b, kc, k0, c, cols, first,
// last, bias, next)` computes C[rows, cols] (+)= A[rows, k0 .. k0+kc) B-slice
// for the tile starting `row` rows into the M block; on the last K block it
// scales by alpha and adds the bias.
//
// Panels outer, K blocks inner: B is then read in exactly its packed order,
// one sequential stream over the whole matrix, which is what the hardware
// prefetchers follow best when the weights come from memory (at log-line
// batch sizes they do: 42 MB for MiniLM-L6). `next` is the slice after the
// current one (null for all but the first tile of a slice): the kernel
// prefetches it while it works.
template <typename Block, typename Tile>
inline __attribute__((always_inline)) void Blocked(const float* a, size_t m, size_t lda,
                                                   const PackedB& b, float* c, size_t ldc,
                                                   const float* bias, size_t mr, Block block,
                                                   Tile tile) {
  const size_t k = b.k(), n = b.n(), panels = b.panels();
  if (k == 0) {  // an empty product: C = bias
    for (size_t r = 0; r < m; ++r) {
      for (size_t j = 0; j < n; ++j) c[r * ldc + j] = bias != nullptr ? bias[j] : 0.0f;
    }
    return;
  }
  const size_t kblocks = (k + kKc - 1) / kKc;
  const size_t kc_step = (k + kblocks - 1) / kblocks;  // even blocks: 384 -> 2 x 192
  for (size_t ic = 0; ic < m; ic += kMc) {
    const size_t mc = std::min(kMc, m - ic);
    for (size_t pc = 0; pc < k; pc += kc_step)
      block(a + ic * lda + pc, mc, std::min(kc_step, k - pc), pc);
    for (size_t p = 0; p < panels; ++p) {
      const size_t cols = std::min(kNr, n - p * kNr);
      const float* bias_p = bias != nullptr ? bias + p * kNr : nullptr;
      for (size_t pc = 0; pc < k; pc += kc_step) {
        const size_t kc = std::min(kc_step, k - pc);
        const bool first = pc == 0, last = pc + kc == k;
        const float* bp = b.panel(p) + pc * kNr;
        const float* next = p + 1 < panels || !last ? bp + kc * kNr : nullptr;
        for (size_t ir = ic; ir < ic + mc; ir += mr) {
          const size_t rows = std::min(mr, ic + mc - ir);
          tile(a + ir * lda + pc, ir - ic, rows, bp, kc, pc, c + ir * ldc + p * kNr, cols, first,
               last, bias_p, ir == ic ? next : nullptr);
        }
      }
    }
  }
}

// ---- portable kernel: 4 x 32 accumulators, vectorised by the compiler ----

constexpr size_t kMrPortable = 4;

template <size_t R>
inline __attribute__((always_inline)) void PortableTile(const float* a, size_t lda, const float* b,
                                                        size_t kc, float* c, size_t ldc,
                                                        size_t cols, bool first, bool last,
                                                        float alpha, const float* bias) {
  float acc[R][kNr];
  for (size_t r = 0; r < R; ++r) {
    for (size_t j = 0; j < kNr; ++j) acc[r][j] = !first && j < cols ? c[r * ldc + j] : 0.0f;
  }
  for (size_t kk = 0; kk < kc; ++kk) {
    const float* bk = b + kk * kNr;
    for (size_t r = 0; r < R; ++r) {
      const float av = a[r * lda + kk];
      for (size_t j = 0; j < kNr; ++j) acc[r][j] += av * bk[j];
    }
  }
  for (size_t r = 0; r < R; ++r) {
    for (size_t j = 0; j < cols; ++j) {
      float v = acc[r][j];
      if (last) v = v * alpha + (bias != nullptr ? bias[j] : 0.0f);
      c[r * ldc + j] = v;
    }
  }
}

#if defined(__x86_64__)
// ---- AVX-512 kernel: 12 rows x 32 columns in 24 zmm accumulators ----
//
// A is packed per (M block, K block) into tiles of 12 rows interleaved by k
// ([kc][12], rows past m zero), so the kernel's broadcasts read one
// sequential stream; B comes from its packed panel. Only the first `rows`
// rows and the masked columns of C are read or written.

constexpr size_t kMrAvx512 = 12;

LOGSIEVE_AVX512 void Avx512Tile(const float* a, const float* b, size_t kc, float* c, size_t ldc,
                                size_t rows, __mmask16 m0, __mmask16 m1, bool first, bool last,
                                float alpha, const float* bias, const float* next) {
  constexpr int R = kMrAvx512;
  __m512 c0[R], c1[R];
  for (int r = 0; r < R; ++r) c0[r] = c1[r] = _mm512_setzero_ps();
  for (size_t kk = 0; kk < kc; ++kk) {
    if (next != nullptr) {
      _mm_prefetch(reinterpret_cast<const char*>(next + kk * kNr), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(next + kk * kNr + 16), _MM_HINT_T0);
    }
    const __m512 b0 = _mm512_load_ps(b + kk * kNr);
    const __m512 b1 = _mm512_load_ps(b + kk * kNr + 16);
    const float* ak = a + kk * R;
    for (int r = 0; r < R; ++r) {
      const __m512 av = _mm512_set1_ps(ak[r]);
      c0[r] = _mm512_fmadd_ps(av, b0, c0[r]);
      c1[r] = _mm512_fmadd_ps(av, b1, c1[r]);
    }
  }
  const __m512 al = _mm512_set1_ps(alpha);
  const __m512 bias0 =
      last && bias != nullptr ? _mm512_maskz_loadu_ps(m0, bias) : _mm512_setzero_ps();
  const __m512 bias1 =
      last && bias != nullptr ? _mm512_maskz_loadu_ps(m1, bias + 16) : _mm512_setzero_ps();
  for (int r = 0; r < R; ++r) {
    if (static_cast<size_t>(r) >= rows) break;
    float* cr = c + r * ldc;
    __m512 v0 = c0[r], v1 = c1[r];
    if (!first) {
      v0 = _mm512_add_ps(v0, _mm512_maskz_loadu_ps(m0, cr));
      v1 = _mm512_add_ps(v1, _mm512_maskz_loadu_ps(m1, cr + 16));
    }
    if (last) {
      v0 = _mm512_fmadd_ps(v0, al, bias0);
      v1 = _mm512_fmadd_ps(v1, al, bias1);
    }
    _mm512_mask_storeu_ps(cr, m0, v0);
    _mm512_mask_storeu_ps(cr + 16, m1, v1);
  }
}

void PackA(const float* a, size_t rows, size_t lda, size_t kc, float* out) {
  for (size_t t = 0; t < rows; t += kMrAvx512) {
    const size_t n = std::min(kMrAvx512, rows - t);
    float* tile = out + t * kc;
    for (size_t kk = 0; kk < kc; ++kk) {
      float* dst = tile + kk * kMrAvx512;
      for (size_t r = 0; r < n; ++r) dst[r] = a[(t + r) * lda + kk];
      for (size_t r = n; r < kMrAvx512; ++r) dst[r] = 0.0f;
    }
  }
}
#endif

}  // namespace

float* PackedB::Reserve(size_t k, size_t n) {
  k_ = k;
  n_ = n;
  const size_t need = panels() * k * kNr + 64 / sizeof(float);
  if (storage_.size() < need) storage_.resize(need);
  const auto addr = reinterpret_cast<uintptr_t>(storage_.data());
  data_ = storage_.data() + ((64 - addr % 64) % 64) / sizeof(float);
  return data_;
}

void PackedB::PackTransposed(const float* b, size_t n, size_t k, size_t ldb) {
  float* d = Reserve(k, n);
  for (size_t p = 0; p < panels(); ++p) {
    float* dp = d + p * k * kNr;
    for (size_t jj = 0; jj < kNr; ++jj) {
      const size_t j = p * kNr + jj;
      if (j < n) {
        const float* row = b + j * ldb;
        for (size_t kk = 0; kk < k; ++kk) dp[kk * kNr + jj] = row[kk];
      } else {
        for (size_t kk = 0; kk < k; ++kk) dp[kk * kNr + jj] = 0.0f;
      }
    }
  }
}

void PackedB::Pack(const float* b, size_t k, size_t n, size_t ldb) {
  float* d = Reserve(k, n);
  for (size_t p = 0; p < panels(); ++p) {
    float* dp = d + p * k * kNr;
    const size_t cols = std::min(kNr, n - p * kNr);
    for (size_t kk = 0; kk < k; ++kk) {
      const float* src = b + kk * ldb + p * kNr;
      float* dst = dp + kk * kNr;
      for (size_t jj = 0; jj < cols; ++jj) dst[jj] = src[jj];
      for (size_t jj = cols; jj < kNr; ++jj) dst[jj] = 0.0f;
    }
  }
}

bool CpuHasAvx512() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512f");
#else
  return false;
#endif
}

LOGSIEVE_MULTIVERSION
void GemmPortable(const float* a, size_t m, size_t lda, const PackedB& b, float alpha,
                  const float* bias, float* c, size_t ldc) {
  Blocked(
      a, m, lda, b, c, ldc, bias, kMrPortable, [](const float*, size_t, size_t, size_t) {},
      [&](const float* at, size_t, size_t rows, const float* bp, size_t kc, size_t, float* ct,
          size_t cols, bool first, bool last, const float* bias_p, const float*)
          __attribute__((always_inline)) {
            switch (rows) {
              case 4:
                PortableTile<4>(at, lda, bp, kc, ct, ldc, cols, first, last, alpha, bias_p);
                break;
              case 3:
                PortableTile<3>(at, lda, bp, kc, ct, ldc, cols, first, last, alpha, bias_p);
                break;
              case 2:
                PortableTile<2>(at, lda, bp, kc, ct, ldc, cols, first, last, alpha, bias_p);
                break;
              default:
                PortableTile<1>(at, lda, bp, kc, ct, ldc, cols, first, last, alpha, bias_p);
                break;
            }
          });
}

void Gemm(const float* a, size_t m, size_t lda, const PackedB& b, float alpha, const float* bias,
          float* c, size_t ldc) {
#if defined(__x86_64__)
  static const bool avx512 = CpuHasAvx512();
  if (avx512) {
    // One M block of A, all K, packed per thread: [K block][12-row tile][kc][12].
    // Grows to the largest (kMc + 11) x K seen, then allocates nothing.
    thread_local std::vector<float> a_packed;
    const size_t mc_pad = (std::min(kMc, m) + kMrAvx512 - 1) / kMrAvx512 * kMrAvx512;
    if (a_packed.size() < mc_pad * b.k()) a_packed.resize(mc_pad * b.k());
    Blocked(
        a, m, lda, b, c, ldc, bias, kMrAvx512,
        [&](const float* ab, size_t mc, size_t kc, size_t k0) {
          PackA(ab, mc, lda, kc, a_packed.data() + k0 * mc_pad);
        },
        [&](const float*, size_t row, size_t rows, const float* bp, size_t kc, size_t k0, float* ct,
            size_t cols, bool first, bool last, const float* bias_p, const float* next) {
          const __mmask16 m0 = static_cast<__mmask16>(cols >= 16 ? 0xFFFF : (1u << cols) - 1);
          const __mmask16 m1 = static_cast<__mmask16>(cols >= 32  ? 0xFFFF
                                                      : cols > 16 ? (1u << (cols - 16)) - 1
                                                                  : 0);
          Avx512Tile(a_packed.data() + k0 * mc_pad + row * kc, bp, kc, ct, ldc, rows, m0, m1, first,
                     last, alpha, bias_p, next);
        });
    return;
  }
#endif
  GemmPortable(a, m, lda, b, alpha, bias, c, ldc);
}

void Gemm_ref(const float* a, size_t m, size_t lda, const PackedB& b, float alpha,
              const float* bias, float* c, size_t ldc) {
  for (size_t r = 0; r < m; ++r) {
    for (size_t j = 0; j < b.n(); ++j) {
      double s = 0.0;
      for (size_t kk = 0; kk < b.k(); ++kk) s += static_cast<double>(a[r * lda + kk]) * b.at(kk, j);
      c[r * ldc + j] = static_cast<float>(alpha * s + (bias != nullptr ? bias[j] : 0.0));
    }
  }
}

}  // namespace logsieve::bert

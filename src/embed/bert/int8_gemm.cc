#include "embed/bert/int8_gemm.h"

#include <algorithm>
#include <cmath>

#include "embed/bert/x86_simd.h"

#if defined(__x86_64__)
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace logsieve::bert {
namespace {

constexpr size_t kLanes = 16;   // outputs per block (one zmm of int32)
constexpr size_t kTileK = 64;   // inputs per AMX tile row
constexpr size_t kRowPad = 32;  // activation rows per AMX step (two tiles)

// Row scale and quantized row: q = round(x / s) in [-127, 127], stored + 128.
float QuantizeRow(const float* x, size_t in, size_t width, uint8_t* q) {
  float mx = 0.0f;
  for (size_t k = 0; k < in; ++k) mx = std::max(mx, std::fabs(x[k]));
  const float s = mx > 0.0f ? mx / 127.0f : 1.0f;
  const float inv = 1.0f / s;
  for (size_t k = 0; k < in; ++k) {
    q[k] = static_cast<uint8_t>(static_cast<int>(std::nearbyint(x[k] * inv)) + 128);
  }
  std::fill(q + in, q + width, uint8_t{128});  // padding: w is 0 there
  return s;
}

}  // namespace

Int8Matrix Int8Matrix::Quantize(const float* w, size_t out, size_t in) {
  Int8Matrix m;
  m.out = out;
  m.in = in;
  m.k4 = (in + kTileK - 1) / kTileK * kTileK / 4;
  m.blocks = ((out + kLanes - 1) / kLanes + 1) / 2 * 2;
  m.packed.assign(m.blocks * m.k4 * kLanes * 4, 0);
  m.scale.resize(out);
  m.offset.resize(out);
  for (size_t o = 0; o < out; ++o) {
    const float* row = w + o * in;
    float mx = 0.0f;
    for (size_t k = 0; k < in; ++k) mx = std::max(mx, std::fabs(row[k]));
    const float s = mx > 0.0f ? mx / 127.0f : 1.0f;
    m.scale[o] = s;
    int32_t sum = 0;
    for (size_t k = 0; k < in; ++k) {
      const int q = static_cast<int>(std::nearbyint(row[k] / s));
      sum += q;
      m.packed[((o / kLanes) * m.k4 + k / 4) * kLanes * 4 + (o % kLanes) * 4 + k % 4] =
          static_cast<int8_t>(q);
    }
    m.offset[o] = 128 * sum;
  }
  return m;
}

int8_t Int8Matrix::at(size_t o, size_t k) const {
  return packed[((o / kLanes) * k4 + k / 4) * kLanes * 4 + (o % kLanes) * 4 + k % 4];
}

bool CpuHasVnni() {
#if defined(__x86_64__)
  return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
         __builtin_cpu_supports("avx512vnni");
#else
  return false;
#endif
}

bool CpuHasAmx() {
#if defined(__x86_64__)
  static const bool granted = [] {
    if (!__builtin_cpu_supports("avx512bw")) return false;
    // AMX-TILE and AMX-INT8: CPUID leaf 7, EDX bits 24 and 25.
    unsigned eax, ebx, ecx, edx;
    __asm__("cpuid" : "=a"(eax), "=b"(ebx), "=c"(ecx), "=d"(edx) : "a"(7), "c"(0));
    if ((edx & (3u << 24)) != (3u << 24)) return false;
    // Linux hands out the 8 KB tile state only on request (arch_prctl,
    // ARCH_REQ_XCOMP_PERM = 0x1023, XFEATURE_XTILEDATA = 18).
    return syscall(SYS_arch_prctl, 0x1023, 18) == 0;
  }();
  return granted;
#else
  return false;
#endif
}

void Int8Linear_ref(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y) {
  std::vector<uint8_t> q(w.k4 * 4);
  for (size_t r = 0; r < n; ++r) {
    const float sx = QuantizeRow(x + r * w.in, w.in, w.k4 * 4, q.data());
    for (size_t o = 0; o < w.out; ++o) {
      int32_t acc = 0;
      for (size_t k = 0; k < w.in; ++k) acc += static_cast<int32_t>(q[k]) * w.at(o, k);
      y[r * w.out + o] = static_cast<float>(acc - w.offset[o]) * (sx * w.scale[o]) +
                         (bias != nullptr ? bias[o] : 0.0f);
    }
  }
}

#if defined(__x86_64__)
namespace {

// R rows x J blocks of 16 outputs, over all k4 groups.
template <int R, int J>
LOGSIEVE_VNNI void Tile(const uint8_t* xq, size_t ldx, const int8_t* wblock, size_t k4,
                        __m512i acc[R][J]) {
  for (int r = 0; r < R; ++r) {
    for (int j = 0; j < J; ++j) acc[r][j] = _mm512_setzero_si512();
  }
  const size_t block_stride = k4 * kLanes * 4;
  for (size_t k = 0; k < k4; ++k) {
    __m512i wv[J];
    for (int j = 0; j < J; ++j) {
      wv[j] = _mm512_loadu_si512(wblock + j * block_stride + k * kLanes * 4);
    }
    for (int r = 0; r < R; ++r) {
      int32_t four;
      __builtin_memcpy(&four, xq + r * ldx + 4 * k, 4);
      const __m512i xb = _mm512_set1_epi32(four);
      for (int j = 0; j < J; ++j) acc[r][j] = _mm512_dpbusd_epi32(acc[r][j], xb, wv[j]);
    }
  }
}

// The float epilogue of one block of 16 outputs, shared by both kernels:
// y = (acc - offset) * (x_scale * w_scale) + bias on the block's real outputs.
struct BlockEpilogue {
  __mmask16 mask;
  __m512 w_scale, bias;
  __m512i offset;

  LOGSIEVE_VNNI BlockEpilogue(const Int8Matrix& w, size_t o0, const float* b) {
    const size_t valid = std::min(kLanes, w.out - o0);
    mask = static_cast<__mmask16>((1u << valid) - 1);
    w_scale = _mm512_maskz_loadu_ps(mask, w.scale.data() + o0);
    offset = _mm512_maskz_loadu_epi32(mask, w.offset.data() + o0);
    bias = b != nullptr ? _mm512_maskz_loadu_ps(mask, b + o0) : _mm512_setzero_ps();
  }
  // One row: `acc` its 16 sums, `y` its first output of the block.
  LOGSIEVE_VNNI void Store(__m512i acc, float x_scale, float* y) const {
    const __m512 v = _mm512_cvtepi32_ps(_mm512_sub_epi32(acc, offset));
    const __m512 s = _mm512_mul_ps(w_scale, _mm512_set1_ps(x_scale));
    _mm512_mask_storeu_ps(y, mask, _mm512_fmadd_ps(v, s, bias));
  }
};

template <int R, int J>
LOGSIEVE_VNNI void TileStore(const uint8_t* xq, size_t ldx, const float* xscale,
                             const Int8Matrix& w, size_t block, const float* bias, float* y,
                             size_t ldy) {
  __m512i acc[R][J];
  Tile<R, J>(xq, ldx, w.packed.data() + block * w.k4 * kLanes * 4, w.k4, acc);
  for (int j = 0; j < J; ++j) {
    const size_t o0 = (block + j) * kLanes;
    const BlockEpilogue epilogue(w, o0, bias);
    for (int r = 0; r < R; ++r) epilogue.Store(acc[r][j], xscale[r], y + r * ldy + o0);
  }
}

template <int R>
LOGSIEVE_VNNI void RowTile(const uint8_t* xq, size_t ldx, const float* xscale, const Int8Matrix& w,
                           const float* bias, float* y) {
  const size_t blocks = (w.out + kLanes - 1) / kLanes;
  size_t b = 0;
  for (; b + 4 <= blocks; b += 4) TileStore<R, 4>(xq, ldx, xscale, w, b, bias, y, w.out);
  for (; b < blocks; ++b) TileStore<R, 1>(xq, ldx, xscale, w, b, bias, y, w.out);
}

// QuantizeRow with AVX-512: the same integers (cvtps rounds half to even, as
// nearbyint does in the default rounding mode).
LOGSIEVE_VNNI float QuantizeRowAvx512(const float* x, size_t in, size_t width, uint8_t* q) {
  __m512 mx = _mm512_setzero_ps();
  for (size_t k = 0; k < in; k += 16) {
    const __mmask16 m = static_cast<__mmask16>(in - k >= 16 ? 0xFFFF : (1u << (in - k)) - 1);
    mx = _mm512_max_ps(mx, _mm512_abs_ps(_mm512_maskz_loadu_ps(m, x + k)));
  }
  const float amax = _mm512_reduce_max_ps(mx);
  const float s = amax > 0.0f ? amax / 127.0f : 1.0f;
  const __m512 inv = _mm512_set1_ps(1.0f / s);
  const __m512i bias = _mm512_set1_epi32(128);
  for (size_t k = 0; k < in; k += 16) {
    const __mmask16 m = static_cast<__mmask16>(in - k >= 16 ? 0xFFFF : (1u << (in - k)) - 1);
    const __m512i v = _mm512_add_epi32(
        _mm512_cvtps_epi32(_mm512_mul_ps(_mm512_maskz_loadu_ps(m, x + k), inv)), bias);
    _mm512_mask_cvtepi32_storeu_epi8(q + k, m, v);
  }
  std::fill(q + in, q + width, uint8_t{128});
  return s;
}

// Quantizes n rows of x into scratch (rows padded to kRowPad for AMX).
void QuantizeRows(const float* x, size_t n, const Int8Matrix& w, Int8Scratch* scratch) {
  const size_t ldx = w.k4 * 4, rows = (n + kRowPad - 1) / kRowPad * kRowPad;
  if (scratch->xq.size() < rows * ldx) scratch->xq.resize(rows * ldx, uint8_t{128});
  if (scratch->xscale.size() < n) scratch->xscale.resize(n);
  for (size_t r = 0; r < n; ++r) {
    scratch->xscale[r] = QuantizeRowAvx512(x + r * w.in, w.in, ldx, scratch->xq.data() + r * ldx);
  }
}

// y[rows, 16] of one output block from its int32 sums (row stride 16).
LOGSIEVE_VNNI void Dequantize(const int32_t* acc, size_t rows, const float* xscale,
                              const Int8Matrix& w, size_t block, const float* bias, float* y) {
  const size_t o0 = block * kLanes;
  if (o0 >= w.out) return;  // a padding block
  const BlockEpilogue epilogue(w, o0, bias);
  for (size_t r = 0; r < rows; ++r) {
    epilogue.Store(_mm512_load_si512(acc + r * kLanes), xscale[r], y + r * w.out + o0);
  }
}

// The AMX tile configuration (palette 1): tiles 0-3 accumulators, 4-5 rows
// of x, 6-7 weight blocks; all 16 rows of 64 bytes.
struct alignas(64) TileConfig {
  uint8_t palette = 1, start_row = 0, reserved[14] = {};
  uint16_t colsb[16] = {64, 64, 64, 64, 64, 64, 64, 64};
  uint8_t rows[16] = {16, 16, 16, 16, 16, 16, 16, 16};
};

// 32 rows x 32 outputs per step: C[2][2] += A[2] x B[2] over k in tiles of 64.
LOGSIEVE_AMX void AmxLinear(const Int8Scratch& scratch, size_t n, const Int8Matrix& w,
                            const float* bias, float* y) {
  static const TileConfig config;
  _tile_loadconfig(&config);
  alignas(64) int32_t acc[4][16 * 16];
  const size_t ldx = w.k4 * 4, bstride = w.k4 * kLanes * 4;
  const uint8_t* xq = scratch.xq.data();
  for (size_t j = 0; j < w.blocks; j += 2) {
    const int8_t* b0 = w.packed.data() + j * bstride;
    const int8_t* b1 = b0 + bstride;
    for (size_t r = 0; r < n; r += kRowPad) {
      const uint8_t* a0 = xq + r * ldx;
      const uint8_t* a1 = a0 + 16 * ldx;
      _tile_zero(0);
      _tile_zero(1);
      _tile_zero(2);
      _tile_zero(3);
      for (size_t k = 0; k < ldx; k += kTileK) {
        _tile_loadd(4, a0 + k, ldx);
        _tile_loadd(5, a1 + k, ldx);
        _tile_loadd(6, b0 + k * kLanes, 64);
        _tile_loadd(7, b1 + k * kLanes, 64);
        _tile_dpbusd(0, 4, 6);
        _tile_dpbusd(1, 4, 7);
        _tile_dpbusd(2, 5, 6);
        _tile_dpbusd(3, 5, 7);
      }
      _tile_stored(0, acc[0], 64);
      _tile_stored(1, acc[1], 64);
      _tile_stored(2, acc[2], 64);
      _tile_stored(3, acc[3], 64);
      const size_t rows0 = std::min<size_t>(16, n - r);
      const size_t rows1 = n - r > 16 ? std::min<size_t>(16, n - r - 16) : 0;
      const float* xs = scratch.xscale.data() + r;
      Dequantize(acc[0], rows0, xs, w, j, bias, y + r * w.out);
      Dequantize(acc[1], rows0, xs, w, j + 1, bias, y + r * w.out);
      Dequantize(acc[2], rows1, xs + 16, w, j, bias, y + (r + 16) * w.out);
      Dequantize(acc[3], rows1, xs + 16, w, j + 1, bias, y + (r + 16) * w.out);
    }
  }
  _tile_release();
}

}  // namespace

void Int8LinearVnni(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y,
                    Int8Scratch* scratch) {
  QuantizeRows(x, n, w, scratch);
  const size_t ldx = w.k4 * 4;
  const uint8_t* xq = scratch->xq.data();
  const float* xs = scratch->xscale.data();
  size_t r = 0;
  for (; r + 4 <= n; r += 4) RowTile<4>(xq + r * ldx, ldx, xs + r, w, bias, y + r * w.out);
  switch (n - r) {
    case 3:
      RowTile<3>(xq + r * ldx, ldx, xs + r, w, bias, y + r * w.out);
      break;
    case 2:
      RowTile<2>(xq + r * ldx, ldx, xs + r, w, bias, y + r * w.out);
      break;
    case 1:
      RowTile<1>(xq + r * ldx, ldx, xs + r, w, bias, y + r * w.out);
      break;
    default:
      break;
  }
}

void Int8Linear(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y,
                Int8Scratch* scratch) {
  if (n == 0) return;
  if (CpuHasAmx()) {
    QuantizeRows(x, n, w, scratch);
    AmxLinear(*scratch, n, w, bias, y);
    return;
  }
  Int8LinearVnni(x, n, w, bias, y, scratch);
}
#else
void Int8LinearVnni(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y,
                    Int8Scratch*) {
  Int8Linear_ref(x, n, w, bias, y);
}
void Int8Linear(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y,
                Int8Scratch*) {
  Int8Linear_ref(x, n, w, bias, y);
}
#endif

}  // namespace logsieve::bert

// Int8 matrix products for the reduced-precision path (precision "int8").
//
// y[n, out] = x[n, in] W^T + bias, with W quantized once at load (signed 8-bit,
// one scale per output row: max|w| / 127) and x quantized per call (one scale
// per row: max|x| / 127, stored as unsigned x + 128 for VNNI's u8 x s8 product;
// the +128 is taken back out with each output's precomputed column sum).
// Accumulation is exact in int32; only the two roundings to 8 bits lose
// precision (measured effect on embeddings: doc/transformer.md).
//
// Two kernels compute the same integers: AMX (Sapphire Rapids and later: tile
// multiply, 16 x 16 x 64 per instruction) when the CPU and the kernel allow
// it, else AVX-512 VNNI (vpdpbusd, 16 x 4 per instruction).
//
//   Int8Matrix w = Int8Matrix::Quantize(weights, out, in);
//   Int8Scratch scratch;
//   Int8Linear(x, n, w, bias, y, &scratch);          // AMX, else AVX-512 VNNI
//   Int8Linear_ref(x, n, w, bias, y_ref);             // scalar twin, same integers
//
// Thread safety: Int8Matrix is immutable; one Int8Scratch per thread.
#ifndef LOGSIEVE_EMBED_BERT_INT8_GEMM_H_
#define LOGSIEVE_EMBED_BERT_INT8_GEMM_H_

#include <cstddef>
#include <cstdint>
#include <vector>

namespace logsieve::bert {

struct Int8Matrix {
  size_t out = 0, in = 0;
  size_t k4 = 0;                // groups of 4 inputs: in rounded up to 64 (one AMX tile), / 4
  size_t blocks = 0;            // blocks of 16 outputs, rounded up to even (AMX takes two)
  std::vector<int8_t> packed;   // [blocks][k4][16 outputs][4 inputs], zero-padded
  std::vector<float> scale;     // [out]
  std::vector<int32_t> offset;  // [out]: 128 * sum_k w_q[o][k]

  // `w` is [out, in] row-major (torch Linear layout).
  static Int8Matrix Quantize(const float* w, size_t out, size_t in);
  // The quantized weight w_q[o][k] (for the reference and tests).
  int8_t at(size_t o, size_t k) const;
};

struct Int8Scratch {
  std::vector<uint8_t> xq;    // [n rounded up to 32][k4 * 4]
  std::vector<float> xscale;  // [n]
};

// True when this CPU has AVX-512 VNNI (and BW), which Int8Linear needs.
bool CpuHasVnni();
// True when this CPU has AMX-INT8 and the OS granted this process the tile
// state (asked once, on first call); Int8Linear then uses AMX.
bool CpuHasAmx();

// y = x W^T + bias (bias may be null), on the fastest kernel this CPU has.
// REQUIRES: CpuHasVnni().
void Int8Linear(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y,
                Int8Scratch* scratch);
// The AVX-512 VNNI kernel alone (for tests; Int8Linear picks it without AMX).
void Int8LinearVnni(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y,
                    Int8Scratch* scratch);
// The same quantization and integer products in scalar code.
void Int8Linear_ref(const float* x, size_t n, const Int8Matrix& w, const float* bias, float* y);

}  // namespace logsieve::bert

#endif  // LOGSIEVE_EMBED_BERT_INT8_GEMM_H_

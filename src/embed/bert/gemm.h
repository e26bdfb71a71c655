// Float matrix products against a prepacked right-hand side: every fp32 GEMM
// of the encoder (the per-token projections and attention's two products).
//
//   C[m, n] = alpha * (A[m, k] B[k, n]) + bias[n]
//
// B is packed once into column panels of 32 ([ceil(n/32)][k][32], zero-padded,
// 64-byte aligned), so the inner kernel streams it contiguously and never
// repacks it: weights are packed at load, attention's keys and values per head
// into a reused buffer. A is read in place (row stride lda), C written in place
// (row stride ldc); the last panel's padding columns are never stored.
//
//   PackedB w;
//   w.PackTransposed(weights, out, in, in);      // torch Linear [out, in]: y = x W^T
//   Gemm(x, rows, in, w, 1.0f, bias, y, out);     // AVX-512 when the CPU has it
//   Gemm_ref(x, rows, in, w, 1.0f, bias, y_ref, out);   // scalar twin, double sums
//
// Numerics: float FMAs, K summed in blocks of <= 256 in order; within a few
// float ulps x sqrt(k) of the double reference (gemm_test.cc states the bound).
//
// Thread safety: a packed PackedB is immutable; Gemm is reentrant.
#ifndef LOGSIEVE_EMBED_BERT_GEMM_H_
#define LOGSIEVE_EMBED_BERT_GEMM_H_

#include <cstddef>
#include <vector>

namespace logsieve::bert {

class PackedB {
 public:
  static constexpr size_t kPanel = 32;  // columns per panel

  PackedB() = default;
  PackedB(PackedB&&) = default;
  PackedB& operator=(PackedB&&) = default;
  PackedB(const PackedB&) = delete;
  PackedB& operator=(const PackedB&) = delete;

  // B[kk][j] = b[j * ldb + kk]: an [n, k] row-major matrix used transposed
  // (torch Linear weights [out, in]; attention keys [tokens, head_dim]).
  void PackTransposed(const float* b, size_t n, size_t k, size_t ldb);
  // B[kk][j] = b[kk * ldb + j]: a [k, n] row-major matrix (attention values).
  void Pack(const float* b, size_t k, size_t n, size_t ldb);

  size_t k() const { return k_; }
  size_t n() const { return n_; }
  size_t panels() const { return (n_ + kPanel - 1) / kPanel; }
  // Panel p: k rows of 32 floats.
  const float* panel(size_t p) const { return data_ + p * k_ * kPanel; }
  float at(size_t kk, size_t j) const { return panel(j / kPanel)[kk * kPanel + j % kPanel]; }

 private:
  float* Reserve(size_t k, size_t n);  // grows only: repacking a smaller B allocates nothing

  std::vector<float> storage_;
  float* data_ = nullptr;  // storage_ rounded up to 64 bytes
  size_t k_ = 0, n_ = 0;
};

// True when this CPU runs the AVX-512 kernel (else Gemm uses GemmPortable).
bool CpuHasAvx512();

// C = alpha * A B + bias (bias: n floats, or null). REQUIRES: A has b.k()
// columns, C has room for b.n() columns; C must not overlap A.
void Gemm(const float* a, size_t m, size_t lda, const PackedB& b, float alpha, const float* bias,
          float* c, size_t ldc);
// The same blocking with a plain C++ kernel (what CPUs without AVX-512 run).
void GemmPortable(const float* a, size_t m, size_t lda, const PackedB& b, float alpha,
                  const float* bias, float* c, size_t ldc);
// Textbook triple loop in double.
void Gemm_ref(const float* a, size_t m, size_t lda, const PackedB& b, float alpha,
              const float* bias, float* c, size_t ldc);

}  // namespace logsieve::bert

#endif  // LOGSIEVE_EMBED_BERT_GEMM_H_

// The transformer's non-GEMM operations on row-major float matrices (biases
// are added by the GEMMs themselves).
//
// Each fast kernel has a scalar `_ref` twin that computes the textbook formula
// (in double where it matters); kernels_test.cc compares them with the
// tolerance written next to each test. The fast versions are plain loops the
// compiler vectorises (AVX-512 / AVX2 clones chosen at run time), with
// polynomial exp and erf accurate to a few float ulps.
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_EMBED_BERT_KERNELS_H_
#define LOGSIEVE_EMBED_BERT_KERNELS_H_

#include <cstddef>

namespace logsieve::bert::kernels {

// x[r] = LayerNorm(x[r] + bias + residual[r]) * gamma + beta, biased variance,
// as torch.nn.LayerNorm. `bias` and `residual` may be null.
void AddLayerNorm(float* x, const float* bias, const float* residual, const float* gamma,
                  const float* beta, float eps, size_t rows, size_t cols);
void AddLayerNorm_ref(float* x, const float* bias, const float* residual, const float* gamma,
                      const float* beta, float eps, size_t rows, size_t cols);

// x = gelu(x) over n values, the exact (erf) GELU: 0.5 x (1 + erf(x / sqrt 2)).
void Gelu(float* x, size_t n);
void Gelu_ref(float* x, size_t n);

// Each row: x = softmax(x) (max-subtracted). AVX-512 with masked tails when
// the CPU has it, else the plain loops of SoftmaxRowsPortable.
void SoftmaxRows(float* x, size_t rows, size_t cols);
void SoftmaxRowsPortable(float* x, size_t rows, size_t cols);
void SoftmaxRows_ref(float* x, size_t rows, size_t cols);

// out = mean of the `rows` rows of x (cols wide).
void MeanRows(const float* x, size_t rows, size_t cols, float* out);
void MeanRows_ref(const float* x, size_t rows, size_t cols, float* out);

// x /= max(||x||_2, 1e-12), as torch.nn.functional.normalize.
void L2Normalize(float* x, size_t n);

// The scalar approximations the fast kernels use (exposed for tests).
float FastExp(float x);
float FastErf(float x);

}  // namespace logsieve::bert::kernels

#endif  // LOGSIEVE_EMBED_BERT_KERNELS_H_

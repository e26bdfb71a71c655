// The x86 vector intrinsics for the encoder's kernels, compiled per function:
// the build targets baseline x86-64, and each kernel that needs more says so
// with one of these attributes and is only called after a CPU check
// (CpuHasAvx512, CpuHasVnni, CpuHasAmx).
//
//   LOGSIEVE_AVX512 void Kernel(...);   // AVX-512F
//   LOGSIEVE_VNNI   void Kernel(...);   // + BW, VNNI (vpdpbusd)
//   LOGSIEVE_AMX    void Kernel(...);   // + AMX-TILE, AMX-INT8 (tdpbusd)
//
// For .cc files only: it switches off two GCC warnings for the whole file.
#ifndef LOGSIEVE_EMBED_BERT_X86_SIMD_H_
#define LOGSIEVE_EMBED_BERT_X86_SIMD_H_

#if defined(__x86_64__)
// GCC 12's avx512fintrin.h trips -Wuninitialized in its own setzero helpers.
#if !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
#include <immintrin.h>
#define LOGSIEVE_AVX512 __attribute__((target("avx512f")))
#define LOGSIEVE_VNNI __attribute__((target("avx512f,avx512bw,avx512vnni")))
#define LOGSIEVE_AMX __attribute__((target("avx512f,avx512bw,amx-tile,amx-int8")))
#endif

#endif  // LOGSIEVE_EMBED_BERT_X86_SIMD_H_

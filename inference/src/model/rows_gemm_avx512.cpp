// AVX-512 kernel of rowsTimesWeightT; this file is compiled with -mavx512f (x86-64 only).
#include "model/rows_gemm_kernel.h"

// GCC 12's _mm512_reduce_add_ps passes an undefined vector on purpose (-Wmaybe-uninitialized).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

namespace vistag::inference::model::kernels {
namespace {

struct Vec {
    using T = __m512;
    static constexpr int width = 16;
    static constexpr int registers = 32;
    static T zero() { return _mm512_setzero_ps(); }
    static T load(const float* p) { return _mm512_loadu_ps(p); }
    static T loadTail(const float* p, int n) {
        return _mm512_maskz_loadu_ps(static_cast<__mmask16>((1u << n) - 1), p);
    }
    static T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
    static float sum(T a) { return _mm512_reduce_add_ps(a); }
};

}  // namespace

#include "model/rows_gemm_kernel.inc"

void rowsDotAvx512(const float* x, int64_t R, int64_t K, const float* w, int64_t v0, int64_t v1,
                   int64_t ldo, float* out) {
    rowsDot(x, R, K, w, v0, v1, ldo, out);
}

}  // namespace vistag::inference::model::kernels

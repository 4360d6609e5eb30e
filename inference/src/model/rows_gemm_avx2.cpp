// AVX2 + FMA kernel of rowsTimesWeightT; this file is compiled with -mavx2 -mfma (x86-64 only).
#include "model/rows_gemm_kernel.h"

#include <immintrin.h>

namespace vistag::inference::model::kernels {
namespace {

struct Vec {
    using T = __m256;
    static constexpr int width = 8;
    static constexpr int registers = 16;
    static T zero() { return _mm256_setzero_ps(); }
    static T load(const float* p) { return _mm256_loadu_ps(p); }
    static T loadTail(const float* p, int n) {
        alignas(32) static constexpr int lanes[16] = {-1, -1, -1, -1, -1, -1, -1, -1,
                                                      0,  0,  0,  0,  0,  0,  0,  0};
        return _mm256_maskload_ps(
            p, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(lanes + 8 - n)));
    }
    static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
    static float sum(T a) {
        __m128 s = _mm_add_ps(_mm256_castps256_ps128(a), _mm256_extractf128_ps(a, 1));
        s = _mm_add_ps(s, _mm_movehl_ps(s, s));
        s = _mm_add_ss(s, _mm_movehdup_ps(s));
        return _mm_cvtss_f32(s);
    }
};

}  // namespace

#include "model/rows_gemm_kernel.inc"

void rowsDotAvx2(const float* x, int64_t R, int64_t K, const float* w, int64_t v0, int64_t v1,
                 int64_t ldo, float* out) {
    rowsDot(x, R, K, w, v0, v1, ldo, out);
}

}  // namespace vistag::inference::model::kernels

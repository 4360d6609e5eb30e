// The inner loops of rowsTimesWeightT (rows_gemm.h), one translation unit per instruction set
// (compiled with that set enabled; chosen at run time). Torch-free, so they build without the
// precompiled ATen header, whose flags differ.
#pragma once

#include <cstdint>

namespace vistag::inference::model::kernels {

// out[r * ldo + v] = dot(x[r * K ...], w[v * K ...]) for r < R, v0 <= v < v1; W has ldo columns
// (rows of length K), and columns past v1 are prefetched.
void rowsDotAvx512(const float* x, int64_t R, int64_t K, const float* w, int64_t v0, int64_t v1,
                   int64_t ldo, float* out);
void rowsDotAvx2(const float* x, int64_t R, int64_t K, const float* w, int64_t v0, int64_t v1,
                 int64_t ldo, float* out);

}  // namespace vistag::inference::model::kernels

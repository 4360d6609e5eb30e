// Compiled with OpenMP (-fopenmp) so at::parallel_for spreads the blocks over torch's own
// intra-op threads; see inference/CMakeLists.txt.
#include "model/rows_gemm.h"

#include "model/rows_gemm_kernel.h"

#include <ATen/Parallel.h>

namespace vistag::inference::model {
namespace {

using Kernel = void (*)(const float*, int64_t, int64_t, const float*, int64_t, int64_t, int64_t,
                        float*);

Kernel pickKernel() {
#if defined(VISTAG_ROWS_GEMM_X86) && defined(_OPENMP)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f"))
        return kernels::rowsDotAvx512;
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return kernels::rowsDotAvx2;
#endif
    return nullptr;
}

}  // namespace

std::optional<at::Tensor> rowsTimesWeightT(const at::Tensor& x, const at::Tensor& w) {
    static const Kernel kernel = pickKernel();
    if (!kernel || !x.device().is_cpu() || !w.device().is_cpu() || x.dim() != 2 || w.dim() != 2 ||
        x.scalar_type() != at::kFloat || w.scalar_type() != at::kFloat || x.size(1) != w.size(1) ||
        !w.is_contiguous())
        return std::nullopt;
    const at::Tensor xc = x.contiguous();
    const int64_t R = xc.size(0), K = xc.size(1), N = w.size(0);
    at::Tensor out = at::empty({R, N}, xc.options());
    const float* xp = xc.data_ptr<float>();
    const float* wp = w.data_ptr<float>();
    float* op = out.data_ptr<float>();
    // Blocks of W small enough to stay in L2 while every row group passes over them.
    const int64_t block = std::max<int64_t>(16, (128 * 1024) / (K * 4) / 2 * 2);
    at::parallel_for(0, (N + block - 1) / block, 1, [&](int64_t b0, int64_t b1) {
        for (int64_t b = b0; b < b1; ++b)
            kernel(xp, R, K, wp, b * block, std::min(N, (b + 1) * block), N, op);
    });
    return out;
}

}  // namespace vistag::inference::model

// Benchmark (not a test): logits of R rows against a [vocab, hidden] float32 output projection on
// the CPU — rowsTimesWeightT beside at::linear (what one row uses) and at::mm against a transposed
// copy (what the batch used before). Prints milliseconds per call and the ratio.
//   bench_logits_rows [--vocab 151936] [--hidden 512] [--threads 2]
#include <ATen/ATen.h>
#include <ATen/Parallel.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "model/rows_gemm.h"

namespace {

template <class F>
double msPerCall(F f) {
    f();
    int n = 0;
    const auto start = std::chrono::steady_clock::now();
    double ms = 0;
    while (n < 5 || ms < 500) {
        f();
        ++n;
        ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                 .count();
    }
    return ms / n;
}

}  // namespace

int main(int argc, char** argv) {
    int64_t vocab = 151936, hidden = 512;
    int threads = 2;
    for (int i = 1; i + 1 < argc; i += 2) {
        if (!std::strcmp(argv[i], "--vocab"))
            vocab = std::atoll(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--hidden"))
            hidden = std::atoll(argv[i + 1]);
        else if (!std::strcmp(argv[i], "--threads"))
            threads = std::atoi(argv[i + 1]);
    }
    at::set_num_threads(threads);
    at::manual_seed(0);
    const at::Tensor w = at::randn({vocab, hidden});
    const at::Tensor wt = w.t().contiguous();
    if (!vistag::inference::model::rowsTimesWeightT(at::randn({2, hidden}), w)) {
        std::printf("rowsTimesWeightT is not available on this machine or build\n");
        return 1;
    }
    std::printf("W [%lld, %lld] float32, %d threads; ms per call\n", static_cast<long long>(vocab),
                static_cast<long long>(hidden), threads);
    std::printf("rows   kernel   at::linear   mm(transposed)   linear/kernel\n");
    for (int64_t R : {1, 2, 4, 8, 16, 32, 64}) {
        const at::Tensor x = at::randn({R, hidden});
        const double k = msPerCall([&] { vistag::inference::model::rowsTimesWeightT(x, w); });
        const double l = msPerCall([&] { at::linear(x, w); });
        const double t = msPerCall([&] { at::mm(x, wt); });
        std::printf("%4lld %8.1f %12.1f %16.1f %14.2fx\n", static_cast<long long>(R), k, l, t,
                    l / k);
    }
    return 0;
}

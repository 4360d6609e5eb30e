#include "vistag/inference/build_info.h"

#include <ATen/Parallel.h>
#include <ATen/cuda/CUDAContext.h>
#include <ATen/detail/CUDAHooksInterface.h>
#include <torch/version.h>

namespace vistag::inference {

BuildInfo buildInfo() {
    BuildInfo info;
    info.torchVersion = TORCH_VERSION;
    const auto& hooks = at::detail::getCUDAHooks();
    info.cudaCompiled = hooks.hasCUDART();
    if (info.cudaCompiled) {
        const long v = hooks.versionCUDART();  // e.g. 12080 → "12.8"
        info.cudaVersion = std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10);
    }
    try {
        info.cudaAvailable = hooks.hasCUDA();
        info.cudaDeviceCount = info.cudaAvailable ? hooks.getNumGPUs() : 0;
        if (info.cudaAvailable)
            info.gpuName = at::cuda::getDeviceProperties(0)->name;
    } catch (const std::exception&) {
        info.cudaAvailable = false;  // a broken driver is "no GPU", never a crash
    }
    info.cpuThreads = at::get_num_threads();
    return info;
}

}  // namespace vistag::inference

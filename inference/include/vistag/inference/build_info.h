// What the engine was built with and what it finds at run time.
#pragma once

#include <string>

namespace vistag::inference {

struct BuildInfo {
    bool localEngine = true;     // false in a build without libtorch: it talks to servers only
    std::string torchVersion;    // libtorch version, e.g. "2.14.1"
    bool cudaCompiled = false;   // libtorch_cuda is linked and its hooks are registered
    std::string cudaVersion;     // CUDA runtime version libtorch was built against ("" if none)
    bool cudaAvailable = false;  // a usable GPU was found at run time
    int cudaDeviceCount = 0;
    std::string gpuName;  // first GPU's name, if any
    int cpuThreads = 0;   // intra-op threads libtorch uses on the CPU
};

BuildInfo buildInfo();

}  // namespace vistag::inference

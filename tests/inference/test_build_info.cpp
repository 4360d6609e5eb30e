#include <gtest/gtest.h>

#include "vistag/inference/build_info.h"
#include "vistag/inference/status.h"

using namespace vistag::inference;

TEST(BuildInfo, ReportsLibtorchWithCudaCompiledIn) {
    const BuildInfo info = buildInfo();
    EXPECT_FALSE(info.torchVersion.empty());
    // The torch wheel is a CUDA build and we link libtorch_cuda: its hooks must be registered
    // even on a machine without a GPU.
    EXPECT_TRUE(info.cudaCompiled);
    EXPECT_FALSE(info.cudaVersion.empty());
    EXPECT_GE(info.cpuThreads, 1);
    if (!info.cudaAvailable) {
        EXPECT_EQ(info.cudaDeviceCount, 0);
    }
}

TEST(Status, CarriesCodeAndMessage) {
    Status ok;
    EXPECT_TRUE(ok.isOk());
    Status bad(ErrorCode::Weights, "model.safetensors: truncated");
    EXPECT_FALSE(bad.isOk());
    EXPECT_EQ(bad.exitCode(), 4);
    EXPECT_EQ(bad.message(), "model.safetensors: truncated");
    Expected<int> e = Status(ErrorCode::Image, "x.png: not an image");
    EXPECT_FALSE(e.hasValue());
    EXPECT_EQ(e.error().code(), ErrorCode::Image);
    Expected<int> v = 7;
    ASSERT_TRUE(v.hasValue());
    EXPECT_EQ(*v, 7);
}

// The Qwen3-VL vision encoder: patch embedding, interpolated learned position embedding, 2-D
// rotary attention within each image, the patch merger and the deepstack mergers.
#pragma once

#include <ATen/ATen.h>

#include <array>
#include <vector>

#include "model/dims.h"
#include "model/weights.h"

namespace vistag::inference::model {

struct GridTHW {
    int64_t t = 1, h = 0, w = 0;  // in patches (before merging)
    int64_t patches() const { return t * h * w; }
};

struct VisionOutput {
    at::Tensor embeds;                  // [sum(t*h*w)/merge^2, outHidden]
    std::vector<at::Tensor> deepstack;  // one per deepstack index, same shape as embeds
};

class VisionEncoder {
public:
    VisionEncoder(const VisionDims& dims, const TensorMap& w) : d_(dims), w_(w) {}

    // pixelValues: [N_patches, C*T*P*P] float32 rows in the processor's patch order.
    VisionOutput forward(const at::Tensor& pixelValues, const std::vector<GridTHW>& grids) const;

private:
    at::Tensor positionEmbedding(const std::vector<GridTHW>& grids, at::ScalarType dtype,
                                 const at::Device& device) const;
    std::array<at::Tensor, 2> rotary(const std::vector<GridTHW>& grids,
                                     const at::Device& device) const;
    at::Tensor block(int64_t i, const at::Tensor& x, const std::array<at::Tensor, 2>& cosSin,
                     const std::vector<int64_t>& segments) const;
    at::Tensor merger(const std::string& prefix, const at::Tensor& x, bool postShuffleNorm) const;

    VisionDims d_;
    const TensorMap& w_;
};

}  // namespace vistag::inference::model

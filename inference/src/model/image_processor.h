// Qwen2-VL-style image preprocessing as transformers' default (torchvision) processor does it on
// the CPU: smart_resize, antialiased bicubic resize on uint8, fused rescale+normalise, temporal
// duplication and the merge-block patch order.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "model/vision.h"
#include "vistag/inference/image.h"

namespace vistag::inference::model {

struct ImageProcessorSettings {
    int64_t minPixels = 65536;
    int64_t maxPixels = 16777216;
    int64_t patch = 16;
    int64_t temporalPatch = 2;
    int64_t merge = 2;
    double mean[3] = {0.5, 0.5, 0.5};
    double std[3] = {0.5, 0.5, 0.5};
    double rescale = 1.0 / 255.0;
    bool doResize = true;
    bool doRescale = true;
    bool doNormalize = true;
};

struct ProcessedImages {
    at::Tensor pixelValues;  // [sum patches, C*T*P*P] float32
    std::vector<GridTHW> grids;
};

// Returns false with *error (naming the image) for an image that cannot be processed.
bool preprocessImages(const std::vector<const RgbImage*>& images, const ImageProcessorSettings& s,
                      ProcessedImages* out, std::string* error);

}  // namespace vistag::inference::model

// Reading a Hugging Face model folder into what the forward pass needs: typed configs turned into
// model dimensions, processor settings and sampling defaults, and verified weights as tensors.
#pragma once

#include <ATen/ATen.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/dims.h"
#include "model/image_processor.h"
#include "model/weights.h"
#include "vistag/inference/model_config.h"
#include "vistag/inference/sampling.h"
#include "vistag/inference/status.h"

namespace vistag::inference {
class WeightStore;
}

namespace vistag::inference::model {

struct FolderConfigs {
    ModelConfig model;  // config.json as read
    ModelDims dims;
    ImageProcessorSettings image;
    SamplingParams sampling;  // generation_config defaults
    std::vector<int32_t> eosIds;
    int64_t maxPositions = 0;
};

Expected<FolderConfigs> readFolderConfigs(const std::string& folder);

struct LoadedWeights {
    std::shared_ptr<WeightStore> store;  // keeps the memory maps alive for zero-copy tensors
    TensorMap tensors;
    int64_t parameters = 0;
    uint64_t bytesOnDisk = 0;
};

// Opens and verifies the safetensors files, then makes every tensor available in `dtype` on
// `device` (no copy where the file already has that dtype and the device is the CPU).
// `progress(fraction)` returning false cancels.
Expected<std::shared_ptr<LoadedWeights>> loadWeights(const std::string& folder,
                                                     const ModelConfig& config,
                                                     at::ScalarType dtype, const at::Device& device,
                                                     const std::function<bool(double)>& progress);

}  // namespace vistag::inference::model

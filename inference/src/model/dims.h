// The numbers the Qwen3-VL forward pass needs, filled from the typed model config.
#pragma once

#include <cstdint>
#include <vector>

namespace vistag::inference::model {

struct VisionDims {
    int64_t depth = 0;
    int64_t hidden = 0;  // D
    int64_t heads = 0;
    int64_t intermediate = 0;
    int64_t outHidden = 0;              // = text hidden
    int64_t numPositionEmbeddings = 0;  // G*G
    int64_t patch = 16;
    int64_t temporalPatch = 2;
    int64_t merge = 2;
    int64_t inChannels = 3;
    double ropeTheta = 10000.0;
    std::vector<int64_t> deepstackIndexes;
    bool tanhGelu = true;  // hidden_act gelu_pytorch_tanh (else exact erf GELU)
    int64_t headDim() const { return hidden / heads; }
    int64_t gridSide() const;  // sqrt(numPositionEmbeddings)
};

struct TextDims {
    int64_t vocab = 0;
    int64_t hidden = 0;
    int64_t intermediate = 0;
    int64_t layers = 0;
    int64_t heads = 0;
    int64_t kvHeads = 0;
    int64_t headDim = 0;
    double rmsEps = 1e-6;
    double ropeTheta = 5e6;
    std::vector<int64_t> mropeSection{24, 20, 20};
    bool tied = true;
};

struct ModelDims {
    TextDims text;
    VisionDims vision;
    int64_t imageTokenId = 151655;
    int64_t videoTokenId = 151656;
    int64_t visionStartTokenId = 151652;
    int64_t visionEndTokenId = 151653;
};

}  // namespace vistag::inference::model

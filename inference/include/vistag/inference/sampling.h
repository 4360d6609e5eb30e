// How the next token is chosen.
#pragma once

#include <cstdint>

namespace vistag::inference {

struct SamplingParams {
    int32_t maxNewTokens = 256;
    float temperature = 0.0f;        // 0 = greedy
    float topP = 1.0f;               // 1 = off
    int32_t topK = 0;                // 0 = off
    float repetitionPenalty = 1.0f;  // transformers' definition, over prompt and output
    float presencePenalty = 0.0f;    // subtracted once from every token already generated
    uint64_t seed = 0;
};

}  // namespace vistag::inference

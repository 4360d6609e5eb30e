// Greedy and sampled next-token choice, in transformers' order: repetition penalty, temperature,
// top-k, top-p, then a draw from a seeded generator.
#pragma once

#include <ATen/ATen.h>

#include <vector>

#include "vistag/inference/sampling.h"

namespace vistag::inference::model {

class Sampler {
public:
    explicit Sampler(const SamplingParams& p);
    // Greedy without penalties: the choice is the argmax, made where the logits are.
    static bool plainGreedy(const SamplingParams& p) {
        return p.temperature <= 0.0f && p.repetitionPenalty == 1.0f && p.presencePenalty == 0.0f;
    }
    // logits: [vocab] float32 (any device). `context` = prompt + generated ids so far,
    // `generatedStart` = where the generated part begins.
    int64_t next(at::Tensor logits, const std::vector<int32_t>& context, size_t generatedStart);
    // Probability of `token` under the distribution the last call drew from.
    float lastProbability(int64_t token) const;
    // The distribution next() draws from for these logits (float32 [vocab] on the CPU): the
    // penalties, then temperature, top-k and top-p, softmaxed; with temperature 0 the softmax of
    // the penalised logits. For parity tests against transformers' logits processors.
    at::Tensor distribution(const at::Tensor& logits, const std::vector<int32_t>& context,
                            size_t generatedStart) const;

private:
    // Penalties, then (temperature > 0) temperature, top-k and top-p: processed logits.
    at::Tensor process(at::Tensor logits, const std::vector<int32_t>& context,
                       size_t generatedStart) const;

    SamplingParams p_;
    at::Generator gen_;
    at::Tensor lastProbs_;
    int64_t greedyId_ = -1;  // plain greedy: the chosen id and its probability, no full softmax
    float greedyProb_ = 0.0f;
};

}  // namespace vistag::inference::model

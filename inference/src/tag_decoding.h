// The engine side of taxonomy-constrained decoding (vistag/inference/tag_constraint.h): per
// sequence, a TagMatcher, the forced tokens waiting to be appended, and the masked choice of the
// next token. Shared by the one-sequence path and the batch.
#pragma once

#include <ATen/ATen.h>

#include <deque>
#include <vector>

#include "model/sampler.h"
#include "vistag/inference/tag_constraint.h"

namespace vistag::inference {

class TagDecoding {
public:
    explicit TagDecoding(TagMatcher matcher) : m_(std::move(matcher)) {}

    // The next token for a sequence whose logits ([vocab] float32, any device) are `logits`:
    // a forced token when the continuation is determined (no sampling; *prob = 1, *forced =
    // true), else the sampler's choice among the tokens the matcher allows, with the unmasked
    // distribution handed to the matcher for confidence. `logits` may be undefined when the
    // caller knows a forced token is next (hasForced()).
    int64_t choose(const at::Tensor& logits, model::Sampler& sampler,
                   const std::vector<int32_t>& context, size_t generatedStart, float* prob,
                   bool* forced);
    // A forced token is waiting (computed lazily after each accepted token).
    bool hasForced();
    bool isDone() const { return m_.isDone(); }
    // The tags once the JSON is complete, else the reason it is not.
    Expected<TagResult> result() const { return m_.result(); }

private:
    void refill();

    TagMatcher m_;
    std::deque<int32_t> forced_;
    bool refilled_ = false;  // forced_ reflects the matcher's current state
    std::vector<uint32_t> bits_;
};

}  // namespace vistag::inference

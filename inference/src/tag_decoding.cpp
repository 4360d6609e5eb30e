#include "tag_decoding.h"

#include <limits>
#include <stdexcept>

namespace vistag::inference {

void TagDecoding::refill() {
    if (refilled_)
        return;
    const std::vector<int32_t> f = m_.forcedTokens();
    forced_.assign(f.begin(), f.end());
    refilled_ = true;
}

bool TagDecoding::hasForced() {
    if (forced_.empty())
        refilled_ = false;
    refill();
    return !forced_.empty();
}

int64_t TagDecoding::choose(const at::Tensor& logits, model::Sampler& sampler,
                            const std::vector<int32_t>& context, size_t generatedStart, float* prob,
                            bool* forced) {
    if (hasForced()) {
        const int32_t t = forced_.front();
        forced_.pop_front();
        if (!m_.accept(t))
            throw std::logic_error("the tag grammar refused its own forced token");
        *prob = 1.0f;
        *forced = true;
        return t;
    }
    *forced = false;
    const int64_t width = logits.size(0);
    bits_.assign(static_cast<size_t>((width + 31) / 32), 0u);
    m_.fillMask(bits_.data());
    at::Tensor allowed = at::empty({width}, at::kBool);
    bool* a = allowed.data_ptr<bool>();
    for (int64_t i = 0; i < width; ++i)
        a[i] = (bits_[static_cast<size_t>(i >> 5)] >> (i & 31)) & 1u;
    // The model's own distribution (penalties, temperature, top-k/p as the request asks), for the
    // confidence of the value this step helps to choose.
    const at::Tensor before =
        sampler.distribution(logits, context, generatedStart).to(at::kFloat).contiguous();
    const at::Tensor masked = logits.to(at::kFloat)
                                  .masked_fill(allowed.logical_not().to(logits.device()),
                                               -std::numeric_limits<float>::infinity());
    const int64_t next = sampler.next(masked, context, generatedStart);
    *prob = sampler.lastProbability(next);
    // The sequence is emptied by the mask only if the grammar has no way on, which it rules out;
    // a refused token here is a bug, not bad input.
    if (!m_.accept(static_cast<int32_t>(next), before.data_ptr<float>()))
        throw std::logic_error("the sampler chose a token the tag grammar does not allow");
    forced_.clear();
    refilled_ = false;
    return next;
}

}  // namespace vistag::inference

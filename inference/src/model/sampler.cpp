#include "model/sampler.h"

#include <ATen/CPUGeneratorImpl.h>

#include <limits>

namespace vistag::inference::model {

Sampler::Sampler(const SamplingParams& p) : p_(p), gen_(at::detail::createCPUGenerator(p.seed)) {}

int64_t Sampler::next(at::Tensor logits, const std::vector<int32_t>& context,
                      size_t generatedStart) {
    greedyId_ = -1;
    if (plainGreedy(p_)) {
        // Plain greedy: argmax and its probability where the logits are (on a GPU no copy of the
        // whole vocabulary to the host), then two numbers cross over.
        at::Tensor l = logits.to(at::kFloat);
        at::Tensor id = l.argmax();
        at::Tensor prob = at::exp(l.index_select(0, id.view({1})) - at::logsumexp(l, 0));
        at::Tensor both =
            at::cat({id.view({1}).to(at::kDouble), prob.to(at::kDouble)}).to(at::kCPU);
        greedyId_ = static_cast<int64_t>(both[0].item<double>());
        greedyProb_ = static_cast<float>(both[1].item<double>());
        lastProbs_ = at::Tensor();
        return greedyId_;
    }
    at::Tensor processed = process(logits, context, generatedStart);
    lastProbs_ = at::softmax(processed, -1);
    if (p_.temperature <= 0.0f)
        return processed.argmax().item<int64_t>();
    return at::multinomial(lastProbs_, 1, false, gen_).item<int64_t>();
}

at::Tensor Sampler::process(at::Tensor logits, const std::vector<int32_t>& context,
                            size_t generatedStart) const {
    logits = logits.to(at::kFloat).to(at::kCPU).clone();
    float* s = logits.data_ptr<float>();
    const int64_t vocab = logits.numel();
    if (p_.repetitionPenalty != 1.0f) {
        std::vector<char> seen(vocab, 0);
        for (int32_t id : context)
            if (id >= 0 && id < vocab)
                seen[id] = 1;
        for (int64_t i = 0; i < vocab; ++i)
            if (seen[i])
                s[i] = s[i] < 0 ? s[i] * p_.repetitionPenalty : s[i] / p_.repetitionPenalty;
    }
    if (p_.presencePenalty != 0.0f) {
        std::vector<char> seen(vocab, 0);
        for (size_t k = generatedStart; k < context.size(); ++k)
            if (context[k] >= 0 && context[k] < vocab)
                seen[context[k]] = 1;
        for (int64_t i = 0; i < vocab; ++i)
            if (seen[i])
                s[i] -= p_.presencePenalty;
    }
    if (p_.temperature <= 0.0f)
        return logits;
    logits = logits / p_.temperature;
    const float ninf = -std::numeric_limits<float>::infinity();
    if (p_.topK > 0 && p_.topK < vocab) {
        at::Tensor kth = std::get<0>(at::topk(logits, p_.topK)).select(0, p_.topK - 1);
        logits = logits.masked_fill(logits < kth, ninf);
    }
    if (p_.topP < 1.0f) {
        auto [sorted, order] = at::sort(logits, /*dim=*/0, /*descending=*/false);
        at::Tensor cum = at::softmax(sorted, -1).cumsum(-1);
        at::Tensor remove = cum <= (1.0f - p_.topP);
        remove.select(0, vocab - 1).fill_(false);  // keep at least one
        logits = logits.scatter(0, order, sorted.masked_fill(remove, ninf));
    }
    return logits;
}

at::Tensor Sampler::distribution(const at::Tensor& logits, const std::vector<int32_t>& context,
                                 size_t generatedStart) const {
    return at::softmax(process(logits, context, generatedStart), -1);
}

float Sampler::lastProbability(int64_t token) const {
    if (greedyId_ >= 0)
        return token == greedyId_ ? greedyProb_ : 0.0f;
    if (!lastProbs_.defined() || token < 0 || token >= lastProbs_.numel())
        return 0.0f;
    return lastProbs_[token].item<float>();
}

}  // namespace vistag::inference::model

// vistag-sampler-dump: the sampler's processed distribution for given logits, for
// tests/parity/test_sampler_parity.py to compare with transformers' logits processors.
// stdin: {"cases": [{"logits": [...], "context": [...], "generated_start": N,
//                    "temperature": T, "top_k": K, "top_p": P, "repetition_penalty": R,
//                    "presence_penalty": Q}, ...]}
// stdout: {"probs": [[...], ...]} (float32 values as numbers).
#include <cstdio>
#include <iostream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "model/sampler.h"

using json = nlohmann::json;
using namespace vistag::inference;

int main() {
    const std::string in{std::istreambuf_iterator<char>(std::cin), {}};
    json req = json::parse(in, nullptr, /*allow_exceptions=*/false);
    if (req.is_discarded() || !req.contains("cases")) {
        std::cerr << "vistag-sampler-dump: expected {\"cases\": [...]} on stdin\n";
        return 2;
    }
    json out = {{"probs", json::array()}};
    for (const json& c : req["cases"]) {
        SamplingParams p;
        p.temperature = c.value("temperature", 0.0f);
        p.topK = c.value("top_k", 0);
        p.topP = c.value("top_p", 1.0f);
        p.repetitionPenalty = c.value("repetition_penalty", 1.0f);
        p.presencePenalty = c.value("presence_penalty", 0.0f);
        const auto logits = c.at("logits").get<std::vector<float>>();
        const auto context = c.at("context").get<std::vector<int32_t>>();
        const size_t start = c.value("generated_start", context.size());
        model::Sampler sampler(p);
        at::Tensor l = at::tensor(logits, at::kFloat);
        at::Tensor probs = sampler.distribution(l, context, start).contiguous();
        const float* d = probs.data_ptr<float>();
        out["probs"].push_back(std::vector<float>(d, d + probs.numel()));
    }
    std::cout << out.dump() << "\n";
    return 0;
}

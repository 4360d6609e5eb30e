#include "model/decode_graph.h"

#include <ATen/cuda/CUDAGraph.h>

#include <cstdlib>
#include <string>

#include "model/graph_capture.h"

namespace vistag::inference::model {

struct DecodeRunner::Graph {
    at::cuda::CUDAGraph graph;
    at::Tensor logits;  // output written by every replay
};

DecodeRunner::DecodeRunner() = default;
DecodeRunner::~DecodeRunner() = default;

DecodeRunner::Mode DecodeRunner::modeFor(const at::Device& device) {
    const char* env = std::getenv("VISTAG_DECODE");
    const std::string want = env ? env : "";
    if (want == "eager")
        return Mode::Eager;
    if (want == "static")
        return Mode::Static;
    if (want == "graph" && device.is_cuda())
        return Mode::Graph;
    return device.is_cuda() ? Mode::Graph : Mode::Eager;
}

int64_t DecodeRunner::bucketFor(int64_t keys, int64_t capacity) const {
    // Powers of two from 256: a handful of graphs cover any length, and attending to at most
    // twice the live keys costs little next to reading the weights.
    int64_t b = 256;
    while (b < keys)
        b *= 2;
    return std::min(b, capacity);
}

void DecodeRunner::ensureInputs(const at::Device& device, int64_t capacity) {
    if (token_.defined() && token_.device() == device && keyIndex_.size(0) >= capacity)
        return;
    graphs_.clear();
    const auto longs = at::TensorOptions().dtype(at::kLong).device(device);
    token_ = at::zeros({1}, longs);
    position_ = at::zeros({1}, longs);
    slot_ = at::zeros({1}, longs);
    keyIndex_ = at::arange(capacity, longs);
}

at::Tensor DecodeRunner::step(const TextDecoder& text, KVCache& cache, int64_t token,
                              int64_t position, const at::Device& device) {
    if (!modeSet_) {
        mode_ = modeFor(device);
        modeSet_ = true;
    }
    const int64_t slot = cache.length();
    if (mode_ == Mode::Eager) {
        at::Tensor pos = at::full({3, 1}, position, at::kLong);
        at::Tensor ids = at::full({1}, token, at::kLong);
        at::Tensor h = text.forward(text.embed(ids), pos, cache, nullptr);
        return text.logits(h.select(1, 0)).squeeze(0).to(at::kFloat);
    }

    ensureInputs(device, cache.capacity());
    if (cache.identity() != cacheIdentity_) {  // the cache moved: captured addresses are stale
        graphs_.clear();
        cacheIdentity_ = cache.identity();
    }
    token_.fill_(token);
    position_.fill_(position);
    slot_.fill_(slot);
    const int64_t keys = bucketFor(slot + 1, cache.capacity());
    at::Tensor keyIndex = keyIndex_.narrow(0, 0, keys);

    at::Tensor out;
    if (mode_ == Mode::Static) {
        out = text.decodeStatic(token_, position_, slot_, keyIndex, keys, cache);
    } else {
        auto it = graphs_.find(keys);
        if (it == graphs_.end()) {
            auto g = std::make_unique<Graph>();
            // The warm-up runs are real steps writing this same slot, so they change nothing.
            g->logits = captureStep(g->graph, device, [&] {
                return text.decodeStatic(token_, position_, slot_, keyIndex, keys, cache);
            });
            it = graphs_.emplace(keys, std::move(g)).first;
        }
        it->second->graph.replay();
        out = it->second->logits;
    }
    cache.advance(1);
    return out;
}

}  // namespace vistag::inference::model

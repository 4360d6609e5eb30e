#include "model/batch_decode.h"

#include <ATen/cuda/CUDAGraph.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "model/graph_capture.h"

namespace vistag::inference::model {

struct BatchDecodeRunner::Graph {
    at::cuda::CUDAGraph graph;
    at::Tensor logits;  // written by every replay
};

BatchDecodeRunner::BatchDecodeRunner() = default;
BatchDecodeRunner::~BatchDecodeRunner() = default;

int64_t BatchDecodeRunner::rowBucket(int64_t rows, int64_t slots) {
    static const int64_t kBuckets[] = {1, 2, 4, 8, 16, 24, 32, 48, 64};
    int64_t b = 0;
    for (int64_t k : kBuckets)
        if (k >= rows) {
            b = k;
            break;
        }
    if (b == 0)
        b = (rows + 31) / 32 * 32;
    return std::min(b, std::max<int64_t>(slots, 1));
}

int64_t BatchDecodeRunner::keyBucket(int64_t keys, int64_t length) {
    int64_t b = 256;
    while (b < keys)
        b *= 2;
    return std::min(b, length);
}

void BatchDecodeRunner::ensureInputs(const SlotCache& cache, const at::Device& device) {
    if (!modeSet_) {
        const char* env = std::getenv("VISTAG_DECODE");
        const std::string want = env ? env : "";
        mode_ =
            device.is_cuda() && want != "static" && want != "eager" ? Mode::Graph : Mode::Direct;
        modeSet_ = true;
    }
    if (cache.identity() != cacheIdentity_ || !inputs_.defined() || inputs_.device() != device ||
        inputs_.size(1) < cache.slots() || keyIndex_.size(0) < cache.length()) {
        graphs_.clear();  // captured addresses are stale
        cacheIdentity_ = cache.identity();
        const auto longs = at::TensorOptions().dtype(at::kLong).device(device);
        inputs_ = at::zeros({3, cache.slots()}, longs);
        keyIndex_ = at::arange(cache.length(), longs);
    }
}

at::Tensor BatchDecodeRunner::step(const TextDecoder& text, SlotCache& cache,
                                   const std::vector<int64_t>& tokens,
                                   const std::vector<int64_t>& positions,
                                   const std::vector<int64_t>& writeIndex,
                                   const at::Device& device) {
    ensureInputs(cache, device);
    const auto R = static_cast<int64_t>(tokens.size());
    int64_t maxKey = 0;
    std::vector<int64_t> host;
    host.reserve(3 * R);
    host.insert(host.end(), tokens.begin(), tokens.end());
    host.insert(host.end(), positions.begin(), positions.end());
    host.insert(host.end(), writeIndex.begin(), writeIndex.end());
    for (int64_t w : writeIndex)
        maxKey = std::max(maxKey, w + 1);
    const int64_t keys = keyBucket(maxKey, cache.length());
    // One small host-to-device copy of the step's inputs.
    at::Tensor staged = at::from_blob(host.data(), {3, R}, at::kLong);
    at::Tensor in = inputs_.narrow(1, 0, R);
    in.copy_(device.is_cuda() ? staged.pin_memory().to(device, /*non_blocking=*/true) : staged);
    at::Tensor keyIndex = keyIndex_.narrow(0, 0, keys);
    auto run = [&] {
        return text.decodeBatch(in.select(0, 0), in.select(0, 1), in.select(0, 2), keyIndex, keys,
                                cache);
    };
    if (mode_ == Mode::Direct)
        return run();

    auto it = graphs_.find({R, keys});
    if (it == graphs_.end()) {
        auto g = std::make_unique<Graph>();
        // Warm-up steps write the same cache positions as the captured one, with the same
        // inputs, so they change nothing.
        g->logits = captureStep(g->graph, device, run);
        it = graphs_.emplace(std::make_pair(R, keys), std::move(g)).first;
    }
    it->second->graph.replay();
    return it->second->logits;
}

}  // namespace vistag::inference::model

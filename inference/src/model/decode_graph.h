// The decode step as a replayed CUDA graph. One token through a 28–36-layer decoder is a few
// hundred small kernels; launching them one by one from the host leaves the GPU idle most of the
// time. Captured once per key-length bucket and replayed, the step costs one launch.
//
// Modes (environment VISTAG_DECODE, for A/B measurements and tests):
//   graph  (default on CUDA) capture TextDecoder::decodeStatic per bucket and replay it;
//   static run decodeStatic eagerly (the same arithmetic as the graph, any device);
//   eager  (default on the CPU) TextDecoder::forward on exactly the cached length.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>

#include "model/text.h"

namespace at::cuda {
struct CUDAGraph;
}

namespace vistag::inference::model {

class DecodeRunner {
public:
    enum class Mode { Eager, Static, Graph };
    DecodeRunner();
    ~DecodeRunner();

    // The mode for this device (VISTAG_DECODE, else graph on CUDA and eager on the CPU).
    static Mode modeFor(const at::Device& device);

    // Decodes `token` at cache slot cache.length() with rope position `position`; advances the
    // cache by one and returns float32 logits [vocab] (valid until the next call).
    at::Tensor step(const TextDecoder& text, KVCache& cache, int64_t token, int64_t position,
                    const at::Device& device);

    // Graphs captured so far (for logs and tests).
    size_t graphCount() const { return graphs_.size(); }

private:
    struct Graph;
    int64_t bucketFor(int64_t keys, int64_t capacity) const;
    void ensureInputs(const at::Device& device, int64_t capacity);

    Mode mode_ = Mode::Eager;
    bool modeSet_ = false;
    at::Tensor token_, position_, slot_, keyIndex_;  // static inputs on the device
    const void* cacheIdentity_ = nullptr;
    std::map<int64_t, std::unique_ptr<Graph>> graphs_;
};

}  // namespace vistag::inference::model

// The decode step of the continuous batch: every running sequence advances by one token in one
// forward (TextDecoder::decodeBatch). Row r of the step is slot r of the SlotCache; the engine
// gives new sequences the lowest free slot, so the rows in use stay near the front and the step
// runs over a bucket of rows (padded with idle slots) and a bucket of key positions.
//
// On CUDA each (rows, keys) bucket is captured once as a CUDA graph and replayed, with the
// per-step inputs copied into persistent device tensors first (VISTAG_DECODE=static or eager
// runs the same step without graphs). On the CPU the step runs as it is.
#pragma once

#include <ATen/ATen.h>

#include <map>
#include <memory>
#include <utility>
#include <vector>

#include "model/text.h"

namespace vistag::inference::model {

class BatchDecodeRunner {
public:
    BatchDecodeRunner();
    ~BatchDecodeRunner();

    // Rows padded up to 1, 2, 4, 8, 16, 24, 32, 48, 64, then multiples of 32; never past `slots`.
    static int64_t rowBucket(int64_t rows, int64_t slots);
    // Key positions padded to powers of two from 256; never past `length`.
    static int64_t keyBucket(int64_t keys, int64_t length);

    // tokens/positions/writeIndex have one entry per row (rows = their size, already a bucket);
    // rows without a sequence carry token 0 at position 0, writing their own idle slot. Returns
    // float32 logits [rows, vocab] on the device, valid until the next call.
    at::Tensor step(const TextDecoder& text, SlotCache& cache, const std::vector<int64_t>& tokens,
                    const std::vector<int64_t>& positions, const std::vector<int64_t>& writeIndex,
                    const at::Device& device);

    size_t graphCount() const { return graphs_.size(); }

private:
    struct Graph;
    void ensureInputs(const SlotCache& cache, const at::Device& device);

    enum class Mode { Direct, Graph };
    Mode mode_ = Mode::Direct;
    bool modeSet_ = false;
    at::Tensor inputs_;    // [3, slots] int64 on the device: tokens, positions, write index
    at::Tensor keyIndex_;  // [length] int64 0..length-1 on the device
    const void* cacheIdentity_ = nullptr;
    std::map<std::pair<int64_t, int64_t>, std::unique_ptr<Graph>> graphs_;
};

}  // namespace vistag::inference::model

// The Qwen3 text decoder with a preallocated KV cache: q/k RMSNorm, GQA, SwiGLU, interleaved
// MRoPE and deepstack injection after the first layers.
#pragma once

#include <ATen/ATen.h>

#include <tuple>
#include <vector>

#include "model/dims.h"
#include "model/rope.h"
#include "model/weights.h"

namespace vistag::inference::model {

class KVCache {
public:
    // A cache over buffers owned elsewhere (one slot of a SlotCache): per layer
    // [1, kvHeads, capacity, headDim] views. allocate() must not be called on it.
    static KVCache over(std::vector<at::Tensor> k, std::vector<at::Tensor> v);

    // Allocates room for `capacity` positions for every layer.
    void allocate(const TextDims& d, int64_t capacity, at::ScalarType dtype,
                  const at::Device& device);
    int64_t length() const { return length_; }
    int64_t capacity() const { return capacity_; }
    void reset() { length_ = 0; }
    void advance(int64_t n) { length_ += n; }
    // Changes whenever the buffers are reallocated (captured CUDA graphs hold their addresses).
    const void* identity() const { return k_.empty() ? nullptr : k_[0].data_ptr(); }

private:
    friend class TextDecoder;
    std::vector<at::Tensor> k_, v_;  // per layer [1, kvHeads, capacity, headDim]
    int64_t length_ = 0;
    int64_t capacity_ = 0;
};

// The continuous batch's KV cache: per layer [slots, kvHeads, length, headDim], one slot per
// running sequence, reused after the sequence retires.
class SlotCache {
public:
    void allocate(const TextDims& d, int64_t slots, int64_t length, at::ScalarType dtype,
                  const at::Device& device);
    bool allocated() const { return !k_.empty(); }
    int64_t slots() const { return slots_; }
    int64_t length() const { return length_; }
    uint64_t bytes() const;
    // Bytes one slot of `length` positions takes.
    static uint64_t slotBytes(const TextDims& d, int64_t length, at::ScalarType dtype);
    // Slot `s` as a one-sequence cache (prefill through TextDecoder::forward), length 0.
    KVCache slot(int64_t s) const;
    // Fills slot `s` with `value` (0 before a prefill: masked keys must not hold NaN, which would
    // poison the weighted sum as 0 × NaN; NaN in tests, to show that nothing reads a freed slot).
    void fill(int64_t s, double value);
    const void* identity() const { return k_.empty() ? nullptr : k_[0].data_ptr(); }

private:
    friend class TextDecoder;
    std::vector<at::Tensor> k_, v_;
    int64_t slots_ = 0, length_ = 0, kvHeads_ = 0, headDim_ = 0;
};

struct DeepstackInput {
    at::Tensor visualIndex;            // [Nv] int64 positions of the image tokens in this chunk
    std::vector<at::Tensor> features;  // per layer [Nv, hidden]
};

class TextDecoder {
public:
    TextDecoder(const TextDims& d, const TensorMap& w);

    at::Tensor embed(const at::Tensor& ids) const;  // [L] int64 → [1, L, hidden]

    // x: [1, L, hidden]; positions [3, L]. Appends L positions to the cache and returns the
    // final-norm hidden states [1, L, hidden].
    at::Tensor forward(at::Tensor x, const at::Tensor& positions, KVCache& cache,
                       const DeepstackInput* deepstack) const;

    at::Tensor logits(const at::Tensor& hidden) const;  // [.., hidden] → [.., vocab]

    // One decode step with every per-step value on the device, so that it can be captured in a
    // CUDA graph and replayed: token [1] int64, position [1] int64 (the rope position on all
    // three axes), slot [1] int64 (the cache index written). Attends to the first `keys` cache
    // slots, masking those after `slot`; `keyIndex` is [keys] int64 0..keys-1 on the device.
    // Returns float32 logits [vocab]. Does not advance the cache length.
    at::Tensor decodeStatic(const at::Tensor& token, const at::Tensor& position,
                            const at::Tensor& slot, const at::Tensor& keyIndex, int64_t keys,
                            KVCache& cache) const;

    // One decode step for rows 0..R-1 of a SlotCache (row r = slot r), every input on the device
    // so that it can be captured in a CUDA graph: tokens, positions (rope, all axes) and
    // writeIndex (the cache position written, = the row's length so far) [R] int64. Each row
    // attends to keys 0..writeIndex of its own slot out of the first `keys`; keyIndex is [keys]
    // int64 0..keys-1. Returns float32 logits [R, vocab].
    at::Tensor decodeBatch(const at::Tensor& tokens, const at::Tensor& positions,
                           const at::Tensor& writeIndex, const at::Tensor& keyIndex, int64_t keys,
                           SlotCache& cache) const;

private:
    at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight) const;
    // x [B, L, hidden] → q [B, H, L, hd], k/v [B, KV, L, hd] with q/k norm and rotary applied.
    std::tuple<at::Tensor, at::Tensor, at::Tensor> qkv(int64_t layer, const at::Tensor& x,
                                                       const at::Tensor& cos,
                                                       const at::Tensor& sin) const;
    at::Tensor attention(int64_t layer, const at::Tensor& x, const at::Tensor& cos,
                         const at::Tensor& sin, KVCache& cache) const;
    at::Tensor attentionStatic(int64_t layer, const at::Tensor& x, const at::Tensor& cos,
                               const at::Tensor& sin, const at::Tensor& slot,
                               const at::Tensor& mask, int64_t keys, KVCache& cache) const;
    at::Tensor attentionBatch(int64_t layer, const at::Tensor& x, const at::Tensor& cos,
                              const at::Tensor& sin, const at::Tensor& writeAt,
                              const at::Tensor& mask, int64_t keys, SlotCache& cache) const;
    at::Tensor mlp(int64_t layer, const at::Tensor& x) const;

    // Logits of several rows at once ([R, hidden] → [R, vocab] float32): on the CPU in float32
    // through rowsTimesWeightT for any R (one pass over the output projection for all rows, and
    // a row's bits independent of the others), else at::linear.
    at::Tensor logitsRows(const at::Tensor& hidden) const;

    TextDims d_;
    const TensorMap& w_;
    TextRope rope_;
};

}  // namespace vistag::inference::model

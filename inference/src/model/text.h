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

struct DeepstackInput {
    at::Tensor visualIndex;              // [Nv] int64 positions of the image tokens in this chunk
    std::vector<at::Tensor> features;    // per layer [Nv, hidden]
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

private:
    at::Tensor rmsNorm(const at::Tensor& x, const at::Tensor& weight) const;
    // q [1, H, L, hd], k/v [1, KV, L, hd] with q/k norm and rotary applied.
    std::tuple<at::Tensor, at::Tensor, at::Tensor> qkv(int64_t layer, const at::Tensor& x,
                                                       const at::Tensor& cos,
                                                       const at::Tensor& sin) const;
    at::Tensor attention(int64_t layer, const at::Tensor& x, const at::Tensor& cos,
                         const at::Tensor& sin, KVCache& cache) const;
    at::Tensor attentionStatic(int64_t layer, const at::Tensor& x, const at::Tensor& cos,
                               const at::Tensor& sin, const at::Tensor& slot,
                               const at::Tensor& mask, int64_t keys, KVCache& cache) const;
    at::Tensor mlp(int64_t layer, const at::Tensor& x) const;

    TextDims d_;
    const TensorMap& w_;
    TextRope rope_;
};

}  // namespace vistag::inference::model

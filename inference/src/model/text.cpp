#include "model/text.h"

#include "model/ops.h"
#include "model/rows_gemm.h"

#include <string>

namespace vistag::inference::model {
namespace {

std::string layer(int64_t i, const char* rest) {
    return "model.language_model.layers." + std::to_string(i) + "." + rest;
}

}  // namespace

void KVCache::allocate(const TextDims& d, int64_t capacity, at::ScalarType dtype,
                       const at::Device& device) {
    if (capacity_ < capacity || k_.size() != static_cast<size_t>(d.layers) ||
        (k_.size() && (k_[0].scalar_type() != dtype || k_[0].device() != device))) {
        k_.clear();
        v_.clear();
        auto opts = at::TensorOptions().dtype(dtype).device(device);
        for (int64_t i = 0; i < d.layers; ++i) {
            // Zeroed: the captured decode step reads whole key buckets and masks the unused
            // slots, and a masked NaN left in reused memory would still poison the sum (0 × NaN).
            k_.push_back(at::zeros({1, d.kvHeads, capacity, d.headDim}, opts));
            v_.push_back(at::zeros({1, d.kvHeads, capacity, d.headDim}, opts));
        }
        capacity_ = capacity;
    }
    length_ = 0;
}

KVCache KVCache::over(std::vector<at::Tensor> k, std::vector<at::Tensor> v) {
    KVCache c;
    c.capacity_ = k.empty() ? 0 : k[0].size(2);
    c.k_ = std::move(k);
    c.v_ = std::move(v);
    return c;
}

void SlotCache::allocate(const TextDims& d, int64_t slots, int64_t length, at::ScalarType dtype,
                         const at::Device& device) {
    k_.clear();
    v_.clear();
    auto opts = at::TensorOptions().dtype(dtype).device(device);
    for (int64_t i = 0; i < d.layers; ++i) {
        k_.push_back(at::zeros({slots, d.kvHeads, length, d.headDim}, opts));
        v_.push_back(at::zeros({slots, d.kvHeads, length, d.headDim}, opts));
    }
    slots_ = slots;
    length_ = length;
    kvHeads_ = d.kvHeads;
    headDim_ = d.headDim;
}

uint64_t SlotCache::slotBytes(const TextDims& d, int64_t length, at::ScalarType dtype) {
    return static_cast<uint64_t>(2 * d.layers * d.kvHeads * d.headDim) *
           static_cast<uint64_t>(length) * at::elementSize(dtype);
}

uint64_t SlotCache::bytes() const {
    uint64_t n = 0;
    for (size_t i = 0; i < k_.size(); ++i)
        n += k_[i].nbytes() + v_[i].nbytes();
    return n;
}

KVCache SlotCache::slot(int64_t s) const {
    std::vector<at::Tensor> k, v;
    for (size_t i = 0; i < k_.size(); ++i) {
        k.push_back(k_[i].narrow(0, s, 1));
        v.push_back(v_[i].narrow(0, s, 1));
    }
    return KVCache::over(std::move(k), std::move(v));
}

void SlotCache::fill(int64_t s, double value) {
    for (size_t i = 0; i < k_.size(); ++i) {
        k_[i].select(0, s).fill_(value);
        v_[i].select(0, s).fill_(value);
    }
}

TextDecoder::TextDecoder(const TextDims& d, const TensorMap& w) : d_(d), w_(w), rope_(d) {}

at::Tensor TextDecoder::embed(const at::Tensor& ids) const {
    const at::Tensor& table = w_.get("model.language_model.embed_tokens.weight");
    return at::embedding(table, ids.to(table.device())).unsqueeze(0);
}

// Qwen3 RMSNorm: float32 statistics, cast back, then times the weight.
at::Tensor TextDecoder::rmsNorm(const at::Tensor& x, const at::Tensor& weight) const {
    at::Tensor xf = x.to(at::kFloat);
    at::Tensor var = xf.pow(2).mean(-1, /*keepdim=*/true);
    return weight * (xf * at::rsqrt(var + d_.rmsEps)).to(x.scalar_type());
}

std::tuple<at::Tensor, at::Tensor, at::Tensor> TextDecoder::qkv(int64_t li, const at::Tensor& x,
                                                                const at::Tensor& cos,
                                                                const at::Tensor& sin) const {
    const int64_t B = x.size(0), L = x.size(1), hd = d_.headDim;
    // x [B, L, hidden] → q [B, H, L, hd], k/v [B, KV, L, hd]
    at::Tensor q = at::linear(x, w_.get(layer(li, "self_attn.q_proj.weight"))).view({B, L, -1, hd});
    at::Tensor k = at::linear(x, w_.get(layer(li, "self_attn.k_proj.weight"))).view({B, L, -1, hd});
    at::Tensor v = at::linear(x, w_.get(layer(li, "self_attn.v_proj.weight"))).view({B, L, -1, hd});
    q = rmsNorm(q, w_.get(layer(li, "self_attn.q_norm.weight"))).transpose(1, 2);
    k = rmsNorm(k, w_.get(layer(li, "self_attn.k_norm.weight"))).transpose(1, 2);
    v = v.transpose(1, 2);
    // cos/sin [L, hd] broadcast over heads; rotation in the activation dtype.
    q = q * cos + rotateHalf(q) * sin;
    k = k * cos + rotateHalf(k) * sin;
    return {q, k, v};
}

at::Tensor TextDecoder::attention(int64_t li, const at::Tensor& x, const at::Tensor& cos,
                                  const at::Tensor& sin, KVCache& cache) const {
    const int64_t L = x.size(1);
    auto [q, k, v] = qkv(li, x, cos, sin);
    const int64_t past = cache.length_;
    cache.k_[li].narrow(2, past, L).copy_(k);
    cache.v_[li].narrow(2, past, L).copy_(v);
    at::Tensor keys = cache.k_[li].narrow(2, 0, past + L);
    at::Tensor values = cache.v_[li].narrow(2, 0, past + L);

    at::Tensor out;
    const bool gqa = d_.heads != d_.kvHeads;
    if (L == 1) {
        // One new token sees the whole cache: no mask at all.
        out = at::scaled_dot_product_attention(q, keys, values, {}, 0.0, false, {}, gqa);
    } else if (past == 0) {
        out = at::scaled_dot_product_attention(q, keys, values, {}, 0.0, true, {}, gqa);
    } else {
        // A chunk after earlier tokens: bottom-right aligned causal mask (is_causal would be
        // top-left aligned and wrong here).
        at::Tensor row = at::arange(L, at::TensorOptions().dtype(at::kLong).device(x.device()));
        at::Tensor col =
            at::arange(past + L, at::TensorOptions().dtype(at::kLong).device(x.device()));
        at::Tensor mask = col.unsqueeze(0) <= (row.unsqueeze(1) + past);
        out = at::scaled_dot_product_attention(q, keys, values, mask, 0.0, false, {}, gqa);
    }
    out = out.transpose(1, 2).reshape({1, L, -1});
    return at::linear(out, w_.get(layer(li, "self_attn.o_proj.weight")));
}

at::Tensor TextDecoder::attentionStatic(int64_t li, const at::Tensor& x, const at::Tensor& cos,
                                        const at::Tensor& sin, const at::Tensor& slot,
                                        const at::Tensor& mask, int64_t keys,
                                        KVCache& cache) const {
    auto [q, k, v] = qkv(li, x, cos, sin);
    cache.k_[li].index_copy_(2, slot, k);
    cache.v_[li].index_copy_(2, slot, v);
    // Grouped-query attention for one token without repeating K/V: the G query heads that share
    // a K/V head become G query rows of that head ([1, H, 1, hd] → [1, KV, G, hd]).
    const int64_t G = d_.heads / d_.kvHeads;
    at::Tensor qg = q.reshape({1, d_.kvHeads, G, d_.headDim});
    at::Tensor out = at::scaled_dot_product_attention(qg, cache.k_[li].narrow(2, 0, keys),
                                                      cache.v_[li].narrow(2, 0, keys), mask);
    out = out.reshape({1, 1, -1});
    return at::linear(out, w_.get(layer(li, "self_attn.o_proj.weight")));
}

at::Tensor TextDecoder::decodeStatic(const at::Tensor& token, const at::Tensor& position,
                                     const at::Tensor& slot, const at::Tensor& keyIndex,
                                     int64_t keys, KVCache& cache) const {
    const at::Tensor& table = w_.get("model.language_model.embed_tokens.weight");
    at::Tensor x = at::embedding(table, token).unsqueeze(0);  // [1, 1, hidden]
    auto [cos, sin] =
        rope_.tables(position.view({1, 1}).expand({3, 1}), x.scalar_type(), x.device());
    at::Tensor mask = keyIndex.le(slot).view({1, 1, 1, keys});  // keys up to and incl. the new one
    for (int64_t i = 0; i < d_.layers; ++i) {
        at::Tensor h =
            x + attentionStatic(i, rmsNorm(x, w_.get(layer(i, "input_layernorm.weight"))), cos, sin,
                                slot, mask, keys, cache);
        x = h + mlp(i, rmsNorm(h, w_.get(layer(i, "post_attention_layernorm.weight"))));
    }
    x = rmsNorm(x, w_.get("model.language_model.norm.weight"));
    return logits(x.view({1, -1})).view({-1}).to(at::kFloat);
}

at::Tensor TextDecoder::attentionBatch(int64_t li, const at::Tensor& x, const at::Tensor& cos,
                                       const at::Tensor& sin, const at::Tensor& writeAt,
                                       const at::Tensor& mask, int64_t keys,
                                       SlotCache& cache) const {
    const int64_t R = x.size(0), hd = d_.headDim;
    auto [q, k, v] = qkv(li, x, cos, sin);  // q [R, H, 1, hd], k/v [R, KV, 1, hd]
    // Each row's new K/V at (row, head, writeIndex[row]) of the flattened cache.
    cache.k_[li].view({-1, hd}).index_copy_(0, writeAt, k.reshape({-1, hd}));
    cache.v_[li].view({-1, hd}).index_copy_(0, writeAt, v.reshape({-1, hd}));
    // Grouped-query attention without repeating K/V (as decodeStatic), one row per sequence.
    const int64_t G = d_.heads / d_.kvHeads;
    at::Tensor qg = q.reshape({R, d_.kvHeads, G, hd});
    at::Tensor out =
        at::scaled_dot_product_attention(qg, cache.k_[li].narrow(0, 0, R).narrow(2, 0, keys),
                                         cache.v_[li].narrow(0, 0, R).narrow(2, 0, keys), mask);
    out = out.reshape({R, 1, -1});
    return at::linear(out, w_.get(layer(li, "self_attn.o_proj.weight")));
}

at::Tensor TextDecoder::decodeBatch(const at::Tensor& tokens, const at::Tensor& positions,
                                    const at::Tensor& writeIndex, const at::Tensor& keyIndex,
                                    int64_t keys, SlotCache& cache) const {
    const int64_t R = tokens.size(0), hd = d_.headDim;
    const at::Tensor& table = w_.get("model.language_model.embed_tokens.weight");
    at::Tensor x = at::embedding(table, tokens).unsqueeze(1);  // [R, 1, hidden]
    auto [cos, sin] =
        rope_.tables(positions.view({1, R}).expand({3, R}), x.scalar_type(), x.device());
    cos = cos.view({R, 1, 1, hd});  // broadcast over heads for q/k [R, heads, 1, hd]
    sin = sin.view({R, 1, 1, hd});
    // Row r sees its own keys up to and including the new one.
    at::Tensor mask = keyIndex.view({1, keys}).le(writeIndex.view({R, 1})).view({R, 1, 1, keys});
    // Flat row index into [slots * kvHeads * length, hd] for (row, head, writeIndex[row]).
    const auto longs = at::TensorOptions().dtype(at::kLong).device(tokens.device());
    const int64_t len = cache.length_;
    at::Tensor rowBase = at::arange(R, longs) * (d_.kvHeads * len) + writeIndex;
    at::Tensor writeAt =
        (rowBase.view({R, 1}) + at::arange(d_.kvHeads, longs).view({1, -1}) * len).reshape({-1});
    for (int64_t i = 0; i < d_.layers; ++i) {
        at::Tensor h = x + attentionBatch(i, rmsNorm(x, w_.get(layer(i, "input_layernorm.weight"))),
                                          cos, sin, writeAt, mask, keys, cache);
        x = h + mlp(i, rmsNorm(h, w_.get(layer(i, "post_attention_layernorm.weight"))));
    }
    x = rmsNorm(x, w_.get("model.language_model.norm.weight"));
    return logitsRows(x.view({R, -1}));
}

at::Tensor TextDecoder::logitsRows(const at::Tensor& hidden) const {
    // Every batch size goes through the same kernel, so a row's logits do not depend on how
    // many others share the step (a rerun is bit-identical whatever the timing of admissions).
    if (hidden.device().is_cpu()) {
        const char* head = d_.tied ? "model.language_model.embed_tokens.weight" : "lm_head.weight";
        if (std::optional<at::Tensor> out = rowsTimesWeightT(hidden, w_.get(head)))
            return *out;
    }
    return logits(hidden).to(at::kFloat);
}

at::Tensor TextDecoder::mlp(int64_t li, const at::Tensor& x) const {
    at::Tensor gate = at::linear(x, w_.get(layer(li, "mlp.gate_proj.weight")));
    at::Tensor up = at::linear(x, w_.get(layer(li, "mlp.up_proj.weight")));
    return at::linear(at::silu(gate) * up, w_.get(layer(li, "mlp.down_proj.weight")));
}

at::Tensor TextDecoder::forward(at::Tensor x, const at::Tensor& positions, KVCache& cache,
                                const DeepstackInput* deepstack) const {
    auto [cos, sin] = rope_.tables(positions, x.scalar_type(), x.device());
    for (int64_t i = 0; i < d_.layers; ++i) {
        at::Tensor h = x + attention(i, rmsNorm(x, w_.get(layer(i, "input_layernorm.weight"))), cos,
                                     sin, cache);
        x = h + mlp(i, rmsNorm(h, w_.get(layer(i, "post_attention_layernorm.weight"))));
        if (deepstack && i < static_cast<int64_t>(deepstack->features.size())) {
            // hidden[visual positions] += deepstack feature of this layer
            const at::Tensor& idx = deepstack->visualIndex;
            at::Tensor added =
                x.index_select(1, idx) + deepstack->features[i].to(x.scalar_type()).unsqueeze(0);
            x = x.index_copy(1, idx, added);
        }
    }
    cache.length_ += x.size(1);
    return rmsNorm(x, w_.get("model.language_model.norm.weight"));
}

at::Tensor TextDecoder::logits(const at::Tensor& hidden) const {
    const char* head = d_.tied ? "model.language_model.embed_tokens.weight" : "lm_head.weight";
    return at::linear(hidden, w_.get(head));
}

}  // namespace vistag::inference::model

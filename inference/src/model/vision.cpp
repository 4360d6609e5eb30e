#include "model/vision.h"

#include "model/ops.h"

#include <cmath>
#include <string>

namespace vistag::inference::model {
namespace {

std::string blk(int64_t i, const char* rest) {
    return "model.visual.blocks." + std::to_string(i) + "." + rest;
}

at::Tensor linear(const at::Tensor& x, const TensorMap& w, const std::string& prefix) {
    return at::linear(x, w.get(prefix + ".weight"), w.get(prefix + ".bias"));
}

at::Tensor layerNorm(const at::Tensor& x, const TensorMap& w, const std::string& prefix) {
    return at::layer_norm(x, {x.size(-1)}, w.get(prefix + ".weight"), w.get(prefix + ".bias"),
                          1e-6);
}

// (row, col) of every patch in the processor's order: merge-blocks in raster order, the
// merge×merge patches inside each block in raster order, repeated per frame.
void patchCoordinates(const GridTHW& g, int64_t m, std::vector<int64_t>& rows,
                      std::vector<int64_t>& cols) {
    for (int64_t t = 0; t < g.t; ++t)
        for (int64_t by = 0; by < g.h / m; ++by)
            for (int64_t bx = 0; bx < g.w / m; ++bx)
                for (int64_t iy = 0; iy < m; ++iy)
                    for (int64_t ix = 0; ix < m; ++ix) {
                        rows.push_back(by * m + iy);
                        cols.push_back(bx * m + ix);
                    }
}

}  // namespace

int64_t VisionDims::gridSide() const {
    return static_cast<int64_t>(
        std::llround(std::sqrt(static_cast<double>(numPositionEmbeddings))));
}

// Bilinear resampling (align_corners) of the learned G×G table to each image's h×w patch grid,
// as transformers' get_vision_interpolation_indices_and_weights: 4 taps per patch with float32
// weights, summed after the lookup.
at::Tensor VisionEncoder::positionEmbedding(const std::vector<GridTHW>& grids, at::ScalarType dtype,
                                            const at::Device& device) const {
    const int64_t side = d_.gridSide();
    std::vector<int64_t> rows, cols, heights, widths;
    for (const auto& g : grids) {
        const size_t before = rows.size();
        patchCoordinates(g, d_.merge, rows, cols);
        heights.insert(heights.end(), rows.size() - before, g.h);
        widths.insert(widths.end(), rows.size() - before, g.w);
    }
    const auto n = static_cast<int64_t>(rows.size());
    auto asTensor = [](const std::vector<int64_t>& v) {
        return at::from_blob(const_cast<int64_t*>(v.data()), {static_cast<int64_t>(v.size())},
                             at::kLong)
            .clone();
    };
    auto axis = [&](const at::Tensor& index, const at::Tensor& size) {
        // src = index * (side-1) / max(size-1, 1), float32 as in transformers.
        at::Tensor src = index.to(at::kFloat) * static_cast<float>(side - 1) /
                         at::clamp_min(size - 1, 1).to(at::kFloat);
        at::Tensor fl = at::floor(src);
        at::Tensor offsets = at::arange(0, 2, at::kLong);
        at::Tensor taps = (fl.to(at::kLong).unsqueeze(1) + offsets).clamp(0, side - 1);
        at::Tensor dist = (src.unsqueeze(1) - fl.unsqueeze(1) - offsets.to(at::kFloat)).abs();
        at::Tensor weights = (1 - dist).clamp_min(0);
        return std::make_pair(taps, weights);
    };
    auto [hTaps, hW] = axis(asTensor(rows), asTensor(heights));
    auto [wTaps, wW] = axis(asTensor(cols), asTensor(widths));
    at::Tensor indices = (hTaps.unsqueeze(2) * side + wTaps.unsqueeze(1)).reshape({n, 4});
    at::Tensor weights = (hW.unsqueeze(2) * wW.unsqueeze(1)).reshape({n, 4});
    const at::Tensor& table = w_.get("model.visual.pos_embed.weight");  // [G*G, D]
    at::Tensor looked = at::embedding(table, indices.to(device));       // [N, 4, D]
    // A bf16 table times float32 weights promotes to float32 in transformers: same here.
    at::Tensor pos = (looked.to(at::kFloat) * weights.to(device).unsqueeze(2)).sum(1);
    return pos.to(dtype);
}

// 2-D rotary tables (float32): per patch [row·f | col·f] duplicated to head_dim.
std::array<at::Tensor, 2> VisionEncoder::rotary(const std::vector<GridTHW>& grids,
                                                const at::Device& device) const {
    const int64_t spatial = d_.headDim() / 2;
    at::Tensor invFreq = 1.0 / at::pow(d_.ropeTheta, at::arange(0, spatial, 2, at::kFloat) /
                                                         static_cast<float>(spatial));
    std::vector<int64_t> rows, cols;
    for (const auto& g : grids)
        patchCoordinates(g, d_.merge, rows, cols);
    const auto n = static_cast<int64_t>(rows.size());
    at::Tensor r = at::from_blob(rows.data(), {n}, at::kLong).to(at::kFloat);
    at::Tensor c = at::from_blob(cols.data(), {n}, at::kLong).to(at::kFloat);
    at::Tensor fr = r.unsqueeze(1) * invFreq;  // [N, spatial/2]
    at::Tensor fc = c.unsqueeze(1) * invFreq;
    at::Tensor cosHw = at::cat({fr.cos(), fc.cos()}, -1);
    at::Tensor sinHw = at::cat({fr.sin(), fc.sin()}, -1);
    return {at::cat({cosHw, cosHw}, -1).to(device), at::cat({sinHw, sinHw}, -1).to(device)};
}

at::Tensor VisionEncoder::block(int64_t i, const at::Tensor& x,
                                const std::array<at::Tensor, 2>& cosSin,
                                const std::vector<int64_t>& segments) const {
    const int64_t s = x.size(0), heads = d_.heads, hd = d_.headDim();
    // Attention: x [S, D] → qkv [S, 3, H, hd]
    at::Tensor h = layerNorm(x, w_, blk(i, "norm1"));
    at::Tensor qkv = linear(h, w_, blk(i, "attn.qkv")).reshape({s, 3, heads, hd});
    at::Tensor q = qkv.select(1, 0), k = qkv.select(1, 1), v = qkv.select(1, 2);
    // Rotary in float32, cast back (transformers' apply_rotary_pos_emb_vision).
    const at::Tensor cos = cosSin[0].unsqueeze(1), sin = cosSin[1].unsqueeze(1);
    at::Tensor qf = q.to(at::kFloat), kf = k.to(at::kFloat);
    q = (qf * cos + rotateHalf(qf) * sin).to(x.scalar_type());
    k = (kf * cos + rotateHalf(kf) * sin).to(x.scalar_type());
    // [S, H, hd] → [1, H, S, hd]; full attention within each image/frame segment.
    q = q.transpose(0, 1).unsqueeze(0);
    k = k.transpose(0, 1).unsqueeze(0);
    v = v.transpose(0, 1).unsqueeze(0);
    std::vector<at::Tensor> outs;
    int64_t start = 0;
    for (int64_t len : segments) {
        outs.push_back(at::scaled_dot_product_attention(
            q.narrow(2, start, len), k.narrow(2, start, len), v.narrow(2, start, len)));
        start += len;
    }
    at::Tensor attn = (outs.size() == 1 ? outs[0] : at::cat(outs, 2))  // [1, H, S, hd]
                          .squeeze(0)
                          .transpose(0, 1)
                          .reshape({s, heads * hd});
    at::Tensor y = x + linear(attn, w_, blk(i, "attn.proj"));
    // MLP: fc1 → GELU → fc2
    at::Tensor m = linear(layerNorm(y, w_, blk(i, "norm2")), w_, blk(i, "mlp.linear_fc1"));
    m = at::gelu(m, d_.tanhGelu ? "tanh" : "none");
    return y + linear(m, w_, blk(i, "mlp.linear_fc2"));
}

at::Tensor VisionEncoder::merger(const std::string& prefix, const at::Tensor& x,
                                 bool postShuffleNorm) const {
    const int64_t group = d_.hidden * d_.merge * d_.merge;
    at::Tensor h = postShuffleNorm ? layerNorm(x.reshape({-1, group}), w_, prefix + ".norm")
                                   : layerNorm(x, w_, prefix + ".norm").reshape({-1, group});
    h = at::gelu(linear(h, w_, prefix + ".linear_fc1"));  // exact erf GELU
    return linear(h, w_, prefix + ".linear_fc2");
}

VisionOutput VisionEncoder::forward(const at::Tensor& pixelValues,
                                    const std::vector<GridTHW>& grids) const {
    const at::Tensor& convW = w_.get("model.visual.patch_embed.proj.weight");  // [D, C, T, P, P]
    const auto dtype = convW.scalar_type();
    const auto device = convW.device();
    // Patch embedding: the Conv3d with kernel == stride is a linear map of each flattened patch.
    at::Tensor x = at::linear(pixelValues.to(device).to(dtype), convW.reshape({d_.hidden, -1}),
                              w_.get("model.visual.patch_embed.proj.bias"));  // [N, D]
    x = x + positionEmbedding(grids, dtype, device);
    const auto cosSin = rotary(grids, device);

    std::vector<int64_t> segments;
    for (const auto& g : grids)
        for (int64_t t = 0; t < g.t; ++t)
            segments.push_back(g.h * g.w);

    VisionOutput out;
    for (int64_t i = 0; i < d_.depth; ++i) {
        x = block(i, x, cosSin, segments);
        for (size_t j = 0; j < d_.deepstackIndexes.size(); ++j) {
            if (d_.deepstackIndexes[j] == i)
                out.deepstack.push_back(
                    merger("model.visual.deepstack_merger_list." + std::to_string(j), x, true));
        }
    }
    out.embeds = merger("model.visual.merger", x, false);
    return out;
}

}  // namespace vistag::inference::model

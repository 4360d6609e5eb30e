#include "model/rope.h"

#include <algorithm>

namespace vistag::inference::model {

RopePositions ropeIndex(const std::vector<int32_t>& ids, const std::vector<GridTHW>& grids,
                        int64_t imageTokenId, int64_t merge, std::string* error) {
    const auto n = static_cast<int64_t>(ids.size());
    at::Tensor pos = at::empty({3, n}, at::kLong);
    auto p = pos.accessor<int64_t, 2>();
    int64_t current = 0;
    size_t nextGrid = 0;
    int64_t i = 0;
    while (i < n) {
        if (ids[i] != imageTokenId) {
            p[0][i] = p[1][i] = p[2][i] = current++;
            ++i;
            continue;
        }
        int64_t run = 0;
        while (i + run < n && ids[i + run] == imageTokenId)
            ++run;
        if (nextGrid >= grids.size()) {
            if (error)
                *error = "the prompt has more image placeholders than images";
            return {};
        }
        const GridTHW& g = grids[nextGrid++];
        const int64_t gh = g.h / merge, gw = g.w / merge;
        if (run != g.t * gh * gw) {
            if (error)
                *error = "image placeholder count " + std::to_string(run) +
                         " does not match the image's " + std::to_string(g.t * gh * gw) +
                         " vision tokens";
            return {};
        }
        int64_t k = i;
        for (int64_t t = 0; t < g.t; ++t)
            for (int64_t y = 0; y < gh; ++y)
                for (int64_t x = 0; x < gw; ++x, ++k) {
                    p[0][k] = current + t;
                    p[1][k] = current + y;
                    p[2][k] = current + x;
                }
        current += std::max(gh, gw);
        i += run;
    }
    if (nextGrid != grids.size()) {
        if (error)
            *error = "there are more images than image placeholders in the prompt";
        return {};
    }
    RopePositions out;
    out.delta = n == 0 ? 0 : pos.max().item<int64_t>() + 1 - n;
    out.positions = pos;
    return out;
}

TextRope::TextRope(const TextDims& d) {
    const int64_t half = d.headDim / 2;
    // 1 / theta^(arange(0, hd, 2) / hd), exponent from an int64 arange cast to float32.
    invFreq_ = 1.0 / at::pow(d.ropeTheta, at::arange(0, d.headDim, 2, at::kLong).to(at::kFloat) /
                                              static_cast<float>(d.headDim));
    // Interleaved sections: frequency j takes H where j%3==1 and j < 3*sec[1], W where j%3==2 and
    // j < 3*sec[2], otherwise T.
    std::vector<int64_t> axis(half, 0);
    for (int64_t j = 0; j < half; ++j) {
        if (j % 3 == 1 && j < 3 * d.mropeSection[1])
            axis[j] = 1;
        if (j % 3 == 2 && j < 3 * d.mropeSection[2])
            axis[j] = 2;
    }
    axisOf_ = at::tensor(axis, at::kLong);
}

std::pair<at::Tensor, at::Tensor> TextRope::tables(const at::Tensor& positions,
                                                   at::ScalarType dtype,
                                                   const at::Device& device) const {
    // freqs[a, l, j] = pos[a, l] * invFreq[j]; pick axis per j.
    // Computed on the target device, as transformers does.
    if (!invFreqDev_.defined() || invFreqDev_.device() != device) {
        invFreqDev_ = invFreq_.to(device);
        axisOfDev_ = axisOf_.to(device);
    }
    at::Tensor freqs =
        positions.to(device).to(at::kFloat).unsqueeze(-1) * invFreqDev_;  // [3, L, hd/2]
    at::Tensor idx = axisOfDev_.view({1, 1, -1}).expand({1, freqs.size(1), freqs.size(2)});
    at::Tensor f = freqs.gather(0, idx).squeeze(0);  // [L, hd/2]
    at::Tensor emb = at::cat({f, f}, -1);
    return {emb.cos().to(dtype), emb.sin().to(dtype)};
}

}  // namespace vistag::inference::model

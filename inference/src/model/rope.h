// Positions for Qwen3-VL's interleaved multimodal rotary embedding (MRoPE).
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <vector>

#include "model/dims.h"
#include "model/vision.h"

namespace vistag::inference::model {

struct RopePositions {
    at::Tensor positions;  // [3, L] int64: temporal, height, width
    int64_t delta = 0;     // max position + 1 - L; decode position = cache index + delta
};

// transformers' get_rope_index for one sequence: text runs count up on all three axes; each run of
// image tokens takes the next grid and gets (t, row, col) positions on the merged grid, offset by
// the running position; the next text continues after max(merged h, merged w).
// Returns an error message (non-empty) if the image runs and grids disagree.
RopePositions ropeIndex(const std::vector<int32_t>& ids, const std::vector<GridTHW>& grids,
                        int64_t imageTokenId, int64_t merge, std::string* error);

// cos/sin tables for the text decoder: computed in float32, cast to dtype.
class TextRope {
public:
    explicit TextRope(const TextDims& d);
    // positions: [3, L] int64 → {cos, sin}, each [L, headDim] in `dtype` on `device`.
    std::pair<at::Tensor, at::Tensor> tables(const at::Tensor& positions, at::ScalarType dtype,
                                             const at::Device& device) const;

private:
    at::Tensor invFreq_;  // [headDim/2] float32
    at::Tensor axisOf_;   // [headDim/2] int64: which of T/H/W each frequency takes
    // Copies on the device last used (no host-to-device copy inside a captured CUDA graph).
    mutable at::Tensor invFreqDev_, axisOfDev_;
};

}  // namespace vistag::inference::model

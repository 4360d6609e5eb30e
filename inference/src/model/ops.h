// Small tensor helpers shared by the vision encoder and the text decoder.
#pragma once

#include <ATen/ATen.h>

namespace vistag::inference::model {

// [x1, x2] → [-x2, x1] over the last dimension (the rotary-embedding convention of transformers).
inline at::Tensor rotateHalf(const at::Tensor& x) {
    const int64_t half = x.size(-1) / 2;
    return at::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

}  // namespace vistag::inference::model

// Writes tensors as a safetensors file (for --logits-out and parity dumps), atomically.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <utility>
#include <vector>

namespace vistag::inference::model {

bool writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      std::string* error);

}  // namespace vistag::inference::model

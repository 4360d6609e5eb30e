#include "model/weights.h"

#include <c10/util/Exception.h>

namespace vistag::inference::model {

const at::Tensor& TensorMap::get(const std::string& name) const {
    auto it = tensors_.find(name);
    TORCH_CHECK(it != tensors_.end(), "weight not loaded: ", name);
    return it->second;
}

}  // namespace vistag::inference::model

// Named tensors of one model, in the dtype and on the device the model runs with.
#pragma once

#include <ATen/ATen.h>

#include <string>
#include <unordered_map>

namespace vistag::inference::model {

class TensorMap {
public:
    void put(std::string name, at::Tensor t) { tensors_[std::move(name)] = std::move(t); }
    // Looks a tensor up; a missing name is a programmer error here because the weight store was
    // verified against the config before any TensorMap was built.
    const at::Tensor& get(const std::string& name) const;
    bool has(const std::string& name) const { return tensors_.count(name) != 0; }
    size_t size() const { return tensors_.size(); }

private:
    std::unordered_map<std::string, at::Tensor> tensors_;
};

}  // namespace vistag::inference::model

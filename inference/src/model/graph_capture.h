// Capturing a step of the model as a CUDA graph, the one way both decode runners do it.
#pragma once

#include <ATen/ATen.h>

#include <functional>

namespace at::cuda {
struct CUDAGraph;
}

namespace vistag::inference::model {

// Runs `step` twice on a side stream (warm-up: lazily created tensors, cuBLAS workspaces), then
// captures a third run into `graph` and returns its output, which every replay overwrites. The
// side stream waits for the inputs written on the current stream, and the current stream waits
// for the capture. The capture is thread-local (other threads may use CUDA meanwhile) and is
// always ended, also when `step` throws (out of memory, say): the error then reaches the caller
// with the stream no longer capturing. Warm-up runs must be repeatable (same inputs, same cache
// writes).
at::Tensor captureStep(at::cuda::CUDAGraph& graph, const at::Device& device,
                       const std::function<at::Tensor()>& step);

}  // namespace vistag::inference::model

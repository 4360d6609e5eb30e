#include "model/graph_capture.h"

#include <ATen/cuda/CUDAContext.h>
#include <ATen/cuda/CUDAEvent.h>
#include <ATen/cuda/CUDAGraph.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

namespace vistag::inference::model {

at::Tensor captureStep(at::cuda::CUDAGraph& graph, const at::Device& device,
                       const std::function<at::Tensor()>& step) {
    auto current = at::cuda::getCurrentCUDAStream(device.index());
    auto side = at::cuda::getStreamFromPool(false, device.index());
    at::cuda::CUDAEvent inputsWritten;  // the static inputs were just written on `current`
    inputsWritten.record(current);
    inputsWritten.block(side);
    at::Tensor out;
    {
        c10::cuda::CUDAStreamGuard guard(side);
        for (int i = 0; i < 2; ++i)
            step();
        graph.capture_begin({0, 0}, cudaStreamCaptureModeThreadLocal);
        try {
            out = step();
        } catch (...) {
            try {
                graph.capture_end();  // discards the graph; the stream stops capturing
            } catch (...) {
            }
            throw;
        }
        graph.capture_end();
    }
    at::cuda::CUDAEvent captured;
    captured.record(side);
    captured.block(current);
    return out;
}

}  // namespace vistag::inference::model

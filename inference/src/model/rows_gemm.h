// Logits of a few rows on the CPU: out[r, v] = dot(x[r], W[v]) for x [R, K] and the output
// projection W [N, K] (float32, row-major), as one pass over W.
//
// Why not at::mm: for a handful of rows against a [151936, hidden] matrix, MKL streams W from
// memory and then computes, one after the other; its kernels for [vocab, hidden] cost about 3× a
// single row and a transposed copy (which doubles the projection's memory) about 2.5×. Here W is
// walked in blocks that stay in cache while every row is multiplied with them, and the next block
// is prefetched meanwhile, so the memory traffic of one row hides the arithmetic of the others
// (measured in BENCHMARKS.md).
#pragma once

#include <ATen/ATen.h>

#include <optional>

namespace vistag::inference::model {

// out = x @ W^T as float32 [R, N], or nullopt when this build, machine or these tensors are not
// the kind the kernel handles (not x86-64 with AVX2+FMA or AVX-512, no OpenMP, not CPU, not
// float32, not contiguous): then use at::linear. Each dot product is summed in a fixed order, so
// a row's result depends neither on the thread count nor on the other rows of the call.
std::optional<at::Tensor> rowsTimesWeightT(const at::Tensor& x, const at::Tensor& w);

}  // namespace vistag::inference::model

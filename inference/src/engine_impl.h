// The engine's private state, shared by engine.cpp (loading) and engine_generate.cpp.
#pragma once

#include <ATen/ATen.h>

#include <atomic>
#include <memory>
#include <string>

#include "model/decode_graph.h"
#include "model/image_processor.h"
#include "model/model_folder.h"
#include "model/text.h"
#include "model/vision.h"
#include "vistag/inference/chat_template.h"
#include "vistag/inference/engine.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::inference {

struct Engine::Impl {
    std::string folder;
    model::FolderConfigs cfg;
    std::shared_ptr<model::LoadedWeights> weights;
    std::unique_ptr<Tokenizer> tokenizer;
    ChatTemplate chatTemplate = ChatTemplate::qwen3vl();
    std::unique_ptr<model::VisionEncoder> vision;
    std::unique_ptr<model::TextDecoder> text;
    model::KVCache cache;
    model::DecodeRunner decoder;
    at::Device device = at::kCPU;
    at::ScalarType dtype = at::kFloat;
    ModelInfo info;
    std::atomic<bool> stop{false};

    Expected<GenerateResult> run(const GenerateRequest& req, const TokenCallback& onToken);
};

}  // namespace vistag::inference

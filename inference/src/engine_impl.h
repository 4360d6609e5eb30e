// The engine's private state, shared by engine.cpp (loading) and engine_generate.cpp.
#pragma once

#include <ATen/ATen.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/decode_graph.h"
#include "model/image_processor.h"
#include "model/model_folder.h"
#include "model/text.h"
#include "model/vision.h"
#include "tag_decoding.h"
#include "vistag/inference/chat_template.h"
#include "vistag/inference/engine.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::inference {

// A request checked, tokenised and with its images preprocessed: what both the one-sequence path
// and the batch need before the model runs.
struct PreparedRequest {
    std::vector<int32_t> promptIds;  // image placeholders expanded to one id per merged patch
    model::ProcessedImages images;
    double preprocessMs = 0;
    // New tokens the sequence may take: the request's, or for a constrained request the tag
    // grammar's bound, within the context.
    int32_t maxNewTokens = 0;
};

class BatchLoop;  // engine_batch.cpp

struct Engine::Impl {
    Impl();
    ~Impl();

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
    LoadOptions options;
    int threads = 1;  // intra-op CPU threads; set again on every thread that runs the model
    // Held by generate() for its whole run and by the batch thread for each step, so that the
    // one-sequence path and the batch never run the model at the same time.
    std::mutex compute;
    std::unique_ptr<BatchLoop> batch;  // started by the first submit()
    std::mutex batchStart;
    std::shared_ptr<const TokenVocabulary> vocabulary;  // tokenVocabulary(), built on first use
    mutable std::mutex vocabularyLock;

    // Checks the request against the model (image count, new tokens, context) and prepares it.
    // `contextLimit` = the most positions the sequence may take (prompt + new tokens).
    Expected<PreparedRequest> prepare(const GenerateRequest& req, int64_t contextLimit,
                                      const char* contextName) const;
    // The prompt's embeddings [1, L, hidden] with the image features (vision output rows
    // `visionRows` onward) placed at the image tokens, and the deepstack input for the decoder.
    std::pair<at::Tensor, model::DeepstackInput> embedPrompt(const at::Tensor& ids,
                                                             const model::VisionOutput* vision,
                                                             int64_t visionRows) const;
    bool isEos(int64_t id) const;
    // The per-sequence constraint of a request with a tag grammar (nullopt without one).
    Expected<std::optional<TagDecoding>> tagDecoding(const GenerateRequest& req) const;

    Expected<GenerateResult> run(const GenerateRequest& req, const TokenCallback& onToken);
    // run() as generate() does it, for a caller that holds `compute`: a stop meant for an
    // earlier request is cleared, no autograd, and every error (out of memory too) as a value.
    Expected<GenerateResult> runGuarded(const GenerateRequest& req, const TokenCallback& onToken);
    // After out-of-memory: frees the GPU's cached blocks and says what to try, in words.
    Status outOfMemory() const;
};

}  // namespace vistag::inference

// One answer being generated: the per-token work that the one-sequence path
// (Engine::Impl::run, engine_generate.cpp) and every row of the batch (engine_batch*.cpp) share.
// It holds the prompt and the tokens chosen so far, the request's sampler and tag constraint,
// the streamed text, the stop rules (end of sequence, a refused callback or a cancel, the token
// limit) and the result. The callers differ only in how they get the logits (a prefill, one
// decode step, or one row of the batch's step) and in the timings they add.
#pragma once

#include <ATen/ATen.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model/sampler.h"
#include "tag_decoding.h"
#include "vistag/inference/engine.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::inference {

class Sequence {
public:
    using Clock = std::chrono::steady_clock;

    // A sequence for `req` after its prompt `promptIds` (as prefilled; where the generated part
    // of the context begins), taking at most `maxNewTokens`. `onToken` gets each piece of text;
    // `cancel` (may be null) is read after every token. Fails when the request's tag grammar
    // does not belong to this engine.
    static Expected<Sequence> start(const Engine::Impl& engine, const GenerateRequest& req,
                                    std::vector<int32_t> promptIds, int32_t maxNewTokens,
                                    TokenCallback onToken, const std::atomic<bool>* cancel);

    // Unconstrained greedy without penalties: the batch takes these rows' argmax in one pass.
    bool plainGreedy() const { return !tags_ && model::Sampler::plainGreedy(sampling_); }
    // Keeps a copy of the logits on the host when the request asked for them (keepLogits).
    void keep(const at::Tensor& logits);
    // The next token from this sequence's logits ([vocab] float32, any device): the sampler's
    // choice, or the tag constraint's (a forced token, or a masked choice).
    int64_t choose(const at::Tensor& logits, float* prob);
    // Appends a chosen token; finishes on the end of sequence ("stop"), a callback that refuses
    // more or a cancel ("cancelled"), or the token limit ("length").
    void accept(int64_t next, float prob);

    bool finished() const { return finished_; }
    const std::string& finishReason() const { return result_.finishReason; }
    int32_t lastToken() const { return context_.back(); }
    int64_t promptLength() const { return static_cast<int64_t>(generatedStart_); }
    // The result so far, for the timings the caller owns (preprocess, vision, prefill, ttft).
    GenerateResult& result() { return result_; }

    // Ends the sequence (with `reason` when not empty, else the reason it finished with): the
    // text still held back is streamed, the answer decoded, the tags read, the decode time taken
    // from `firstToken` to `now`, the kept logits gathered. The sequence is spent afterwards.
    GenerateResult finish(const std::string& reason, Clock::time_point firstToken,
                          Clock::time_point now);

private:
    Sequence() = default;

    const Engine::Impl* engine_ = nullptr;
    SamplingParams sampling_;
    std::unique_ptr<model::Sampler> sampler_;
    std::optional<TagDecoding> tags_;
    std::unique_ptr<StreamDecoder> stream_;
    TokenCallback onToken_;
    const std::atomic<bool>* cancel_ = nullptr;
    std::vector<int32_t> context_;  // prompt, then the generated tokens
    size_t generatedStart_ = 0;
    int32_t maxNewTokens_ = 0;
    bool keepLogits_ = false;
    std::vector<at::Tensor> keptLogits_;
    GenerateResult result_;
    bool finished_ = false;
};

}  // namespace vistag::inference

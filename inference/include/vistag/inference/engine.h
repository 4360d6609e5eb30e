// The Qwen3-VL engine: load a Hugging Face model folder, then turn images + a conversation into
// streamed text. No torch or Qt types here; errors come back as values.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vistag/inference/chat_template.h"
#include "vistag/inference/image.h"
#include "vistag/inference/sampling.h"
#include "vistag/inference/status.h"
#include "vistag/inference/tag_constraint.h"
#include "vistag/inference/vision_tokens.h"

namespace vistag::inference {

class Tokenizer;

struct LoadOptions {
    std::string device = "auto";  // auto | cpu | cuda | cuda:N
    std::string dtype = "auto";   // auto | float32 | bfloat16 | float16
    int32_t threads = 0;          // CPU threads; 0 = OMP_NUM_THREADS if set, else all cores
    // The continuous batch (submit()): how many sequences decode together, and the longest
    // sequence (prompt + answer) one KV slot holds. 0 = sized by the engine: on a GPU from 60 %
    // of the memory free after the weights (at most 64 sequences), on the CPU from a quarter of
    // the RAM (at most 8). The KV cache is allocated on the first submit(). A request longer
    // than a slot but within the model's context runs alone (the batch waits meanwhile).
    int32_t maxSequences = 0;
    int64_t maxSequenceLength = 0;  // 0 = min(model context, 4096)
    // Called as loading advances (fraction 0..1, what is happening); return false to cancel.
    std::function<bool(double fraction, const std::string& stage)> progress;
};

struct ModelInfo {
    std::string folder;
    std::string device;  // "cpu" or "cuda:0 (NVIDIA H100 ...)"
    std::string dtype;   // what the model runs as
    int64_t parameters = 0;
    uint64_t weightBytes = 0;  // bytes of the safetensors data on disk
    int64_t vocabSize = 0;
    int64_t maxPositions = 0;
    bool templateIsQwen3VL = true;
    std::string templateWarning;  // non-empty when the folder's template is not Qwen3-VL's
    int64_t defaultMaxPixels = 0;
    double loadMs = 0;  // how long load() took
};

struct MemoryUse {
    uint64_t peakRssBytes = 0;  // this process, since it started
    uint64_t peakGpuBytes = 0;  // libtorch's CUDA allocator peak (0 on the CPU)
};

struct GenerateRequest {
    std::vector<ChatMessage> messages;  // image parts refer to `images` in order
    std::vector<RgbImage> images;
    SamplingParams sampling;
    int64_t maxPixels = 0;        // user pixel budget per image; 0 = the model's own max_pixels
    bool keepLogits = false;      // return the logits each generated token was chosen from
    std::string dumpPath;         // debugging/parity: write intermediate tensors as safetensors
    bool preprocessOnly = false;  // with dumpPath: stop after tokenising and image preprocessing
    // submit() only: higher runs first when the batch is full (a question asked in the window
    // before batch items); equal priorities in arrival order.
    int32_t priority = 0;
    // Constrains the answer to a taxonomy's compact JSON (tag_constraint.h): structural text is
    // appended without sampling, every sampled token is chosen among those the grammar allows,
    // and an eos only after the final brace. The grammar must come from compileTags() of this
    // engine. The answer may take up to the grammar's token bound (maxNewTokens is raised to
    // it, within the context); result.tags then holds the values and their confidence.
    std::shared_ptr<const TagGrammar> tagGrammar;
};

struct Timings {
    double preprocessMs = 0, visionMs = 0, prefillMs = 0, ttftMs = 0, decodeMs = 0, totalMs = 0;
    double decodeTokensPerSecond = 0;
};

struct GenerateResult {
    std::string text;
    std::vector<int32_t> tokenIds;  // generated ids (an eos that ended generation included)
    std::vector<float> tokenProbs;  // probability of each generated id when it was chosen
    int64_t promptTokens = 0;
    std::string finishReason;  // "stop", "length" or "cancelled"
    Timings timings;
    std::vector<float> logits;  // [tokenIds.size(), vocab] when keepLogits
    int64_t vocabSize = 0;
    // Constrained requests (tagGrammar): the values once the JSON is complete, else tagsError
    // says why not (cancelled, out of tokens). forcedTokens: how many ids were appended without
    // sampling (their tokenProbs are 1).
    std::optional<TagResult> tags;
    std::string tagsError;
    int32_t forcedTokens = 0;
};

// Receives each generated token and the text it completes (may be empty while a multi-byte
// character is incomplete). Return false to stop generating.
using TokenCallback = std::function<bool(int32_t id, std::string_view text)>;

// Receives the outcome of a submitted request, once, on the engine's batch thread.
using DoneCallback = std::function<void(const Expected<GenerateResult>& result)>;

// One request of the continuous batch. Thread-safe; outlives the engine safely (a request still
// pending when the engine is destroyed ends as cancelled).
class RequestHandle {
public:
    // Stops this request after the current step (finish reason "cancelled", the text so far);
    // never touches another request.
    void cancel();
    bool cancelled() const;
    bool finished() const;
    // Blocks until the request has finished. Never call it from a callback of the same engine.
    const Expected<GenerateResult>& wait();

    struct State;
    explicit RequestHandle(std::shared_ptr<State> state);

private:
    std::shared_ptr<State> state_;
};

struct BatchStatus {
    int32_t running = 0;       // sequences holding a KV slot
    int32_t waiting = 0;       // submitted, not yet admitted
    int32_t kvSlots = 0;       // KV slots (0 before the first submit)
    int64_t slotLength = 0;    // positions per slot
    uint64_t cacheBytes = 0;   // memory of the KV cache
    uint64_t steps = 0;        // batched decode steps run so far
    uint64_t rowsDecoded = 0;  // sum over steps of the sequences decoded together
};

class Engine {
public:
    static Expected<std::unique_ptr<Engine>> load(const std::string& folder,
                                                  const LoadOptions& options = {});
    ~Engine();
    Engine(const Engine&) = delete;
    Engine& operator=(const Engine&) = delete;

    const ModelInfo& info() const;
    const Tokenizer& tokenizer() const;
    // The sampling defaults of generation_config.json.
    SamplingParams defaultSampling() const;
    // The prompt tokens an image of width × height takes under a request's pixel budget (0 =
    // the model's own), from its size alone (estimateVisionTokens with this model's image
    // processor): a caller can refuse an image by its header before decoding it.
    Expected<VisionTokenEstimate> imageTokens(int64_t width, int64_t height,
                                              int64_t maxPixels = 0) const;

    // Taxonomy-constrained answers (GenerateRequest::tagGrammar). The vocabulary as bytes is
    // built on the first call (about a second for Qwen's 151k tokens) and shared; compileTags()
    // refuses a schema that cannot be decoded (naming the attribute and value). Thread-safe.
    Expected<std::shared_ptr<const TokenVocabulary>> tokenVocabulary() const;
    Expected<std::shared_ptr<const TagGrammar>> compileTags(const TagSchema& schema) const;

    // One sequence on the calling thread (the simple path, and the oracle the batch is tested
    // against); it waits for the batch's current step and the batch waits for it.
    Expected<GenerateResult> generate(const GenerateRequest& request,
                                      const TokenCallback& onToken = {});
    // Thread-safe: makes a running generate() stop after the current step, and cancels every
    // submitted request (the same as cancelAll()).
    void requestStop();

    // The continuous batch. Thread-safe: any thread may submit; the request is admitted between
    // decode steps of the engine's batch thread, decodes together with every other running
    // request, and retires when it stops. Callbacks run on that thread: keep them short, and
    // return false from onToken (or call cancel()) to stop only this request; never call
    // generate() or wait() from them. Errors that concern one request (an image that does not
    // decode, a prompt longer than the model's context, out of memory while admitting it alone)
    // end only that request; one longer than a KV slot but within the context runs alone.
    std::shared_ptr<RequestHandle> submit(GenerateRequest request, TokenCallback onToken = {},
                                          DoneCallback onDone = {});
    // Cancels every submitted request that has not finished.
    void cancelAll();
    BatchStatus batchStatus() const;

    // Writes result.logits as a safetensors file with one float32 tensor "logits"
    // [generated tokens, vocab].
    Status writeLogits(const std::string& path, const GenerateResult& result) const;
    MemoryUse memoryUse() const;

    struct Impl;

private:
    explicit Engine(std::unique_ptr<Impl> impl);
    std::unique_ptr<Impl> impl_;
};

}  // namespace vistag::inference

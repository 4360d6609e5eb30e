// Typed Qwen3-VL configuration: config.json, generation_config.json and the image processor
// settings, each read through an explicit key → field table with defaults
// (qwen3-vl-spec.md §1). Both config.json forms are accepted: transformers 4.57
// (text_config.rope_scaling + text_config.rope_theta) and 5.x (text_config.rope_parameters).
// Errors are ErrorCode::ModelFolder values naming the file and the key.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "vistag/inference/status.h"

namespace vistag::inference {

struct TextConfig {
    int64_t vocabSize = 0;          // required
    int64_t hiddenSize = 0;         // required
    int64_t intermediateSize = 0;   // required
    int64_t numHiddenLayers = 0;    // required
    int64_t numAttentionHeads = 0;  // required
    int64_t numKeyValueHeads = 0;   // default: numAttentionHeads
    int64_t headDim = 128;          // transformers' default (Qwen3VLTextConfig.head_dim)
    double rmsNormEps = 1e-6;
    double ropeTheta = 5000000.0;
    std::vector<int64_t> mropeSection{24, 20, 20};  // sums to headDim / 2
    bool mropeInterleaved = true;
    std::string ropeType = "default";
    int64_t maxPositionEmbeddings = 128000;
    bool attentionBias = false;
    std::string hiddenAct = "silu";
    bool tieWordEmbeddings = false;
    std::optional<int64_t> bosTokenId;
    std::optional<int64_t> eosTokenId;
};

struct VisionConfig {
    int64_t depth = 0;                     // required
    int64_t hiddenSize = 0;                // required
    int64_t intermediateSize = 0;          // required
    int64_t numHeads = 0;                  // required
    int64_t outHiddenSize = 0;             // required; equals TextConfig::hiddenSize
    int64_t numPositionEmbeddings = 2304;  // a perfect square (48²)
    int64_t patchSize = 16;
    int64_t temporalPatchSize = 2;
    int64_t spatialMergeSize = 2;
    int64_t inChannels = 3;
    std::vector<int64_t> deepstackVisualIndexes{8, 16, 24};
    std::string hiddenAct = "gelu_pytorch_tanh";

    int64_t headDim() const { return numHeads > 0 ? hiddenSize / numHeads : 0; }
};

struct ModelConfig {
    TextConfig text;
    VisionConfig vision;
    int64_t imageTokenId = 151655;
    int64_t videoTokenId = 151656;
    int64_t visionStartTokenId = 151652;
    int64_t visionEndTokenId = 151653;
    // The top-level value when present, else text_config's. When true the checkpoint normally
    // has no lm_head.weight and embed_tokens serves as the output projection.
    bool tieWordEmbeddings = false;
    std::string dtype;  // "dtype" or legacy "torch_dtype" (top level, else text_config); "" if none
    std::string ropeForm;  // "rope_parameters" (5.x) or "rope_scaling" (4.57) or "" (neither)

    static Expected<ModelConfig> fromJson(const nlohmann::json& config,
                                          const std::string& label = "config.json");
    static Expected<ModelConfig> load(const std::string& path);
    static Expected<ModelConfig> loadFolder(const std::string& dir);  // dir/config.json
};

struct GenerationConfig {
    std::vector<int64_t> eosTokenIds;  // "eos_token_id": an int or a list
    std::optional<int64_t> bosTokenId;
    std::optional<int64_t> padTokenId;
    bool doSample = false;  // defaults are transformers' GenerationConfig defaults
    double temperature = 1.0;
    double topP = 1.0;
    int64_t topK = 50;
    double repetitionPenalty = 1.0;
    std::optional<double> presencePenalty;
    std::optional<int64_t> maxNewTokens;
    bool fromFile = false;  // false: generation_config.json was absent, these are defaults

    static Expected<GenerationConfig> fromJson(const nlohmann::json& config,
                                               const std::string& label = "generation_config.json");
    static Expected<GenerationConfig> load(const std::string& path);
    // dir/generation_config.json, or defaults (eos = the model's text eos id, if given) when
    // absent.
    static Expected<GenerationConfig> loadFolder(const std::string& dir,
                                                 const ModelConfig* model = nullptr);
};

// Image processor settings (Qwen2VLImageProcessor[Fast] with Qwen3-VL values, spec §1.5).
struct PreprocessorConfig {
    int64_t minPixels = 65536;     // size.shortest_edge, or legacy "min_pixels" (which wins)
    int64_t maxPixels = 16777216;  // size.longest_edge, or legacy "max_pixels" (which wins)
    int64_t patchSize = 16;
    int64_t temporalPatchSize = 2;
    int64_t mergeSize = 2;
    std::vector<double> imageMean{0.5, 0.5, 0.5};
    std::vector<double> imageStd{0.5, 0.5, 0.5};
    double rescaleFactor = 1.0 / 255.0;
    int64_t resample = 3;  // PIL BICUBIC
    bool doConvertRgb = true;
    bool doResize = true;
    bool doRescale = true;
    bool doNormalize = true;
    std::string source;  // the file the settings came from; "" = defaults

    static Expected<PreprocessorConfig> fromJson(const nlohmann::json& config,
                                                 const std::string& label);
    // As transformers 5 does: processor_config.json's "image_processor" object if there is one,
    // else preprocessor_config.json, else the defaults above.
    static Expected<PreprocessorConfig> loadFolder(const std::string& dir);
};

struct ExpectedTensor {
    std::string name;
    std::vector<int64_t> shape;
};

// Every tensor a Qwen3-VL checkpoint holds (spec §1.7), in a fixed order: vision, text, lm_head.
// lm_head.weight is listed only when the embeddings are untied.
std::vector<ExpectedTensor> expectedTensors(const ModelConfig& config);

// Checks every expected tensor by name, shape and dtype (F32, BF16 or F16; mixed is fine) and
// reports all missing, unexpected, misshapen and wrongly typed names in one ErrorCode::Weights
// error (the first 10 of each kind, then a count). A tied checkpoint that nevertheless holds
// lm_head.weight is accepted (transformers ties it to embed_tokens and ignores the stored copy);
// it must still have the right shape and dtype.
class WeightStore;
Status verifyWeights(const WeightStore& weights, const ModelConfig& config);

}  // namespace vistag::inference

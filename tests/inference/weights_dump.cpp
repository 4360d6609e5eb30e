// vistag-weights-dump DIR: loads a model folder's configs and weights the way the engine does and
// prints what it found as JSON, for tests/parity/test_weights_parity.py to compare with
// transformers and the safetensors package. Exit code: 0, or the Status exit code of the first
// failure (message on stderr).
#include <cstdio>
#include <iostream>

#include <nlohmann/json.hpp>

#include "vistag/inference/model_config.h"
#include "vistag/inference/safetensors.h"

using namespace vistag::inference;
using json = nlohmann::json;

namespace {

// Σ byte[i] · (i mod 65521 + 1) mod 2^64: cheap to recompute with numpy, and it notices bytes
// that are misplaced, not only changed.
uint64_t checksum(const TensorView& t) {
    uint64_t sum = 0;
    for (uint64_t i = 0; i < t.nbytes; ++i) {
        sum += static_cast<uint64_t>(static_cast<uint8_t>(t.data[i])) * (i % 65521 + 1);
    }
    return sum;
}

int fail(const Status& st) {
    std::cerr << st.message() << "\n";
    return st.exitCode();
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: vistag-weights-dump MODEL_DIR\n";
        return 2;
    }
    const std::string dir = argv[1];
    auto config = ModelConfig::loadFolder(dir);
    if (!config) {
        return fail(config.error());
    }
    auto generation = GenerationConfig::loadFolder(dir, &*config);
    if (!generation) {
        return fail(generation.error());
    }
    auto pre = PreprocessorConfig::loadFolder(dir);
    if (!pre) {
        return fail(pre.error());
    }
    auto store = WeightStore::openFolder(dir);
    if (!store) {
        return fail(store.error());
    }
    const Status verified = verifyWeights(*store, *config);

    const TextConfig& t = config->text;
    const VisionConfig& v = config->vision;
    json out;
    out["config"] = {
        {"text",
         {{"vocab_size", t.vocabSize},
          {"hidden_size", t.hiddenSize},
          {"intermediate_size", t.intermediateSize},
          {"num_hidden_layers", t.numHiddenLayers},
          {"num_attention_heads", t.numAttentionHeads},
          {"num_key_value_heads", t.numKeyValueHeads},
          {"head_dim", t.headDim},
          {"rms_norm_eps", t.rmsNormEps},
          {"rope_theta", t.ropeTheta},
          {"mrope_section", t.mropeSection},
          {"max_position_embeddings", t.maxPositionEmbeddings}}},
        {"vision",
         {{"depth", v.depth},
          {"hidden_size", v.hiddenSize},
          {"intermediate_size", v.intermediateSize},
          {"num_heads", v.numHeads},
          {"out_hidden_size", v.outHiddenSize},
          {"num_position_embeddings", v.numPositionEmbeddings},
          {"patch_size", v.patchSize},
          {"temporal_patch_size", v.temporalPatchSize},
          {"spatial_merge_size", v.spatialMergeSize},
          {"deepstack_visual_indexes", v.deepstackVisualIndexes}}},
        {"tie_word_embeddings", config->tieWordEmbeddings},
        {"image_token_id", config->imageTokenId},
        {"dtype", config->dtype},
        {"rope_form", config->ropeForm},
    };
    out["generation"] = {{"eos_token_id", generation->eosTokenIds},
                         {"pad_token_id", generation->padTokenId.value_or(-1)},
                         {"bos_token_id", generation->bosTokenId.value_or(-1)}};
    out["preprocessor"] = {{"min_pixels", pre->minPixels},
                           {"max_pixels", pre->maxPixels},
                           {"patch_size", pre->patchSize},
                           {"merge_size", pre->mergeSize}};
    out["verify"] = verified.isOk() ? "ok" : verified.message();
    out["files"] = store->files().size();
    json tensors = json::object();
    for (const std::string& name : store->names()) {
        const TensorView* view = store->find(name);
        tensors[name] = {{"dtype", dtypeName(view->dtype)},
                         {"shape", view->shape},
                         {"checksum", checksum(*view)}};
    }
    out["tensors"] = std::move(tensors);
    std::cout << out.dump(1) << "\n";
    return verified.isOk() ? 0 : verified.exitCode();
}

// ModelConfig from config.json (qwen3-vl-spec.md §1.1–1.3), 4.57 and 5.x forms.
#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include "config_fields.h"
#include "json_util.h"
#include "vistag/inference/model_config.h"

namespace vistag::inference {
namespace {

using json = nlohmann::json;
using detail::Field;

constexpr uint64_t kMaxConfigBytes = 16ull * 1024 * 1024;
// Bounds that keep every derived shape (e.g. 4·D·D) far from int64 overflow; real models use
// a small fraction of them.
constexpr int64_t kMaxDim = 1 << 20;
constexpr int64_t kMaxVocab = 1 << 24;
constexpr int64_t kMaxPositions = int64_t{1} << 32;

// clang-format off
const Field<TextConfig> kTextFields[] = {
    {"vocab_size", &TextConfig::vocabSize, true},
    {"hidden_size", &TextConfig::hiddenSize, true},
    {"intermediate_size", &TextConfig::intermediateSize, true},
    {"num_hidden_layers", &TextConfig::numHiddenLayers, true},
    {"num_attention_heads", &TextConfig::numAttentionHeads, true},
    {"num_key_value_heads", &TextConfig::numKeyValueHeads},
    {"head_dim", &TextConfig::headDim},
    {"rms_norm_eps", &TextConfig::rmsNormEps},
    {"rope_theta", &TextConfig::ropeTheta},  // 4.57 form; 5.x has it in rope_parameters
    {"max_position_embeddings", &TextConfig::maxPositionEmbeddings},
    {"attention_bias", &TextConfig::attentionBias},
    {"hidden_act", &TextConfig::hiddenAct},
    {"tie_word_embeddings", &TextConfig::tieWordEmbeddings},
    {"bos_token_id", &TextConfig::bosTokenId},
    {"eos_token_id", &TextConfig::eosTokenId},
};

// rope_parameters (5.x) or rope_scaling (4.57).
const Field<TextConfig> kRopeFields[] = {
    {"rope_theta", &TextConfig::ropeTheta},
    {"mrope_section", &TextConfig::mropeSection},
    {"mrope_interleaved", &TextConfig::mropeInterleaved},
    {"rope_type", &TextConfig::ropeType},
};

const Field<VisionConfig> kVisionFields[] = {
    {"depth", &VisionConfig::depth, true},
    {"hidden_size", &VisionConfig::hiddenSize, true},
    {"intermediate_size", &VisionConfig::intermediateSize, true},
    {"num_heads", &VisionConfig::numHeads, true},
    {"out_hidden_size", &VisionConfig::outHiddenSize, true},
    {"num_position_embeddings", &VisionConfig::numPositionEmbeddings},
    {"patch_size", &VisionConfig::patchSize},
    {"temporal_patch_size", &VisionConfig::temporalPatchSize},
    {"spatial_merge_size", &VisionConfig::spatialMergeSize},
    {"in_channels", &VisionConfig::inChannels},
    {"deepstack_visual_indexes", &VisionConfig::deepstackVisualIndexes},
    {"hidden_act", &VisionConfig::hiddenAct},
};

const Field<ModelConfig> kTopFields[] = {
    {"image_token_id", &ModelConfig::imageTokenId},
    {"video_token_id", &ModelConfig::videoTokenId},
    {"vision_start_token_id", &ModelConfig::visionStartTokenId},
    {"vision_end_token_id", &ModelConfig::visionEndTokenId},
    {"tie_word_embeddings", &ModelConfig::tieWordEmbeddings},
};
// clang-format on

Status bad(const std::string& where, const std::string& what) {
    return Status(ErrorCode::ModelFolder, where + ": " + what);
}

Status inRange(const std::string& where, const char* key, int64_t v, int64_t lo, int64_t hi) {
    if (v < lo || v > hi) {
        return bad(where, std::string("\"") + key + "\" is " + std::to_string(v) +
                              ", outside the sensible range [" + std::to_string(lo) + ", " +
                              std::to_string(hi) + "]");
    }
    return Status::ok();
}

Status validateText(const TextConfig& t, const std::string& where) {
    const std::pair<const char*, int64_t> dims[] = {
        {"hidden_size", t.hiddenSize},
        {"intermediate_size", t.intermediateSize},
        {"num_hidden_layers", t.numHiddenLayers},
        {"num_attention_heads", t.numAttentionHeads},
        {"num_key_value_heads", t.numKeyValueHeads},
        {"head_dim", t.headDim},
    };
    for (const auto& [key, v] : dims) {
        if (Status st = inRange(where, key, v, 1, kMaxDim); !st) {
            return st;
        }
    }
    if (Status st = inRange(where, "vocab_size", t.vocabSize, 1, kMaxVocab); !st) {
        return st;
    }
    if (Status st =
            inRange(where, "max_position_embeddings", t.maxPositionEmbeddings, 1, kMaxPositions);
        !st) {
        return st;
    }
    if (t.numAttentionHeads % t.numKeyValueHeads != 0) {
        return bad(where, "num_attention_heads (" + std::to_string(t.numAttentionHeads) +
                              ") is not a multiple of num_key_value_heads (" +
                              std::to_string(t.numKeyValueHeads) + ")");
    }
    if (t.headDim % 2 != 0) {
        return bad(where,
                   "head_dim " + std::to_string(t.headDim) + " is odd; rotary needs it even");
    }
    if (t.mropeSection.size() != 3) {
        return bad(where, "mrope_section must have 3 entries (temporal, height, width), found " +
                              std::to_string(t.mropeSection.size()));
    }
    int64_t sum = 0;
    for (const int64_t s : t.mropeSection) {
        if (s < 0 || s > kMaxDim) {
            return bad(where, "mrope_section entry " + std::to_string(s) + " is out of range");
        }
        sum += s;
    }
    if (sum != t.headDim / 2) {
        return bad(where, "mrope_section sums to " + std::to_string(sum) +
                              " but must equal head_dim / 2 = " + std::to_string(t.headDim / 2));
    }
    if (!(t.rmsNormEps > 0.0)) {
        return bad(where, "rms_norm_eps must be positive");
    }
    if (!(t.ropeTheta > 0.0)) {
        return bad(where, "rope_theta must be positive");
    }
    if (t.ropeType != "default" && t.ropeType != "mrope") {
        return bad(where, "rope type '" + t.ropeType +
                              "' is not supported (Qwen3-VL uses 'default' with mrope_section)");
    }
    if (t.hiddenAct != "silu") {
        return bad(where, "hidden_act '" + t.hiddenAct + "' is not supported (Qwen3-VL uses silu)");
    }
    return Status::ok();
}

Status validateVision(const VisionConfig& v, const TextConfig& t, const std::string& where) {
    const std::pair<const char*, int64_t> dims[] = {
        {"depth", v.depth},
        {"hidden_size", v.hiddenSize},
        {"intermediate_size", v.intermediateSize},
        {"num_heads", v.numHeads},
        {"out_hidden_size", v.outHiddenSize},
        {"num_position_embeddings", v.numPositionEmbeddings},
        {"patch_size", v.patchSize},
        {"temporal_patch_size", v.temporalPatchSize},
        {"spatial_merge_size", v.spatialMergeSize},
        {"in_channels", v.inChannels},
    };
    for (const auto& [key, x] : dims) {
        if (Status st = inRange(where, key, x, 1, kMaxDim); !st) {
            return st;
        }
    }
    if (v.hiddenSize % v.numHeads != 0) {
        return bad(where, "hidden_size (" + std::to_string(v.hiddenSize) +
                              ") is not a multiple of num_heads (" + std::to_string(v.numHeads) +
                              ")");
    }
    if (v.headDim() % 4 != 0) {
        return bad(where, "the vision head size " + std::to_string(v.headDim()) +
                              " is not a multiple of 4, which the 2D rotary embedding needs");
    }
    const auto side =
        static_cast<int64_t>(std::llround(std::sqrt(static_cast<double>(v.numPositionEmbeddings))));
    if (side * side != v.numPositionEmbeddings) {
        return bad(where, "num_position_embeddings " + std::to_string(v.numPositionEmbeddings) +
                              " is not a perfect square (the position table is a square grid)");
    }
    std::set<int64_t> seen;
    for (const int64_t k : v.deepstackVisualIndexes) {
        if (k < 0 || k >= v.depth) {
            return bad(where, "deepstack_visual_indexes entry " + std::to_string(k) +
                                  " is not a block index (depth is " + std::to_string(v.depth) +
                                  ")");
        }
        if (!seen.insert(k).second) {
            return bad(where,
                       "deepstack_visual_indexes lists block " + std::to_string(k) + " twice");
        }
    }
    if (v.outHiddenSize != t.hiddenSize) {
        return bad(where, "out_hidden_size " + std::to_string(v.outHiddenSize) +
                              " differs from text_config.hidden_size " +
                              std::to_string(t.hiddenSize) +
                              " (vision embeddings replace text embeddings)");
    }
    if (v.hiddenAct != "gelu_pytorch_tanh") {
        return bad(where, "hidden_act '" + v.hiddenAct +
                              "' is not supported (Qwen3-VL vision uses gelu_pytorch_tanh)");
    }
    return Status::ok();
}

Status readRope(const json& tc, const std::string& where, TextConfig& text, std::string& form) {
    for (const char* key : {"rope_parameters", "rope_scaling"}) {
        const auto it = tc.find(key);
        if (it == tc.end() || it->is_null()) {
            continue;
        }
        if (!it->is_object()) {
            return bad(where, std::string("\"") + key + "\" should be an object, found " +
                                  detail::describeJson(*it));
        }
        // 4.57 configs from older tools spell the type "type".
        if (it->contains("type") && !it->contains("rope_type")) {
            json copy = *it;
            copy["rope_type"] = copy["type"];
            if (Status st = detail::readFields(copy, where + "." + key, kRopeFields, text,
                                               ErrorCode::ModelFolder);
                !st) {
                return st;
            }
        } else if (Status st = detail::readFields(*it, where + "." + key, kRopeFields, text,
                                                  ErrorCode::ModelFolder);
                   !st) {
            return st;
        }
        form = key;
        return Status::ok();
    }
    return Status::ok();
}

Status readDtype(const json& obj, std::string& out) {
    for (const char* key : {"dtype", "torch_dtype"}) {
        const auto it = obj.find(key);
        if (it != obj.end() && it->is_string()) {
            out = it->get<std::string>();
            return Status::ok();
        }
    }
    return Status::ok();
}

}  // namespace

Expected<ModelConfig> ModelConfig::fromJson(const json& root, const std::string& label) {
    try {
        if (!root.is_object()) {
            return bad(label, "not a JSON object");
        }
        const auto mt = root.find("model_type");
        if (mt == root.end() || !mt->is_string()) {
            return bad(label, "no \"model_type\"; expected \"qwen3_vl\" (a Qwen3-VL model folder)");
        }
        const auto& modelType = mt->get_ref<const std::string&>();
        if (modelType != "qwen3_vl") {
            return bad(label, "model_type is \"" + modelType +
                                  "\", but Vistag runs only dense Qwen3-VL models "
                                  "(model_type \"qwen3_vl\")");
        }
        ModelConfig cfg;
        const auto tc = root.find("text_config");
        const auto vc = root.find("vision_config");
        if (tc == root.end() || !tc->is_object()) {
            return bad(label, "no \"text_config\" object");
        }
        if (vc == root.end() || !vc->is_object()) {
            return bad(label, "no \"vision_config\" object");
        }
        const std::string tw = label + ": text_config";
        const std::string vw = label + ": vision_config";
        if (Status st = detail::readFields(*tc, tw, kTextFields, cfg.text, ErrorCode::ModelFolder);
            !st) {
            return st;
        }
        if (const auto kv = tc->find("num_key_value_heads"); kv == tc->end() || kv->is_null()) {
            cfg.text.numKeyValueHeads = cfg.text.numAttentionHeads;
        }
        if (Status st = readRope(*tc, tw, cfg.text, cfg.ropeForm); !st) {
            return st;
        }
        if (Status st =
                detail::readFields(*vc, vw, kVisionFields, cfg.vision, ErrorCode::ModelFolder);
            !st) {
            return st;
        }
        cfg.tieWordEmbeddings = cfg.text.tieWordEmbeddings;  // the top-level value wins below
        if (Status st = detail::readFields(root, label, kTopFields, cfg, ErrorCode::ModelFolder);
            !st) {
            return st;
        }
        if (Status st = readDtype(root, cfg.dtype); !st) {
            return st;
        }
        if (cfg.dtype.empty()) {
            (void)readDtype(*tc, cfg.dtype);
        }
        if (Status st = validateText(cfg.text, tw); !st) {
            return st;
        }
        if (Status st = validateVision(cfg.vision, cfg.text, vw); !st) {
            return st;
        }
        const std::pair<const char*, int64_t> ids[] = {
            {"image_token_id", cfg.imageTokenId},
            {"video_token_id", cfg.videoTokenId},
            {"vision_start_token_id", cfg.visionStartTokenId},
            {"vision_end_token_id", cfg.visionEndTokenId},
        };
        for (const auto& [key, id] : ids) {
            if (Status st = inRange(label, key, id, 0, cfg.text.vocabSize - 1); !st) {
                return st;
            }
        }
        return cfg;
    } catch (const std::exception& e) {  // bad_alloc, or a json type error not foreseen
        return bad(label, std::string("cannot read the configuration (") + e.what() + ")");
    }
}

Expected<ModelConfig> ModelConfig::load(const std::string& path) {
    auto j = detail::readJsonFile(path, ErrorCode::ModelFolder, kMaxConfigBytes);
    if (!j) {
        return j.error();
    }
    return fromJson(*j, path);
}

Expected<ModelConfig> ModelConfig::loadFolder(const std::string& dir) {
    return load((std::filesystem::path(dir) / "config.json").string());
}

}  // namespace vistag::inference

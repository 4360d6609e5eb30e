// The tensors a Qwen3-VL checkpoint must hold (qwen3-vl-spec.md §1.7), and their verification.
#include <charconv>
#include <set>

#include "vistag/inference/model_config.h"
#include "vistag/inference/safetensors.h"

namespace vistag::inference {
namespace {

constexpr size_t kListLimit = 10;

using Shape = std::vector<int64_t>;

void linear(std::vector<ExpectedTensor>& out, const std::string& prefix, int64_t outDim,
            int64_t inDim, bool bias) {
    out.push_back({prefix + ".weight", {outDim, inDim}});
    if (bias) {
        out.push_back({prefix + ".bias", {outDim}});
    }
}

void layerNorm(std::vector<ExpectedTensor>& out, const std::string& prefix, int64_t dim) {
    out.push_back({prefix + ".weight", {dim}});
    out.push_back({prefix + ".bias", {dim}});
}

// Merger: (LayerNorm) → fc1 (m²D → m²D) → GELU → fc2 (m²D → out). The final merger normalizes
// each patch (D) before the 2×2 shuffle, the deepstack mergers after it (m²D).
void merger(std::vector<ExpectedTensor>& out, const std::string& prefix, const VisionConfig& v,
            bool postShuffleNorm) {
    const int64_t merged = v.hiddenSize * v.spatialMergeSize * v.spatialMergeSize;
    layerNorm(out, prefix + ".norm", postShuffleNorm ? merged : v.hiddenSize);
    linear(out, prefix + ".linear_fc1", merged, merged, true);
    linear(out, prefix + ".linear_fc2", v.outHiddenSize, merged, true);
}

void visionTensors(std::vector<ExpectedTensor>& out, const VisionConfig& v) {
    const int64_t d = v.hiddenSize;
    const std::string p = "model.visual.";
    out.push_back({p + "patch_embed.proj.weight",
                   {d, v.inChannels, v.temporalPatchSize, v.patchSize, v.patchSize}});
    out.push_back({p + "patch_embed.proj.bias", {d}});
    out.push_back({p + "pos_embed.weight", {v.numPositionEmbeddings, d}});
    for (int64_t i = 0; i < v.depth; ++i) {
        const std::string b = p + "blocks." + std::to_string(i) + ".";
        layerNorm(out, b + "norm1", d);
        layerNorm(out, b + "norm2", d);
        linear(out, b + "attn.qkv", 3 * d, d, true);
        linear(out, b + "attn.proj", d, d, true);
        linear(out, b + "mlp.linear_fc1", v.intermediateSize, d, true);
        linear(out, b + "mlp.linear_fc2", d, v.intermediateSize, true);
    }
    merger(out, p + "merger", v, false);
    for (size_t k = 0; k < v.deepstackVisualIndexes.size(); ++k) {
        merger(out, p + "deepstack_merger_list." + std::to_string(k), v, true);
    }
}

void textTensors(std::vector<ExpectedTensor>& out, const TextConfig& t) {
    const int64_t h = t.hiddenSize;
    const int64_t q = t.numAttentionHeads * t.headDim;
    const int64_t kv = t.numKeyValueHeads * t.headDim;
    const std::string p = "model.language_model.";
    out.push_back({p + "embed_tokens.weight", {t.vocabSize, h}});
    for (int64_t i = 0; i < t.numHiddenLayers; ++i) {
        const std::string l = p + "layers." + std::to_string(i) + ".";
        out.push_back({l + "input_layernorm.weight", {h}});
        out.push_back({l + "post_attention_layernorm.weight", {h}});
        linear(out, l + "self_attn.q_proj", q, h, t.attentionBias);
        linear(out, l + "self_attn.k_proj", kv, h, t.attentionBias);
        linear(out, l + "self_attn.v_proj", kv, h, t.attentionBias);
        linear(out, l + "self_attn.o_proj", h, q, t.attentionBias);
        out.push_back({l + "self_attn.q_norm.weight", {t.headDim}});
        out.push_back({l + "self_attn.k_norm.weight", {t.headDim}});
        linear(out, l + "mlp.gate_proj", t.intermediateSize, h, false);
        linear(out, l + "mlp.up_proj", t.intermediateSize, h, false);
        linear(out, l + "mlp.down_proj", h, t.intermediateSize, false);
    }
    out.push_back({p + "norm.weight", {h}});
}

// "first 10 of N: a, b, ... (and 5 more)".
void appendList(std::string& msg, const char* title, const std::vector<std::string>& items) {
    if (items.empty()) {
        return;
    }
    msg += "\n  " + std::to_string(items.size()) + " " + title + ":";
    for (size_t i = 0; i < items.size() && i < kListLimit; ++i) {
        msg += "\n    " + items[i];
    }
    if (items.size() > kListLimit) {
        msg += "\n    ... and " + std::to_string(items.size() - kListLimit) + " more";
    }
}

bool acceptedDType(DType d) {
    return d == DType::F32 || d == DType::BF16 || d == DType::F16;
}

// The layer indices a checkpoint holds under prefix ("model.language_model.layers."): the
// distinct numbers N of names "<prefix>N.<rest>". At most one per tensor, so bounded by the
// header, whatever config.json declares.
std::set<int64_t> layerIndices(const std::vector<std::string>& names, const std::string& prefix) {
    std::set<int64_t> out;
    for (const std::string& name : names) {
        if (name.compare(0, prefix.size(), prefix) != 0)
            continue;
        const char* first = name.data() + prefix.size();
        const char* last = name.data() + name.size();
        int64_t index = 0;
        const auto [end, ec] = std::from_chars(first, last, index);
        if (ec == std::errc() && end != first && end < last && *end == '.' && index >= 0)
            out.insert(index);
    }
    return out;
}

// A declaration the checkpoint cannot meet: more layers than it holds. Checked before the
// expected names are listed, since that list grows with the declaration (10^6 layers: 11 M
// names, GBs) while the checkpoint's header bounds what can match. Up to kMaxListedLayers (far
// above any Qwen3-VL) the full list of missing tensors is still made, which says better what
// the checkpoint is (another size, another model); above it, the header must hold the layers.
constexpr int64_t kMaxListedLayers = 1024;

Status checkLayerCount(const std::vector<std::string>& names, int64_t declared,
                       const std::string& prefix, const char* what, const char* field) {
    const std::set<int64_t> held = layerIndices(names, prefix);
    const auto count = static_cast<int64_t>(held.size());
    if (declared <= kMaxListedLayers || declared <= count)
        return Status::ok();
    std::string msg = "config.json declares " + std::to_string(declared) + " " + what + " (" +
                      field + ") but the weights hold ";
    if (held.empty())
        msg += "none";
    else
        msg += std::to_string(count) + " (" + prefix + std::to_string(*held.begin()) + " to " +
               std::to_string(*held.rbegin()) + ")";
    msg += "; is this the checkpoint of another model or size?";
    return Status(ErrorCode::Weights, msg);
}

}  // namespace

std::vector<ExpectedTensor> expectedTensors(const ModelConfig& config) {
    std::vector<ExpectedTensor> out;
    visionTensors(out, config.vision);
    textTensors(out, config.text);
    if (!config.tieWordEmbeddings) {
        out.push_back({"lm_head.weight", {config.text.vocabSize, config.text.hiddenSize}});
    }
    return out;
}

Status verifyWeights(const WeightStore& weights, const ModelConfig& config) {
    const std::vector<std::string> names = weights.names();
    if (Status s =
            checkLayerCount(names, config.text.numHiddenLayers, "model.language_model.layers.",
                            "text layers", "text_config.num_hidden_layers");
        !s)
        return s;
    if (Status s = checkLayerCount(names, config.vision.depth, "model.visual.blocks.",
                                   "vision blocks", "vision_config.depth");
        !s)
        return s;
    std::vector<ExpectedTensor> expected = expectedTensors(config);
    if (config.tieWordEmbeddings && weights.find("lm_head.weight") != nullptr) {
        // Harmless: tied models use embed_tokens; the stored copy is checked, then ignored.
        expected.push_back({"lm_head.weight", {config.text.vocabSize, config.text.hiddenSize}});
    }
    std::vector<std::string> missing, misshapen, wrongType, unexpected;
    std::set<std::string> known;
    for (const ExpectedTensor& e : expected) {
        known.insert(e.name);
        const TensorView* t = weights.find(e.name);
        if (t == nullptr) {
            missing.push_back(e.name + " " + shapeString(e.shape));
            continue;
        }
        if (t->shape != e.shape) {
            misshapen.push_back(e.name + ": expected " + shapeString(e.shape) + ", found " +
                                shapeString(t->shape));
        }
        if (!acceptedDType(t->dtype)) {
            wrongType.push_back(e.name + ": " + dtypeName(t->dtype) + " (need F32, BF16 or F16)");
        }
    }
    for (const std::string& name : names) {
        if (!known.count(name)) {
            unexpected.push_back(name);
        }
    }
    if (missing.empty() && misshapen.empty() && wrongType.empty() && unexpected.empty()) {
        return Status::ok();
    }
    std::string msg =
        "the weights do not match config.json (is this the checkpoint of another "
        "model or size?):";
    appendList(msg, "missing", missing);
    appendList(msg, "with the wrong shape", misshapen);
    appendList(msg, "with an unsupported dtype", wrongType);
    appendList(msg, "unexpected", unexpected);
    return Status(ErrorCode::Weights, msg);
}

}  // namespace vistag::inference

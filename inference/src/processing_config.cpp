// GenerationConfig (generation_config.json) and PreprocessorConfig (image processor settings).
#include <filesystem>
#include <system_error>

#include "config_fields.h"
#include "json_util.h"
#include "vistag/inference/model_config.h"

namespace vistag::inference {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using detail::Field;

constexpr uint64_t kMaxConfigBytes = 16ull * 1024 * 1024;

// clang-format off
const Field<GenerationConfig> kGenerationFields[] = {
    {"bos_token_id", &GenerationConfig::bosTokenId},
    {"pad_token_id", &GenerationConfig::padTokenId},
    {"do_sample", &GenerationConfig::doSample},
    {"temperature", &GenerationConfig::temperature},
    {"top_p", &GenerationConfig::topP},
    {"top_k", &GenerationConfig::topK},
    {"repetition_penalty", &GenerationConfig::repetitionPenalty},
    {"presence_penalty", &GenerationConfig::presencePenalty},
    {"max_new_tokens", &GenerationConfig::maxNewTokens},
};

const Field<PreprocessorConfig> kPreprocessorFields[] = {
    {"patch_size", &PreprocessorConfig::patchSize},
    {"temporal_patch_size", &PreprocessorConfig::temporalPatchSize},
    {"merge_size", &PreprocessorConfig::mergeSize},
    {"image_mean", &PreprocessorConfig::imageMean},
    {"image_std", &PreprocessorConfig::imageStd},
    {"rescale_factor", &PreprocessorConfig::rescaleFactor},
    {"resample", &PreprocessorConfig::resample},
    {"do_convert_rgb", &PreprocessorConfig::doConvertRgb},
    {"do_resize", &PreprocessorConfig::doResize},
    {"do_rescale", &PreprocessorConfig::doRescale},
    {"do_normalize", &PreprocessorConfig::doNormalize},
    // Legacy keys; they override size.shortest_edge / size.longest_edge, as in transformers.
    {"min_pixels", &PreprocessorConfig::minPixels},
    {"max_pixels", &PreprocessorConfig::maxPixels},
};

const Field<PreprocessorConfig> kSizeFields[] = {
    {"shortest_edge", &PreprocessorConfig::minPixels},
    {"longest_edge", &PreprocessorConfig::maxPixels},
};
// clang-format on

Status bad(const std::string& where, const std::string& what) {
    return Status(ErrorCode::ModelFolder, where + ": " + what);
}

bool isTokenId(int64_t id) {
    return id >= 0 && id < (int64_t{1} << 31);
}

Status validateGeneration(const GenerationConfig& g, const std::string& where) {
    for (const int64_t id : g.eosTokenIds) {
        if (!isTokenId(id)) {
            return bad(where, "eos_token_id " + std::to_string(id) + " is not a token id");
        }
    }
    if (!(g.temperature >= 0.0)) {
        return bad(where, "temperature must not be negative");
    }
    if (!(g.topP > 0.0 && g.topP <= 1.0)) {
        return bad(where, "top_p must be in (0, 1]");
    }
    if (g.topK < 0) {
        return bad(where, "top_k must not be negative");
    }
    if (!(g.repetitionPenalty > 0.0)) {
        return bad(where, "repetition_penalty must be positive");
    }
    if (g.maxNewTokens && *g.maxNewTokens < 0) {
        return bad(where, "max_new_tokens must not be negative");
    }
    return Status::ok();
}

Status validatePreprocessor(const PreprocessorConfig& p, const std::string& where) {
    const std::pair<const char*, int64_t> dims[] = {
        {"patch_size", p.patchSize},
        {"temporal_patch_size", p.temporalPatchSize},
        {"merge_size", p.mergeSize},
    };
    for (const auto& [key, v] : dims) {
        if (v < 1 || v > 4096) {
            return bad(where, std::string("\"") + key + "\" is " + std::to_string(v) +
                                  ", outside [1, 4096]");
        }
    }
    if (p.minPixels < 1 || p.maxPixels < p.minPixels || p.maxPixels > (int64_t{1} << 40)) {
        return bad(where, "pixel limits min " + std::to_string(p.minPixels) + ", max " +
                              std::to_string(p.maxPixels) +
                              " are not a sensible range (need 1 <= min <= max)");
    }
    if (p.imageMean.size() != 3 || p.imageStd.size() != 3) {
        return bad(where, "image_mean and image_std need 3 values (R, G, B)");
    }
    for (const double s : p.imageStd) {
        if (!(s != 0.0)) {
            return bad(where, "image_std has a zero entry");
        }
    }
    if (p.resample < 0 || p.resample > 5) {
        return bad(where, "resample " + std::to_string(p.resample) + " is not a PIL filter");
    }
    return Status::ok();
}

}  // namespace

Expected<GenerationConfig> GenerationConfig::fromJson(const json& root, const std::string& label) {
    try {
        if (!root.is_object()) {
            return bad(label, "not a JSON object");
        }
        GenerationConfig g;
        g.fromFile = true;
        if (Status st =
                detail::readFields(root, label, kGenerationFields, g, ErrorCode::ModelFolder);
            !st) {
            return st;
        }
        if (const auto eos = root.find("eos_token_id"); eos != root.end() && !eos->is_null()) {
            int64_t one = 0;
            if (detail::readInt(*eos, one)) {
                g.eosTokenIds = {one};
            } else if (!detail::readList<int64_t>(*eos, g.eosTokenIds, detail::readInt)) {
                return bad(label,
                           "\"eos_token_id\" should be a token id or a list of them, found " +
                               detail::describeJson(*eos));
            }
        }
        if (Status st = validateGeneration(g, label); !st) {
            return st;
        }
        return g;
    } catch (const std::exception& e) {
        return bad(label, std::string("cannot read the configuration (") + e.what() + ")");
    }
}

Expected<GenerationConfig> GenerationConfig::load(const std::string& path) {
    auto j = detail::readJsonFile(path, ErrorCode::ModelFolder, kMaxConfigBytes);
    if (!j) {
        return j.error();
    }
    return fromJson(*j, path);
}

Expected<GenerationConfig> GenerationConfig::loadFolder(const std::string& dir,
                                                        const ModelConfig* model) {
    const fs::path path = fs::path(dir) / "generation_config.json";
    std::error_code ec;
    if (fs::exists(path, ec)) {
        return load(path.string());
    }
    GenerationConfig g;
    if (model != nullptr) {
        if (model->text.eosTokenId) {
            g.eosTokenIds = {*model->text.eosTokenId};
        }
        g.bosTokenId = model->text.bosTokenId;
    }
    return g;
}

Expected<PreprocessorConfig> PreprocessorConfig::fromJson(const json& root,
                                                          const std::string& label) {
    try {
        if (!root.is_object()) {
            return bad(label, "not a JSON object");
        }
        PreprocessorConfig p;
        p.source = label;
        if (const auto size = root.find("size"); size != root.end() && !size->is_null()) {
            if (!size->is_object()) {
                return bad(label, "\"size\" should be an object {shortest_edge, longest_edge}");
            }
            if (Status st = detail::readFields(*size, label + ": size", kSizeFields, p,
                                               ErrorCode::ModelFolder);
                !st) {
                return st;
            }
        }
        if (Status st =
                detail::readFields(root, label, kPreprocessorFields, p, ErrorCode::ModelFolder);
            !st) {
            return st;
        }
        if (Status st = validatePreprocessor(p, label); !st) {
            return st;
        }
        return p;
    } catch (const std::exception& e) {
        return bad(label, std::string("cannot read the configuration (") + e.what() + ")");
    }
}

Expected<PreprocessorConfig> PreprocessorConfig::loadFolder(const std::string& dir) {
    std::error_code ec;
    const fs::path processor = fs::path(dir) / "processor_config.json";
    if (fs::exists(processor, ec)) {
        auto j = detail::readJsonFile(processor, ErrorCode::ModelFolder, kMaxConfigBytes);
        if (!j) {
            return j.error();
        }
        if (j->is_object()) {
            if (const auto ip = j->find("image_processor"); ip != j->end()) {
                return fromJson(*ip, processor.string() + ": image_processor");
            }
        }
    }
    const fs::path legacy = fs::path(dir) / "preprocessor_config.json";
    if (fs::exists(legacy, ec)) {
        auto j = detail::readJsonFile(legacy, ErrorCode::ModelFolder, kMaxConfigBytes);
        if (!j) {
            return j.error();
        }
        return fromJson(*j, legacy.string());
    }
    return PreprocessorConfig{};
}

}  // namespace vistag::inference

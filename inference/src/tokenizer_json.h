// Reads tokenizer.json in one streaming pass. model.vocab and model.merges (151k entries each
// for Qwen) go straight into compact containers; only the small rest of the file becomes a JSON
// DOM. A full DOM of the 11 MB file takes several times longer to build and free and ~10x the
// memory. Internal to vistag_text.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace vistag::inference {

struct TokenizerJsonParts {
    nlohmann::json rest;  // the whole file, except that model.vocab and model.merges are null
    bool hasVocab = false;
    bool hasMerges = false;
    std::unordered_map<std::string, int32_t> vocab;
    std::vector<std::pair<std::string, std::string>> merges;  // "a b" strings split at the space
};

// Fills `parts`; returns "" or what is wrong (without the file name).
std::string parseTokenizerJson(std::string_view text, int64_t maxId, TokenizerJsonParts& parts);

}  // namespace vistag::inference

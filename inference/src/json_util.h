// Strict JSON reading for the files of a model folder (internal to vistag_text).
// Parse errors come back as a Status; nothing throws out of these functions.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "vistag/inference/status.h"

namespace vistag::inference::detail {

struct JsonParseOptions {
    // nlohmann keeps the last of two equal keys, silently; safetensors headers and index files
    // must not have any, so they are detected here and reported.
    bool rejectDuplicateKeys = false;
    // Deeper nesting is refused before it costs memory (no model file nests more than ~4).
    int maxDepth = 32;
    // How a duplicated key of the top-level object is called in messages ("tensor").
    std::string duplicateTopLevelNoun = "key";
};

// Parses `text`; `label` (a file name) starts every error message.
Expected<nlohmann::json> parseJson(std::string_view text, const std::string& label, ErrorCode code,
                                   const JsonParseOptions& options = {});

// Reads and parses a file of at most `maxBytes` bytes.
Expected<nlohmann::json> readJsonFile(const std::filesystem::path& path, ErrorCode code,
                                      uint64_t maxBytes, const JsonParseOptions& options = {});

// A value for messages: short, valid UTF-8 whatever the input held.
std::string describeJson(const nlohmann::json& value, size_t maxChars = 60);

}  // namespace vistag::inference::detail

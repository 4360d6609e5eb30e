// Helpers shared by the tokenizer tests: scratch folders and small synthetic tokenizer.json files.
#pragma once

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace vistag::test {

inline std::filesystem::path scratchDir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("vistag-test-" + std::to_string(::getpid()) + "-" + name);
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline void writeFile(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

// GPT-2 byte-level character of a byte, as UTF-8.
inline std::string byteChar(int b) {
    const bool printable = (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
    int cp = b;
    if (!printable) {
        int n = 0;
        for (int x = 0; x < b; ++x) {
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || x >= 174))
                ++n;
        }
        cp = 256 + n;
    }
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

inline const char* qwenPattern() {
    return R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
}

// A Qwen-shaped tokenizer.json: the 256 byte characters (ids 0-255) plus the merges given as
// pairs of byte-level strings (each result gets the next id), then the added tokens.
struct AddedSpec {
    std::string content;
    bool special = true;
    bool normalized = false;
};
inline nlohmann::json syntheticTokenizerJson(
    const std::vector<std::pair<std::string, std::string>>& merges,
    const std::vector<AddedSpec>& added, bool mergesAsArrays = false) {
    using nlohmann::json;
    json vocab = json::object();
    int id = 0;
    for (int b = 0; b < 256; ++b)
        vocab[byteChar(b)] = id++;
    json jm = json::array();
    for (const auto& [a, b] : merges) {
        if (!vocab.contains(a + b))
            vocab[a + b] = id++;
        if (mergesAsArrays) {
            jm.push_back(json::array({a, b}));
        } else {
            jm.push_back(a + " " + b);
        }
    }
    json ja = json::array();
    for (const AddedSpec& a : added) {
        ja.push_back({{"id", id++},
                      {"content", a.content},
                      {"single_word", false},
                      {"lstrip", false},
                      {"rstrip", false},
                      {"normalized", a.normalized},
                      {"special", a.special}});
    }
    return {
        {"version", "1.0"},
        {"added_tokens", ja},
        {"normalizer", {{"type", "NFC"}}},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers", json::array({{{"type", "Split"},
                                          {"pattern", {{"Regex", qwenPattern()}}},
                                          {"behavior", "Isolated"},
                                          {"invert", false}},
                                         {{"type", "ByteLevel"},
                                          {"add_prefix_space", false},
                                          {"trim_offsets", false},
                                          {"use_regex", false}}})}}},
        {"decoder", {{"type", "ByteLevel"}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", false},
          {"vocab", vocab},
          {"merges", jm}}},
    };
}

// What a test that needs ../shared does without it: in CI (CI set, where ../shared is laid beside
// the checkout, and no VISTAG_SHARED pointing elsewhere) a failure, never a quiet skip; elsewhere
// it is skipped. Use in the test body (it returns).
#define VISTAG_WITHOUT_SHARED(why)                                                \
    do {                                                                          \
        if (std::getenv("CI") && !std::getenv("VISTAG_SHARED"))                   \
            GTEST_FAIL() << why << " (CI runs with ../shared: it must be there)"; \
        GTEST_SKIP() << why;                                                      \
    } while (0)

// ../shared/data/qwen-tokenizer (or $VISTAG_SHARED/data/qwen-tokenizer), if present.
inline std::filesystem::path qwenVocabDir() {
    std::vector<std::filesystem::path> candidates;
    if (const char* env = std::getenv("VISTAG_SHARED"))
        candidates.emplace_back(env);
    candidates.emplace_back(VISTAG_SHARED_DIR);
    for (const auto& c : candidates) {
        const auto d = c / "data" / "qwen-tokenizer";
        if (std::filesystem::is_regular_file(d / "vocab.json") &&
            std::filesystem::is_regular_file(d / "merges.txt")) {
            return d;
        }
    }
    return {};
}

// The 26 added tokens of Qwen2/3 (qwen3-vl-spec §5), ids from 151643; the first 14 special.
inline std::vector<std::string> qwenAddedTokens() {
    return {"<|endoftext|>",
            "<|im_start|>",
            "<|im_end|>",
            "<|object_ref_start|>",
            "<|object_ref_end|>",
            "<|box_start|>",
            "<|box_end|>",
            "<|quad_start|>",
            "<|quad_end|>",
            "<|vision_start|>",
            "<|vision_end|>",
            "<|vision_pad|>",
            "<|image_pad|>",
            "<|video_pad|>",
            "<tool_call>",
            "</tool_call>",
            "<|fim_prefix|>",
            "<|fim_middle|>",
            "<|fim_suffix|>",
            "<|fim_pad|>",
            "<|repo_name|>",
            "<|file_sep|>",
            "<tool_response>",
            "</tool_response>",
            "<think>",
            "</think>"};
}

// A tokenizer.json like the one transformers saves, built from the real vocab.json + merges.txt
// in `src` (qwenVocabDir()) and the 26 added tokens.
inline nlohmann::json qwenTokenizerJson(const std::filesystem::path& src) {
    std::ifstream vin(src / "vocab.json");
    const nlohmann::json vocab = nlohmann::json::parse(vin);
    std::ifstream min(src / "merges.txt");
    nlohmann::json merges = nlohmann::json::array();
    std::string line;
    while (std::getline(min, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();  // the file has CRLF
        if (line.empty() || line.rfind("#version", 0) == 0)
            continue;
        const size_t sp = line.find(' ');
        merges.push_back(nlohmann::json::array({line.substr(0, sp), line.substr(sp + 1)}));
    }
    nlohmann::json j = syntheticTokenizerJson({}, {});
    j["model"]["vocab"] = vocab;
    j["model"]["merges"] = merges;
    const auto added = qwenAddedTokens();
    for (size_t i = 0; i < added.size(); ++i)
        j["added_tokens"].push_back({{"id", 151643 + static_cast<int>(i)},
                                     {"content", added[i]},
                                     {"normalized", false},
                                     {"special", i < 14}});
    return j;
}

}  // namespace vistag::test

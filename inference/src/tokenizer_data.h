// What a loaded tokenizer holds. Internal to vistag_text.
#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "pretokenizer.h"

namespace vistag::inference {

struct AddedToken {
    int32_t id = -1;
    std::string content;
    bool special = false;
    bool normalized = false;  // matched after normalisation instead of in the raw text
};

// Finds added tokens in text: the leftmost match, and of those starting there the longest (the
// aho-corasick LeftmostLongest search of tokenizers' AddedVocabulary).
class AddedTokenMatcher {
public:
    void add(const std::string& content, int32_t id);
    bool empty() const { return count_ == 0; }
    struct Match {
        size_t pos = std::string_view::npos;
        size_t len = 0;
        int32_t id = -1;
    };
    Match find(std::string_view text, size_t from) const;

private:
    // Candidates by first byte, longest first.
    std::array<std::vector<std::pair<std::string, int32_t>>, 256> byFirst_;
    size_t count_ = 0;
};

// Cache of BPE results per pre-tokenized word (tokenizers keeps one too).
class WordCache {
public:
    bool get(std::string_view word, std::vector<int32_t>& out) const;
    void put(std::string_view word, const std::vector<int32_t>& ids) const;

private:
    static constexpr size_t kCapacity = 100000;
    static constexpr size_t kMaxWordBytes = 256;
    mutable std::mutex mu_;
    mutable std::unordered_map<std::string, std::vector<int32_t>> map_;
};

struct PairHash {
    size_t operator()(uint64_t k) const { return static_cast<size_t>(k * 0x9E3779B97F4A7C15ull); }
};

struct TokenizerData {
    // Vocabulary: byte-level token text <-> id. Ids may be sparse.
    std::unordered_map<std::string, int32_t> vocab;
    std::vector<std::string> idToToken;  // "" where no vocabulary token has that id
    std::vector<std::string> idToBytes;  // byteLevelDecode(idToToken[id])

    struct Merge {
        int32_t rank;
        int32_t id;
    };
    static uint64_t pairKey(int32_t a, int32_t b) {
        return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
    }
    std::unordered_map<uint64_t, Merge, PairHash> merges;
    std::array<int32_t, 256> byteIds{};  // vocabulary id of each byte's character, -1 if none
    bool ignoreMerges = false;

    std::vector<AddedToken> added;
    std::unordered_map<int32_t, size_t> addedById;  // index into `added`
    std::unordered_map<std::string, int32_t> addedByContent;
    AddedTokenMatcher rawMatcher;   // normalized == false
    AddedTokenMatcher normMatcher;  // normalized == true

    bool nfc = true;
    text::PreTokenizer pre;
    size_t distinctIds = 0;

    WordCache cache;

    // Finishes construction: id tables, byte ids, matchers. Returns "" or an error text.
    std::string finish();
    // BPE of one pre-tokenized word given as raw bytes.
    void encodeWord(std::string_view word, std::vector<int32_t>& out) const;
};

}  // namespace vistag::inference

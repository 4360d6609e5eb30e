// Byte-level BPE tokenizer, identical to HF transformers' Qwen2Tokenizer (tokenizers backend) on
// any text. Torch-free and Qt-free.
//
// encode(text) equals tokenizer.encode(text, add_special_tokens=False):
//   1. added tokens (<|im_start|>, <think>, ...) are found verbatim in the raw text, leftmost and
//      longest first; they are never split further;
//   2. the text between them is NFC-normalised, cut by the pre-tokenizer regex (Split, Isolated),
//      mapped to GPT-2's byte-level alphabet and merged by BPE in merge-rank order.
// Invalid UTF-8 (which a Python str cannot hold, so transformers never sees it) is first
// replaced, one U+FFFD per maximal ill-formed subsequence, exactly as
// bytes.decode("utf-8", errors="replace") does; the tokens are those of that repaired text.
//
// decode(ids) equals tokenizer.decode(ids, skip_special_tokens=...): byte-level tokens are joined
// into bytes and decoded with U+FFFD for invalid UTF-8 (errors="replace"); an added token that is
// kept ends the byte run before it (so a character cut by it decodes as U+FFFD, as in HF); ids
// that are neither in the vocabulary nor added tokens are skipped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vistag/inference/status.h"

namespace vistag::inference {

struct TokenizerData;  // tokenizer_data.h

class Tokenizer {
public:
    Tokenizer() = default;  // empty: encodes everything to nothing
    // From a model folder: tokenizer.json (model.vocab, model.merges as "a b" strings or ["a","b"]
    // pairs, added_tokens), or else vocab.json + merges.txt with the added tokens of
    // tokenizer_config.json's added_tokens_decoder. Missing or malformed files give
    // ErrorCode::ModelFolder naming the file and the problem; nothing throws.
    static Expected<Tokenizer> fromFolder(const std::string& dir);
    // Same, from a tokenizer.json's text (`name` is used in error messages).
    static Expected<Tokenizer> fromTokenizerJson(std::string_view json,
                                                 const std::string& name = "tokenizer.json");

    std::vector<int32_t> encode(std::string_view text) const;
    std::string decode(const std::vector<int32_t>& ids, bool skipSpecial = false) const;

    int32_t tokenId(std::string_view token) const;  // -1 if unknown
    std::string tokenText(int32_t id) const;        // vocabulary form ("Ġworld"); "" if unknown
    // The bytes a token stands for (may be a fragment of a UTF-8 character); an added token's
    // content; "" if unknown.
    std::string_view tokenBytes(int32_t id) const;
    bool isAdded(int32_t id) const;
    bool isSpecial(int32_t id) const;
    // Number of distinct ids (vocabulary plus added tokens), like len(tokenizer).
    size_t size() const;

private:
    explicit Tokenizer(std::shared_ptr<const TokenizerData> d) : d_(std::move(d)) {}
    friend class TokenizerBuilder;
    std::shared_ptr<const TokenizerData> d_;
};

// Streaming decode that never emits a broken UTF-8 character: an incomplete multi-byte tail is
// held back until the next token completes it. The concatenation of everything push() and
// flush() return equals Tokenizer::decode(all ids, skipSpecial).
class StreamDecoder {
public:
    explicit StreamDecoder(const Tokenizer& tok, bool skipSpecial = true);
    std::string push(int32_t id);  // newly completed text
    std::string flush();           // whatever is left (incomplete bytes become U+FFFD)

private:
    const Tokenizer* tok_;
    bool skipSpecial_;
    std::string pending_;
};

}  // namespace vistag::inference

// The Split pre-tokenizer of HF tokenizers (behavior "Isolated": every regex match and every gap
// between matches is a piece), run with PCRE2. Internal to vistag_text.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace vistag::inference::text {

// The Qwen2 pattern (tokenizer.json of Qwen2/2.5/3/3-VL).
extern const char* const kQwenPattern;
// GPT-2's pattern (ByteLevel pre-tokenizer with use_regex=true).
extern const char* const kGpt2Pattern;

// Rewrites an Oniguruma pattern for PCRE2: \s, \S, \p{L}, \p{N}, \P{L}, \P{N} become explicit
// code point classes with tokenizers' Unicode data (PCRE2's own tables are an older Unicode and
// its \s differs: it has U+180E, which Oniguruma does not, and lacks U+0085).
std::string translateOnigPattern(std::string_view pattern);

class PreTokenizer {
public:
    PreTokenizer() = default;
    // Compiles an Oniguruma-syntax pattern; on failure returns false and sets `error`.
    bool compile(std::string_view onigPattern, std::string& error);
    bool isCompiled() const { return impl_ != nullptr; }

    // Splits valid UTF-8 text into matches and the gaps between them, in order, none empty.
    void split(std::string_view text, std::vector<std::string_view>& pieces) const;

private:
    struct Impl;
    std::shared_ptr<const Impl> impl_;
};

}  // namespace vistag::inference::text

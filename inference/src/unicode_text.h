// UTF-8 and Unicode helpers for the tokenizer: lossy UTF-8 decoding exactly like Python's and
// Rust's errors="replace", NFC as HF `tokenizers` computes it, and the character classes of its
// pre-tokenizer regex. Internal to vistag_text.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace vistag::inference::text {

struct CodeRange {
    char32_t first;
    char32_t last;
};

// Character classes as HF tokenizers' regex engine (Oniguruma, Unicode 16) sees them.
std::span<const CodeRange> whiteSpaceRanges();  // \s
std::span<const CodeRange> letterRanges();      // \p{L}
std::span<const CodeRange> numberRanges();      // \p{N}

bool isValidUtf8(std::string_view s);

// Appends `in` to `out` with every maximal ill-formed subsequence replaced by U+FFFD (the Unicode
// "maximal subpart" practice that Python's bytes.decode(errors="replace") and Rust's
// String::from_utf8_lossy follow). When `final` is false, an incomplete but so far valid sequence
// at the end is left out. Returns the number of input bytes consumed.
size_t appendUtf8Lossy(std::string_view in, std::string& out, bool final = true);

// `in` with invalid UTF-8 replaced; returns `in` unchanged (no copy made) when it is valid.
std::string toValidUtf8(std::string_view in);

void appendUtf8(std::string& out, char32_t cp);

// Canonical composition (NFC) of valid UTF-8, identical to tokenizers' NFC normalizer: code points
// that its (older) Unicode tables do not know are passed through untouched.
std::string nfc(std::string_view validUtf8);

}  // namespace vistag::inference::text

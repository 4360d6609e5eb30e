// GPT-2's byte-level alphabet (HF ByteLevel pre-tokenizer and decoder): every byte is written as
// one printable code point, so that BPE vocabularies hold only printable strings.
#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace vistag::inference::text {

// Bytes 33-126, 161-172 and 174-255 map to themselves; the other 68 bytes, in increasing order,
// map to U+0100, U+0101, ... (space is "Ġ" U+0120, "\n" is "Ċ" U+010A).
char32_t byteToCodepoint(uint8_t b);

// The byte a code point of that alphabet stands for, or -1.
int codepointToByte(char32_t cp);

// UTF-8 of byteToCodepoint(b) for every byte.
const std::array<std::string, 256>& byteLevelStrings();

// The bytes a vocabulary token stands for (HF ByteLevel decoder: a token with any character
// outside the alphabet is taken as its own UTF-8 bytes).
std::string byteLevelDecode(const std::string& token);

}  // namespace vistag::inference::text

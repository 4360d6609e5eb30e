#include "byte_level.h"

#include "unicode_text.h"

namespace vistag::inference::text {
namespace {

bool printable(int b) {
    return (b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174;
}

struct Tables {
    std::array<char32_t, 256> toCp{};
    std::array<int16_t, 324> toByte{};  // code points < 0x144 cover the whole alphabet
    std::array<std::string, 256> strings;
    Tables() {
        toByte.fill(-1);
        int n = 0;
        for (int b = 0; b < 256; ++b) {
            toCp[b] = printable(b) ? static_cast<char32_t>(b) : static_cast<char32_t>(256 + n++);
            toByte[toCp[b]] = static_cast<int16_t>(b);
            appendUtf8(strings[b], toCp[b]);
        }
    }
};

const Tables& tables() {
    static const Tables t;
    return t;
}

}  // namespace

char32_t byteToCodepoint(uint8_t b) {
    return tables().toCp[b];
}

int codepointToByte(char32_t cp) {
    return cp < 324 ? tables().toByte[cp] : -1;
}

const std::array<std::string, 256>& byteLevelStrings() {
    return tables().strings;
}

std::string byteLevelDecode(const std::string& token) {
    std::string out;
    out.reserve(token.size());
    for (size_t i = 0; i < token.size();) {
        const auto b0 = static_cast<uint8_t>(token[i]);
        char32_t cp;
        size_t len;
        if (b0 < 0x80) {
            cp = b0;
            len = 1;
        } else if ((b0 & 0xE0) == 0xC0 && i + 1 < token.size()) {
            cp = ((b0 & 0x1Fu) << 6) | (static_cast<uint8_t>(token[i + 1]) & 0x3Fu);
            len = 2;
        } else {
            return token;  // beyond U+07FF: not in the alphabet
        }
        const int b = codepointToByte(cp);
        if (b < 0)
            return token;
        out.push_back(static_cast<char>(b));
        i += len;
    }
    return out;
}

}  // namespace vistag::inference::text

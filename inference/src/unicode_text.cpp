#include "unicode_text.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>

namespace vistag::inference::text {
namespace {

#include "unicode_tables.inc"

bool inRanges(std::span<const CodeRange> ranges, char32_t c) {
    auto it = std::upper_bound(ranges.begin(), ranges.end(), c,
                               [](char32_t v, const CodeRange& r) { return v < r.first; });
    return it != ranges.begin() && c <= std::prev(it)->last;
}

// Length of the well-formed sequence starting with lead byte `b` (0 if `b` cannot start one) and
// the allowed range of its second byte (Unicode Table 3-7).
struct Lead {
    int length;
    uint8_t lo;
    uint8_t hi;
};

Lead leadInfo(uint8_t b) {
    if (b < 0x80)
        return {1, 0, 0};
    if (b < 0xC2)
        return {0, 0, 0};
    if (b < 0xE0)
        return {2, 0x80, 0xBF};
    if (b == 0xE0)
        return {3, 0xA0, 0xBF};
    if (b == 0xED)
        return {3, 0x80, 0x9F};
    if (b < 0xF0)
        return {3, 0x80, 0xBF};
    if (b == 0xF0)
        return {4, 0x90, 0xBF};
    if (b < 0xF4)
        return {4, 0x80, 0xBF};
    if (b == 0xF4)
        return {4, 0x80, 0x8F};
    return {0, 0, 0};
}

// Length of the valid sequence at s[i], or -(maximal subpart length) if ill-formed, or 0 if it is
// a valid prefix cut off by the end of the input.
int sequenceAt(std::string_view s, size_t i) {
    const Lead lead = leadInfo(static_cast<uint8_t>(s[i]));
    if (lead.length == 1)
        return 1;
    if (lead.length == 0)
        return -1;
    for (int k = 1; k < lead.length; ++k) {
        if (i + k >= s.size())
            return 0;
        const auto c = static_cast<uint8_t>(s[i + k]);
        const bool ok = k == 1 ? (c >= lead.lo && c <= lead.hi) : (c >= 0x80 && c <= 0xBF);
        if (!ok)
            return -k;
    }
    return lead.length;
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

char32_t decodeAt(std::string_view s, size_t i, int len) {
    const auto b = [&](size_t k) { return static_cast<char32_t>(static_cast<uint8_t>(s[i + k])); };
    switch (len) {
        case 1:
            return b(0);
        case 2:
            return ((b(0) & 0x1F) << 6) | (b(1) & 0x3F);
        case 3:
            return ((b(0) & 0x0F) << 12) | ((b(1) & 0x3F) << 6) | (b(2) & 0x3F);
        default:
            return ((b(0) & 0x07) << 18) | ((b(1) & 0x3F) << 12) | ((b(2) & 0x3F) << 6) |
                   (b(3) & 0x3F);
    }
}

// utf8proc's NFC of a valid UTF-8 span, appended to `out`.
void appendUtf8procNfc(std::string_view s, std::string& out) {
    utf8proc_uint8_t* result = nullptr;
    const utf8proc_ssize_t n =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                     static_cast<utf8proc_ssize_t>(s.size()), &result,
                     static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE));
    if (n < 0 || result == nullptr) {
        out.append(s);  // cannot happen on valid UTF-8 short of memory exhaustion
    } else {
        out.append(reinterpret_cast<const char*>(result), static_cast<size_t>(n));
    }
    std::free(result);
}

}  // namespace

std::span<const CodeRange> whiteSpaceRanges() {
    return kWhiteSpace;
}
std::span<const CodeRange> letterRanges() {
    return kLetter;
}
std::span<const CodeRange> numberRanges() {
    return kNumber;
}

bool isValidUtf8(std::string_view s) {
    for (size_t i = 0; i < s.size();) {
        if (static_cast<uint8_t>(s[i]) < 0x80) {
            ++i;
            continue;
        }
        const int n = sequenceAt(s, i);
        if (n <= 0)
            return false;
        i += static_cast<size_t>(n);
    }
    return true;
}

size_t appendUtf8Lossy(std::string_view in, std::string& out, bool final) {
    size_t i = 0;
    size_t runStart = 0;  // start of valid bytes not yet copied
    while (i < in.size()) {
        if (static_cast<uint8_t>(in[i]) < 0x80) {
            ++i;
            continue;
        }
        const int n = sequenceAt(in, i);
        if (n > 0) {
            i += static_cast<size_t>(n);
            continue;
        }
        out.append(in.substr(runStart, i - runStart));
        if (n == 0) {  // incomplete tail
            if (!final)
                return i;
            out.append(kReplacement);
            return in.size();
        }
        out.append(kReplacement);
        i += static_cast<size_t>(-n);
        runStart = i;
    }
    out.append(in.substr(runStart, i - runStart));
    return in.size();
}

std::string toValidUtf8(std::string_view in) {
    if (isValidUtf8(in))
        return std::string(in);
    std::string out;
    out.reserve(in.size() + 16);
    appendUtf8Lossy(in, out, true);
    return out;
}

void appendUtf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

std::string nfc(std::string_view s) {
    // ASCII and text without anything that NFC could change are copied as they are. Otherwise
    // the text is cut at the code points tokenizers treats as unassigned (they are starters that
    // compose with nothing, so normalisation never crosses them) and utf8proc composes the rest.
    size_t i = 0;
    while (i < s.size() && static_cast<uint8_t>(s[i]) < 0x80)
        ++i;
    if (i == s.size())
        return std::string(s);

    std::string out;
    out.reserve(s.size());
    size_t segStart = 0;
    bool segPlain = true;  // segment is ASCII only
    const auto flush = [&](size_t end) {
        const std::string_view seg = s.substr(segStart, end - segStart);
        if (segPlain) {
            out.append(seg);
        } else {
            appendUtf8procNfc(seg, out);
        }
    };
    for (i = 0; i < s.size();) {
        const auto b = static_cast<uint8_t>(s[i]);
        if (b < 0x80) {
            ++i;
            continue;
        }
        const int n = std::max(1, sequenceAt(s, i));
        const char32_t cp = decodeAt(s, i, n);
        if (cp >= 0x7FD && inRanges(kNfcInert, cp)) {
            flush(i);
            out.append(s.substr(i, static_cast<size_t>(n)));
            segStart = i + static_cast<size_t>(n);
            segPlain = true;
        } else {
            segPlain = false;
        }
        i += static_cast<size_t>(n);
    }
    flush(s.size());
    return out;
}

}  // namespace vistag::inference::text

#include "pretokenizer.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include <cstdio>

#include "unicode_text.h"

namespace vistag::inference::text {

const char* const kQwenPattern =
    R"((?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+)";
const char* const kGpt2Pattern =
    R"('s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+)";

namespace {

void appendPoint(std::string& out, char32_t c) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "\\x{%X}", static_cast<unsigned>(c));
    out += buf;
}

// Class items (no brackets) for `ranges`, or for their complement when `negate`. Surrogates are
// never written (PCRE2 rejects them in UTF mode).
std::string classItems(std::span<const CodeRange> ranges, bool negate) {
    std::vector<CodeRange> rs;
    if (!negate) {
        rs.assign(ranges.begin(), ranges.end());
    } else {
        char32_t next = 0;
        for (const CodeRange& r : ranges) {
            if (r.first > next)
                rs.push_back({next, r.first - 1});
            next = r.last + 1;
        }
        if (next <= 0x10FFFF)
            rs.push_back({next, 0x10FFFF});
    }
    std::string out;
    for (CodeRange r : rs) {
        std::vector<CodeRange> parts;
        if (r.first < 0xD800 && r.last > 0xDFFF) {
            parts = {{r.first, 0xD7FF}, {0xE000, r.last}};
        } else if (r.last >= 0xD800 && r.first <= 0xDFFF) {
            if (r.first < 0xD800)
                parts.push_back({r.first, 0xD7FF});
            if (r.last > 0xDFFF)
                parts.push_back({0xE000, r.last});
        } else {
            parts = {r};
        }
        for (CodeRange p : parts) {
            appendPoint(out, p.first);
            if (p.last != p.first) {
                out += '-';
                appendPoint(out, p.last);
            }
        }
    }
    return out;
}

pcre2_code* compilePattern(const std::string& pattern, std::string& error) {
    int code = 0;
    PCRE2_SIZE offset = 0;
    pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(pattern.data()), pattern.size(),
                                   PCRE2_UTF | PCRE2_UCP, &code, &offset, nullptr);
    if (re == nullptr) {
        PCRE2_UCHAR msg[256];
        pcre2_get_error_message(code, msg, sizeof msg);
        error = std::string("regex does not compile: ") + reinterpret_cast<const char*>(msg);
    }
    return re;
}

}  // namespace

std::string translateOnigPattern(std::string_view p) {
    std::string out;
    out.reserve(p.size() * 4);
    int bracketDepth = 0;
    for (size_t i = 0; i < p.size(); ++i) {
        const char c = p[i];
        if (c == '\\' && i + 1 < p.size()) {
            const char e = p[i + 1];
            std::span<const CodeRange> ranges;
            bool negate = false;
            size_t consumed = 2;
            if (e == 's' || e == 'S') {
                ranges = whiteSpaceRanges();
                negate = e == 'S';
            } else if ((e == 'p' || e == 'P') && p.substr(i + 2, 3) == "{L}") {
                ranges = letterRanges();
                negate = e == 'P';
                consumed = 5;
            } else if ((e == 'p' || e == 'P') && p.substr(i + 2, 3) == "{N}") {
                ranges = numberRanges();
                negate = e == 'P';
                consumed = 5;
            }
            if (ranges.empty()) {
                out.append(p.substr(i, 2));
                ++i;
                continue;
            }
            const std::string items = classItems(ranges, negate);
            out += bracketDepth > 0 ? items : "[" + items + "]";
            i += consumed - 1;
            continue;
        }
        if (c == '[') {
            ++bracketDepth;
            out += c;
            // A ']' right after '[' or '[^' is a literal.
            if (i + 1 < p.size() && p[i + 1] == '^')
                out += p[++i];
            if (i + 1 < p.size() && p[i + 1] == ']')
                out += p[++i];
            continue;
        }
        if (c == ']' && bracketDepth > 0)
            --bracketDepth;
        out += c;
    }
    return out;
}

struct PreTokenizer::Impl {
    pcre2_code* re = nullptr;
    bool jit = false;
    ~Impl() { pcre2_code_free(re); }
};

bool PreTokenizer::compile(std::string_view onigPattern, std::string& error) {
    auto impl = std::make_shared<Impl>();
    impl->re = compilePattern(translateOnigPattern(onigPattern), error);
    if (impl->re == nullptr)
        return false;
    impl->jit = pcre2_jit_compile(impl->re, PCRE2_JIT_COMPLETE) == 0;
    impl_ = std::move(impl);
    return true;
}

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& pieces) const {
    if (text.empty())
        return;
    if (!impl_) {
        pieces.push_back(text);
        return;
    }
    pcre2_match_data* md = pcre2_match_data_create_from_pattern(impl_->re, nullptr);
    const auto* subject = reinterpret_cast<PCRE2_SPTR>(text.data());
    size_t start = 0;   // where the next piece begins
    size_t search = 0;  // where the next search begins (past an empty match)
    while (search < text.size()) {
        int rc = impl_->jit
                     ? pcre2_jit_match(impl_->re, subject, text.size(), search, 0, md, nullptr)
                     : PCRE2_ERROR_JIT_BADOPTION;
        if (rc < 0 && rc != PCRE2_ERROR_NOMATCH) {
            // JIT unavailable or out of stack: the interpreter (heap frames) gives the same result.
            rc = pcre2_match(impl_->re, subject, text.size(), search, PCRE2_NO_UTF_CHECK, md,
                             nullptr);
        }
        if (rc < 0)
            break;  // no further match (or an engine limit): the rest is one gap
        const PCRE2_SIZE* ov = pcre2_get_ovector_pointer(md);
        const size_t m0 = ov[0];
        const size_t m1 = ov[1];
        if (m0 > start)
            pieces.push_back(text.substr(start, m0 - start));
        if (m1 > m0)
            pieces.push_back(text.substr(m0, m1 - m0));
        start = m1;
        search = m1;
        if (m1 == m0) {  // an empty match only cuts; search again one character further
            ++search;
            while (search < text.size() && (static_cast<uint8_t>(text[search]) & 0xC0) == 0x80) {
                ++search;
            }
        }
    }
    if (start < text.size())
        pieces.push_back(text.substr(start));
    pcre2_match_data_free(md);
}

}  // namespace vistag::inference::text

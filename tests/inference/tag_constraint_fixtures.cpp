// Definitions of tag_constraint_fixtures.h.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tokenizer_test_util.h"
#include "vistag/inference/tag_constraint.h"
#include "vistag/inference/tokenizer.h"

#include "tag_constraint_fixtures.h"

namespace vistag::test::constraint {

using nlohmann::json;

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

// --- vocabularies --------------------------------------------------------------------------

std::string bc(const std::string& bytes) {  // bytes → byte-level vocabulary form
    std::string s;
    for (unsigned char c : bytes)
        s += byteChar(c);
    return s;
}

// A small byte-level BPE vocabulary whose merges make tokens that cross value boundaries
// (`red"`, `","`, `":"b`), parts of CJK characters, whitespace and backslash tokens.
Vocab& syntheticVocab() {
    static Vocab* v = [] {
        std::vector<std::pair<std::string, std::string>> merges;
        auto chain = [&](const std::string& word) {  // left-to-right merges building `word`
            std::string acc;
            // Split into UTF-8 bytes; merge byte by byte.
            for (size_t i = 0; i < word.size(); ++i) {
                const std::string b(1, word[i]);
                if (acc.empty()) {
                    acc = b;
                    continue;
                }
                merges.emplace_back(bc(acc), bc(b));
                acc += b;
            }
        };
        for (const char* w :
             {"\",\"", "\":\"",  "\":\"b", "\":[\"", "\"]",        "\"}",    "\"],\"", "red",
              "red\"", "red\",", "blue",   "blue-",  "blue-green", "bl",     "gr",     "green",
              "\\\"",  "\\\\",   "ca",     "casual", "sport",      "  ",     "\n\n",   "unknown",
              "unk",   "color",  "style",  "size",   "note",       "蓝",     "蓝色",   "绿",
              "红色",  "🙂",   "s1",     "s10",    "s100",       "hi\\\"", "\"hi"})
            chain(w);
        json j = syntheticTokenizerJson(merges, {{"<|endoftext|>"}, {"<|im_end|>"}});
        const auto dir = scratchDir("constraint-synth");
        writeFile(dir / "tokenizer.json", j.dump());
        auto t = Tokenizer::fromFolder(dir.string());
        EXPECT_TRUE(t.hasValue()) << t.error().message();
        auto* out = new Vocab;
        out->name = "synthetic";
        out->tok = t.value();
        const auto t0 = Clock::now();
        out->voc = TokenVocabulary::build(out->tok, out->tok.size() + 37).value();  // padding
        out->buildMs = msSince(t0);
        out->eos = {out->tok.tokenId("<|endoftext|>"), out->tok.tokenId("<|im_end|>")};
        std::filesystem::remove_all(dir);
        return out;
    }();
    return *v;
}

Vocab* qwenVocab() {
    static Vocab* v = []() -> Vocab* {
        const auto src = qwenVocabDir();
        if (src.empty())
            return nullptr;
        const auto dir = scratchDir("constraint-qwen");
        writeFile(dir / "tokenizer.json", qwenTokenizerJson(src).dump());
        auto t = Tokenizer::fromFolder(dir.string());
        std::filesystem::remove_all(dir);
        if (!t)
            return nullptr;
        auto* out = new Vocab;
        out->name = "qwen";
        out->tok = t.value();
        const auto t0 = Clock::now();
        out->voc = TokenVocabulary::build(out->tok, 151936).value();
        out->buildMs = msSince(t0);
        out->eos = {out->tok.tokenId("<|im_end|>"), out->tok.tokenId("<|endoftext|>")};
        std::printf("[ info ] Qwen vocabulary trie: %zu nodes, built in %.0f ms\n",
                    out->voc->trieNodes(), out->buildMs);
        return out;
    }();
    return v;
}

std::vector<Vocab*> vocabs() {
    std::vector<Vocab*> v{&syntheticVocab()};
    if (Vocab* q = qwenVocab())
        v.push_back(q);
    return v;
}

// --- fixture taxonomies ----------------------------------------------------------------------

TagSchemaAttribute single(std::string code, std::vector<TagSchemaValue> values) {
    TagSchemaAttribute a;
    a.code = std::move(code);
    a.values = std::move(values);
    return a;
}

TagSchemaAttribute multi(std::string code, int maxItems, std::vector<TagSchemaValue> values) {
    TagSchemaAttribute a = single(std::move(code), std::move(values));
    a.kind = AttributeKind::Multi;
    a.maxItems = maxItems;
    return a;
}

TagSchemaAttribute freeText(std::string code, int maxBytes) {
    TagSchemaAttribute a;
    a.code = std::move(code);
    a.kind = AttributeKind::Free;
    a.maxFreeBytes = maxBytes;
    return a;
}

TagSchemaAttribute sizes(int n) {
    std::vector<TagSchemaValue> v;
    for (int i = 1; i <= n; ++i)
        v.push_back(
            {"size-" + std::to_string(i), {"s" + std::to_string(i), "尺码" + std::to_string(i)}});
    return single("size", std::move(v));
}

TagSchemaAttribute colors() {
    return single("color", {{"blue", {"blue", "Blue", "蓝色"}},
                            {"blue-green", {"blue-green", "蓝绿色"}},
                            {"red", {"red", "红色"}},
                            {"quote", {"say \"hi\"", "back\\slash", "\\\""}},
                            {"emoji", {"🙂 smile", "😀"}}});
}

TagSchemaAttribute styles() {
    return multi("style", 3,
                 {{"casual", {"casual", "休闲"}},
                  {"smart-casual", {"casual smart", "smart casual"}},
                  {"formal", {"formal"}},
                  {"sport", {"sport", "sporty"}}});
}

// The property-test taxonomies.
std::vector<std::pair<std::string, TagSchema>> fixtureSchemas() {
    std::vector<std::pair<std::string, TagSchema>> s;
    s.push_back({"mixed",
                 {{colors(), single("one", {{"only", {"only"}}}), sizes(300), styles(),
                   freeText("note", 10)}}});
    s.push_back(
        {"values",
         {{colors(), sizes(300), styles(), multi("tags", 2, {{"a", {"a", "ab"}}, {"b", {"b"}}})}}});
    s.push_back({"one", {{single("one", {{"only", {"only"}}})}}});
    s.push_back({"categories", categorySchema()});
    return s;
}

TagSchema categorySchema() {
    // Categories whose names share prefixes (so a token can cross from the category's closing
    // quote into its own attributes), one without attributes, attributes shared by several.
    TagSchemaAttribute category = single("category", {{"aa-1-4", {"Dresses", "连衣裙", "Dress"}},
                                                      {"aa-1-4-1", {"Dresses > Maxi", "长裙"}},
                                                      {"aa-2", {"Shoes", "鞋"}},
                                                      {"aa-3", {"Hats", "帽子"}},
                                                      {"aa-4", {"Dr", "D"}}});
    category.allowUnknown = false;
    TagSchema schema{{category, colors(), sizes(40), styles(),
                      single("heel", {{"flat", {"flat", "平底"}}, {"high", {"high"}}}),
                      multi("season", 2, {{"summer", {"summer", "夏"}}, {"winter", {"winter"}}}),
                      freeText("note", 6)}};
    schema.categoryAttributes = {{1, 3, 5}, {1, 2, 3, 5, 6}, {1, 4, 2}, {}, {6, 1}};
    return schema;
}

// --- an independent reference: JSON escaping and checks ------------------------------------

std::string esc(const std::string& s) {
    std::string o;
    for (char c : s) {
        if (c == '"' || c == '\\')
            o += '\\';
        o += c;
    }
    return o;
}

// Checks a finished output against the schema; "" if fine, else what is wrong.
std::string checkOutput(const TagSchema& schema, const std::string& out) {
    nlohmann::ordered_json j;
    try {
        j = nlohmann::ordered_json::parse(out);
    } catch (const std::exception& e) {
        return std::string("does not parse: ") + e.what();
    }
    if (!j.is_object())
        return "not an object";
    // The attributes expected, in order: all of them, or the category named first and then
    // exactly that category's attributes.
    std::vector<size_t> order;
    if (schema.categoryAttributes.empty()) {
        for (size_t ai = 0; ai < schema.attributes.size(); ++ai)
            order.push_back(ai);
    } else {
        if (j.empty() || j.begin().key() != schema.attributes[0].code ||
            !j.begin().value().is_string())
            return "the category is not the first key";
        const std::string name = j.begin().value().get<std::string>();
        size_t found = SIZE_MAX;
        for (size_t c = 0; c < schema.attributes[0].values.size(); ++c)
            for (const auto& sf : schema.attributes[0].values[c].surfaces)
                if (sf == name)
                    found = c;
        if (found == SIZE_MAX)
            return "not a category: " + name;
        order.push_back(0);
        for (uint32_t ai : schema.categoryAttributes[found])
            order.push_back(ai);
    }
    if (j.size() != order.size())
        return "not an object with one key per attribute";
    if (j.dump(-1, ' ', false) != out)
        return "not compact JSON in our escaping";
    size_t k = 0;
    for (auto it = j.begin(); it != j.end(); ++it, ++k) {
        const TagSchemaAttribute& a = schema.attributes[order[k]];
        if (it.key() != a.code)
            return "key " + it.key() + " out of order";
        const auto& v = it.value();
        auto valueOf = [&](const std::string& s) -> std::string {
            for (const auto& val : a.values)
                for (const auto& sf : val.surfaces)
                    if (sf == s)
                        return val.code;
            return {};
        };
        if (a.kind == AttributeKind::Free) {
            if (!v.is_string())
                return "free value not a string";
            const std::string s = v.get<std::string>();
            if (esc(s).size() > static_cast<size_t>(a.maxFreeBytes))
                return "free text over budget";
            for (unsigned char c : s)
                if (c < 0x20 || c == 0x7F)
                    return "control character in free text";
            continue;
        }
        if (v.is_string() && v.get<std::string>() == "unknown")
            continue;
        if (a.kind == AttributeKind::Single) {
            if (!v.is_string() || valueOf(v.get<std::string>()).empty())
                return a.code + ": value not allowed";
            continue;
        }
        if (!v.is_array() || v.empty() || v.size() > static_cast<size_t>(a.maxItems))
            return a.code + ": bad array";
        std::set<std::string> seen;
        for (const auto& item : v) {
            if (!item.is_string())
                return a.code + ": item not a string";
            const std::string code = valueOf(item.get<std::string>());
            if (code.empty())
                return a.code + ": item not allowed";
            if (!seen.insert(code).second)
                return a.code + ": repeated value " + code;
        }
    }
    return {};
}

std::vector<int32_t> maskIds(const std::vector<uint32_t>& bits) {
    std::vector<int32_t> ids;
    for (size_t w = 0; w < bits.size(); ++w)
        for (uint32_t x = bits[w]; x; x &= x - 1)
            ids.push_back(static_cast<int32_t>(w * 32 + static_cast<size_t>(__builtin_ctz(x))));
    return ids;
}

// Per token: which adversarial class it belongs to.
std::vector<uint8_t> classes(const Vocab& V) {
    std::vector<uint8_t> c(V.voc->logitsWidth(), 0);
    static const char* kWrong[] = {"green", "purple", "未知", "none", "N/A", "null"};
    for (size_t id = 0; id < c.size(); ++id) {
        const auto b = V.voc->tokenBytes(static_cast<int32_t>(id));
        uint8_t k = 0;
        if (b.find_first_of(" \t\n\r") != std::string_view::npos)
            k |= 1u << Space;
        if (b.find('"') != std::string_view::npos)
            k |= 1u << Quote;
        if (b.find('\\') != std::string_view::npos)
            k |= 1u << Backslash;
        for (const char* w : kWrong)
            if (!b.empty() && std::string_view(w).substr(0, b.size()) == b)
                k |= 1u << Disallowed;
        c[id] = k;
    }
    for (int32_t e : V.eos)
        c[static_cast<size_t>(e)] |= 1u << Eos;
    return c;
}

// Decodes `n` sequences with the given sampling bias; checks each output.
void decodeMany(const Vocab& V, const TagSchema& schema, int n, uint64_t seed, RunResult& r) {
    auto g = TagGrammar::compile(schema, V.voc).value();
    auto m0 = TagMatcher::create(g, V.eos).value();
    const auto cls = classes(V);
    std::vector<uint32_t> bits(V.voc->maskWords());
    std::mt19937_64 rng(seed);
    for (int seq = 0; seq < n; ++seq) {
        const int bias = seq % kBiases;
        const bool forced = (seq / kBiases) % 2 == 0;
        TagMatcher m = m0;
        size_t tokens = 0;
        while (!m.eosAccepted()) {
            ASSERT_LE(tokens, g->maxTokens()) << m.output();
            if (forced) {
                const auto f = m.forcedTokens();
                for (int32_t t : f)
                    ASSERT_TRUE(m.accept(t)) << m.output() << " forced " << t;
                tokens += f.size();
                if (!f.empty())
                    continue;
            }
            const auto t0 = Clock::now();
            m.fillMask(bits.data());
            r.maskUs.push_back(msSince(t0) * 1000);
            std::vector<int32_t> allowed = maskIds(bits);
            ASSERT_FALSE(allowed.empty()) << "dead end after " << m.output();
            // EOS only at the end, and then nothing else.
            for (int32_t e : V.eos) {
                const bool on = (bits[static_cast<size_t>(e) / 32] >> (e % 32)) & 1u;
                ASSERT_EQ(on, m.isDone()) << m.output();
            }
            if (m.isDone()) {
                ASSERT_EQ(allowed.size(), V.eos.size());
            }
            int32_t pick = allowed[rng() % allowed.size()];
            if (bias == Long) {
                for (int k = 0; k < 8; ++k) {
                    const int32_t c = allowed[rng() % allowed.size()];
                    if (V.voc->tokenBytes(c).size() > V.voc->tokenBytes(pick).size())
                        pick = c;
                }
            } else if (bias != Uniform && rng() % 4 != 0) {
                std::vector<int32_t> pref;
                for (int32_t id : allowed)
                    if (cls[static_cast<size_t>(id)] & (1u << bias))
                        pref.push_back(id);
                if (!pref.empty())
                    pick = pref[rng() % pref.size()];
            }
            // A token outside the mask is refused (and changes nothing).
            if (rng() % 8 == 0) {
                const auto bad = static_cast<int32_t>(rng() % V.voc->logitsWidth());
                if (!((bits[static_cast<size_t>(bad) / 32] >> (bad % 32)) & 1u)) {
                    const std::string before = m.output();
                    ASSERT_FALSE(m.accept(bad)) << before << " + " << bad;
                    ASSERT_EQ(m.output(), before);
                }
            }
            const auto ta = Clock::now();
            ASSERT_TRUE(m.accept(pick, r.probs.empty() ? nullptr : r.probs.data()))
                << m.output() << " + " << pick;
            r.acceptUs.push_back(msSince(ta) * 1000);
            ++tokens;
            ++r.steps;
        }
        ASSERT_LE(tokens, g->maxTokens());
        ASSERT_EQ(tokens, m.tokensAccepted());
        ASSERT_EQ(checkOutput(schema, m.output()), "") << m.output();
        auto res = m.result();
        ASSERT_TRUE(res.hasValue()) << res.error().message();
        ++r.sequences;
    }
}

// Accepts `tokens` one by one, checking each is in the mask first.
// (checkMask false: accept() alone, which runs the same byte automaton; free-text masks walk
// the whole vocabulary and would make the reachability test slow.)
::testing::AssertionResult acceptAll(TagMatcher& m, const std::vector<int32_t>& tokens,
                                     const TokenVocabulary& voc, bool checkMask) {
    std::vector<uint32_t> bits(voc.maskWords());
    for (int32_t t : tokens) {
        if (checkMask)
            m.fillMask(bits.data());
        if (checkMask && !((bits[static_cast<size_t>(t) / 32] >> (t % 32)) & 1u))
            return ::testing::AssertionFailure() << "token " << t << " (" << voc.tokenBytes(t)
                                                 << ") not in the mask after " << m.output();
        if (!m.accept(t))
            return ::testing::AssertionFailure() << "token " << t << " refused";
    }
    return ::testing::AssertionSuccess();
}

}  // namespace vistag::test::constraint

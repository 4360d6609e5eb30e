// Taxonomy-constrained JSON decoding (vistag/inference/tag_constraint.h): compile errors,
// validation, exact masks against an enumerated language, random and adversarial decoding,
// reachability of every surface, forcing with healing, confidence arithmetic, speed.
// Runs on a synthetic byte-level vocabulary always and on the real Qwen vocabulary when
// ../shared/data/qwen-tokenizer is present.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "tag_constraint_fixtures.h"
#include "tokenizer_test_util.h"
#include "vistag/inference/tag_constraint.h"
#include "vistag/inference/tokenizer.h"

namespace {

using namespace vistag::inference;
using namespace vistag::test;
using namespace vistag::test::constraint;
using nlohmann::json;
using Clock = std::chrono::steady_clock;

// --- compile errors and validation ---------------------------------------------------------

TEST(TagGrammar, RefusesBadTaxonomiesNamingAttributeAndValue) {
    auto voc = syntheticVocab().voc;
    auto err = [&](TagSchema s) {
        auto g = TagGrammar::compile(s, voc);
        EXPECT_FALSE(g.hasValue());
        return g.hasValue() ? std::string() : g.error().message();
    };
    std::string m = err({{single("color", {{"blue", {"blue"}}, {"navy", {"blue"}}})}});
    EXPECT_NE(m.find("\"color\""), std::string::npos) << m;
    EXPECT_NE(m.find("\"blue\""), std::string::npos) << m;
    EXPECT_NE(m.find("\"navy\""), std::string::npos) << m;
    m = err({{single("color", {{"blue", {""}}})}});
    EXPECT_NE(m.find("empty surface"), std::string::npos) << m;
    EXPECT_NE(m.find("\"blue\""), std::string::npos) << m;
    m = err({{single("color", {{"blue", {std::string(200, 'x')}}})}});
    EXPECT_NE(m.find("budget"), std::string::npos) << m;
    m = err({{single("color", {{"blue", {"blue"}}}), single("color", {{"x", {"x"}}})}});
    EXPECT_NE(m.find("twice"), std::string::npos) << m;
    m = err({{single("color", {{"none", {"unknown"}}})}});
    EXPECT_NE(m.find("reserved"), std::string::npos) << m;
    m = err({{single("color", {{"bad", {"a\nb"}}})}});
    EXPECT_NE(m.find("control"), std::string::npos) << m;
    m = err({{single("color", {{"bad", {"\xff"}}})}});
    EXPECT_NE(m.find("UTF-8"), std::string::npos) << m;
    m = err({{single("col or", {{"a", {"a"}}})}});
    EXPECT_NE(m.find("code"), std::string::npos) << m;
    m = err({{single("color", {})}});
    EXPECT_NE(m.find("no values"), std::string::npos) << m;
    m = err({{multi("tags", 0, {{"a", {"a"}}})}});
    EXPECT_NE(m.find("maxItems"), std::string::npos) << m;
    // The same surface twice for one value is harmless.
    EXPECT_TRUE(TagGrammar::compile({{single("c", {{"a", {"a", "a"}}})}}, voc).hasValue());
}

TEST(TagGrammar, ParseValidatesAnswers) {
    auto g = TagGrammar::compile({{colors(), styles(), freeText("note", 6)}}, syntheticVocab().voc)
                 .value();
    auto ok = g->parse(R"({"color":"蓝色","style":["casual","smart casual"],"note":"a\"b"})");
    ASSERT_TRUE(ok.hasValue()) << ok.error().message();
    EXPECT_EQ(ok->attributes[0].values[0].code, "blue");
    EXPECT_EQ(ok->attributes[0].values[0].surface, "蓝色");
    EXPECT_EQ(ok->attributes[1].values[1].code, "smart-casual");
    EXPECT_EQ(ok->attributes[2].freeText, "a\"b");
    EXPECT_TRUE(std::isnan(ok->attributes[0].values[0].confidence));
    // Whitespace, key order and \u escapes are fine in a server's answer.
    auto spaced = g->parse(
        "{ \"style\" : \"unknown\", \"color\": \"say \\\"hi\\\"\", \"note\": \"\\u00e9\" }");
    ASSERT_TRUE(spaced.hasValue()) << spaced.error().message();
    EXPECT_TRUE(spaced->attributes[1].unknown);
    EXPECT_EQ(spaced->attributes[0].values[0].code, "quote");
    auto bad = [&](const char* text, const char* needle) {
        auto r = g->parse(text);
        ASSERT_FALSE(r.hasValue()) << text;
        EXPECT_NE(r.error().message().find(needle), std::string::npos) << r.error().message();
    };
    bad(R"({"color":"green","style":"unknown","note":""})", "\"green\" is not an allowed");
    bad(R"({"color":"red","style":["casual","休闲"],"note":""})", "twice");
    bad(R"({"color":"red","style":[],"note":""})", "0 items");
    bad(R"({"color":"red","style":["a","b","c","d"],"note":""})", "4 items");
    bad(R"({"color":"red","style":"unknown"})", "\"note\" is missing");
    bad(R"({"color":"red","style":"unknown","note":"","x":1})", "unexpected key");
    bad(R"({"color":"red","style":"unknown","note":"1234567"})", "more than 6");
    bad(R"({"color":"red","style":"unknown","note":"a\nb"})", "control");
    bad(R"({"color":"red","style":"unknown","note":""} x)", "");
    bad(R"([1])", "not a JSON object");
}

TEST(TagGrammar, JsonSchemaIsStrictAndOrdered) {
    auto g = TagGrammar::compile({{colors(), styles(), freeText("note", 6)}}, syntheticVocab().voc)
                 .value();
    const auto s = nlohmann::ordered_json::parse(g->jsonSchema());
    EXPECT_EQ(s["additionalProperties"], false);
    EXPECT_EQ(s["required"], nlohmann::ordered_json::parse(R"(["color","style","note"])"));
    EXPECT_EQ(s["properties"].begin().key(), "color");
    EXPECT_EQ(s["properties"]["color"]["enum"].back(), "unknown");
    EXPECT_EQ(s["properties"]["style"]["anyOf"][0]["maxItems"], 3);
    EXPECT_EQ(s["properties"]["note"]["maxLength"], 6);
}

TEST(TagGrammar, WithoutUnknownEveryAttributeNamesAValue) {
    TagSchema schema{{colors(), styles()}};
    for (auto& a : schema.attributes)
        a.allowUnknown = false;
    auto g = TagGrammar::compile(schema, syntheticVocab().voc).value();
    const auto s = nlohmann::ordered_json::parse(g->jsonSchema());
    for (const auto& v : s["properties"]["color"]["enum"])
        EXPECT_NE(v, "unknown");
    EXPECT_EQ(s["properties"]["style"]["type"], "array");  // no anyOf with "unknown"
    EXPECT_TRUE(g->parse(R"({"color":"red","style":["casual"]})").hasValue());
    auto r = g->parse(R"({"color":"unknown","style":["casual"]})");
    ASSERT_FALSE(r.hasValue());
    EXPECT_NE(r.error().message().find("name one of its values"), std::string::npos);
    EXPECT_FALSE(g->parse(R"({"color":"red","style":"unknown"})").hasValue());
}

// A server decodes, not us: a grammar without a vocabulary gives the same schema and checks
// answers the same way, and refuses to drive a matcher.
TEST(TagGrammar, WithoutVocabularyChecksAnswersButCannotDecode) {
    const TagSchema schema{{colors(), styles(), freeText("note", 6)}};
    auto bare = TagGrammar::compile(schema, nullptr);
    ASSERT_TRUE(bare.hasValue()) << bare.error().message();
    auto full = TagGrammar::compile(schema, syntheticVocab().voc).value();
    EXPECT_FALSE((*bare)->hasVocabulary());
    EXPECT_TRUE(full->hasVocabulary());
    EXPECT_EQ((*bare)->jsonSchema(), full->jsonSchema());
    EXPECT_EQ((*bare)->maxOutputBytes(), full->maxOutputBytes());
    auto ok = (*bare)->parse(R"({"color":"蓝色","style":["casual"],"note":"x"})");
    ASSERT_TRUE(ok.hasValue()) << ok.error().message();
    EXPECT_EQ(ok->attributes[0].values[0].code, "blue");
    auto bad = (*bare)->parse(R"({"color":"green","style":"unknown","note":""})");
    ASSERT_FALSE(bad.hasValue());
    EXPECT_NE(bad.error().message().find("\"green\" is not an allowed"), std::string::npos);
    // Compile errors still name the attribute and value.
    auto dup = TagGrammar::compile({{single("color", {{"a", {"x"}}, {"b", {"x"}}})}}, nullptr);
    ASSERT_FALSE(dup.hasValue());
    EXPECT_NE(dup.error().message().find("\"color\""), std::string::npos);
    auto m = TagMatcher::create(*bare, syntheticVocab().eos);
    ASSERT_FALSE(m.hasValue());
    EXPECT_EQ(m.error().code(), ErrorCode::Usage);
    EXPECT_NE(m.error().message().find("without a vocabulary"), std::string::npos)
        << m.error().message();
    EXPECT_TRUE(TagMatcher::create(full, syntheticVocab().eos).hasValue());
}

// --- exact masks against an enumerated language ----------------------------------------------

// Every valid output of a small taxonomy (Single and Multi only), with its value codes.
struct Language {
    std::vector<std::string> texts;                          // sorted
    std::map<std::string, std::vector<std::string>> values;  // text → value code per attribute
    std::vector<std::vector<size_t>> valueStart;             // per text: offset of each value's `"`
};

void enumerate(const TagSchema& s, size_t ai, std::string prefix, std::vector<std::string> codes,
               std::vector<size_t> starts, Language& L) {
    if (ai == s.attributes.size()) {
        const std::string t = prefix + "}";
        L.values[t] = codes;
        L.texts.push_back(t);
        return;
    }
    const TagSchemaAttribute& a = s.attributes[ai];
    const std::string head = prefix + (ai ? "," : "") + "\"" + a.code + "\":";
    starts.push_back(head.size());
    auto next = [&](const std::string& v, const std::string& code) {
        auto c = codes;
        c.push_back(code);
        enumerate(s, ai + 1, head + v, c, starts, L);
    };
    if (a.allowUnknown)
        next("\"unknown\"", "unknown");
    if (a.kind == AttributeKind::Single) {
        for (const auto& v : a.values)
            for (const auto& sf : v.surfaces)
                next("\"" + esc(sf) + "\"", v.code);
        return;
    }
    // Multi: ordered sequences of distinct values, any surface each.
    std::function<void(std::string, std::set<std::string>, std::string)> rec =
        [&](std::string arr, std::set<std::string> used, std::string key) {
            if (!used.empty())
                next(arr + "]", key);
            if (static_cast<int>(used.size()) == a.maxItems)
                return;
            for (const auto& v : a.values) {
                if (used.count(v.code))
                    continue;
                for (const auto& sf : v.surfaces) {
                    auto u = used;
                    u.insert(v.code);
                    rec(arr + (used.empty() ? "" : ",") + "\"" + esc(sf) + "\"", u,
                        key + (key.empty() ? "" : "+") + v.code);
                }
            }
        };
    rec("[", {}, "");
}

Language language(const TagSchema& s) {
    Language L;
    enumerate(s, 0, "{", {}, {}, L);
    std::sort(L.texts.begin(), L.texts.end());
    for (const auto& t : L.texts) {
        (void)t;
    }
    return L;
}

bool isPrefixOfAny(const Language& L, const std::string& q) {
    auto it = std::lower_bound(L.texts.begin(), L.texts.end(), q);
    return it != L.texts.end() && it->compare(0, q.size(), q) == 0;
}

TagSchema smallSchema() {
    return {{single("a", {{"blue", {"blue", "蓝"}},
                          {"blue-green", {"blue-green"}},
                          {"q", {"a\"b"}},
                          {"s", {"x\\y", "\\\""}}}),
             single("b", {{"one", {"1"}}}),
             multi("c", 2, {{"p", {"p", "pp"}}, {"q", {"q"}}, {"r", {"红色"}}})}};
}

// Every mask along 300 random decodes equals the set of tokens that keep the output a prefix of
// some text of L, and every output is one of L's texts.
void expectMasksEqualLanguage(Vocab* V, const TagSchema& schema, const Language& L) {
    auto g = TagGrammar::compile(schema, V->voc).value();
    auto m0 = TagMatcher::create(g, V->eos).value();
    const size_t width = V->voc->logitsWidth();
    std::vector<uint32_t> bits(V->voc->maskWords());
    std::mt19937_64 rng(5);
    // Candidate tokens: those that are a prefix-compatible piece of some output (checking all
    // 151k Qwen tokens at every step would be slow) plus a random sample.
    std::set<int32_t> candidates;
    for (size_t id = 0; id < width; ++id) {
        const auto b = V->voc->tokenBytes(static_cast<int32_t>(id));
        if (b.empty())
            continue;
        bool useful = width < 5000;
        for (const std::string& t : L.texts) {
            if (useful)
                break;
            useful = t.find(b) != std::string::npos;
        }
        if (useful || rng() % 200 == 0)
            candidates.insert(static_cast<int32_t>(id));
    }
    for (int32_t e : V->eos)
        candidates.insert(e);
    int steps = 0;
    for (int seq = 0; seq < 300; ++seq) {
        TagMatcher m = m0;
        while (!m.eosAccepted()) {
            m.fillMask(bits.data());
            const std::string& p = m.output();
            std::vector<int32_t> allowed;
            for (int32_t id : candidates) {
                const bool want =
                    m.isDone() ? std::find(V->eos.begin(), V->eos.end(), id) != V->eos.end()
                               : !V->voc->tokenBytes(id).empty() &&
                                     isPrefixOfAny(L, p + std::string(V->voc->tokenBytes(id)));
                const bool got = (bits[static_cast<size_t>(id) / 32] >> (id % 32)) & 1u;
                ASSERT_EQ(got, want) << V->name << " after " << p << " token " << id << " "
                                     << V->voc->tokenBytes(id);
                if (got)
                    allowed.push_back(id);
            }
            // No bit outside the candidates (nor padding) is set.
            size_t total = maskIds(bits).size();
            ASSERT_EQ(total, allowed.size()) << V->name << " after " << p;
            ASSERT_FALSE(allowed.empty()) << p;
            ++steps;
            ASSERT_TRUE(m.accept(allowed[rng() % allowed.size()]));
        }
        ASSERT_EQ(checkOutput(schema, m.output()), "") << m.output();
        ASSERT_NE(std::find(L.texts.begin(), L.texts.end(), m.output()), L.texts.end());
        ASSERT_TRUE(m.result().hasValue()) << m.output();
    }
    std::printf("[ info ] %s: %d masks equal to the enumerated language (%zu outputs)\n",
                V->name.c_str(), steps, L.texts.size());
}

TEST(TagMatcher, MaskEqualsTheEnumeratedLanguage) {
    // With "unknown" allowed, and without it (the model must name a value).
    for (const bool allowUnknown : {true, false})
        for (Vocab* V : vocabs()) {
            TagSchema schema = smallSchema();
            for (auto& a : schema.attributes)
                a.allowUnknown = allowUnknown;
            const Language L = language(schema);
            ASSERT_GT(L.texts.size(), allowUnknown ? 100u : 50u);
            expectMasksEqualLanguage(V, schema, L);
            if (HasFatalFailure())
                return;
        }
}

// Category first: the language is the union, over the categories and their names, of
// {"category":"<name>", then that category's attributes}. A token may run from a category's
// closing quote into its first attribute's key, so the mask must switch mid-token.
TagSchema smallCategorySchema() {
    TagSchema base = smallSchema();
    TagSchemaAttribute category = single("category", {{"dress", {"Dress", "连衣裙"}},
                                                      {"dress-maxi", {"Dress > Maxi"}},
                                                      {"hat", {"Hat", "D"}},
                                                      {"bare", {"Bare"}}});
    category.allowUnknown = false;
    TagSchema schema{{category, base.attributes[0], base.attributes[1], base.attributes[2]}};
    schema.categoryAttributes = {{1, 3}, {3, 2, 1}, {2}, {}};
    return schema;
}

Language categoryLanguage(const TagSchema& schema) {
    Language L;
    for (size_t c = 0; c < schema.categoryAttributes.size(); ++c) {
        // The same answers as a flat schema: this category alone, then its attributes.
        TagSchema flat;
        flat.attributes.push_back(schema.attributes[0]);
        flat.attributes[0].values = {schema.attributes[0].values[c]};
        for (uint32_t ai : schema.categoryAttributes[c])
            flat.attributes.push_back(schema.attributes[ai]);
        Language part = language(flat);
        L.texts.insert(L.texts.end(), part.texts.begin(), part.texts.end());
    }
    std::sort(L.texts.begin(), L.texts.end());
    return L;
}

TEST(TagMatcher, CategoryFirstMaskEqualsTheEnumeratedLanguage) {
    const TagSchema schema = smallCategorySchema();
    const Language L = categoryLanguage(schema);
    ASSERT_GT(L.texts.size(), 100u);
    for (Vocab* V : vocabs()) {
        expectMasksEqualLanguage(V, schema, L);
        if (HasFatalFailure())
            return;
    }
}

TEST(TagGrammar, CategoryFirstParsesSchemasAndResults) {
    const TagSchema schema = smallCategorySchema();
    auto g = TagGrammar::compile(schema, syntheticVocab().voc).value();
    // parse(): the category decides which keys belong.
    auto ok = g->parse(R"({"category":"Hat","b":"1"})");
    ASSERT_TRUE(ok.hasValue()) << ok.error().message();
    ASSERT_EQ(ok->attributes.size(), 2u);
    EXPECT_EQ(ok->attributes[0].values[0].code, "hat");
    EXPECT_EQ(ok->attributes[1].code, "b");
    auto other = g->parse(R"({"category":"Hat","b":"1","a":"blue"})");
    ASSERT_FALSE(other.hasValue());
    EXPECT_NE(other.error().message().find("unexpected key \"a\""), std::string::npos)
        << other.error().message();
    auto missing = g->parse(R"({"category":"Dress","a":"blue"})");
    ASSERT_FALSE(missing.hasValue());
    EXPECT_NE(missing.error().message().find("\"c\" is missing"), std::string::npos);
    auto noCategory = g->parse(R"({"a":"blue","c":["p"]})");
    ASSERT_FALSE(noCategory.hasValue());
    EXPECT_NE(noCategory.error().message().find("\"category\" is missing"), std::string::npos);
    auto bare = g->parse(R"({"category":"Bare"})");
    ASSERT_TRUE(bare.hasValue()) << bare.error().message();
    // jsonSchema(): one alternative per category, with its names and exactly its attributes.
    const json js = json::parse(g->jsonSchema());
    ASSERT_EQ(js["anyOf"].size(), 4u);
    EXPECT_EQ(js["anyOf"][1]["properties"]["category"]["enum"], json({"Dress > Maxi"}));
    EXPECT_EQ(js["anyOf"][1]["required"], json({"category", "c", "b", "a"}));
    EXPECT_EQ(js["anyOf"][3]["required"], json({"category"}));
    EXPECT_EQ(js["anyOf"][0]["additionalProperties"], false);
    // A decoded answer's confidence lands on the attributes of the chosen category.
    Vocab& V = syntheticVocab();
    auto m = TagMatcher::create(g, V.eos).value();
    const std::string text = R"({"category":"Dress > Maxi","c":["q"],"b":"1","a":"blue"})";
    std::vector<float> probs(V.voc->logitsWidth(), 1.0f);
    std::map<unsigned char, int32_t> byteToken;  // the vocabulary's one-byte tokens
    for (size_t id = 0; id < V.voc->logitsWidth(); ++id)
        if (const auto b = V.voc->tokenBytes(static_cast<int32_t>(id)); b.size() == 1)
            byteToken.emplace(static_cast<unsigned char>(b[0]), static_cast<int32_t>(id));
    for (unsigned char ch : text) {
        ASSERT_TRUE(byteToken.count(ch)) << ch;
        ASSERT_TRUE(m.accept(byteToken[ch], probs.data())) << text;
    }
    ASSERT_TRUE(m.isDone());
    auto r = m.result();
    ASSERT_TRUE(r.hasValue()) << r.error().message();
    ASSERT_EQ(r->attributes.size(), 4u);
    EXPECT_EQ(r->attributes[0].values[0].code, "dress-maxi");
    EXPECT_EQ(r->attributes[1].code, "c");
    EXPECT_EQ(r->attributes[3].code, "a");
    for (const auto& a : r->attributes) {
        if (a.code == "b")
            continue;  // one value: decided before any sampled step
        EXPECT_GT(a.values[0].sampledSteps, 0) << a.code;
        EXPECT_GT(a.values[0].confidence, 0.0) << a.code;
        EXPECT_LE(a.values[0].confidence, 1.0) << a.code;
    }
}

TEST(TagGrammar, CategoryFirstRefusesBadSchemas) {
    TagSchema s = smallCategorySchema();
    auto expectError = [](const TagSchema& bad, const std::string& part) {
        auto g = TagGrammar::compile(bad, nullptr);
        ASSERT_FALSE(g.hasValue()) << part;
        EXPECT_NE(g.error().message().find(part), std::string::npos) << g.error().message();
    };
    TagSchema t = s;
    t.categoryAttributes.pop_back();
    expectError(t, "4 values but 3 lists");
    t = s;
    t.categoryAttributes[2] = {0};
    expectError(t, "category \"hat\": attribute index 0");
    t = s;
    t.categoryAttributes[2] = {9};
    expectError(t, "attribute index 9");
    t = s;
    t.categoryAttributes[0] = {1, 1};
    expectError(t, "category \"dress\": the attribute \"a\" is listed twice");
    t = s;
    t.attributes[0].allowUnknown = true;
    expectError(t, "must take exactly one value");
}

// --- random and adversarial decoding ---------------------------------------------------------

TEST(TagMatcher, RandomAndAdversarialSequencesAlwaysGiveValidAnswers) {
    int total = 0;
    const auto t0 = Clock::now();
    for (Vocab* V : vocabs()) {
        const bool real = V->name == "qwen";
        for (const auto& [name, schema] : fixtureSchemas()) {
            // The synthetic vocabulary is cheap: most sequences run there; the real one gets
            // enough for every bias and forcing mode on every taxonomy.
            int n = real ? 1000 : 4000;
            if (name == "mixed")
                n = real ? 400 : 2000;  // free text masks cover the whole vocabulary
            RunResult r;
            decodeMany(*V, schema, n, 17, r);
            if (HasFatalFailure())
                return;
            total += r.sequences;
            std::printf("[ info ] %s / %s: %d sequences, %d sampled steps\n", V->name.c_str(),
                        name.c_str(), r.sequences, r.steps);
        }
    }
    std::printf("[ info ] %d sequences in %.1f s\n", total, msSince(t0) / 1000);
    EXPECT_GE(total, 10000);
}

// --- confidence -------------------------------------------------------------------------------

TEST(TagMatcher, ConfidenceIsExactAgainstADirectRecomputation) {
    // Single attributes only: the recomputation below works on the enumerated language.
    TagSchema schema{{single("a", {{"blue", {"blue", "Blue", "蓝色"}},
                                   {"blue-green", {"blue-green", "蓝绿"}},
                                   {"red", {"red"}}}),
                      single("b", {{"x", {"x", "ex"}}, {"y", {"y"}}, {"xy", {"xy"}}})}};
    const Language L = language(schema);
    for (Vocab* V : vocabs()) {
        auto g = TagGrammar::compile(schema, V->voc).value();
        auto m0 = TagMatcher::create(g, V->eos).value();
        const size_t width = V->voc->logitsWidth();
        std::vector<uint32_t> bits(V->voc->maskWords());
        std::mt19937_64 rng(23);
        std::normal_distribution<float> normal;
        std::vector<float> probs(width);
        const int sequences = V->name == "qwen" ? 60 : 400;
        int checkedSlots = 0;
        for (int seq = 0; seq < sequences; ++seq) {
            TagMatcher m = m0;
            std::vector<double> conf(2, 1.0), mass(2, std::nan(""));
            std::vector<int> steps(2, 0);
            const bool useForced = seq % 2 == 0;
            while (!m.eosAccepted()) {
                if (useForced && !m.isDone()) {
                    const auto f = m.forcedTokens();
                    for (int32_t t : f)
                        ASSERT_TRUE(m.accept(t));
                    if (!f.empty())
                        continue;
                }
                m.fillMask(bits.data());
                const auto allowed = maskIds(bits);
                // Random logits, sometimes peaked, over the whole width.
                const float scale = seq % 3 == 0 ? 6.0f : 1.5f;
                double zAll = 0;
                for (size_t i = 0; i < width; ++i) {
                    probs[i] = std::exp(normal(rng) * scale);
                    zAll += probs[i];
                }
                for (auto& p : probs)
                    p = static_cast<float>(p / zAll);
                // Sample among the allowed tokens by their probability.
                double za = 0;
                for (int32_t id : allowed)
                    za += probs[static_cast<size_t>(id)];
                double u = std::uniform_real_distribution<double>(0, za)(rng);
                int32_t pick = allowed.back();
                for (int32_t id : allowed) {
                    u -= probs[static_cast<size_t>(id)];
                    if (u <= 0) {
                        pick = id;
                        break;
                    }
                }
                // Recompute from the language: the target slot and each token's decision.
                const std::string p = m.output();
                std::vector<const std::string*> consistent;
                for (const auto& t : L.texts)
                    if (t.compare(0, p.size(), p) == 0)
                        consistent.push_back(&t);
                const bool done = m.isDone();
                int target = -1;
                bool inLiteral = false;
                size_t slotStart = 0;
                if (!done) {
                    // Value regions: `"` of the value up to its closing quote (same for all
                    // consistent texts up to p's end).
                    const std::string& t0 = *consistent.front();
                    for (int a = 0; a < 2 && target < 0; ++a) {
                        const std::string key =
                            std::string(a ? ",\"" : "{\"") + schema.attributes[a].code + "\":";
                        const size_t start = t0.find(key) + key.size();
                        size_t end = start + 1;
                        while (t0[end] != '"' || t0[end - 1] == '\\')
                            ++end;  // (our surfaces never end with a backslash)
                        ++end;
                        if (p.size() < start && (a == 0 || p.size() >= t0.find(key))) {
                            target = a;
                            inLiteral = true;
                            slotStart = start;
                        } else if (p.size() >= start && p.size() < end) {
                            target = a;
                            slotStart = start;
                        }
                    }
                }
                auto decide = [&](const std::string& q) -> std::string {
                    std::set<std::string> vals;
                    for (const auto& t : L.texts)
                        if (t.compare(0, q.size(), q) == 0 || q.compare(0, t.size(), t) == 0)
                            vals.insert(L.values.at(t)[static_cast<size_t>(target)]);
                    return vals.size() == 1 ? *vals.begin() : std::string();
                };
                const std::string chosenBytes(V->voc->tokenBytes(pick));
                bool counted = target >= 0 && decide(p).empty() &&
                               !(inLiteral && p.size() + chosenBytes.size() <= slotStart);
                if (counted) {
                    const std::string chosen = decide(p + chosenBytes);
                    double factor;
                    if (chosen.empty()) {
                        factor = probs[static_cast<size_t>(pick)] / za;
                    } else {
                        double s = 0;
                        for (int32_t id : allowed)
                            if (decide(p + std::string(V->voc->tokenBytes(id))) == chosen)
                                s += probs[static_cast<size_t>(id)];
                        factor = s / za;
                    }
                    auto ti = static_cast<size_t>(target);
                    if (steps[ti] == 0)
                        mass[ti] = za;
                    conf[ti] *= factor;
                    ++steps[ti];
                }
                ASSERT_TRUE(m.accept(pick, probs.data())) << p;
            }
            auto r = m.result();
            ASSERT_TRUE(r.hasValue());
            for (size_t a = 0; a < 2; ++a) {
                const auto& ar = r->attributes[a];
                EXPECT_NEAR(ar.confidence, conf[a], 1e-5) << m.output() << " attribute " << a;
                if (std::isnan(mass[a])) {
                    EXPECT_TRUE(std::isnan(ar.allowedMass));
                } else {
                    EXPECT_NEAR(ar.allowedMass, mass[a], 1e-5) << m.output();
                }
                if (!ar.unknown) {
                    EXPECT_EQ(ar.values[0].sampledSteps, steps[a]);
                }
                EXPECT_GE(ar.confidence, 0.0);
                EXPECT_LE(ar.confidence, 1.0 + 1e-9);
                ++checkedSlots;
            }
            if (HasFailure())
                return;
        }
        std::printf("[ info ] %s: confidence of %d slots recomputed\n", V->name.c_str(),
                    checkedSlots);
    }
}

// Synonyms are summed: two surfaces of one value that are each likely give their sum.
TEST(TagMatcher, SynonymsAreSummed) {
    Vocab& V = syntheticVocab();
    TagSchema schema{{single("c", {{"blue", {"blue", "蓝色"}}, {"red", {"red"}}})}};
    auto g = TagGrammar::compile(schema, V.voc).value();
    auto m = TagMatcher::create(g, V.eos).value();
    ASSERT_TRUE(acceptAll(m, m.forcedTokens(), *V.voc));
    // Healing stopped before `":"` (the vocabulary has `":"b`); write it unsampled.
    ASSERT_EQ(m.forcedBytes(), "\":\"");
    ASSERT_TRUE(m.accept(V.tok.tokenId(bc("\":\""))));
    std::vector<float> probs(V.voc->logitsWidth(), 0.0f);
    const int32_t blue = V.tok.tokenId(bc("blue"));
    const int32_t lan = V.tok.tokenId(bc("蓝"));
    const int32_t red = V.tok.tokenId(bc("red"));
    ASSERT_GE(blue, 0);
    ASSERT_GE(lan, 0);
    ASSERT_GE(red, 0);
    probs[static_cast<size_t>(blue)] = 0.3f;
    probs[static_cast<size_t>(lan)] = 0.3f;
    probs[static_cast<size_t>(red)] = 0.2f;
    probs[0] = 0.2f;  // a disallowed token
    ASSERT_TRUE(m.accept(blue, probs.data()));
    for (int32_t t : m.forcedTokens())
        ASSERT_TRUE(m.accept(t));
    ASSERT_TRUE(m.isDone());
    auto r = m.result().value();
    EXPECT_NEAR(r.attributes[0].confidence, 0.6 / 0.8, 1e-6);
    EXPECT_NEAR(r.attributes[0].allowedMass, 0.8, 1e-6);
    EXPECT_EQ(r.attributes[0].values[0].code, "blue");
}

// --- speed ------------------------------------------------------------------------------------

TagSchema apparel(int attrs, int values) {
    TagSchema s;
    for (int a = 0; a < attrs; ++a) {
        std::vector<TagSchemaValue> v;
        for (int i = 0; i < values; ++i)
            v.push_back({"v" + std::to_string(i),
                         {"value " + std::to_string(a) + "-" + std::to_string(i),
                          "值" + std::to_string(i) + "号", "syn" + std::to_string(i * 7 + a)}});
        auto at = single("attr" + std::to_string(a), std::move(v));
        if (a % 5 == 4) {
            at.kind = AttributeKind::Multi;
            at.maxItems = 3;
        }
        s.attributes.push_back(std::move(at));
    }
    return s;
}

// The free-text shortcut (a precomputed set of plain-content tokens instead of walking them)
// gives exactly the masks of the full walk, in every state a random decode reaches: at a
// character boundary with any budget left, inside a character or an escape (no shortcut), in
// slots next to other free slots and to value slots.
TEST(TagMatcher, FreeTextShortcutGivesTheSameMasks) {
    const std::vector<TagSchema> schemas = {
        TagSchema{{freeText("note", 10)}},
        TagSchema{{freeText("a", 3), freeText("b", 40)}},
        TagSchema{{colors(), freeText("note", 24), styles(), freeText("end", 0)}},
    };
    std::vector<Vocab*> vocabs = {&syntheticVocab()};
    if (Vocab* q = qwenVocab())
        vocabs.push_back(q);
    for (Vocab* V : vocabs) {
        const auto cls = classes(*V);
        std::vector<uint32_t> fast(V->voc->maskWords()), full(V->voc->maskWords());
        std::mt19937_64 rng(7);
        int freeSteps = 0;
        for (const TagSchema& schema : schemas) {
            auto g = TagGrammar::compile(schema, V->voc).value();
            for (int seq = 0; seq < 12; ++seq) {
                TagMatcher m = TagMatcher::create(g, V->eos).value();
                while (!m.isDone()) {
                    TagMatcher a = m, b = m;
                    TagMatcher::setFastPathsForTesting(true);
                    a.fillMask(fast.data());
                    TagMatcher::setFastPathsForTesting(false);
                    b.fillMask(full.data());
                    TagMatcher::setFastPathsForTesting(true);
                    ASSERT_EQ(maskIds(fast), maskIds(full)) << V->name << ": " << m.output();
                    const std::vector<int32_t> allowed = maskIds(full);
                    ASSERT_FALSE(allowed.empty()) << m.output();
                    freeSteps += m.output().size() > 0 && m.output().back() != '"';
                    // Mostly short tokens (long free texts), sometimes quotes and backslashes.
                    int32_t pick = allowed[rng() % allowed.size()];
                    const int bias = static_cast<int>(rng() % 4);
                    if (bias < 2) {
                        for (int k = 0; k < 6; ++k) {
                            const int32_t c = allowed[rng() % allowed.size()];
                            if (V->voc->tokenBytes(c).size() < V->voc->tokenBytes(pick).size())
                                pick = c;
                        }
                    } else if (bias == 2) {
                        std::vector<int32_t> pref;
                        for (int32_t id : allowed)
                            if (cls[static_cast<size_t>(id)] & ((1u << Quote) | (1u << Backslash)))
                                pref.push_back(id);
                        if (!pref.empty())
                            pick = pref[rng() % pref.size()];
                    }
                    ASSERT_TRUE(m.accept(pick)) << m.output();
                }
                ASSERT_EQ(checkOutput(schema, m.output()), "") << m.output();
            }
        }
        EXPECT_GT(freeSteps, 100) << V->name;
    }
}

// An apparel-scale taxonomy on the real vocabulary: it compiles, and 300 sampled answers plus 20
// free-text ones are all valid (decodeMany checks each). The times are printed for
// BENCHMARKS.md, never asserted: a loaded machine must not fail a test.
TEST(TagMatcher, RealVocabularyAtApparelScale) {
    Vocab* V = qwenVocab();
    if (!V)
        VISTAG_WITHOUT_SHARED("the real Qwen vocabulary (../shared/data/qwen-tokenizer) is absent");
    std::printf("[ info ] vocabulary trie: %.0f ms for %zu tokens\n", V->buildMs, V->tok.size());
    const TagSchema big = apparel(20, 300);
    auto t0 = Clock::now();
    auto g = TagGrammar::compile(big, V->voc);
    const double compileMs = msSince(t0);
    ASSERT_TRUE(g.hasValue()) << g.error().message();
    std::printf("[ info ] compile 20 x 300 values (3 surfaces each): %.1f ms\n", compileMs);
    // An apparel-sized taxonomy: category, color (zh/en), size, material, pattern, style.
    TagSchema app{{sizes(300), colors(), styles(), apparel(3, 40).attributes[0],
                   apparel(3, 60).attributes[1], single("one", {{"only", {"only"}}})}};
    RunResult r;
    decodeMany(*V, app, 300, 99, r);
    auto& us = r.maskUs;
    std::sort(us.begin(), us.end());
    const double median = us[us.size() / 2];
    const double p99 = us[us.size() * 99 / 100];
    std::printf(
        "[ info ] mask (value slots, real vocabulary): median %.1f us, p99 %.1f us over "
        "%zu steps\n",
        median, p99, us.size());
    // Free text masks walk the whole vocabulary trie: measured separately.
    RunResult rf;
    decodeMany(*V, TagSchema{{freeText("note", 32)}}, 20, 5, rf);
    std::sort(rf.maskUs.begin(), rf.maskUs.end());
    std::printf("[ info ] mask (free text, real vocabulary): median %.1f us, p99 %.1f us\n",
                rf.maskUs[rf.maskUs.size() / 2], rf.maskUs[rf.maskUs.size() * 99 / 100]);
    EXPECT_EQ(r.sequences, 300);
    EXPECT_EQ(rf.sequences, 20);
}

// Category first at the size of Shopify's whole taxonomy: 10,000 categories (three names
// each), 2,000 attributes of 12 values (24,000 values), ten attributes per category. Prints the
// compile time and the mask cost beside a flat apparel-sized taxonomy decoded in the same run
// (BENCHMARKS.md, "Category-aware taxonomy"); every answer is checked as in the random test.
TagSchema shopifySizedSchema() {
    const char* words[] = {"Dresses", "Shirts", "Boots", "Bags", "Hats",   "Rings",
                           "Lamps",   "Chairs", "Toys",  "Pens", "Cables", "Tents"};
    TagSchema s;
    std::vector<TagSchemaValue> categories;
    for (int c = 0; c < 10000; ++c)
        categories.push_back({"aa-" + std::to_string(c / 100) + "-" + std::to_string(c % 100),
                              {std::string(words[c % 12]) + " " + std::to_string(c),
                               "类目" + std::to_string(c) + "号", "cat" + std::to_string(c)}});
    s.attributes.push_back(single("category", std::move(categories)));
    s.attributes[0].allowUnknown = false;
    for (int a = 0; a < 2000; ++a) {
        std::vector<TagSchemaValue> v;
        for (int i = 0; i < 12; ++i)
            v.push_back({"v" + std::to_string(i),
                         {"value " + std::to_string(a) + "-" + std::to_string(i),
                          "值" + std::to_string(i) + "号"}});
        auto at = single("attr" + std::to_string(a), std::move(v));
        at.allowUnknown = false;
        s.attributes.push_back(std::move(at));
    }
    for (uint32_t c = 0; c < 10000; ++c) {
        std::vector<uint32_t> own;
        for (uint32_t k = 0; k < 10; ++k)
            own.push_back(1 + (c * 7 + k * 199) % 2000);
        s.categoryAttributes.push_back(std::move(own));
    }
    return s;
}

TEST(TagMatcher, CategoryFirstAtShopifyScale) {
    Vocab* V = qwenVocab();
    if (!V)
        VISTAG_WITHOUT_SHARED("the real Qwen vocabulary (../shared/data/qwen-tokenizer) is absent");
    const TagSchema full = shopifySizedSchema();
    const auto t0 = Clock::now();
    auto g = TagGrammar::compile(full, V->voc);
    const double compileMs = msSince(t0);
    ASSERT_TRUE(g.hasValue()) << g.error().message();
    std::printf(
        "[ info ] category first, 10,000 categories x 10 of 2,000 attributes: compile "
        "%.0f ms\n",
        compileMs);
    TagSchema flat{{sizes(300), colors(), styles(), apparel(3, 40).attributes[0],
                    apparel(3, 60).attributes[1], single("one", {{"only", {"only"}}})}};
    RunResult rFlat, rFull;
    // As in the engine, every sampled step hands the row's distribution to the matcher (the
    // confidence bookkeeping): a fixed random distribution over the vocabulary.
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> probs(V->voc->logitsWidth());
    float sum = 0;
    for (float& p : probs)
        sum += (p = u(rng) * u(rng) * u(rng));
    for (float& p : probs)
        p /= sum;
    rFlat.probs = rFull.probs = probs;
    decodeMany(*V, flat, 200, 7, rFlat);
    decodeMany(*V, full, 200, 7, rFull);
    if (HasFatalFailure())
        return;
    auto stats = [](std::vector<double> us) {
        std::sort(us.begin(), us.end());
        double sum = 0;
        for (double u : us)
            sum += u;
        return std::array<double, 3>{us[us.size() / 2], us[us.size() * 99 / 100],
                                     sum / static_cast<double>(us.size())};
    };
    const auto a = stats(rFlat.maskUs), b = stats(rFull.maskUs);
    std::printf("[ info ] mask, flat apparel: median %.1f us, p99 %.1f us, mean %.1f us (%zu)\n",
                a[0], a[1], a[2], rFlat.maskUs.size());
    std::printf(
        "[ info ] mask, category first: median %.1f us, p99 %.1f us, mean %.1f us (%zu); "
        "mean ratio %.2fx\n",
        b[0], b[1], b[2], rFull.maskUs.size(), b[2] / a[2]);
    const auto c = stats(rFlat.acceptUs), d = stats(rFull.acceptUs);
    std::printf(
        "[ info ] accept with confidence, flat apparel: median %.1f us, p99 %.1f us, mean "
        "%.1f us\n",
        c[0], c[1], c[2]);
    std::printf(
        "[ info ] accept with confidence, category first: median %.1f us, p99 %.1f us, "
        "mean %.1f us; mean ratio %.2fx\n",
        d[0], d[1], d[2], d[2] / c[2]);
    EXPECT_EQ(rFull.sequences, 200);
}

}  // namespace

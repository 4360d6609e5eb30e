// Taxonomy-constrained decoding, token paths: every surface of every value is reachable in every
// tokenization the vocabulary allows, and forced tokens are healed at their boundary without
// hiding a longer token. Same vocabularies and fixtures as test_tag_constraint.cpp.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "tag_constraint_fixtures.h"
#include "tokenizer_test_util.h"

namespace {

using namespace vistag::inference;
using namespace vistag::test;
using namespace vistag::test::constraint;

// --- reachability ----------------------------------------------------------------------------

TEST(TagMatcher, EverySurfaceIsReachableInEveryTokenization) {
    for (Vocab* V : vocabs()) {
        // Free text on its own (its masks walk the whole vocabulary: slow to check every step).
        for (const TagSchema& schema :
             {TagSchema{{colors(), sizes(300), styles()}}, TagSchema{{freeText("note", 10)}}}) {
            auto g = TagGrammar::compile(schema, V->voc).value();
            auto m0 = TagMatcher::create(g, V->eos).value();
            std::mt19937_64 rng(3);
            int checked = 0;
            for (size_t ai = 0; ai < schema.attributes.size(); ++ai) {
                const auto& a = schema.attributes[ai];
                std::vector<std::string> texts;  // the attribute's value text for each surface
                for (const auto& v : a.values)
                    for (const auto& s : v.surfaces)
                        texts.push_back(a.kind == AttributeKind::Multi ? "[\"" + esc(s) + "\"]"
                                                                       : "\"" + esc(s) + "\"");
                texts.push_back("\"unknown\"");
                if (a.kind == AttributeKind::Multi)
                    texts.push_back("[\"sport\",\"casual smart\",\"休闲\"]");
                if (a.kind == AttributeKind::Free)
                    texts = {"\"\"", "\"a\\\"b\\\\c\"", "\"蓝色🙂\"", "\"0123456789\""};
                for (const std::string& vt : texts) {
                    std::string out = "{";
                    for (size_t k = 0; k < schema.attributes.size(); ++k) {
                        out += std::string(k ? "," : "") + "\"" + schema.attributes[k].code + "\":";
                        out += k == ai ? vt
                                       : (schema.attributes[k].kind == AttributeKind::Free
                                              ? "\"x\""
                                              : "\"unknown\"");
                    }
                    out += "}";
                    // 1) the tokenizer's own encoding of the whole answer;
                    {
                        TagMatcher m = m0;
                        ASSERT_TRUE(acceptAll(m, V->tok.encode(out), *V->voc)) << out;
                        ASSERT_TRUE(m.isDone()) << out;
                        ASSERT_TRUE(m.accept(V->eos[0]));
                        auto r = m.result();
                        ASSERT_TRUE(r.hasValue());
                    }
                    // 2) greedy longest match (crosses every boundary it can) and 3) random splits
                    // into any vocabulary tokens (boundary-merged variants).
                    for (int variant = 0; variant < 3; ++variant) {
                        std::vector<int32_t> toks;
                        const auto& vocab = *V->voc;
                        for (size_t p = 0; p < out.size();) {
                            std::vector<std::pair<int32_t, size_t>> options;
                            for (size_t len = 1; len <= std::min<size_t>(out.size() - p, 64);
                                 ++len) {
                                const int32_t id = V->tok.tokenId(bc(out.substr(p, len)));
                                if (id >= 0 && !vocab.tokenBytes(id).empty())
                                    options.emplace_back(id, len);
                            }
                            ASSERT_FALSE(options.empty());
                            const auto pick =
                                variant == 0 ? options.back() : options[rng() % options.size()];
                            toks.push_back(pick.first);
                            p += pick.second;
                        }
                        TagMatcher m = m0;
                        ASSERT_TRUE(acceptAll(m, toks, *V->voc, variant == 0)) << out;
                        ASSERT_TRUE(m.isDone());
                    }
                    ++checked;
                }
            }
            std::printf("[ info ] %s: %d answers reachable in 4 tokenizations each\n",
                        V->name.c_str(), checked);
        }
    }
}

// --- forcing with healing ---------------------------------------------------------------------

TEST(TagMatcher, ForcedTokensAreHealedAtTheBoundary) {
    Vocab& V = syntheticVocab();
    // The synthetic vocabulary has `":"b`: from the start, `{"color":"` is determined, but a
    // token starting at its `":"` could run into the value (blue), so forcing stops before it.
    TagSchema schema{{single("color", {{"blue", {"blue"}}, {"red", {"red"}}})}};
    auto g = TagGrammar::compile(schema, V.voc).value();
    auto m = TagMatcher::create(g, V.eos).value();
    EXPECT_EQ(m.forcedBytes(), "{\"color\":\"");
    std::string forced;
    for (int32_t t : m.forcedTokens())
        forced += V.voc->tokenBytes(t);
    EXPECT_EQ(forced, "{\"color");
    ASSERT_TRUE(acceptAll(m, m.forcedTokens(), *V.voc));
    std::vector<uint32_t> bits(V.voc->maskWords());
    m.fillMask(bits.data());
    const int32_t colonQuoteB = V.tok.tokenId(bc("\":\"b"));
    ASSERT_GE(colonQuoteB, 0);
    EXPECT_TRUE((bits[static_cast<size_t>(colonQuoteB) / 32] >> (colonQuoteB % 32)) & 1u);
    // After `blue` the rest `"}` is determined; nothing extends past `}`, so all is forced.
    ASSERT_TRUE(acceptAll(
        m, {colonQuoteB, V.tok.tokenId(bc("l")), V.tok.tokenId(bc("u")), V.tok.tokenId(bc("e"))},
        *V.voc));
    EXPECT_EQ(m.forcedBytes(), "\"}");
    std::string rest;
    for (int32_t t : m.forcedTokens())
        rest += V.voc->tokenBytes(t);
    EXPECT_EQ(rest, "\"}");
}

// Property: at every forced token's start, no allowed token covers the rest of the determined
// bytes and goes past them (on both vocabularies, many states).
TEST(TagMatcher, ForcingNeverHidesALongerToken) {
    for (Vocab* V : vocabs()) {
        TagSchema schema{{colors(), sizes(300), styles()}};
        auto g = TagGrammar::compile(schema, V->voc).value();
        auto m0 = TagMatcher::create(g, V->eos).value();
        std::vector<uint32_t> bits(V->voc->maskWords());
        std::mt19937_64 rng(11);
        int forcedCount = 0;
        for (int seq = 0; seq < 150; ++seq) {
            TagMatcher m = m0;
            while (!m.isDone()) {
                const std::string f = m.forcedBytes();
                const auto ft = m.forcedTokens();
                size_t off = 0;
                for (int32_t t : ft) {
                    m.fillMask(bits.data());
                    const std::string rest = f.substr(off);
                    for (int32_t id : maskIds(bits)) {
                        const auto b = V->voc->tokenBytes(id);
                        ASSERT_FALSE(b.size() > rest.size() && b.substr(0, rest.size()) == rest)
                            << "forced " << t << " hides " << b << " after " << m.output();
                    }
                    ASSERT_TRUE(m.accept(t));
                    off += V->voc->tokenBytes(t).size();
                    ++forcedCount;
                }
                if (m.isDone())
                    break;
                m.fillMask(bits.data());
                const auto allowed = maskIds(bits);
                ASSERT_FALSE(allowed.empty());
                ASSERT_TRUE(m.accept(allowed[rng() % allowed.size()]));
            }
        }
        std::printf("[ info ] %s: %d forced tokens checked\n", V->name.c_str(), forcedCount);
    }
}

}  // namespace

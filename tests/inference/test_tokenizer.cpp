// Tokenizer: BPE behaviour on synthetic vocabularies, load errors, the spec's test vectors on the
// real Qwen vocabulary (when ../shared has it), and streaming decode.
#include <gtest/gtest.h>

#include <chrono>
#include <random>

#include "tokenizer_test_util.h"
#include "vistag/inference/tokenizer.h"

using namespace vistag::inference;
using namespace vistag::test;
using nlohmann::json;

namespace {

Tokenizer load(const json& j) {
    auto t = Tokenizer::fromTokenizerJson(j.dump());
    EXPECT_TRUE(t.hasValue()) << (t ? "" : t.error().message());
    return std::move(t.value());
}

bool validUtf8(const std::string& s) {
    // Accepts exactly the well-formed sequences of Unicode Table 3-7.
    for (size_t i = 0; i < s.size();) {
        const auto b = static_cast<uint8_t>(s[i]);
        int n;
        uint8_t lo = 0x80, hi = 0xBF;
        if (b < 0x80) {
            ++i;
            continue;
        } else if (b >= 0xC2 && b <= 0xDF) {
            n = 2;
        } else if (b >= 0xE0 && b <= 0xEF) {
            n = 3;
            if (b == 0xE0)
                lo = 0xA0;
            if (b == 0xED)
                hi = 0x9F;
        } else if (b >= 0xF0 && b <= 0xF4) {
            n = 4;
            if (b == 0xF0)
                lo = 0x90;
            if (b == 0xF4)
                hi = 0x8F;
        } else {
            return false;
        }
        if (i + n > s.size())
            return false;
        for (int k = 1; k < n; ++k) {
            const auto c = static_cast<uint8_t>(s[i + k]);
            if (k == 1 ? (c < lo || c > hi) : (c < 0x80 || c > 0xBF))
                return false;
        }
        i += n;
    }
    return true;
}

int32_t byteId(char c) {
    return static_cast<uint8_t>(c);
}  // synthetic vocabularies: id = byte

std::string errorOf(const std::string& tokenizerJson) {
    auto t = Tokenizer::fromTokenizerJson(tokenizerJson, "/m/tokenizer.json");
    EXPECT_FALSE(t.hasValue());
    if (t.hasValue())
        return {};
    EXPECT_EQ(t.error().code(), ErrorCode::ModelFolder);
    return t.error().message();
}

}  // namespace

TEST(Tokenizer, MergesByRankNotByPosition) {
    // "b c" outranks "a b": abc -> a + bc -> abc (via "a bc").
    Tokenizer t = load(syntheticTokenizerJson({{"b", "c"}, {"a", "b"}, {"a", "bc"}}, {}));
    const int32_t bc = t.tokenId("bc"), abc = t.tokenId("abc"), ab = t.tokenId("ab");
    ASSERT_GE(bc, 256);
    EXPECT_EQ(t.encode("abc"), (std::vector<int32_t>{abc}));
    EXPECT_EQ(t.encode("abab"), (std::vector<int32_t>{ab, ab}));
    EXPECT_EQ(t.encode("abcc"), (std::vector<int32_t>{abc, byteId('c')}));
    // Equal pairs merge left to right: "aaa" with "a a" -> aa + a.
    Tokenizer u = load(syntheticTokenizerJson({{"a", "a"}}, {}, /*mergesAsArrays=*/true));
    EXPECT_EQ(u.encode("aaa"), (std::vector<int32_t>{u.tokenId("aa"), byteId('a')}));
    EXPECT_EQ(u.encode("aaaa"), (std::vector<int32_t>{u.tokenId("aa"), u.tokenId("aa")}));
}

TEST(Tokenizer, PreTokenizerKeepsWordsApart) {
    // " b" is a word of its own: "a b" never merges across the space.
    Tokenizer t = load(syntheticTokenizerJson({{"a", "Ġ"}, {"Ġ", "b"}}, {}));
    EXPECT_EQ(t.encode("a b"), (std::vector<int32_t>{byteId('a'), t.tokenId("Ġb")}));
    EXPECT_EQ(t.encode("12"), (std::vector<int32_t>{byteId('1'), byteId('2')}));
    EXPECT_EQ(t.decode(t.encode("a b\n\tc")), "a b\n\tc");
}

TEST(Tokenizer, AddedTokensLeftmostLongestBeforeNormalisation) {
    Tokenizer t = load(syntheticTokenizerJson(
        {}, {{"<x>", true}, {"<x>y", false}, {"e\xCC\x81", false}, {"<n>", false, true}}));
    const int32_t x = t.tokenId("<x>"), xy = t.tokenId("<x>y"), nfd = t.tokenId("e\xCC\x81");
    EXPECT_EQ(t.encode("a<x>yb"), (std::vector<int32_t>{byteId('a'), xy, byteId('b')}));
    EXPECT_EQ(t.encode("<x><x>"), (std::vector<int32_t>{x, x}));
    // Matched verbatim in the raw text, before NFC would have turned it into U+00E9.
    EXPECT_EQ(t.encode("e\xCC\x81"), (std::vector<int32_t>{nfd}));
    // Without the added token, NFC applies: é (C3 A9).
    EXPECT_EQ(t.encode("\xC3\xA9"), (std::vector<int32_t>{0xC3, 0xA9}));
    EXPECT_TRUE(t.isSpecial(x));
    EXPECT_FALSE(t.isSpecial(xy));
    EXPECT_TRUE(t.isAdded(xy));
    EXPECT_EQ(t.encode("<n>"), (std::vector<int32_t>{t.tokenId("<n>")}));
    EXPECT_EQ(t.size(), 256u + 4u);
    EXPECT_EQ(t.tokenId("nope"), -1);
    EXPECT_EQ(t.tokenText(99999), "");
}

TEST(Tokenizer, InvalidUtf8IsReplacedLikePython) {
    Tokenizer t = load(syntheticTokenizerJson({}, {}));
    // bytes.decode("utf-8", "replace"): one U+FFFD per maximal ill-formed subsequence.
    EXPECT_EQ(t.encode("a\xFF"
                       "b"),
              t.encode("a\xEF\xBF\xBD"
                       "b"));
    EXPECT_EQ(t.encode("\xE4\xB8"), t.encode("\xEF\xBF\xBD"));
    EXPECT_EQ(t.encode("\xED\xA0\x80"), t.encode("\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"));
    EXPECT_EQ(t.decode({0xE4, 0xB8}), "\xEF\xBF\xBD");
    EXPECT_EQ(t.decode({0xE4, 0xB8, 0xAD}), "\xE4\xB8\xAD");
}

TEST(Tokenizer, DecodeLikeHuggingFace) {
    Tokenizer t = load(syntheticTokenizerJson({}, {{"<s>", true}, {"<t>", false}}));
    const int32_t s = t.tokenId("<s>"), tt = t.tokenId("<t>");
    // 😀 = F0 9F 98 80. A kept added token ends the byte run; a skipped one does not.
    const std::vector<int32_t> cut{0xF0, 0x9F, s, 0x98, 0x80};
    EXPECT_EQ(t.decode(cut), "\xEF\xBF\xBD<s>\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(t.decode(cut, true), "\xF0\x9F\x98\x80");
    EXPECT_EQ(t.decode({0xF0, 0x9F, tt, 0x98, 0x80}, true),
              "\xEF\xBF\xBD<t>\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(t.decode({'a', 123456, -5, 'b'}), "ab");  // unknown ids are skipped
}

TEST(Tokenizer, LongInputs) {
    Tokenizer t = load(syntheticTokenizerJson({{"a", "a"}, {"Ġ", "Ġ"}}, {}));
    const std::string spaces(1 << 20, ' ');
    EXPECT_EQ(t.decode(t.encode(spaces + "x")), spaces + "x");
    const std::string as(1 << 20, 'a');
    EXPECT_EQ(t.encode(as).size(), as.size() / 2);
    std::string cjk;
    for (int i = 0; i < 100000; ++i)
        cjk += "\xE4\xB8\xAD";
    EXPECT_EQ(t.encode(cjk).size(), cjk.size());
}

TEST(TokenizerLoad, ClearErrors) {
    const json good = syntheticTokenizerJson({{"a", "b"}}, {{"<s>", true}});
    EXPECT_NE(errorOf("{ not json").find("/m/tokenizer.json: malformed JSON"), std::string::npos);
    EXPECT_NE(errorOf("[]").find("not a JSON object"), std::string::npos);
    json j = good;
    j.erase("model");
    EXPECT_NE(errorOf(j.dump()).find("\"model\" is missing"), std::string::npos);
    j = good;
    j["model"]["vocab"] = json::array();
    EXPECT_NE(errorOf(j.dump()).find("model.vocab"), std::string::npos);
    j = good;
    j["model"]["vocab"]["x"] = "seven";
    EXPECT_NE(errorOf(j.dump()).find("vocab entry \"x\" is not an integer id"), std::string::npos);
    j = good;
    j["model"]["merges"].push_back("zz q");
    EXPECT_NE(errorOf(j.dump()).find("not in the vocabulary"), std::string::npos);
    j = good;
    j["model"]["merges"].push_back("abc");
    EXPECT_NE(errorOf(j.dump()).find("not two tokens"), std::string::npos);
    j = good;
    j["model"]["merges"].push_back(42);
    EXPECT_NE(errorOf(j.dump()).find("merge 1 is neither"), std::string::npos);
    j = good;
    j["model"]["type"] = "WordPiece";
    EXPECT_NE(errorOf(j.dump()).find("WordPiece is not supported"), std::string::npos);
    j = good;
    j["added_tokens"][0].erase("content");
    EXPECT_NE(errorOf(j.dump()).find("added_tokens[0] has no content"), std::string::npos);
    j = good;
    j["added_tokens"][0]["id"] = -3;
    EXPECT_NE(errorOf(j.dump()).find("out-of-range id"), std::string::npos);
    j = good;
    j["normalizer"] = {{"type", "Lowercase"}};
    EXPECT_NE(errorOf(j.dump()).find("unsupported normalizer Lowercase"), std::string::npos);
    j = good;
    j["pre_tokenizer"]["pretokenizers"][0]["pattern"]["Regex"] = "(unclosed";
    EXPECT_NE(errorOf(j.dump()).find("regex does not compile"), std::string::npos);
    // Truncation anywhere never crashes and always names the file.
    const std::string text = good.dump();
    for (size_t n = 0; n < text.size(); n += 97) {
        EXPECT_NE(errorOf(text.substr(0, n)).find("/m/tokenizer.json"), std::string::npos);
    }
}

TEST(TokenizerLoad, FolderErrors) {
    auto missing = Tokenizer::fromFolder("/nonexistent/vistag/model");
    ASSERT_FALSE(missing.hasValue());
    EXPECT_EQ(missing.error().code(), ErrorCode::ModelFolder);
    EXPECT_NE(missing.error().message().find("/nonexistent/vistag/model"), std::string::npos);

    const auto dir = scratchDir("tok-empty");
    auto empty = Tokenizer::fromFolder(dir.string());
    ASSERT_FALSE(empty.hasValue());
    EXPECT_NE(empty.error().message().find("tokenizer.json: missing"), std::string::npos);

    writeFile(dir / "tokenizer.json", "{\"model\": ");
    auto bad = Tokenizer::fromFolder(dir.string());
    ASSERT_FALSE(bad.hasValue());
    EXPECT_NE(bad.error().message().find((dir / "tokenizer.json").string() + ": malformed JSON"),
              std::string::npos);
    std::filesystem::remove(dir / "tokenizer.json");

    writeFile(dir / "vocab.json", "{\"a\": 0, \"b\": 1, \"ab\": 2}");
    writeFile(dir / "merges.txt", "#version: 0.2\na b\na b c\n");
    auto badMerges = Tokenizer::fromFolder(dir.string());
    ASSERT_FALSE(badMerges.hasValue());
    EXPECT_NE(badMerges.error().message().find("merges.txt: merge 1 (\"a b c\")"),
              std::string::npos);

    writeFile(dir / "merges.txt", "#version: 0.2\na b\n");
    writeFile(dir / "tokenizer_config.json", "{\"added_tokens_decoder\": {\"x\": {}}}");
    auto badConfig = Tokenizer::fromFolder(dir.string());
    ASSERT_FALSE(badConfig.hasValue());
    EXPECT_NE(
        badConfig.error().message().find("tokenizer_config.json: added_tokens_decoder[\"x\"]"),
        std::string::npos);

    writeFile(dir / "tokenizer_config.json",
              "{\"added_tokens_decoder\": {\"3\": {\"content\": \"<e>\", \"special\": true}}}");
    auto ok = Tokenizer::fromFolder(dir.string());
    ASSERT_TRUE(ok.hasValue()) << ok.error().message();
    EXPECT_EQ(ok->encode("ab<e>a"), (std::vector<int32_t>{2, 3, 0}));
    std::filesystem::remove_all(dir);
}

TEST(StreamDecoder, HoldsBackSplitCharacters) {
    Tokenizer t = load(syntheticTokenizerJson({}, {{"<s>", true}, {"<t>", false}}));
    StreamDecoder d(t);
    // 🧑‍🤝‍🧑 byte by byte: nothing is emitted until a character is complete.
    const std::string family =
        "\xF0\x9F\xA7\x91\xE2\x80\x8D\xF0\x9F\xA4\x9D\xE2\x80\x8D\xF0\x9F\xA7\x91";
    std::string all;
    for (char c : family) {
        const std::string piece = d.push(byteId(c));
        EXPECT_TRUE(validUtf8(piece));
        all += piece;
    }
    EXPECT_EQ(d.flush(), "");
    EXPECT_EQ(all, family);
    EXPECT_EQ(d.push(0xE4), "");
    EXPECT_EQ(d.push(t.tokenId("<s>")), "");  // skipped special: the character continues
    EXPECT_EQ(d.push(0xB8), "");
    EXPECT_EQ(d.push(0xAD), "\xE4\xB8\xAD");
    EXPECT_EQ(d.push(0xE4), "");
    EXPECT_EQ(d.flush(), "\xEF\xBF\xBD");
}

TEST(StreamDecoder, EqualsDecodeAndNeverEmitsBrokenUtf8) {
    Tokenizer t = load(syntheticTokenizerJson({{"Ġ", "Ġ"}}, {{"<s>", true}, {"<t>", false}}));
    std::mt19937 rng(7);
    const std::vector<std::string> alphabet = {
        "a", " ", "\xC3\xA9", "\xE4\xB8\xAD", "\xF0\x9F\x98\x80", "\xFF", "\x80"};
    for (int round = 0; round < 500; ++round) {
        std::vector<int32_t> ids;
        const int n = static_cast<int>(rng() % 30);
        for (int i = 0; i < n; ++i) {
            const unsigned r = rng() % 20;
            if (r == 0) {
                ids.push_back(t.tokenId("<s>"));
            } else if (r == 1) {
                ids.push_back(t.tokenId("<t>"));
            } else if (r == 2) {
                ids.push_back(t.tokenId("ĠĠ"));
            } else {
                for (char c : alphabet[rng() % alphabet.size()])
                    ids.push_back(byteId(c));
            }
        }
        // Cut characters between tokens at random places by dropping some bytes.
        if (!ids.empty() && rng() % 3 == 0)
            ids.erase(ids.begin() + rng() % ids.size());
        for (bool skip : {true, false}) {
            StreamDecoder d(t, skip);
            std::string all;
            for (int32_t id : ids) {
                const std::string piece = d.push(id);
                ASSERT_TRUE(validUtf8(piece));
                all += piece;
            }
            all += d.flush();
            EXPECT_EQ(all, t.decode(ids, skip));
        }
    }
}

// ---- The real Qwen vocabulary ----------------------------------------------------------------

class QwenTokenizer : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        const auto src = qwenVocabDir();
        if (src.empty())
            return;
        // A tokenizer.json like the one transformers saves, built from vocab.json + merges.txt.
        dir_ = new std::filesystem::path(scratchDir("qwen-tok"));
        writeFile(*dir_ / "tokenizer.json", qwenTokenizerJson(src).dump());
        const auto t0 = std::chrono::steady_clock::now();
        auto t = Tokenizer::fromFolder(dir_->string());
        const double ms =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0)
                .count();
        ASSERT_TRUE(t.hasValue()) << t.error().message();
        std::printf("[ info ] loaded the real tokenizer.json (%zu bytes, %zu tokens) in %.0f ms\n",
                    static_cast<size_t>(std::filesystem::file_size(*dir_ / "tokenizer.json")),
                    t->size(), ms);
        tok_ = new Tokenizer(std::move(t.value()));
    }
    static void TearDownTestSuite() {
        delete tok_;
        tok_ = nullptr;
        if (dir_ && !std::getenv("KEEP"))
            std::filesystem::remove_all(*dir_);
        delete dir_;
        dir_ = nullptr;
    }
    void SetUp() override {
        if (tok_ == nullptr)
            VISTAG_WITHOUT_SHARED("the Qwen vocabulary (../shared) is absent");
    }
    static Tokenizer* tok_;
    static std::filesystem::path* dir_;
};
Tokenizer* QwenTokenizer::tok_ = nullptr;
std::filesystem::path* QwenTokenizer::dir_ = nullptr;

TEST_F(QwenTokenizer, SpecTestVectors) {
    const Tokenizer& t = *tok_;
    EXPECT_EQ(t.size(), 151669u);
    EXPECT_EQ(t.encode("Hello world"), (std::vector<int32_t>{9707, 1879}));
    EXPECT_EQ(t.encode(" Hello world"), (std::vector<int32_t>{21927, 1879}));
    EXPECT_EQ(
        t.encode("<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n"),
        (std::vector<int32_t>{151644, 8948, 198, 2610, 525, 264, 10950, 17847, 13, 151645, 198}));
    EXPECT_EQ(t.encode("<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe "
                       "this image.<|im_end|>\n<|im_start|>assistant\n"),
              (std::vector<int32_t>{151644, 872, 198, 151652, 151655, 151653, 74785, 419, 2168, 13,
                                    151645, 198, 151644, 77091, 198}));
    EXPECT_EQ(t.tokenId("<|im_end|>"), 151645);
    EXPECT_EQ(t.tokenText(1879), "Ġworld");
    EXPECT_TRUE(t.isSpecial(151645));
    EXPECT_FALSE(t.isSpecial(151667));  // <think>
    EXPECT_FALSE(t.isSpecial(1879));
}

TEST_F(QwenTokenizer, EmojiAcrossTokensStreamsWhole) {
    const Tokenizer& t = *tok_;
    const std::vector<int32_t> melt = t.encode("\xF0\x9F\xAB\xA0");  // 🫠
    EXPECT_EQ(melt, (std::vector<int32_t>{9284, 104, 254}));
    StreamDecoder d(t);
    EXPECT_EQ(d.push(9284), "");
    EXPECT_EQ(d.push(104), "");
    EXPECT_EQ(d.push(254), "\xF0\x9F\xAB\xA0");
    // As HF: a kept added token cuts the character; a skipped one does not.
    EXPECT_EQ(t.decode({9284, 151645, 104, 254}), "\xEF\xBF\xBD<|im_end|>\xEF\xBF\xBD\xEF\xBF\xBD");
    EXPECT_EQ(t.decode({9284, 151645, 104, 254}, true), "\xF0\x9F\xAB\xA0");

    const std::string text = "碎花连衣裙👗🧑‍🤝‍🧑 ok";
    std::string all;
    StreamDecoder s(t);
    for (int32_t id : t.encode(text)) {
        const std::string piece = s.push(id);
        EXPECT_TRUE(validUtf8(piece)) << id;
        all += piece;
    }
    all += s.flush();
    EXPECT_EQ(all, text);
}

// Chat template: the spec's rendered examples (qwen3-vl-spec §6) and loading from a folder.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "tokenizer_test_util.h"
#include "vistag/inference/chat_template.h"

using namespace vistag::inference;
using namespace vistag::test;

namespace {

ChatPart image() {
    return {ChatPart::Kind::Image, {}};
}
ChatPart text(std::string s) {
    return {ChatPart::Kind::Text, std::move(s)};
}

std::string officialFile() {
    std::ifstream in(std::string(VISTAG_TEST_DATA_DIR) + "/qwen3-vl/chat_template.jinja",
                     std::ios::binary);
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

}  // namespace

TEST(ChatTemplate, SpecExampleA) {
    const ChatTemplate t = ChatTemplate::qwen3vl();
    EXPECT_EQ(t.render({{"user", {image(), text("Describe this image.")}}}, true),
              "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>Describe this "
              "image.<|im_end|>\n<|im_start|>assistant\n");
    // Text before the image renders before it.
    EXPECT_EQ(t.render({{"user", {text("Describe this image."), image()}}}, false),
              "<|im_start|>user\nDescribe this image.<|vision_start|><|image_pad|><|vision_end|>"
              "<|im_end|>\n");
}

TEST(ChatTemplate, SpecExampleB) {
    const ChatTemplate t = ChatTemplate::qwen3vl();
    EXPECT_EQ(t.render({{"system", {text("You are a helpful assistant.")}},
                        {"user", {image(), text("Describe this image.")}}},
                       true),
              "<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n"
              "<|vision_start|><|image_pad|><|vision_end|>Describe this image.<|im_end|>\n"
              "<|im_start|>assistant\n");
}

TEST(ChatTemplate, SpecExampleC) {
    const ChatTemplate t = ChatTemplate::qwen3vl();
    EXPECT_EQ(t.render({{"user", {image(), text("What is this?")}},
                        {"assistant", {text("A cat.")}},
                        {"user", {text("What color?")}}},
                       true),
              "<|im_start|>user\n<|vision_start|><|image_pad|><|vision_end|>What is "
              "this?<|im_end|>\n<|im_start|>assistant\nA cat.<|im_end|>\n<|im_start|>user\nWhat "
              "color?<|im_end|>\n<|im_start|>assistant\n");
}

TEST(ChatTemplate, TemplateRules) {
    const ChatTemplate t = ChatTemplate::qwen3vl();
    // Assistant history is verbatim, <think> blocks included; images in it are dropped.
    EXPECT_EQ(t.render({{"assistant", {text("<think>\nx\n</think>\n\nA"), image()}}}, false),
              "<|im_start|>assistant\n<think>\nx\n</think>\n\nA<|im_end|>\n");
    // A system message counts only as the first message; images in it are dropped.
    EXPECT_EQ(t.render({{"user", {text("a")}}, {"system", {text("late")}}}, false),
              "<|im_start|>user\na<|im_end|>\n");
    EXPECT_EQ(t.render({{"system", {text("S"), image(), text("!")}}}, false),
              "<|im_start|>system\nS!<|im_end|>\n");
    EXPECT_EQ(t.render({}, true), "<|im_start|>assistant\n");
    EXPECT_EQ(
        t.render({{"user", {text("q")}}, {"tool", {text("r1")}}, {"tool", {text("r2")}}}, false),
        "<|im_start|>user\nq<|im_end|>\n<|im_start|>user\n<tool_response>\nr1\n"
        "</tool_response>\n<tool_response>\nr2\n</tool_response><|im_end|>\n");
}

TEST(ChatTemplate, OfficialTextIsTheShippedFile) {
    EXPECT_EQ(ChatTemplate::officialText().size(), 5292u);
    EXPECT_EQ(ChatTemplate::officialText(), officialFile());
}

TEST(ChatTemplate, FromFolder) {
    const auto dir = scratchDir("chat-template");
    auto none = ChatTemplate::fromFolder(dir.string());
    ASSERT_FALSE(none.hasValue());
    EXPECT_EQ(none.error().code(), ErrorCode::ModelFolder);
    EXPECT_NE(none.error().message().find("no chat template"), std::string::npos);

    // tokenizer_config.json "chat_template", with Windows line endings: still Qwen3-VL.
    std::string crlf;
    for (char c : officialFile()) {
        if (c == '\n')
            crlf += '\r';
        crlf += c;
    }
    writeFile(dir / "tokenizer_config.json", nlohmann::json{{"chat_template", crlf}}.dump());
    auto fromConfig = ChatTemplate::fromFolder(dir.string());
    ASSERT_TRUE(fromConfig.hasValue()) << fromConfig.error().message();
    EXPECT_TRUE(fromConfig->isQwen3VL());
    EXPECT_TRUE(fromConfig->warning().empty());

    // chat_template.json wins over tokenizer_config.json; a foreign template loads with a warning.
    writeFile(dir / "chat_template.json", R"({"chat_template": "{{ messages }}"})");
    auto foreign = ChatTemplate::fromFolder(dir.string());
    ASSERT_TRUE(foreign.hasValue());
    EXPECT_FALSE(foreign->isQwen3VL());
    EXPECT_NE(foreign->warning().find("not the Qwen3-VL Instruct"), std::string::npos);
    EXPECT_EQ(foreign->source(), "{{ messages }}");

    // chat_template.jinja wins over both.
    writeFile(dir / "chat_template.jinja", officialFile());
    auto jinja = ChatTemplate::fromFolder(dir.string());
    ASSERT_TRUE(jinja.hasValue());
    EXPECT_TRUE(jinja->isQwen3VL());

    std::filesystem::remove(dir / "chat_template.jinja");
    writeFile(dir / "chat_template.json", "{ broken");
    auto broken = ChatTemplate::fromFolder(dir.string());
    ASSERT_FALSE(broken.hasValue());
    EXPECT_NE(broken.error().message().find("chat_template.json: malformed JSON"),
              std::string::npos);
    std::filesystem::remove_all(dir);
}

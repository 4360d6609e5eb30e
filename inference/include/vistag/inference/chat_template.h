// The Qwen3-VL Instruct chat format, byte-identical to transformers' apply_chat_template with the
// official chat_template.jinja (no Jinja engine: the template's logic is written out here).
#pragma once

#include <string>
#include <vector>

#include "vistag/inference/status.h"

namespace vistag::inference {

struct ChatPart {
    enum class Kind { Text, Image };
    Kind kind = Kind::Text;
    std::string text;
};

struct ChatMessage {
    std::string role;  // system / user / assistant (tool is rendered too; other roles are dropped)
    std::vector<ChatPart> content;
};

class ChatTemplate {
public:
    // Reads chat_template.jinja, or chat_template.json {"chat_template": ...}, or
    // tokenizer_config.json's "chat_template". None → ErrorCode::ModelFolder. A template that is
    // not Qwen3-VL Instruct's still loads, with isQwen3VL() false and a warning() saying that
    // Vistag renders the Qwen3-VL Instruct format regardless.
    static Expected<ChatTemplate> fromFolder(const std::string& dir);
    static ChatTemplate qwen3vl();  // built-in

    bool isQwen3VL() const { return isQwen3VL_; }
    const std::string& warning() const { return warning_; }
    const std::string& source() const { return source_; }  // the template text as read

    // Rules (the official template, without tools/video):
    //  - a system message is rendered only as messages[0]: "<|im_start|>system\n" + its text
    //    parts + "<|im_end|>\n" (images in it are dropped); no default system prompt;
    //  - user: "<|im_start|>user\n" + parts in order (image = "<|vision_start|><|image_pad|>
    //    <|vision_end|>" without separators) + "<|im_end|>\n";
    //  - assistant: "<|im_start|>assistant\n" + text parts verbatim (a "<think>...</think>" in
    //    history is kept as it is) + "<|im_end|>\n";
    //  - tool: consecutive tool messages share one "<|im_start|>user" block of
    //    "\n<tool_response>\n" + content + "\n</tool_response>";
    //  - any other role, and a system message after the first, renders nothing;
    //  - addGenerationPrompt appends "<|im_start|>assistant\n".
    std::string render(const std::vector<ChatMessage>& messages, bool addGenerationPrompt) const;

    // The official Qwen3-VL Instruct chat_template.jinja (sha256 3636d0f0…89e4).
    static const std::string& officialText();

private:
    bool isQwen3VL_ = true;
    std::string warning_;
    std::string source_;
};

}  // namespace vistag::inference

#include "vistag/inference/chat_template.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace vistag::inference {
namespace {

#include "qwen3vl_template.inc"

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kVisionImage = "<|vision_start|><|image_pad|><|vision_end|>";

// Line endings unified and surrounding white space dropped, for recognising the template.
std::string normalised(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] == '\n')
            continue;
        out += s[i];
    }
    const size_t b = out.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    const size_t e = out.find_last_not_of(" \t\r\n");
    return out.substr(b, e - b + 1);
}

// Text parts only (system and assistant messages: "if 'text' in content").
void appendText(std::string& out, const ChatMessage& m) {
    for (const ChatPart& p : m.content) {
        if (p.kind == ChatPart::Kind::Text)
            out += p.text;
    }
}

// Text and images (user and tool messages).
void appendMixed(std::string& out, const ChatMessage& m) {
    for (const ChatPart& p : m.content) {
        out += p.kind == ChatPart::Kind::Image ? std::string(kVisionImage) : p.text;
    }
}

bool readText(const fs::path& path, std::string& out, std::string& error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        error = path.string() + ": cannot be read";
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    out = std::move(ss).str();
    return true;
}

// The "chat_template" member of a JSON file: a string, or a list of {name, template} from which
// the one named "default" is taken. Returns false with `error` set when the file is malformed;
// true with `found` false when it simply has no template.
bool templateFromJson(const fs::path& path, std::string& out, bool& found, std::string& error) {
    found = false;
    std::string text;
    if (!readText(path, text, error))
        return false;
    const json root = json::parse(text, nullptr, false);
    if (root.is_discarded() || !root.is_object()) {
        error = path.string() + ": malformed JSON";
        return false;
    }
    auto it = root.find("chat_template");
    if (it == root.end() || it->is_null())
        return true;
    if (it->is_string()) {
        out = it->get<std::string>();
        found = true;
        return true;
    }
    if (it->is_array()) {
        for (const json& t : *it) {
            if (t.is_object() && t.value("name", "") == "default" && t.contains("template") &&
                t["template"].is_string()) {
                out = t["template"].get<std::string>();
                found = true;
                return true;
            }
        }
    }
    error = path.string() + ": \"chat_template\" is neither a string nor a list with a default";
    return false;
}

}  // namespace

const std::string& ChatTemplate::officialText() {
    static const std::string text(kQwen3VLInstructTemplate);
    return text;
}

ChatTemplate ChatTemplate::qwen3vl() {
    ChatTemplate t;
    t.source_ = officialText();
    return t;
}

Expected<ChatTemplate> ChatTemplate::fromFolder(const std::string& dir) {
    const fs::path folder(dir);
    std::string text;
    std::string error;
    std::string origin;
    bool found = false;
    std::error_code ec;
    if (fs::exists(folder / "chat_template.jinja", ec)) {
        origin = (folder / "chat_template.jinja").string();
        if (!readText(folder / "chat_template.jinja", text, error)) {
            return Status(ErrorCode::ModelFolder, error);
        }
        found = true;
    }
    for (const char* name : {"chat_template.json", "tokenizer_config.json"}) {
        if (found || !fs::exists(folder / name, ec))
            continue;
        origin = (folder / name).string();
        if (!templateFromJson(folder / name, text, found, error)) {
            return Status(ErrorCode::ModelFolder, error);
        }
    }
    if (!found) {
        return Status(ErrorCode::ModelFolder,
                      dir +
                          ": no chat template (chat_template.jinja, chat_template.json or "
                          "tokenizer_config.json \"chat_template\")");
    }
    ChatTemplate t;
    t.source_ = text;
    t.isQwen3VL_ = normalised(text) == normalised(officialText());
    if (!t.isQwen3VL_) {
        t.warning_ = origin +
                     ": this chat template is not the Qwen3-VL Instruct one; Vistag renders "
                     "prompts in the Qwen3-VL Instruct format, not with this template";
    }
    return t;
}

std::string ChatTemplate::render(const std::vector<ChatMessage>& messages,
                                 bool addGenerationPrompt) const {
    std::string out;
    if (!messages.empty() && messages[0].role == "system") {
        out += "<|im_start|>system\n";
        appendText(out, messages[0]);
        out += "<|im_end|>\n";
    }
    for (size_t i = 0; i < messages.size(); ++i) {
        const ChatMessage& m = messages[i];
        if (m.role == "user") {
            out += "<|im_start|>user\n";
            appendMixed(out, m);
            out += "<|im_end|>\n";
        } else if (m.role == "assistant") {
            out += "<|im_start|>assistant\n";
            appendText(out, m);
            out += "<|im_end|>\n";
        } else if (m.role == "tool") {
            if (i == 0 || messages[i - 1].role != "tool")
                out += "<|im_start|>user";
            out += "\n<tool_response>\n";
            appendMixed(out, m);
            out += "\n</tool_response>";
            if (i + 1 == messages.size() || messages[i + 1].role != "tool")
                out += "<|im_end|>\n";
        }
    }
    if (addGenerationPrompt)
        out += "<|im_start|>assistant\n";
    return out;
}

}  // namespace vistag::inference

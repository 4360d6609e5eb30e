// vistag-cli tokenize --model DIR [--decode | --chat]
//   (default)  each stdin line (split on "\n" only; "\r" stays part of the line) → one JSON array
//              of token ids, exactly tokenizer.encode(line, add_special_tokens=False)
//   --decode   each stdin line is a JSON array of ids → the decoded text as a JSON string
//   --skip-special  with --decode: leave special tokens out (skip_special_tokens=True)
//   --json-input    (for the parity tests) each input line is a JSON string, so that texts with
//                   "\n" can be encoded
//   --chat     (for the parity tests) each stdin line is {"messages": [...],
//   "add_generation_prompt":
//              bool} with OpenAI-style content (a string, or parts of type text / image /
//              image_url) → the rendered prompt as a JSON string
#include <nlohmann/json.hpp>

#include <charconv>
#include <cstdio>
#include <iostream>
#include <optional>
#include <string>

#include "commands.h"
#include "vistag/inference/chat_template.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::cli {
namespace {

using nlohmann::json;
using vistag::inference::ChatMessage;
using vistag::inference::ChatPart;
using vistag::inference::ChatTemplate;
using vistag::inference::Tokenizer;

constexpr const char* kUsage =
    "usage: vistag-cli tokenize --model DIR [--decode]\n"
    "  Reads stdin line by line (lines end at \\n). Without --decode, prints each line's token "
    "ids\n"
    "  as a JSON array; with --decode, reads one JSON array of ids per line and prints the text\n"
    "  as a JSON string.\n";

int usage(const char* problem) {
    if (problem != nullptr)
        std::fprintf(stderr, "vistag-cli tokenize: %s\n", problem);
    std::fputs(kUsage, stderr);
    return 2;
}

void writeLine(const std::string& s) {
    std::fwrite(s.data(), 1, s.size(), stdout);
    std::fputc('\n', stdout);
    std::fflush(stdout);
}

std::string idsJson(const std::vector<int32_t>& ids) {
    std::string out = "[";
    char buf[16];
    for (size_t i = 0; i < ids.size(); ++i) {
        if (i)
            out += ',';
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, ids[i]);
        out.append(buf, end);
    }
    out += ']';
    return out;
}

std::string jsonString(const std::string& s) {
    return json(s).dump(-1, ' ', false, json::error_handler_t::replace);
}

int inputError(size_t lineNo, const std::string& what) {
    std::fprintf(stderr, "vistag-cli tokenize: stdin line %zu: %s\n", lineNo, what.c_str());
    return 2;
}

std::optional<std::vector<int32_t>> parseIds(const std::string& line) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        return std::nullopt;
    std::vector<int32_t> ids;
    for (const json& v : j) {
        if (!v.is_number_integer())
            return std::nullopt;
        const int64_t id = v.get<int64_t>();
        ids.push_back(id < INT32_MIN || id > INT32_MAX ? -1 : static_cast<int32_t>(id));
    }
    return ids;
}

// OpenAI-style messages → ChatMessage (what the template reads from them).
std::optional<std::vector<ChatMessage>> parseMessages(const json& j, std::string& error) {
    if (!j.is_array()) {
        error = "\"messages\" is not an array";
        return std::nullopt;
    }
    std::vector<ChatMessage> out;
    for (const json& m : j) {
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
            error = "a message without a role";
            return std::nullopt;
        }
        ChatMessage msg;
        msg.role = m["role"].get<std::string>();
        const json& content = m.contains("content") ? m["content"] : json();
        if (content.is_string()) {
            msg.content.push_back({ChatPart::Kind::Text, content.get<std::string>()});
        } else if (content.is_array()) {
            for (const json& p : content) {
                if (!p.is_object())
                    continue;
                const std::string type = p.value("type", "");
                if (type == "image" || p.contains("image") || p.contains("image_url")) {
                    msg.content.push_back({ChatPart::Kind::Image, {}});
                } else if (type == "video" || p.contains("video")) {
                    error = "video parts are not supported";
                    return std::nullopt;
                } else if (p.contains("text") && p["text"].is_string()) {
                    msg.content.push_back({ChatPart::Kind::Text, p["text"].get<std::string>()});
                }
            }
        } else if (!content.is_null()) {
            error = "message content is neither a string nor a list";
            return std::nullopt;
        }
        out.push_back(std::move(msg));
    }
    return out;
}

}  // namespace

int runTokenize(const QStringList& args) {
    std::string model;
    bool decode = false;
    bool chat = false;
    bool skipSpecial = false;
    bool jsonInput = false;
    for (qsizetype i = 1; i < args.size(); ++i) {
        const QString& a = args[i];
        if (a == QLatin1String("--help") || a == QLatin1String("-h")) {
            std::fputs(kUsage, stderr);
            return 0;
        } else if (a == QLatin1String("--model")) {
            if (i + 1 >= args.size())
                return usage("--model needs a folder");
            model = args[++i].toStdString();
        } else if (a.startsWith(QLatin1String("--model="))) {
            model = a.mid(8).toStdString();
        } else if (a == QLatin1String("--decode")) {
            decode = true;
        } else if (a == QLatin1String("--skip-special")) {
            skipSpecial = true;
        } else if (a == QLatin1String("--json-input")) {
            jsonInput = true;
        } else if (a == QLatin1String("--chat")) {
            chat = true;
        } else {
            return usage(("unknown argument " + a.toStdString()).c_str());
        }
    }
    if (model.empty())
        return usage("--model DIR is required");
    if (decode && chat)
        return usage("--decode and --chat exclude each other");

    std::ios::sync_with_stdio(false);
    std::string line;
    size_t lineNo = 0;
    if (chat) {
        auto tmpl = ChatTemplate::fromFolder(model);
        if (!tmpl) {
            std::fprintf(stderr, "vistag-cli tokenize: %s\n", tmpl.error().message().c_str());
            return tmpl.error().exitCode();
        }
        if (!tmpl->warning().empty())
            std::fprintf(stderr, "warning: %s\n", tmpl->warning().c_str());
        while (std::getline(std::cin, line)) {
            ++lineNo;
            const json j = json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_object())
                return inputError(lineNo, "not a JSON object");
            std::string error;
            auto messages = parseMessages(j.contains("messages") ? j["messages"] : json(), error);
            if (!messages)
                return inputError(lineNo, error);
            writeLine(jsonString(tmpl->render(*messages, j.value("add_generation_prompt", false))));
        }
        return 0;
    }

    auto tok = Tokenizer::fromFolder(model);
    if (!tok) {
        std::fprintf(stderr, "vistag-cli tokenize: %s\n", tok.error().message().c_str());
        return tok.error().exitCode();
    }
    while (std::getline(std::cin, line)) {
        ++lineNo;
        if (decode) {
            auto ids = parseIds(line);
            if (!ids)
                return inputError(lineNo, "not a JSON array of token ids");
            writeLine(jsonString(tok->decode(*ids, skipSpecial)));
        } else if (jsonInput) {
            const json j = json::parse(line, nullptr, false);
            if (j.is_discarded() || !j.is_string())
                return inputError(lineNo, "not a JSON string");
            writeLine(idsJson(tok->encode(j.get_ref<const std::string&>())));
        } else {
            writeLine(idsJson(tok->encode(line)));
        }
    }
    return 0;
}

}  // namespace vistag::cli

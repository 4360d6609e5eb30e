// vistag-cli ask: one request to the local engine or an inference server (--server), streamed to
// stdout or as one JSON line.
#include <QFile>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "engine_options.h"
#include "remote_options.h"
#include "vistag/inference/image_file.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli ask (--model DIR | --server URL) --image PATH [--image PATH ...]\n"
    "                      --prompt TEXT [--api-key KEY] [--model-name NAME]\n"
    "                      [--system TEXT] [--max-new-tokens N] [--temperature T] [--top-p P]\n"
    "                      [--top-k K] [--seed S] [--max-pixels N] [--device auto|cpu|cuda]\n"
    "                      [--dtype auto|float32|bfloat16|float16] [--json] [--logits-out FILE]\n"
    "       --conversation FILE  a JSON list of messages instead of --image/--prompt/--system:\n"
    "                            "
    "[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"path\":P},\n"
    "                              {\"type\":\"text\",\"text\":T}]}, "
    "{\"role\":\"assistant\",...}]\n"
    "       --server URL         an OpenAI-compatible server, e.g. http://127.0.0.1:8000/v1\n"
    "Without --json the answer streams to stdout; with it, stdout ends with one JSON object.\n";

using inference::ChatPart;
using nlohmann::json;

// Reads --conversation: messages plus the image files they name, in order.
bool readConversation(const QString& path, std::vector<inference::ChatMessage>* messages,
                      QStringList* images) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        std::fprintf(stderr, "vistag-cli: %s: cannot open the conversation file\n",
                     qPrintable(path));
        return false;
    }
    const json doc = json::parse(f.readAll().toStdString(), nullptr, /*allow_exceptions=*/false);
    if (!doc.is_array()) {
        std::fprintf(stderr, "vistag-cli: %s: not a JSON list of messages\n", qPrintable(path));
        return false;
    }
    for (const json& m : doc) {
        if (!m.is_object() || !m.contains("role") || !m["role"].is_string()) {
            std::fprintf(stderr, "vistag-cli: %s: every message needs a role\n", qPrintable(path));
            return false;
        }
        inference::ChatMessage msg{m["role"].get<std::string>(), {}};
        const json& c = m.value("content", json());
        if (c.is_string()) {
            msg.content.push_back({ChatPart::Kind::Text, c.get<std::string>()});
        } else if (c.is_array()) {
            for (const json& part : c) {
                const std::string type = part.value("type", "");
                if (type == "text" && part.contains("text") && part["text"].is_string()) {
                    msg.content.push_back({ChatPart::Kind::Text, part["text"].get<std::string>()});
                } else if (type == "image" && part.contains("path") && part["path"].is_string()) {
                    msg.content.push_back({ChatPart::Kind::Image, {}});
                    images->append(QString::fromStdString(part["path"].get<std::string>()));
                } else {
                    std::fprintf(stderr, "vistag-cli: %s: unknown content part\n",
                                 qPrintable(path));
                    return false;
                }
            }
        }
        messages->push_back(std::move(msg));
    }
    return true;
}

// The conversation as the Qt-side request (for --server): the system text, the earlier turns,
// then the last message, which must be the user's. Each message's images go before its text.
bool toAskRequest(const std::vector<inference::ChatMessage>& messages, const QStringList& images,
                  backend::AskRequest* out) {
    qsizetype nextImage = 0;
    QStringList system;
    for (const auto& m : messages) {
        QString text;
        QStringList paths;
        for (const auto& part : m.content) {
            if (part.kind == ChatPart::Kind::Image)
                paths << images.value(nextImage++);
            else
                text += QString::fromStdString(part.text);
        }
        if (m.role == "system") {
            system << text;
        } else if (m.role == "user" || m.role == "assistant") {
            out->history.append(
                {QString::fromStdString(m.role), text, backend::RequestImage::files(paths)});
        } else {
            std::fprintf(stderr,
                         "vistag-cli: a server takes system, user and assistant "
                         "messages, not '%s'\n",
                         m.role.c_str());
            return false;
        }
    }
    if (out->history.isEmpty() || out->history.last().role != QLatin1String("user")) {
        std::fprintf(stderr, "vistag-cli: the conversation must end with a user message\n");
        return false;
    }
    const backend::ChatTurn last = out->history.takeLast();
    out->system = system.join(QLatin1Char('\n'));
    out->prompt = last.text;
    out->images = last.images;
    return true;
}

}  // namespace

int runAsk(const QStringList& args) {
    QCommandLineParser parser;
    addEngineOptions(parser);
    addRemoteOptions(parser);
    parser.addOptions({
        {"json", "Print one JSON object with text, token ids and timings."},
        {"logits-out", "Write the logits of every generated token (safetensors).", "FILE"},
        {"conversation", "A JSON conversation file.", "FILE"},
        {"dump", "Write intermediate tensors (safetensors), for parity tests.", "FILE"},
        {"preprocess-only", "With --dump: stop after tokenising and preprocessing."},
    });
    bool help = false;
    const bool hasConversation = args.contains(QStringLiteral("--conversation"));
    auto a = parseEngineArgs(parser, args, kUsage, !hasConversation, &help,
                             /*requireModel=*/!argsNameServer(args));
    if (!a)
        return help ? 0 : 2;
    if (parser.isSet(QStringLiteral("conversation")) &&
        (!a->images.isEmpty() || parser.isSet(QStringLiteral("prompt")))) {
        std::fprintf(stderr, "vistag-cli: --conversation replaces --image and --prompt\n\n%s",
                     kUsage);
        return 2;
    }
    if (parser.isSet(QStringLiteral("server"))) {
        if (!parser.isSet(QStringLiteral("conversation")))
            return runRemoteAsk(parser, *a, parser.isSet(QStringLiteral("json")));
        std::vector<inference::ChatMessage> messages;
        QStringList images;
        backend::AskRequest conversation;
        if (!readConversation(parser.value(QStringLiteral("conversation")), &messages, &images) ||
            !toAskRequest(messages, images, &conversation))
            return 2;
        return runRemoteAsk(parser, *a, parser.isSet(QStringLiteral("json")), &conversation);
    }

    std::vector<inference::ChatMessage> messages;
    QStringList imagePaths = a->images;
    if (parser.isSet(QStringLiteral("conversation"))) {
        imagePaths.clear();
        if (!readConversation(parser.value(QStringLiteral("conversation")), &messages, &imagePaths))
            return 2;
    }

    int rc = 0;
    // Images first: a bad image is reported without waiting for the model to load.
    auto images = loadImages(imagePaths, &rc);
    if (!images)
        return rc;
    if (messages.empty())
        messages = buildMessages(*a, images->size());

    auto engine = loadEngine(*a, &rc);
    if (!engine)
        return rc;
    applyModelDefaults(*a, engine->defaultSampling());

    inference::GenerateRequest req;
    req.messages = std::move(messages);
    req.images = std::move(*images);
    req.sampling = a->sampling;
    req.maxPixels = a->maxPixels;
    req.keepLogits = parser.isSet(QStringLiteral("logits-out"));
    req.dumpPath = parser.value(QStringLiteral("dump")).toStdString();
    req.preprocessOnly = parser.isSet(QStringLiteral("preprocess-only"));
    const bool asJson = parser.isSet(QStringLiteral("json"));

    auto result = engine->generate(req, [&](int32_t, std::string_view piece) {
        if (!asJson && !piece.empty()) {
            std::fwrite(piece.data(), 1, piece.size(), stdout);
            std::fflush(stdout);
        }
        return true;
    });
    if (!result) {
        if (!asJson)
            std::fputc('\n', stdout);
        printError(result.error());
        return result.error().exitCode();
    }
    if (req.keepLogits) {
        if (auto s = engine->writeLogits(parser.value(QStringLiteral("logits-out")).toStdString(),
                                         *result);
            !s) {
            printError(s);
            return s.exitCode();
        }
    }
    if (!asJson) {
        std::fputc('\n', stdout);
        return 0;
    }
    const auto& t = result->timings;
    json out = {
        {"text", result->text},
        {"token_ids", result->tokenIds},
        {"prompt_tokens", result->promptTokens},
        {"finish_reason", result->finishReason},
        {"timings",
         {{"load_ms", engine->info().loadMs},
          {"preprocess_ms", t.preprocessMs},
          {"vision_ms", t.visionMs},
          {"prefill_ms", t.prefillMs},
          {"ttft_ms", t.ttftMs},
          {"decode_ms", t.decodeMs},
          {"total_ms", t.totalMs}}},
        {"decode_tokens_per_s", t.decodeTokensPerSecond},
        {"model", {{"device", engine->info().device}, {"dtype", engine->info().dtype}}},
    };
    std::printf("%s\n", out.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    return 0;
}

}  // namespace vistag::cli

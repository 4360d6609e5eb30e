#include "remote_options.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace vistag::cli {

void addRemoteOptions(QCommandLineParser& p) {
    p.addOptions({
        {"server", "OpenAI-compatible inference server, e.g. http://127.0.0.1:8000/v1.", "URL"},
        {"api-key", "API key for --server (sent as a Bearer token).", "KEY"},
        {"model-name", "Model name for --server (default: the first one it lists).", "NAME"},
        {"token-limit-field", "max_tokens (default) or max_completion_tokens.", "FIELD"},
        {"logprobs", "Ask --server for token probabilities (tag confidence)."},
        {"structured-output",
         "How tagging asks --server for the taxonomy's JSON: json_schema (default), json_object "
         "(DashScope) or none (the schema in the prompt only). Answers are always checked.",
         "MODE"},
        {"schema-max-enum",
         "Most enum values in one request's schema (default 1000, 0 = no limit); a larger "
         "taxonomy is split over several requests.",
         "N"},
        {"schema-max-chars",
         "Most characters of one request's schema (default 120000, 0 = no limit).", "N"},
    });
    QCommandLineOption timeout(QStringLiteral("timeout"),
                               QStringLiteral("Seconds of silence before a stream is stopped."),
                               QStringLiteral("SECONDS"));
    timeout.setFlags(QCommandLineOption::HiddenFromHelp);
    p.addOption(timeout);
}

bool argsNameServer(const QStringList& args) {
    for (const QString& a : args)
        if (a == QLatin1String("--server") || a.startsWith(QLatin1String("--server=")) ||
            a == QLatin1String("-server") || a.startsWith(QLatin1String("-server=")))
            return true;
    return false;
}

std::unique_ptr<backend::RemoteBackend> makeRemoteBackend(const QCommandLineParser& p,
                                                          int* exitCode) {
    backend::RemoteOptions o;
    o.baseUrl = p.value(QStringLiteral("server"));
    o.apiKey = p.value(QStringLiteral("api-key"));
    o.model = p.value(QStringLiteral("model-name"));
    o.logprobs = p.isSet(QStringLiteral("logprobs"));
    if (p.isSet(QStringLiteral("token-limit-field"))) {
        o.tokenLimitField = p.value(QStringLiteral("token-limit-field"));
        if (o.tokenLimitField != QLatin1String("max_tokens") &&
            o.tokenLimitField != QLatin1String("max_completion_tokens")) {
            std::fprintf(stderr,
                         "vistag-cli: --token-limit-field must be max_tokens or "
                         "max_completion_tokens\n");
            *exitCode = 2;
            return nullptr;
        }
    }
    if (p.isSet(QStringLiteral("structured-output"))) {
        const auto mode =
            backend::structuredOutputFromName(p.value(QStringLiteral("structured-output")));
        if (!mode) {
            std::fprintf(stderr,
                         "vistag-cli: --structured-output must be json_schema, json_object or "
                         "none\n");
            *exitCode = 2;
            return nullptr;
        }
        o.structuredOutput = *mode;
    }
    for (auto [name, field] : {std::pair{"schema-max-enum", &o.schemaMaxEnumValues},
                               std::pair{"schema-max-chars", &o.schemaMaxChars}}) {
        if (!p.isSet(QLatin1String(name)))
            continue;
        bool ok = false;
        const int n = p.value(QLatin1String(name)).toInt(&ok);
        if (!ok || n < 0) {
            std::fprintf(stderr, "vistag-cli: --%s: '%s' is not a count (0 = no limit)\n", name,
                         qPrintable(p.value(QLatin1String(name))));
            *exitCode = 2;
            return nullptr;
        }
        *field = n;
    }
    if (p.isSet(QStringLiteral("timeout"))) {
        bool ok = false;
        const double s = p.value(QStringLiteral("timeout")).toDouble(&ok);
        if (!ok || s <= 0 || s > 86400) {
            std::fprintf(stderr, "vistag-cli: --timeout: '%s' is not a number of seconds\n",
                         qPrintable(p.value(QStringLiteral("timeout"))));
            *exitCode = 2;
            return nullptr;
        }
        o.inactivityTimeoutMs = qMax(1, int(s * 1000));
    }
    // Tagging says once, before its first request, whether the server enforces the schema.
    o.onTagSchemaProbe = [](const backend::TagSchemaProbe& probe) {
        std::fprintf(stderr, "%s\n", qPrintable(probe.summary().simplified()));
    };
    return std::make_unique<backend::RemoteBackend>(o);
}

int runRemoteAsk(const QCommandLineParser& p, const EngineArgs& a, bool asJson,
                 const backend::AskRequest* conversation) {
    for (const char* local : {"logits-out", "dump", "preprocess-only"}) {
        if (p.isSet(QLatin1String(local))) {
            std::fprintf(stderr, "vistag-cli: --%s works only with a local --model\n", local);
            return 2;
        }
    }
    if (p.isSet(QStringLiteral("model"))) {
        std::fprintf(stderr, "vistag-cli: give either --model or --server, not both\n");
        return 2;
    }
    int rc = 0;
    auto remote = makeRemoteBackend(p, &rc);
    if (!remote)
        return rc;
    backend::AskRequest req;
    if (conversation) {
        req = *conversation;
    } else {
        req.images = backend::RequestImage::files(a.images);
        req.prompt = a.prompt;
        req.system = a.system;
    }
    req.params = inferenceParams(a);
    const backend::AskResult r = remote->ask(req, [&](const QString& piece) {
        if (!asJson) {
            std::fputs(piece.toUtf8().constData(), stdout);
            std::fflush(stdout);
        }
        return true;
    });
    if (!asJson)
        std::fputc('\n', stdout);
    if (!r.ok) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(r.error.simplified()));
        return r.errorCode ? r.errorCode : backend::RemoteBackend::kServerError;
    }
    if (!asJson)
        return 0;
    using nlohmann::json;
    const double decodeMs = qMax(0.0, r.latencyMs - r.ttftMs);
    const int generated = remote->lastCompletionTokens();
    json out = {
        {"text", r.text.toStdString()},
        {"token_ids", json::array()},
        {"prompt_tokens", qMax(0, remote->lastPromptTokens())},
        {"finish_reason", backend::finishReasonName(r.finishReason).toStdString()},
        {"timings",
         {{"load_ms", 0},
          {"preprocess_ms", 0},
          {"vision_ms", 0},
          {"prefill_ms", 0},
          {"ttft_ms", r.ttftMs},
          {"decode_ms", decodeMs},
          {"total_ms", r.latencyMs}}},
        {"decode_tokens_per_s",
         generated > 1 && decodeMs > 0 ? (generated - 1) * 1000.0 / decodeMs : 0.0},
        {"model",
         {{"device", "remote"},
          {"dtype", ""},
          {"server", remote->options().baseUrl.toStdString()},
          {"name", remote->modelId().toStdString()}}},
    };
    std::printf("%s\n", out.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    return 0;
}

}  // namespace vistag::cli

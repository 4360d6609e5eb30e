#include "backend/remote_backend.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QHash>
#include <QImage>
#include <QImageReader>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>
#include <cmath>

#include "backend/remote_http.h"
#include "backend/remote_tags.h"
#include "backend/sse_parser.h"
#include "net/http_client.h"

namespace vistag::backend {
namespace {

constexpr int kImageError = 5;  // vistag::inference::ErrorCode::Image
constexpr int kUsageError = 2;  // vistag::inference::ErrorCode::Usage
constexpr qsizetype kMaxJsonBody = 64 * 1024 * 1024;

using namespace remote_http;

QByteArray mimeFor(const QByteArray& format) {
    const QByteArray f = format.toLower();
    if (f == "jpg" || f == "jpeg")
        return "image/jpeg";
    if (f == "tif" || f == "tiff")
        return "image/tiff";
    return "image/" + f;  // png, webp, gif, bmp
}

}  // namespace

RemoteBackend::RemoteBackend(RemoteOptions options)
    : options_(std::move(options)), model_(options_.model) {}

QString RemoteBackend::backendName() const {
    return QStringLiteral("remote:") + options_.baseUrl;
}
QString RemoteBackend::modelId() const {
    QMutexLocker lock(&modelMutex_);
    return model_;
}
QString RemoteBackend::cacheModelKey() const {
    const QUrl url(options_.baseUrl);
    return modelId() + QLatin1Char('@') +
           url.toString(QUrl::RemoveUserInfo | QUrl::RemoveQuery | QUrl::StripTrailingSlash);
}
void RemoteBackend::cancel() {
    cancel_.store(true);
}

std::optional<QByteArray> RemoteBackend::imageDataUrl(const QString& path, qint64 maxPixels,
                                                      QString* error) {
    QImageReader reader(path);
    reader.setDecideFormatFromContent(true);
    const QSize size = reader.size();
    const QByteArray format = reader.format();
    if (!size.isValid() || format.isEmpty()) {
        *error = QStringLiteral("%1: cannot read the image (%2)").arg(path, reader.errorString());
        return std::nullopt;
    }
    const qint64 pixels = qint64(size.width()) * size.height();
    if (maxPixels <= 0 || pixels <= maxPixels) {
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: cannot open the file").arg(path);
            return std::nullopt;
        }
        return "data:" + mimeFor(format) + ";base64," + f.readAll().toBase64();
    }
    const double scale = std::sqrt(double(maxPixels) / double(pixels));
    const QSize target(qMax(1, int(size.width() * scale)), qMax(1, int(size.height() * scale)));
    QImage image = reader.read();
    if (image.isNull()) {
        *error = QStringLiteral("%1: cannot read the image (%2)").arg(path, reader.errorString());
        return std::nullopt;
    }
    image = image.scaled(target, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!image.save(&buffer, "PNG")) {
        *error = QStringLiteral("%1: cannot encode the scaled image").arg(path);
        return std::nullopt;
    }
    return "data:image/png;base64," + png.toBase64();
}

namespace {

// The request without its model name (the images are read first, so that a bad image is
// reported before the server is asked anything).
std::optional<QJsonObject> requestObject(const AskRequest& request, const RemoteOptions& options,
                                         QString* error, int* errorCode) {
    QJsonArray messages;
    if (!request.system.isEmpty())
        messages.append(QJsonObject{{"role", "system"}, {"content", request.system}});
    // A user message: its images as data URLs, then its text.
    const auto userMessage = [&](const QStringList& imagePaths,
                                 const QString& text) -> std::optional<QJsonObject> {
        QJsonArray content;
        for (const QString& path : imagePaths) {
            auto url = RemoteBackend::imageDataUrl(path, request.params.maxPixels, error);
            if (!url) {
                if (errorCode)
                    *errorCode = kImageError;
                return std::nullopt;
            }
            content.append(
                QJsonObject{{"type", "image_url"},
                            {"image_url", QJsonObject{{"url", QString::fromLatin1(*url)}}}});
        }
        content.append(QJsonObject{{"type", "text"}, {"text", text}});
        return QJsonObject{{"role", "user"}, {"content", content}};
    };
    for (const ChatTurn& t : request.history) {
        if (t.role == QLatin1String("assistant")) {
            messages.append(QJsonObject{{"role", "assistant"}, {"content", t.text}});
            continue;
        }
        auto m = userMessage(t.imagePaths, t.text);
        if (!m)
            return std::nullopt;
        messages.append(*m);
    }
    auto current = userMessage(request.imagePaths, request.prompt);
    if (!current)
        return std::nullopt;
    messages.append(*current);
    const auto& p = request.params;
    QJsonObject body{{"messages", messages},
                     {"stream", true},
                     {"temperature", p.temperature},
                     {"top_p", p.topP},
                     {"seed", static_cast<qint64>(p.seed & 0x7fffffffffffffffULL)}};
    if (p.topK > 0)  // not an OpenAI field: sent only when set (vLLM, SGLang, llama.cpp take it)
        body.insert("top_k", p.topK);
    if (p.repetitionPenalty != 1)  // likewise
        body.insert("repetition_penalty", p.repetitionPenalty);
    if (p.presencePenalty != 0)
        body.insert("presence_penalty", p.presencePenalty);
    body.insert(
        options.tokenLimitField.isEmpty() ? QStringLiteral("max_tokens") : options.tokenLimitField,
        p.maxNewTokens);
    if (options.includeUsage)
        body.insert("stream_options", QJsonObject{{"include_usage", true}});
    if (options.logprobs)
        body.insert("logprobs", true);
    return body;
}

}  // namespace

std::optional<QByteArray> RemoteBackend::buildRequestBody(const AskRequest& request,
                                                          const RemoteOptions& options,
                                                          const QString& model, QString* error,
                                                          int* errorCode) {
    auto body = requestObject(request, options, error, errorCode);
    if (!body)
        return std::nullopt;
    body->insert("model", model);
    return QJsonDocument(*body).toJson(QJsonDocument::Compact);
}

std::optional<QStringList> RemoteBackend::listModels(QString* error) {
    cancel_.store(false);
    const QUrl url = endpoint(options_.baseUrl, "/models");
    if (QString e = checkBaseUrl(url); !e.isEmpty()) {
        *error = e;
        return std::nullopt;
    }
    QByteArray body;
    const Exchange x = runExchange(url, nullptr, options_.apiKey, options_.inactivityTimeoutMs,
                                   cancel_, [&](const Exchange&, const QByteArray& bytes) {
                                       body += bytes;
                                       return body.size() < kMaxJsonBody;
                                   });
    if (x.cancelled) {
        *error = QStringLiteral("cancelled");
        return std::nullopt;
    }
    if (x.status == 0 || x.timedOut) {
        *error = networkError(x, url, options_.inactivityTimeoutMs);
        return std::nullopt;
    }
    if (x.status < 200 || x.status >= 300) {
        *error = httpError(x, url, !options_.apiKey.isEmpty());
        return std::nullopt;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (!doc.isObject() || !doc.object().value(QLatin1String("data")).isArray()) {
        *error = QStringLiteral(
                     "the inference server's model list (%1) is not an OpenAI model "
                     "list")
                     .arg(url.toString());
        return std::nullopt;
    }
    QStringList ids;
    for (const QJsonValue& m : doc.object().value(QLatin1String("data")).toArray())
        if (const QString id = m.toObject().value(QLatin1String("id")).toString(); !id.isEmpty())
            ids << id;
    return ids;
}

struct RemoteBackend::Completion {
    enum class End { Ok, Failed, Cancelled };
    End end = End::Failed;
    QString error;
    int errorCode = kServerError;
    int httpStatus = 0;  // of a refused request (non-2xx), else 0
    QString text;        // the answer, or what arrived before it ended
    FinishReason finishReason = FinishReason::None;
    QList<double> tokenProbs;
    QList<QPair<int, int>> tokenSpans;
    double ttftMs = 0;  // since the caller's clock started; 0 when no text arrived
    int promptTokens = -1;
    int completionTokens = -1;
};

RemoteBackend::Completion RemoteBackend::complete(const QByteArray& body,
                                                  const std::function<bool(const QString&)>& onText,
                                                  const QElapsedTimer& clock) {
    Completion out;
    const QUrl url = endpoint(options_.baseUrl, "/chat/completions");
    auto fail = [&](const QString& message) {
        out.end = Completion::End::Failed;
        out.error = message;
        return out;
    };
    // Stopped by cancel() or onText: like the local engine, "cancelled" with the partial text
    // (never cached as an answer).
    auto cancelled = [&] {
        out.end = Completion::End::Cancelled;
        return out;
    };
    for (int attempt = 0;; ++attempt) {
        SseParser parser;
        ChatStreamInterpreter stream;
        QByteArray jsonBody;  // a server that ignored `stream: true`
        bool isJson = false, streamFailed = false, tooBig = false, first = true;
        auto deliver = [&](const QString& piece) {
            if (piece.isEmpty())
                return true;
            if (out.ttftMs <= 0)
                out.ttftMs = clock.nsecsElapsed() / 1e6;
            return !onText || onText(piece);
        };
        const Exchange x = runExchange(url, &body, options_.apiKey, options_.inactivityTimeoutMs,
                                       cancel_, [&](const Exchange& ex, const QByteArray& bytes) {
                                           if (first) {
                                               first = false;
                                               isJson = ex.contentType.contains("json") &&
                                                        !ex.contentType.contains("event-stream");
                                           }
                                           if (isJson) {
                                               jsonBody += bytes;
                                               tooBig = jsonBody.size() > kMaxJsonBody;
                                               return !tooBig;
                                           }
                                           QString piece;
                                           if (!stream.feed(parser, bytes, &piece)) {
                                               streamFailed = true;
                                               return false;
                                           }
                                           return deliver(piece);
                                       });
        auto partial = [&] {
            out.text = stream.text();
            out.tokenProbs = stream.tokenProbs();
            out.tokenSpans = stream.tokenSpans();
        };
        if (tooBig)
            return fail(QStringLiteral("the inference server's answer is larger than %1 MB")
                            .arg(kMaxJsonBody >> 20));
        if (x.cancelled || (x.stopped && !streamFailed)) {
            partial();
            return cancelled();
        }
        if (streamFailed) {
            partial();
            return fail(stream.error());
        }
        if (x.timedOut || x.status == 0) {
            partial();
            return fail(networkError(x, url, options_.inactivityTimeoutMs));
        }
        if (x.status < 200 || x.status >= 300) {
            const bool retryable = x.status == 429 || x.status == 503;
            if (retryable && attempt < options_.maxRetries && stream.text().isEmpty()) {
                const int waitMs =
                    qMin(remote_http::retryAfterMs(x.retryAfter, QDateTime::currentDateTimeUtc(),
                                                   qMin(1000 << attempt, 16000)),
                         options_.maxRetryWaitMs);
                if (!net::pause(waitMs, cancel_))
                    return cancelled();
                continue;
            }
            out.httpStatus = x.status;
            return fail(httpError(x, url, !options_.apiKey.isEmpty()));
        }
        if (isJson) {
            // A whole (non-streamed) completion.
            const QJsonDocument doc = QJsonDocument::fromJson(jsonBody);
            const QJsonObject o = doc.object();
            if (o.contains(QLatin1String("error")))
                return fail(QStringLiteral("the server reported an error: %1")
                                .arg(serverMessage(jsonBody)));
            const QJsonObject choice = o.value(QLatin1String("choices")).toArray().at(0).toObject();
            if (!doc.isObject() || choice.isEmpty())
                return fail(
                    QStringLiteral("the inference server sent an answer that is not a "
                                   "chat completion"));
            out.text = choice.value(QLatin1String("message"))
                           .toObject()
                           .value(QLatin1String("content"))
                           .toString();
            out.finishReason =
                finishReasonFromName(choice.value(QLatin1String("finish_reason")).toString());
            const QJsonObject usage = o.value(QLatin1String("usage")).toObject();
            out.promptTokens = usage.value(QLatin1String("prompt_tokens")).toInt(-1);
            out.completionTokens = usage.value(QLatin1String("completion_tokens")).toInt(-1);
            deliver(out.text);
            if (out.finishReason == FinishReason::None)
                return fail(QStringLiteral("the server stopped before the answer was complete"));
            out.end = Completion::End::Ok;
            return out;
        }
        // The stream ended. A connection closed after data is an end of stream like any other;
        // whether the answer is complete depends on the finish reason.
        if (x.netError != QNetworkReply::NoError &&
            x.netError != QNetworkReply::RemoteHostClosedError) {
            partial();
            return fail(networkError(x, url, options_.inactivityTimeoutMs));
        }
        QString piece;
        const bool finished = stream.finish(parser, &piece);
        if (finished && !deliver(piece)) {
            partial();
            return cancelled();
        }
        partial();
        if (!finished)
            return fail(stream.error());
        if (!stream.hasFinishReason())
            return fail(QStringLiteral("the server stopped before the answer was complete"));
        out.end = Completion::End::Ok;
        out.finishReason = finishReasonFromName(stream.finishReason());
        out.promptTokens = stream.promptTokens();
        out.completionTokens = stream.completionTokens();
        return out;
    }
}

QString RemoteBackend::resolveModel(QString* error) {
    QString model = modelId();
    if (!model.isEmpty())
        return model;
    auto ids = listModels(error);
    if (!ids)
        return {};
    if (ids->isEmpty()) {
        *error = QStringLiteral("the inference server at %1 lists no models")
                     .arg(hostOf(endpoint(options_.baseUrl, "/models")));
        return {};
    }
    model = ids->first();
    QMutexLocker lock(&modelMutex_);
    model_ = model;
    return model;
}

AskResult RemoteBackend::ask(const AskRequest& request,
                             const std::function<bool(const QString&)>& onText) {
    if (request.tagSchema)
        return askTags(request, onText);
    AskResult out;
    cancel_.store(false);
    lastPromptTokens_ = lastCompletionTokens_ = -1;
    QElapsedTimer clock;
    clock.start();
    auto fail = [&](const QString& message, int code = kServerError) {
        out.ok = false;
        out.error = message;
        out.errorCode = code;
        out.latencyMs = clock.nsecsElapsed() / 1e6;
        return out;
    };
    const QUrl url = endpoint(options_.baseUrl, "/chat/completions");
    if (QString e = checkBaseUrl(url); !e.isEmpty())
        return fail(e, kUsageError);
    QString err;
    int code = kServerError;
    auto object = requestObject(request, options_, &err, &code);
    if (!object)
        return fail(err, code);
    const QString model = resolveModel(&err);
    if (model.isEmpty())
        return fail(err);
    object->insert("model", model);
    const QByteArray body = QJsonDocument(*object).toJson(QJsonDocument::Compact);

    const Completion c = complete(body, onText, clock);
    out.text = c.text;
    out.tokenProbs = c.tokenProbs;
    out.tokenSpans = c.tokenSpans;
    out.ttftMs = c.ttftMs;
    switch (c.end) {
        case Completion::End::Failed:
            return fail(c.error, c.errorCode);
        case Completion::End::Cancelled:
            out.ok = true;
            out.finishReason = FinishReason::Cancelled;
            break;
        case Completion::End::Ok:
            out.ok = true;
            out.finishReason = c.finishReason;
            lastPromptTokens_ = c.promptTokens;
            lastCompletionTokens_ = c.completionTokens;
            break;
    }
    out.latencyMs = clock.nsecsElapsed() / 1e6;
    return out;
}

namespace {

// Appends `text` to the text of the last user message (a paragraph of its own).
void appendToLastUserText(QJsonArray& messages, const QString& text) {
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        QJsonObject m = messages.at(i).toObject();
        if (m.value(QLatin1String("role")).toString() != QLatin1String("user"))
            continue;
        QJsonArray content = m.value(QLatin1String("content")).toArray();
        for (qsizetype k = content.size() - 1; k >= 0; --k) {
            QJsonObject part = content.at(k).toObject();
            if (part.value(QLatin1String("type")).toString() != QLatin1String("text"))
                continue;
            const QString old = part.value(QLatin1String("text")).toString();
            part.insert(QStringLiteral("text"),
                        old.isEmpty() ? text : old + QStringLiteral("\n\n") + text);
            content.replace(k, part);
            m.insert(QStringLiteral("content"), content);
            messages.replace(i, m);
            return;
        }
    }
}

int severity(TagProvenance p) {
    switch (p) {
        case TagProvenance::InvalidOutput:
            return 3;
        case TagProvenance::Repaired:
            return 2;
        case TagProvenance::ServerSchema:
            return 1;
        default:
            return 0;
    }
}

QString shortText(const QString& s, int max = 200) {
    const QString t = s.simplified();
    return t.size() > max ? t.left(max) + QStringLiteral("…") : t;
}

// The word the probe's schema allows and nothing else would make a model write.
const QString kProbeWord = QStringLiteral("zqxv-vistag-probe");

QMutex gProbeMutex;
QHash<QString, TagSchemaProbe>& probeCache() {
    static QHash<QString, TagSchemaProbe> cache;
    return cache;
}

}  // namespace

AskResult RemoteBackend::askTags(const AskRequest& request,
                                 const std::function<bool(const QString&)>& onText) {
    AskResult out;
    cancel_.store(false);
    lastPromptTokens_ = lastCompletionTokens_ = -1;
    QElapsedTimer clock;
    clock.start();
    auto fail = [&](const QString& message, int code = kServerError) {
        out.ok = false;
        out.error = message;
        out.errorCode = code;
        out.latencyMs = clock.nsecsElapsed() / 1e6;
        return out;
    };
    const QUrl url = endpoint(options_.baseUrl, "/chat/completions");
    if (QString e = checkBaseUrl(url); !e.isEmpty())
        return fail(e, kUsageError);
    const inference::TagSchema& schema = *request.tagSchema;
    QString err;
    // The taxonomy is checked (and split) before any image is read or sent.
    auto parts =
        remote_tags::planParts(schema, options_.schemaMaxEnumValues, options_.schemaMaxChars, &err);
    if (!parts)
        return fail(err, kUsageError);
    int code = kServerError;
    auto object = requestObject(request, options_, &err, &code);
    if (!object)
        return fail(err, code);
    const QString model = resolveModel(&err);
    if (model.isEmpty())
        return fail(err);
    object->insert("model", model);
    if (options_.onTagSchemaProbe && !probeReported_) {
        probeReported_ = true;
        const TagSchemaProbe p = probe(model);
        options_.onTagSchemaProbe(p);
        if (cancel_.load()) {
            out.ok = true;
            out.finishReason = FinishReason::Cancelled;
            out.latencyMs = clock.nsecsElapsed() / 1e6;
            return out;
        }
    }
    const StructuredOutput mode = options_.structuredOutput;
    // The schema goes in the prompt when it is not sent, or when this server was found to
    // ignore it.
    const auto probed = cachedTagSchemaProbe();
    const bool schemaInPrompt = mode != StructuredOutput::JsonSchema ||
                                (probed && probed->state == TagSchemaProbe::State::NotEnforced);
    const QString limitField = options_.tokenLimitField.isEmpty() ? QStringLiteral("max_tokens")
                                                                  : options_.tokenLimitField;
    const QJsonArray baseMessages = object->value(QLatin1String("messages")).toArray();

    std::vector<std::optional<inference::TagAttributeResult>> byAttribute(schema.attributes.size());
    TagProvenance provenance = TagProvenance::ServerSchema;
    QStringList problems;
    FinishReason finishReason = FinishReason::Stop;
    int promptTokens = 0, completionTokens = 0;
    bool tokensKnown = true;
    for (const remote_tags::TagPart& part : *parts) {
        QJsonObject obj = *object;
        QJsonArray messages = baseMessages;
        // (json_object: the schema in the prompt also puts the word "JSON" in the messages, as
        // DashScope requires.)
        const QString instruction =
            remote_tags::partInstruction(part, schema, parts->size(), schemaInPrompt);
        if (!instruction.isEmpty())
            appendToLastUserText(messages, instruction);
        // Room for the longest valid answer, whatever the request's own limit.
        const int needed = static_cast<int>(qMin<size_t>(part.grammar->maxTokens() + 16, 8192));
        obj.insert(limitField, qMax(request.params.maxNewTokens, needed));
        auto send = [&](const QJsonArray& msgs) {
            obj.insert(QStringLiteral("messages"), msgs);
            const QByteArray body = remote_tags::withStructuredOutput(
                QJsonDocument(obj).toJson(QJsonDocument::Compact), mode, part.schemaJson);
            Completion c = complete(body, onText, clock);
            if (out.ttftMs <= 0)
                out.ttftMs = c.ttftMs;
            if (c.end == Completion::End::Ok) {
                tokensKnown = tokensKnown && c.promptTokens >= 0 && c.completionTokens >= 0;
                promptTokens += qMax(0, c.promptTokens);
                completionTokens += qMax(0, c.completionTokens);
            }
            return c;
        };
        auto stopped = [&](const Completion& c) -> std::optional<AskResult> {
            if (c.end == Completion::End::Failed) {
                out.text = c.text;
                return fail(c.error, c.errorCode);
            }
            if (c.end == Completion::End::Cancelled) {
                out.ok = true;
                out.text = c.text;
                out.finishReason = FinishReason::Cancelled;
                out.latencyMs = clock.nsecsElapsed() / 1e6;
                return out;
            }
            return std::nullopt;
        };
        const Completion first = send(messages);
        if (auto r = stopped(first))
            return *r;
        TagProvenance partProvenance = TagProvenance::ServerSchema;
        auto parsed = part.grammar->parse(remote_tags::extractJsonObject(first.text).toStdString());
        if (!parsed) {
            // One repair: the answer and what is wrong with it; the corrected JSON only.
            const QString problem = QString::fromStdString(parsed.error().message());
            QJsonArray retry = messages;
            retry.append(QJsonObject{{"role", "assistant"}, {"content", first.text}});
            retry.append(QJsonObject{
                {"role", "user"},
                {"content",
                 QStringLiteral("That answer does not fit the required JSON format (%1). Reply "
                                "with the corrected JSON object only, no other text.")
                     .arg(problem)}});
            const Completion second = send(retry);
            if (auto r = stopped(second))
                return *r;
            parsed = part.grammar->parse(remote_tags::extractJsonObject(second.text).toStdString());
            if (parsed) {
                partProvenance = TagProvenance::Repaired;
            } else {
                partProvenance = TagProvenance::InvalidOutput;
                problems << QStringLiteral(
                                "the server's answer did not fit the taxonomy, also when asked "
                                "again (%1); answer: %2")
                                .arg(QString::fromStdString(parsed.error().message()),
                                     shortText(second.text));
                if (second.finishReason == FinishReason::Length)
                    finishReason = FinishReason::Length;
                parsed = remote_tags::unknownResult(part.grammar->schema());
            }
        }
        for (size_t k = 0; k < part.attributes.size(); ++k)
            byAttribute[static_cast<size_t>(part.attributes[k])] = std::move(parsed->attributes[k]);
        if (severity(partProvenance) > severity(provenance))
            provenance = partProvenance;
    }
    inference::TagResult merged;
    for (auto& a : byAttribute)
        merged.attributes.push_back(std::move(*a));
    out.text = remote_tags::resultJson(merged);
    out.tags = std::move(merged);
    out.tagProvenance = provenance;
    out.tagsError = problems.join(QStringLiteral("; "));
    out.ok = true;
    out.finishReason = finishReason;
    if (tokensKnown) {
        lastPromptTokens_ = promptTokens;
        lastCompletionTokens_ = completionTokens;
    }
    out.latencyMs = clock.nsecsElapsed() / 1e6;
    return out;
}

QString TagSchemaProbe::summary() const {
    switch (state) {
        case State::Enforced:
            return QStringLiteral("tag schema: enforced");
        case State::NotEnforced:
            return QStringLiteral("tag schema: not enforced (answers are checked)");
        case State::NotSent:
            return QStringLiteral("tag schema: not sent (answers are checked)");
        case State::Refused:
            return QStringLiteral("tag schema: refused by the server (%1)").arg(detail);
        case State::Unchecked:
            break;
    }
    return QStringLiteral("tag schema: not checked (%1)").arg(detail);
}

QString RemoteBackend::probeKey(const QString& model) const {
    return endpoint(options_.baseUrl, "").toString() + QLatin1Char('\n') + model +
           QLatin1Char('\n') + structuredOutputName(options_.structuredOutput);
}

std::optional<TagSchemaProbe> RemoteBackend::cachedTagSchemaProbe() const {
    const QString model = modelId();
    if (model.isEmpty())
        return std::nullopt;
    QMutexLocker lock(&gProbeMutex);
    const auto it = probeCache().constFind(probeKey(model));
    if (it == probeCache().constEnd())
        return std::nullopt;
    return *it;
}

void RemoteBackend::clearTagSchemaProbes() {
    QMutexLocker lock(&gProbeMutex);
    probeCache().clear();
}

TagSchemaProbe RemoteBackend::probeTagSchema() {
    cancel_.store(false);
    TagSchemaProbe p;
    const QUrl url = endpoint(options_.baseUrl, "/chat/completions");
    if (QString e = checkBaseUrl(url); !e.isEmpty()) {
        p.detail = e;
        return p;
    }
    QString err;
    const QString model = resolveModel(&err);
    if (model.isEmpty()) {
        p.detail = err;
        return p;
    }
    return probe(model);
}

TagSchemaProbe RemoteBackend::probe(const QString& model) {
    TagSchemaProbe p;
    if (auto cached = cachedTagSchemaProbe())
        return *cached;
    auto remember = [&](const TagSchemaProbe& r) {
        QMutexLocker lock(&gProbeMutex);
        probeCache().insert(probeKey(model), r);
        return r;
    };
    if (options_.structuredOutput != StructuredOutput::JsonSchema) {
        p.state = TagSchemaProbe::State::NotSent;
        p.detail = QStringLiteral(
                       "structured output is %1: the server gets the schema in the "
                       "prompt only")
                       .arg(structuredOutputName(options_.structuredOutput));
        return remember(p);
    }
    // A question whose honest answer is anything but the one string the schema allows.
    QJsonObject body{
        {"model", model},
        {"messages",
         QJsonArray{QJsonObject{
             {"role", "user"},
             {"content", QStringLiteral("What colour is the sky on a clear day? Answer in one "
                                        "word.")}}}},
        {"stream", true},
        {"temperature", 0},
        {"seed", 0}};
    body.insert(options_.tokenLimitField.isEmpty() ? QStringLiteral("max_tokens")
                                                   : options_.tokenLimitField,
                32);
    const QByteArray schema =
        QStringLiteral(
            R"({"type":"object","properties":{"answer":{"type":"string","enum":["%1"]}},)"
            R"("required":["answer"],"additionalProperties":false})")
            .arg(kProbeWord)
            .toUtf8();
    QElapsedTimer clock;
    clock.start();
    const Completion c = complete(
        remote_tags::withStructuredOutput(QJsonDocument(body).toJson(QJsonDocument::Compact),
                                          StructuredOutput::JsonSchema, schema, "vistag_probe"),
        {}, clock);
    if (c.end == Completion::End::Cancelled) {
        p.detail = QStringLiteral("cancelled");
        return p;
    }
    if (c.end == Completion::End::Failed) {
        p.detail = c.error;
        // A request the server turns down for what it holds will be turned down every time.
        if (c.httpStatus == 400 || c.httpStatus == 422) {
            p.state = TagSchemaProbe::State::Refused;
            return remember(p);
        }
        return p;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(c.text.trimmed().toUtf8());
    const QJsonObject o = doc.object();
    if (doc.isObject() && o.size() == 1 &&
        o.value(QLatin1String("answer")).toString() == kProbeWord) {
        p.state = TagSchemaProbe::State::Enforced;
        p.detail = QStringLiteral("the server answered the only value the schema allowed");
    } else {
        p.state = TagSchemaProbe::State::NotEnforced;
        p.detail = QStringLiteral(
                       "asked for a schema that allows only \"%1\", the server "
                       "answered \"%2\"")
                       .arg(kProbeWord, shortText(c.text, 80));
    }
    return remember(p);
}

QString structuredOutputName(StructuredOutput mode) {
    switch (mode) {
        case StructuredOutput::JsonObject:
            return QStringLiteral("json_object");
        case StructuredOutput::None:
            return QStringLiteral("none");
        case StructuredOutput::JsonSchema:
            break;
    }
    return QStringLiteral("json_schema");
}

std::optional<StructuredOutput> structuredOutputFromName(const QString& name) {
    for (StructuredOutput m :
         {StructuredOutput::JsonSchema, StructuredOutput::JsonObject, StructuredOutput::None})
        if (structuredOutputName(m) == name)
            return m;
    return std::nullopt;
}

}  // namespace vistag::backend

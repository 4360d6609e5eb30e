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

#include "backend/remote_backend_internal.h"
#include "backend/remote_http.h"
#include "backend/remote_tags.h"
#include "backend/sse_parser.h"
#include "net/http_client.h"

namespace vistag::backend {
namespace {

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
std::optional<QByteArray> RemoteBackend::imageDataUrl(const QString& path, qint64 maxPixels,
                                                      QString* error) {
    return imageDataUrl(RequestImage::file(path), maxPixels, error);
}

std::optional<QByteArray> RemoteBackend::imageDataUrl(const RequestImage& image, qint64 maxPixels,
                                                      QString* error) {
    const QString path = image.path.isEmpty() ? QStringLiteral("image") : image.path;
    QBuffer memory;
    memory.setData(image.bytes);
    QImageReader reader;
    if (image.inMemory())
        reader.setDevice(&memory);
    else
        reader.setFileName(image.path);
    reader.setDecideFormatFromContent(true);
    const QSize size = reader.size();
    const QByteArray format = reader.format();
    if (!size.isValid() || format.isEmpty()) {
        *error = QStringLiteral("%1: cannot read the image (%2)").arg(path, reader.errorString());
        return std::nullopt;
    }
    const qint64 pixels = qint64(size.width()) * size.height();
    if (maxPixels <= 0 || pixels <= maxPixels) {  // the original bytes
        if (image.inMemory())
            return "data:" + mimeFor(format) + ";base64," + image.bytes.toBase64();
        QFile f(path);
        if (!f.open(QIODevice::ReadOnly)) {
            *error = QStringLiteral("%1: cannot open the file").arg(path);
            return std::nullopt;
        }
        return "data:" + mimeFor(format) + ";base64," + f.readAll().toBase64();
    }
    const double scale = std::sqrt(double(maxPixels) / double(pixels));
    const QSize target(qMax(1, int(size.width() * scale)), qMax(1, int(size.height() * scale)));
    QImage decoded = reader.read();
    if (decoded.isNull()) {
        *error = QStringLiteral("%1: cannot read the image (%2)").arg(path, reader.errorString());
        return std::nullopt;
    }
    decoded = decoded.scaled(target, Qt::KeepAspectRatio, Qt::SmoothTransformation);
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    if (!decoded.save(&buffer, "PNG")) {
        *error = QStringLiteral("%1: cannot encode the scaled image").arg(path);
        return std::nullopt;
    }
    return "data:image/png;base64," + png.toBase64();
}

// The request without its model name (the images are read first, so that a bad image is
// reported before the server is asked anything).
std::optional<QJsonObject> requestObject(const AskRequest& request, const RemoteOptions& options,
                                         QString* error, int* errorCode) {
    QJsonArray messages;
    if (!request.system.isEmpty())
        messages.append(QJsonObject{{"role", "system"}, {"content", request.system}});
    // A user message: its images as data URLs, then its text.
    const auto userMessage = [&](const QList<RequestImage>& images,
                                 const QString& text) -> std::optional<QJsonObject> {
        QJsonArray content;
        for (const RequestImage& image : images) {
            auto url = RemoteBackend::imageDataUrl(image, request.params.maxPixels, error);
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
        auto m = userMessage(t.images, t.text);
        if (!m)
            return std::nullopt;
        messages.append(*m);
    }
    auto current = userMessage(request.images, request.prompt);
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
    const std::atomic<bool> never{false};  // a connection check: nothing cancels it
    return listModels(error, never);
}

std::optional<QStringList> RemoteBackend::listModels(QString* error,
                                                     const std::atomic<bool>& cancel) {
    const QUrl url = endpoint(options_.baseUrl, "/models");
    if (QString e = checkBaseUrl(url); !e.isEmpty()) {
        *error = e;
        return std::nullopt;
    }
    QByteArray body;
    const Exchange x = runExchange(url, nullptr, options_.apiKey, options_.inactivityTimeoutMs,
                                   cancel, [&](const Exchange&, const QByteArray& bytes) {
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

RemoteBackend::Completion RemoteBackend::complete(const QByteArray& body,
                                                  const TextCallback& onText,
                                                  const QElapsedTimer& clock,
                                                  const std::atomic<bool>& cancel) {
    Completion out;
    const QUrl url = endpoint(options_.baseUrl, "/chat/completions");
    auto fail = [&](const QString& message) {
        out.end = Completion::End::Failed;
        out.error = message;
        return out;
    };
    // Stopped by the request's cancel or onText: like the local engine, "cancelled" with the
    // partial text (never cached as an answer).
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
                                       cancel, [&](const Exchange& ex, const QByteArray& bytes) {
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
                if (!net::pause(waitMs, cancel))
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

QString RemoteBackend::resolveModel(QString* error, const std::atomic<bool>& cancel) {
    QString model = modelId();
    if (!model.isEmpty())
        return model;
    auto ids = listModels(error, cancel);
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

AskHandlePtr RemoteBackend::submit(const AskRequest& request, TextCallback onText) {
    auto handle = std::make_shared<AskHandle>();
    // The thread is joined before the handle goes: the raw pointer stays valid.
    AskHandle* self = handle.get();
    handle->runOnThread([this, request, onText = std::move(onText), self] {
        return run(request, onText, self->cancelFlag());
    });
    return handle;
}

AskResult RemoteBackend::run(const AskRequest& request, const TextCallback& onText,
                             const std::atomic<bool>& cancel) {
    AskResult out;
    lastPromptTokens_ = -1;
    lastCompletionTokens_ = -1;
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
    if (request.tagSchema)
        return askTags(request, onText, clock, cancel);
    QString err;
    int code = kServerError;
    auto object = requestObject(request, options_, &err, &code);
    if (!object)
        return fail(err, code);
    const QString model = resolveModel(&err, cancel);
    if (model.isEmpty())
        return fail(err);
    object->insert("model", model);
    const QByteArray body = QJsonDocument(*object).toJson(QJsonDocument::Compact);

    const Completion c = complete(body, onText, clock, cancel);
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

}  // namespace vistag::backend

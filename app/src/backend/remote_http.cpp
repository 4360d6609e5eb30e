#include "backend/remote_http.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

#include "net/http_client.h"

namespace vistag::backend::remote_http {
namespace {

constexpr qsizetype kMaxErrorBody = 64 * 1024;

QString withDetail(const QString& text, const QByteArray& body) {
    const QString m = serverMessage(body);
    return m.isEmpty() ? text : QStringLiteral("%1: %2").arg(text, m);
}

}  // namespace

Exchange runExchange(const QUrl& url, const QByteArray* body, const QString& apiKey, int idleMs,
                     const std::atomic<bool>& cancel,
                     const std::function<bool(const Exchange&, const QByteArray&)>& onBytes) {
    Exchange x;
    net::HttpRequest req =
        body ? net::HttpRequest::post(url, *body, "application/json") : net::HttpRequest::get(url);
    req.header("Accept", body ? "text/event-stream" : "application/json").idleTimeout(idleMs);
    if (!apiKey.isEmpty())
        req.header("Authorization", "Bearer " + apiKey.toUtf8());
    net::HttpHandlers handlers;
    handlers.onHeaders = [&](const net::HttpResult& r) {
        x.headersSeen = true;
        x.status = r.status;
        x.contentType = r.header("Content-Type");
        x.retryAfter = r.header("Retry-After");
    };
    handlers.onBytes = [&](const net::HttpResult&, const QByteArray& bytes) {
        if (x.status >= 200 && x.status < 300)
            return onBytes(x, bytes);
        if (x.errorBody.size() < kMaxErrorBody)
            x.errorBody += bytes.left(kMaxErrorBody - x.errorBody.size());
        return true;
    };
    const net::HttpResult o = net::send(req, cancel, handlers);
    x.netError = o.error;
    x.netErrorText = o.errorText;
    x.sslErrors = o.sslErrors;
    x.timedOut = o.timedOut;
    x.cancelled = o.cancelled;
    x.stopped = o.stopped;
    return x;
}

QString hostOf(const QUrl& url) {
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

// The message in an error body: OpenAI {"error":{"message"}}, {"error":"..."}, FastAPI
// {"detail": "..." | [{"msg", "loc"}]}, or the text itself; one line, at most 300 characters.
QString serverMessage(const QByteArray& body) {
    QString m;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        const QJsonValue err = o.value(QLatin1String("error"));
        const QJsonValue detail = o.value(QLatin1String("detail"));
        if (err.isString()) {
            m = err.toString();
        } else if (err.isObject()) {
            m = err.toObject().value(QLatin1String("message")).toString();
        } else if (detail.isString()) {
            m = detail.toString();
        } else if (detail.isArray()) {
            QStringList parts;
            for (const QJsonValue& d : detail.toArray()) {
                const QJsonObject e = d.toObject();
                QStringList loc;
                for (const QJsonValue& l : e.value(QLatin1String("loc")).toArray())
                    loc << l.toVariant().toString();
                parts << (loc.isEmpty() ? QString()
                                        : loc.join(QLatin1Char('.')) + QStringLiteral(": ")) +
                             e.value(QLatin1String("msg")).toString();
            }
            m = parts.join(QStringLiteral("; "));
        } else if (o.contains(QLatin1String("message"))) {
            m = o.value(QLatin1String("message")).toString();
        }
        if (m.isEmpty())
            m = QString::fromUtf8(doc.toJson(QJsonDocument::Compact));
    } else {
        m = QString::fromUtf8(body);
        if (m.trimmed().startsWith(QLatin1Char('<'))) {
            // An HTML error page (a proxy, a web server): its text without the markup.
            static const QRegularExpression head(
                QStringLiteral("<head.*</head>"),
                QRegularExpression::CaseInsensitiveOption |
                    QRegularExpression::DotMatchesEverythingOption);
            static const QRegularExpression tag(QStringLiteral("<[^>]*>"));
            m = m.remove(head).replace(tag, QStringLiteral(" "));
        }
    }
    m = m.simplified();
    if (m.size() > 300)
        m = m.left(300) + QStringLiteral("…");
    return m;
}

QString httpError(const Exchange& x, const QUrl& url, bool hasKey) {
    const int s = x.status;
    const QString where = hostOf(url);
    if (s == 401 || s == 403)
        return withDetail(hasKey ? QStringLiteral("the inference server at %1 refused the API key "
                                                  "(HTTP %2); check --api-key")
                                       .arg(where)
                                       .arg(s)
                                 : QStringLiteral("the inference server at %1 needs an API key "
                                                  "(HTTP %2); give it with --api-key")
                                       .arg(where)
                                       .arg(s),
                          x.errorBody);
    if (s == 404)
        return withDetail(QStringLiteral("the inference server at %1 has no %2 (HTTP 404): check "
                                         "the server URL (it usually ends in /v1) and the model "
                                         "name")
                              .arg(where, url.path()),
                          x.errorBody);
    if (s == 413)
        return QStringLiteral(
            "the image is too large for the inference server (HTTP 413); use a "
            "smaller pixel budget (--max-pixels)");
    if (s == 400 || s == 422)
        return withDetail(
            QStringLiteral("the inference server rejected the request (HTTP %1)").arg(s),
            x.errorBody);
    if (s == 429 || s == 503)
        return withDetail(QStringLiteral("the inference server is busy (HTTP %1) and did not "
                                         "accept the request after several tries")
                              .arg(s),
                          x.errorBody);
    if (s >= 500)
        return withDetail(QStringLiteral("the inference server failed (HTTP %1)").arg(s),
                          x.errorBody);
    return withDetail(QStringLiteral("the inference server answered HTTP %1").arg(s), x.errorBody);
}

QString networkError(const Exchange& x, const QUrl& url, int idleMs) {
    const QString where = hostOf(url);
    if (x.timedOut)
        return x.headersSeen
                   ? QStringLiteral(
                         "the inference server at %1 sent nothing for %2 s (the stream "
                         "stalled); the request was stopped")
                         .arg(where)
                         .arg(idleMs / 1000.0)
                   : QStringLiteral("the inference server at %1 did not answer within %2 s")
                         .arg(where)
                         .arg(idleMs / 1000.0);
    if (!x.sslErrors.isEmpty())
        return QStringLiteral("the secure connection to %1 failed: %2")
            .arg(where, x.sslErrors.join(QStringLiteral("; ")));
    switch (x.netError) {
        case QNetworkReply::ConnectionRefusedError:
            return QStringLiteral(
                       "cannot connect to the inference server at %1: connection "
                       "refused (is the server running, and is the port right?)")
                .arg(where);
        case QNetworkReply::HostNotFoundError:
            return QStringLiteral(
                       "the inference server's host '%1' was not found; check the "
                       "server URL")
                .arg(url.host());
        case QNetworkReply::TimeoutError:
            return QStringLiteral("the connection to the inference server at %1 timed out")
                .arg(where);
        case QNetworkReply::RemoteHostClosedError:
            return QStringLiteral(
                       "the inference server at %1 closed the connection without "
                       "answering")
                .arg(where);
        case QNetworkReply::SslHandshakeFailedError:
            return QStringLiteral("the secure connection to %1 failed: %2")
                .arg(where, x.netErrorText);
        default:
            return QStringLiteral("cannot reach the inference server at %1: %2")
                .arg(where, x.netErrorText);
    }
}

// Checks the base URL; empty when fine.
QString checkBaseUrl(const QUrl& base) {
    if (!base.isValid() || base.host().isEmpty() ||
        (base.scheme() != QLatin1String("http") && base.scheme() != QLatin1String("https")))
        return QStringLiteral(
                   "'%1' is not a server URL; it must look like "
                   "http://HOST:PORT/v1")
            .arg(base.toString());
    return {};
}

QUrl endpoint(const QString& base, const char* path) {
    QString b = base.trimmed();
    while (b.endsWith(QLatin1Char('/')))
        b.chop(1);
    return QUrl(b + QLatin1String(path));
}

}  // namespace vistag::backend::remote_http

namespace vistag::backend::remote_http {

int retryAfterMs(const QByteArray& header, const QDateTime& now, int fallbackMs) {
    const QString v = QString::fromLatin1(header).trimmed();
    if (v.isEmpty())
        return fallbackMs;
    bool ok = false;
    const double seconds = v.toDouble(&ok);
    if (ok)
        return seconds >= 0 ? int(qMin(seconds * 1000.0, 1e9)) : fallbackMs;
    // IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT") is RFC 2822 with the zone as a name, which
    // Qt 6.4 does not read: give it as an offset.
    QString date = v;
    if (date.endsWith(QLatin1String(" GMT")) || date.endsWith(QLatin1String(" UTC")))
        date = date.left(date.size() - 4) + QLatin1String(" +0000");
    const QDateTime when = QDateTime::fromString(date, Qt::RFC2822Date);
    if (!when.isValid())
        return fallbackMs;
    return int(qBound(qint64(0), now.msecsTo(when), qint64(1000000000)));
}

}  // namespace vistag::backend::remote_http

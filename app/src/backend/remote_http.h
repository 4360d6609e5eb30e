// The HTTP side of RemoteBackend: one request through net::send (inactivity timeout, cancel), and
// plain-language messages for what can go wrong. Internal to backend/.
#pragma once

#include <QByteArray>
#include <QDateTime>
#include <QNetworkReply>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <atomic>
#include <functional>

namespace vistag::backend::remote_http {

// What one HTTP exchange ended with.
struct Exchange {
    int status = 0;  // HTTP status, 0 when no answer arrived
    QNetworkReply::NetworkError netError = QNetworkReply::NoError;
    QString netErrorText;
    QStringList sslErrors;
    QByteArray contentType;
    QByteArray retryAfter;
    QByteArray errorBody;  // the body of a non-2xx answer (first 64 KB)
    bool timedOut = false;
    bool cancelled = false;  // cancel() was called
    bool stopped = false;    // onBytes asked to stop
    bool headersSeen = false;
};

// Runs one request (POST `*body` as JSON, or GET when body is null) on the HTTP client's network
// thread while the calling thread waits. onBytes gets the body of a 2xx answer as it arrives and
// returns false to abort. `idleMs` of silence (nothing sent or received) aborts; so does `cancel`
// (polled every 50 ms). TLS errors are collected in sslErrors and never ignored.
Exchange runExchange(const QUrl& url, const QByteArray* body, const QString& apiKey, int idleMs,
                     const std::atomic<bool>& cancel,
                     const std::function<bool(const Exchange&, const QByteArray&)>& onBytes);

QString hostOf(const QUrl& url);  // "host:port"
// The message in an error body (OpenAI, FastAPI, plain text or HTML), one line.
QString serverMessage(const QByteArray& body);
// For a non-2xx answer / for no answer (refused, not found, TLS, timeout).
QString httpError(const Exchange& x, const QUrl& url, bool hasKey);
QString networkError(const Exchange& x, const QUrl& url, int idleMs);
// Checks the base URL (http or https, with a host); empty when fine.
QString checkBaseUrl(const QUrl& base);
// How long a 429/503 answer asks us to wait: Retry-After as seconds or as an HTTP date
// (RFC 9110), measured from `now`; `fallbackMs` when the header is absent or unreadable.
int retryAfterMs(const QByteArray& header, const QDateTime& now, int fallbackMs);
// base + path, without doubled slashes.
QUrl endpoint(const QString& base, const char* path);

}  // namespace vistag::backend::remote_http

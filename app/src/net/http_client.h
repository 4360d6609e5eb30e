// Vistag's one HTTP client, shared by the remote backend and the model download.
//
// Requests run on network threads that belong to the client: each has one
// QNetworkAccessManager (connections are kept alive and reused) and runs only its own top-level
// event loop, where the request is driven by QNetworkReply's signals and an inactivity QTimer.
// The caller (a job thread: a question, a batch worker, a download) waits on a condition variable,
// not in an event loop, so nothing queued to the caller's thread can run inside the request.
// A thread is added when every thread already has six requests in flight (Qt's limit per host and
// manager), up to eight threads, so N requests in flight really are N connections.
#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkReply>
#include <QString>
#include <QStringList>
#include <QUrl>
#include <atomic>
#include <functional>
#include <utility>

namespace vistag::net {

using HeaderList = QList<std::pair<QByteArray, QByteArray>>;

// What to send. Build with get()/post() and the setters.
struct HttpRequest {
    QByteArray method = "GET";
    QUrl url;
    HeaderList headers;
    QByteArray body;
    int idleMs = 30000;            // silence (nothing sent or received) this long aborts
    bool followRedirects = false;  // false: a 3xx answer is returned as it is; true: the
                                   // final answer's status and headers (onHeaders runs again)

    static HttpRequest get(const QUrl& url);
    static HttpRequest post(const QUrl& url, QByteArray body, const QByteArray& contentType);
    HttpRequest& header(const QByteArray& name, const QByteArray& value);
    HttpRequest& idleTimeout(int ms);
};

// What an exchange ended with: the HTTP status and headers when an answer came, the network
// error otherwise, and why it stopped early.
struct HttpResult {
    int status = 0;  // 0: no answer
    HeaderList headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorText;
    QStringList sslErrors;   // TLS errors, reported and never ignored
    bool timedOut = false;   // idleMs passed with nothing sent or received
    bool cancelled = false;  // the caller's cancel flag became true
    bool stopped = false;    // onBytes returned false

    bool answered() const { return status != 0; }
    bool success() const { return status >= 200 && status < 300; }
    // The first header of that name (case-insensitive), empty when absent.
    QByteArray header(const QByteArray& name) const;
};

struct HttpHandlers {
    // Once, when the status and headers are known.
    std::function<void(const HttpResult&)> onHeaders;
    // Each piece of the body as it arrives; return false to abort (HttpResult::stopped).
    std::function<bool(const HttpResult&, const QByteArray&)> onBytes;
};

// Sends `request` and returns when it has ended: finished, failed, timed out, stopped by onBytes
// or cancelled (`cancel` is checked every 50 ms). The handlers run on a network thread while the
// caller waits, so they may use the caller's locals. Call from any thread except a network
// thread (a handler must not send); a QCoreApplication must exist. Blocks: not for the GUI
// thread.
HttpResult send(const HttpRequest& request, const std::atomic<bool>& cancel,
                const HttpHandlers& handlers = {});

// Waits `ms` on the calling thread (a retry's backoff, Retry-After) without an event loop;
// returns false as soon as `cancel` is true (checked every 50 ms).
bool pause(int ms, const std::atomic<bool>& cancel);

// How many network threads exist and how many requests are in flight now (for tests and logs).
struct HttpClientStats {
    int threads = 0;
    int inFlight = 0;
};
HttpClientStats stats();

}  // namespace vistag::net

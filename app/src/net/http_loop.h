// One HTTP request run to its end in a local event loop of the calling thread (a worker thread:
// the remote backend and the model download), with an inactivity timeout and a cancel flag.
// Shared by backend/remote_http and download/model_download.
#pragma once

#include <QByteArray>
#include <QNetworkReply>
#include <QString>
#include <QStringList>
#include <atomic>
#include <functional>

namespace vistag::net {

struct LoopOutcome {
    QNetworkReply::NetworkError error = QNetworkReply::NoError;
    QString errorText;
    QStringList sslErrors;   // TLS errors, reported and never ignored
    bool timedOut = false;   // `idleMs` passed with nothing sent or received
    bool cancelled = false;  // `cancel` became true (polled every 50 ms)
    bool stopped = false;    // onBytes returned false
};

// Runs `reply` until it finishes or is aborted. `onHeaders` is called once, when the HTTP status
// is known; `onBytes` with each piece of the body as it arrives (return false to abort).
LoopOutcome runReply(QNetworkReply* reply, int idleMs, const std::atomic<bool>& cancel,
                     const std::function<void(QNetworkReply*)>& onHeaders,
                     const std::function<bool(const QByteArray&)>& onBytes);

// The HTTP status of `reply` (0 while unknown).
int statusOf(const QNetworkReply* reply);

}  // namespace vistag::net

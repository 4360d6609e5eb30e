#include "net/http_loop.h"

#include <QEventLoop>
#include <QNetworkRequest>
#include <QSslError>
#include <QTimer>

namespace vistag::net {

int statusOf(const QNetworkReply* reply) {
    const QVariant s = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    return s.isValid() ? s.toInt() : 0;
}

LoopOutcome runReply(QNetworkReply* reply, int idleMs, const std::atomic<bool>& cancel,
                     const std::function<void(QNetworkReply*)>& onHeaders,
                     const std::function<bool(const QByteArray&)>& onBytes) {
    LoopOutcome out;
    QEventLoop loop;
    QTimer idle;
    idle.setSingleShot(true);
    idle.setInterval(idleMs);
    QTimer poll;
    poll.setInterval(50);
    bool aborted = false, headersSeen = false;
    auto abortWith = [&](bool* flag) {
        *flag = true;
        if (!aborted) {
            aborted = true;
            reply->abort();
        }
    };
    auto readHeaders = [&] {
        if (headersSeen || statusOf(reply) == 0)
            return;
        headersSeen = true;
        if (onHeaders)
            onHeaders(reply);
    };
    auto consume = [&] {
        readHeaders();
        const QByteArray bytes = reply->readAll();
        if (bytes.isEmpty() || aborted)
            return;
        if (!onBytes(bytes))
            abortWith(&out.stopped);
    };
    QObject::connect(reply, &QNetworkReply::metaDataChanged, &loop, [&] {
        readHeaders();
        idle.start();
    });
    QObject::connect(reply, &QNetworkReply::readyRead, &loop, [&] {
        idle.start();
        consume();
    });
    QObject::connect(reply, &QNetworkReply::uploadProgress, &loop, [&] { idle.start(); });
    QObject::connect(reply, &QNetworkReply::sslErrors, &loop, [&](const QList<QSslError>& errors) {
        for (const QSslError& e : errors)
            out.sslErrors << e.errorString();  // never ignored
    });
    QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    QObject::connect(&idle, &QTimer::timeout, &loop, [&] { abortWith(&out.timedOut); });
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel.load())
            abortWith(&out.cancelled);
    });
    idle.start();
    poll.start();
    if (!reply->isFinished())
        loop.exec();
    if (!aborted)
        consume();
    readHeaders();
    out.error = reply->error();
    out.errorText = reply->errorString();
    return out;
}

}  // namespace vistag::net

// `vistag-cli serve`: an OpenAI-compatible HTTP/1.1 server on a QTcpServer (main thread), written
// by hand so that answers can stream as server-sent events (Qt 6.4's QHttpServer cannot). Up to
// maxBatch requests run at once, each on an inference thread of its own (with a batched local
// engine they decode together); the rest wait in a bounded queue (full → 429). Every response
// closes its connection.
#pragma once

#include <QElapsedTimer>
#include <QHash>
#include <QHostAddress>
#include <QJsonObject>
#include <QJsonValue>
#include <QObject>
#include <QPointer>
#include <QQueue>
#include <QThread>
#include <functional>
#include <memory>
#include <vector>

#include "backend/inference_backend.h"
#include "server/chat_request.h"
#include "server/http_message.h"

class QTcpServer;
class QTcpSocket;

namespace vistag::server {

class InferenceWorker;

struct ServerOptions {
    QHostAddress host = QHostAddress::LocalHost;
    quint16 port = 8000;
    QByteArray apiKey;                      // empty: no key needed
    QList<QPair<QHostAddress, int>> allow;  // empty: every peer that reaches the socket
    int maxQueue = 4;                       // waiting requests besides the running ones
    // Requests answered at the same time, each on its own inference thread. Above 1 the backend
    // must take concurrent ask() calls (a batched LocalBackend decodes them together) and a
    // request is stopped through its own onText callback only, never the backend's cancel().
    int maxBatch = 1;
    int maxConnections = 64;
    int maxConnectionsPerAddress = 16;  // from one peer address; more get 503
    int requestTimeoutMs = 30000;       // to receive a whole request
    int firstByteTimeoutMs = 5000;      // to receive its first byte (an idle connection)
    HttpLimits http;
    ChatLimits chat;
    catalog::InferenceParams defaults;  // sampling the requests leave out
    // Where each request's line goes (peer, method, path, status, latency); empty: stderr.
    std::function<void(const QString&)> log;
};

class ApiServer : public QObject {
    Q_OBJECT
public:
    // backend: the model to serve (vistag-cli: a LocalBackend it owns; the GUI: a client of the
    // engine it shares with the window).
    ApiServer(ServerOptions options, std::shared_ptr<backend::InferenceBackend> backend,
              QObject* parent = nullptr);
    ~ApiServer() override;

    // Binds and listens; false and *error when the address cannot be used.
    bool listen(QString* error);
    quint16 port() const;

private:
    struct Connection;
    struct Job {
        quint64 id = 0;
        QPointer<QTcpSocket> socket;
        ChatJob chat;
        QElapsedTimer timer;
        QByteArray method, path, peer;
        QByteArray completionId;
        qint64 created = 0;
        bool headersSent = false;
        int completionTokens = 0;
    };

    void onNewConnection();
    void onReadyRead(QTcpSocket* socket);
    void handle(QTcpSocket* socket, const HttpRequest& request);
    void reply(QTcpSocket* socket, int status, const QByteArray& body,
               const QList<QPair<QByteArray, QByteArray>>& extra = {},
               const QByteArray& contentType = "application/json");
    void enqueue(QTcpSocket* socket, const HttpRequest& request, ChatJob chat);
    void dispatchNext();
    void onDelta(quint64 id, const QString& text);
    void onFinished(quint64 id, const backend::AskResult& result);
    void onDisconnected(QTcpSocket* socket);
    void finishLog(QTcpSocket* socket, int status);
    void logLine(const QString& line) const;
    QByteArray chunk(const Job& job, const QJsonObject& delta, const QJsonValue& finish) const;
    void sendStreamHeaders(Job& job);

    ServerOptions options_;
    QString modelId_;
    QTcpServer* tcp_ = nullptr;
    struct Runner {
        QThread* thread = nullptr;
        InferenceWorker* worker = nullptr;  // lives on thread
        quint64 job = 0;                    // running there; 0 = idle
    };
    std::vector<Runner> runners_;  // options_.maxBatch of them
    Runner* runnerOf(quint64 job);
    QHash<QTcpSocket*, Connection*> connections_;
    QQueue<quint64> waiting_;
    QHash<quint64, Job> jobs_;  // waiting and running
    int running_ = 0;
    quint64 nextId_ = 1;
};

}  // namespace vistag::server

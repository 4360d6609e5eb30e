#include "server/api_server.h"

#include <QDateTime>
#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>
#include <algorithm>
#include <cmath>
#include <cstdio>

#include "backend/engine_request.h"
#include "server/inference_worker.h"
#include "vistag/inference/image_file.h"
#include "vistag/inference/status.h"

namespace vistag::server {

struct ApiServer::Connection {
    HttpRequestParser parser;
    QTimer timeout;
    QElapsedTimer timer;
    QByteArray peer;
    QByteArray method = "-", path = "-";
    quint64 jobId = 0;
    bool done = false;       // a response has been (or is being) written
    bool gotBytes = false;   // the first byte of the request has arrived
    bool whole = false;      // the request has arrived whole (parsed)
    bool lingering = false;  // answered early: the rest of the request is read and dropped
    explicit Connection(const HttpLimits& limits) : parser(limits) {}
};

namespace {

// How long an early answer waits for the client to finish sending before the connection closes.
constexpr int kLingerMs = 2000;

constexpr qint64 kMaxUnsentStreamBytes = 8LL * 1024 * 1024;

QByteArray compact(const QJsonObject& o) {
    return QJsonDocument(o).toJson(QJsonDocument::Compact);
}

int statusForError(int errorCode) {
    using inference::ErrorCode;
    switch (static_cast<ErrorCode>(errorCode)) {
        case ErrorCode::Image:
        case ErrorCode::Prompt:
        case ErrorCode::Usage:
            return 400;
        case ErrorCode::Device:
            return 503;
        default:
            return 500;
    }
}

// A message for a client names the request's images ("image 2"), never the server's files: the
// inference workers hand the backend each image as <temporary folder>/image<N>.<suffix>, and the
// engine's messages start with that path.
QString withoutServerPaths(QString message) {
    static const QRegularExpression imageFile(QRegularExpression::escape(QDir::tempPath()) +
                                              QStringLiteral(R"(/[^/\s]+/image(\d+)\.\w+)"));
    QRegularExpressionMatch m;
    while ((m = imageFile.match(message)).hasMatch())
        message.replace(m.capturedStart(), m.capturedLength(),
                        QStringLiteral("image %1").arg(m.captured(1).toInt() + 1));
    return message.replace(QDir::tempPath(), QStringLiteral("(a temporary folder)"));
}

}  // namespace

ApiServer::ApiServer(ServerOptions options, std::shared_ptr<backend::InferenceBackend> backend,
                     QObject* parent)
    : QObject(parent), options_(std::move(options)) {
    qRegisterMetaType<vistag::server::ChatJob>();
    qRegisterMetaType<vistag::backend::AskResult>();
    modelId_ = backend->modelId();
    options_.maxBatch = qMax(1, options_.maxBatch);
    for (int i = 0; i < options_.maxBatch; ++i) {
        Runner r;
        r.thread = new QThread(this);
        r.worker = new InferenceWorker(backend);
        r.worker->moveToThread(r.thread);
        connect(r.thread, &QThread::finished, r.worker, &QObject::deleteLater);
        connect(r.worker, &InferenceWorker::delta, this, &ApiServer::onDelta, Qt::QueuedConnection);
        connect(r.worker, &InferenceWorker::finished, this, &ApiServer::onFinished,
                Qt::QueuedConnection);
        r.thread->setObjectName(QStringLiteral("vistag-inference-%1").arg(i));
        r.thread->start();
        runners_.push_back(r);
    }
    tcp_ = new QTcpServer(this);
    connect(tcp_, &QTcpServer::newConnection, this, &ApiServer::onNewConnection);
}

ApiServer::~ApiServer() {
    tcp_->close();
    for (auto it = connections_.cbegin(); it != connections_.cend(); ++it) {
        QObject::disconnect(it.key(), nullptr, this, nullptr);
        delete it.value();
    }
    connections_.clear();
    for (Runner& r : runners_) {
        QObject::disconnect(r.worker, nullptr, this, nullptr);
        if (r.job)
            r.worker->cancel(r.job);
    }
    for (Runner& r : runners_) {
        r.thread->quit();
        r.thread->wait();
    }
}

ApiServer::Runner* ApiServer::runnerOf(quint64 job) {
    for (Runner& r : runners_)
        if (r.job == job)
            return &r;
    return nullptr;
}

bool ApiServer::listen(QString* error) {
    if (!tcp_->listen(options_.host, options_.port)) {
        *error = tcp_->errorString();
        return false;
    }
    return true;
}

quint16 ApiServer::port() const {
    return tcp_->serverPort();
}

void ApiServer::onNewConnection() {
    while (QTcpSocket* s = tcp_->nextPendingConnection()) {
        auto* c = new Connection(options_.http);
        c->timer.start();
        c->peer = s->peerAddress().toString().toUtf8();
        connections_.insert(s, c);
        connect(s, &QTcpSocket::readyRead, this, [this, s] { onReadyRead(s); });
        connect(s, &QTcpSocket::disconnected, this, [this, s] { onDisconnected(s); });
        c->timeout.setSingleShot(true);
        connect(&c->timeout, &QTimer::timeout, this, [this, s, c] {
            if (c->lingering) {
                s->disconnectFromHost();
                return;
            }
            reply(
                s, 408,
                errorBody(408, c->gotBytes ? QStringLiteral("the request took too long to arrive")
                                           : QStringLiteral("nothing was sent on the connection")));
        });
        // An idle connection holds a place among maxConnections: it gets a short deadline for
        // its first byte, then the whole request's.
        c->timeout.start(qMin(options_.firstByteTimeoutMs, options_.requestTimeoutMs));
        // Connections answered already and only draining (lingering) hold no place.
        int open = 0;
        for (const Connection* other : std::as_const(connections_))
            open += other->lingering ? 0 : 1;
        if (open > options_.maxConnections) {
            reply(s, 503, errorBody(503, QStringLiteral("too many connections")),
                  {{"Retry-After", "1"}});
            continue;
        }
        // One address may not take every place: the others can still connect.
        int fromPeer = 0;
        for (const Connection* other : std::as_const(connections_))
            fromPeer += other->peer == c->peer && !other->lingering ? 1 : 0;
        if (fromPeer > options_.maxConnectionsPerAddress) {
            reply(s, 503,
                  errorBody(503, QStringLiteral("too many connections from this address (at most "
                                                "%1 at once)")
                                     .arg(options_.maxConnectionsPerAddress)),
                  {{"Retry-After", "1"}});
            continue;
        }
        if (!options_.allow.isEmpty() && !peerAllowed(s->peerAddress(), options_.allow)) {
            reply(s, 403, errorBody(403, QStringLiteral("this address may not use the server")));
            continue;
        }
        if (s->bytesAvailable() > 0)
            onReadyRead(s);
    }
}

void ApiServer::onReadyRead(QTcpSocket* s) {
    Connection* c = connections_.value(s);
    if (!c)
        return;
    const QByteArray bytes = s->readAll();
    if (c->done)
        return;
    if (!c->gotBytes && !bytes.isEmpty()) {
        c->gotBytes = true;  // from now on the whole request's deadline, counted from connecting
        c->timeout.start(qMax<qint64>(0, options_.requestTimeoutMs - c->timer.elapsed()));
    }
    const auto state = c->parser.feed(bytes);
    if (state == HttpRequestParser::State::Incomplete)
        return;
    c->timeout.stop();
    c->whole = state != HttpRequestParser::State::Error;
    if (state == HttpRequestParser::State::Error) {
        reply(s, c->parser.errorStatus(),
              errorBody(c->parser.errorStatus(), c->parser.errorMessage()));
        return;
    }
    c->method = c->parser.request().method;
    c->path = c->parser.request().path;
    handle(s, c->parser.request());
}

void ApiServer::handle(QTcpSocket* s, const HttpRequest& r) {
    if (r.path == "/health" || r.path == "/v1/health") {
        if (r.method != "GET")
            return reply(s, 405, errorBody(405, QStringLiteral("use GET")), {{"Allow", "GET"}});
        return reply(s, 200, R"({"status":"ok"})");
    }
    if (!options_.apiKey.isEmpty() && !bearerMatches(r.header("authorization"), options_.apiKey))
        return reply(s, 401,
                     errorBody(401, QStringLiteral("a valid API key is needed "
                                                   "(Authorization: Bearer KEY)")),
                     {{"WWW-Authenticate", "Bearer"}});
    if (r.path == "/v1/models" || r.path == "/models") {
        if (r.method != "GET")
            return reply(s, 405, errorBody(405, QStringLiteral("use GET")), {{"Allow", "GET"}});
        const QJsonObject model{
            {"id", modelId_}, {"object", "model"}, {"owned_by", "vistag"}, {"created", 0}};
        return reply(s, 200, compact({{"object", "list"}, {"data", QJsonArray{model}}}));
    }
    if (r.path == "/v1/chat/completions" || r.path == "/chat/completions") {
        if (r.method != "POST")
            return reply(s, 405, errorBody(405, QStringLiteral("use POST")), {{"Allow", "POST"}});
        ChatJob chat;
        QString error;
        if (!parseChatRequest(r.body, options_.defaults, options_.chat, &chat, &error))
            return reply(s, 400, errorBody(400, error));
        // Images the engine cannot decode are refused here, in words, before they queue.
        int number = 0;
        const auto refused = [&](const QList<ChatImage>& images) {
            for (const ChatImage& image : images) {
                ++number;
                const std::string why = inference::unsupportedImageFormat(std::string_view(
                    image.bytes.constData(),
                    static_cast<size_t>(std::min<qsizetype>(image.bytes.size(), 16))));
                if (!why.empty())
                    return QStringLiteral("image %1: %2")
                        .arg(number)
                        .arg(QString::fromStdString(why));
            }
            return QString();
        };
        for (const ChatJobTurn& turn : std::as_const(chat.history))
            if (const QString why = refused(turn.images); !why.isEmpty())
                return reply(s, 400, errorBody(400, why));
        if (const QString why = refused(chat.images); !why.isEmpty())
            return reply(s, 400, errorBody(400, why));
        return enqueue(s, r, std::move(chat));
    }
    reply(s, 404,
          errorBody(404, QStringLiteral("no route %1").arg(QString::fromUtf8(r.path.left(200)))));
}

void ApiServer::reply(QTcpSocket* s, int status, const QByteArray& body,
                      const QList<QPair<QByteArray, QByteArray>>& extra,
                      const QByteArray& contentType) {
    Connection* c = connections_.value(s);
    if (!c || c->done)
        return;
    c->done = true;
    c->timeout.stop();
    s->write(httpResponse(status, contentType, body, extra));
    finishLog(s, status);
    if (!c->whole && status != 408) {
        // Answered before the request arrived whole (a refusal at connection time, say): closing
        // now would reset the connection while the client still sends, and it would see a broken
        // pipe instead of this answer. The rest is read and dropped (onReadyRead) until the
        // client closes, for a short while at most.
        c->lingering = true;
        c->timeout.start(kLingerMs);
        return;
    }
    s->disconnectFromHost();
}

void ApiServer::finishLog(QTcpSocket* s, int status) {
    Connection* c = connections_.value(s);
    if (!c)
        return;
    logLine(QString::asprintf("serve: %s %s %s %d %.1f ms", c->peer.constData(),
                              c->method.left(16).constData(), c->path.left(200).constData(), status,
                              c->timer.nsecsElapsed() / 1e6));
}

void ApiServer::logLine(const QString& line) const {
    if (options_.log) {
        options_.log(line);
        return;
    }
    std::fprintf(stderr, "%s\n", qPrintable(line));
    std::fflush(stderr);
}

void ApiServer::enqueue(QTcpSocket* s, const HttpRequest& r, ChatJob chat) {
    Connection* c = connections_.value(s);
    if (running_ >= options_.maxBatch && waiting_.size() >= options_.maxQueue) {
        const int retry = qBound(1, int(waiting_.size() + 1) * 2, 120);
        return reply(s, 429, errorBody(429, QStringLiteral("the server is busy; try again later")),
                     {{"Retry-After", QByteArray::number(retry)}});
    }
    Job job;
    job.id = nextId_++;
    job.socket = s;
    job.chat = std::move(chat);
    job.method = r.method;
    job.path = r.path;
    job.created = QDateTime::currentSecsSinceEpoch();
    job.completionId =
        "chatcmpl-" + QByteArray::number(QRandomGenerator::global()->generate64(), 16);
    c->jobId = job.id;
    c->done = true;  // the job answers
    jobs_.insert(job.id, std::move(job));
    waiting_.enqueue(c->jobId);
    dispatchNext();
}

void ApiServer::dispatchNext() {
    while (!waiting_.isEmpty()) {
        Runner* idle = runnerOf(0);
        if (!idle)
            return;
        const quint64 id = waiting_.dequeue();
        idle->job = id;
        ++running_;
        const ChatJob chat = jobs_.value(id).chat;
        jobs_[id].chat.images.clear();  // the worker has its own copy
        QMetaObject::invokeMethod(
            idle->worker, [w = idle->worker, id, chat] { w->run(id, chat); }, Qt::QueuedConnection);
    }
}

QByteArray ApiServer::chunk(const Job& job, const QJsonObject& delta,
                            const QJsonValue& finish) const {
    const QJsonObject choice{
        {"index", 0}, {"delta", delta}, {"finish_reason", finish}, {"logprobs", QJsonValue::Null}};
    const QJsonObject o{{"id", QString::fromLatin1(job.completionId)},
                        {"object", "chat.completion.chunk"},
                        {"created", job.created},
                        {"model", modelId_},
                        {"choices", QJsonArray{choice}}};
    return "data: " + compact(o) + "\n\n";
}

void ApiServer::sendStreamHeaders(Job& job) {
    if (job.headersSent || !job.socket)
        return;
    job.headersSent = true;
    job.socket->write(
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
        "Cache-Control: no-cache\r\nConnection: close\r\n"
        "X-Accel-Buffering: no\r\n\r\n");
    job.socket->write(chunk(job, {{"role", "assistant"}, {"content", ""}}, QJsonValue::Null));
}

void ApiServer::onDelta(quint64 id, const QString& text) {
    auto it = jobs_.find(id);
    if (it == jobs_.end() || !it->socket || !it->chat.stream)
        return;
    sendStreamHeaders(*it);
    it->socket->write(chunk(*it, {{"content", text}}, QJsonValue::Null));
    // A client that stops reading is treated as gone (its disconnect cancels the generation).
    if (it->socket->bytesToWrite() > kMaxUnsentStreamBytes)
        it->socket->abort();
}

void ApiServer::onFinished(quint64 id, const backend::AskResult& r) {
    if (Runner* runner = runnerOf(id)) {
        runner->job = 0;
        --running_;
    }
    Job job = jobs_.take(id);
    QTcpSocket* s = job.socket.data();
    Connection* c = s ? connections_.value(s) : nullptr;
    if (c && s->state() == QAbstractSocket::ConnectedState) {
        const int completion = static_cast<int>(r.tokenIds.size());
        const QJsonObject usage = chatUsage(r.promptTokens, completion);
        // OpenAI's reasons: a cancelled (disconnected) request has nobody to tell.
        const QString finish = r.finishReason == backend::FinishReason::Length
                                   ? QStringLiteral("length")
                                   : QStringLiteral("stop");
        int status = 200;
        if (!r.ok) {
            status = statusForError(r.errorCode);
            const QString message = withoutServerPaths(r.error);
            if (job.headersSent) {
                s->write("data: " + errorBody(status, message) + "\n\n");
            } else {
                s->write(httpResponse(status, "application/json", errorBody(status, message)));
            }
        } else if (job.chat.stream) {
            sendStreamHeaders(job);
            s->write(chunk(job, {}, finish));
            if (job.chat.includeUsage) {
                const QJsonObject o{{"id", QString::fromLatin1(job.completionId)},
                                    {"object", "chat.completion.chunk"},
                                    {"created", job.created},
                                    {"model", modelId_},
                                    {"choices", QJsonArray{}},
                                    {"usage", usage}};
                s->write("data: " + compact(o) + "\n\n");
            }
            s->write("data: [DONE]\n\n");
        } else {
            const QJsonObject o =
                chatCompletion(QString::fromLatin1(job.completionId), job.created, modelId_, r.text,
                               finish, r.promptTokens, completion);
            s->write(httpResponse(200, "application/json", compact(o)));
        }
        finishLog(s, status);
        s->disconnectFromHost();
    }
    dispatchNext();
}

void ApiServer::onDisconnected(QTcpSocket* s) {
    Connection* c = connections_.take(s);
    if (c && c->jobId && jobs_.contains(c->jobId)) {
        // The client left before its answer: drop the waiting job or stop the running one.
        const quint64 id = c->jobId;
        if (waiting_.removeOne(id)) {
            jobs_.remove(id);
        } else if (Runner* runner = runnerOf(id)) {
            runner->worker->cancel(id);  // only this request
            jobs_[id].socket = nullptr;
        }
        logLine(QString::asprintf("serve: %s %s %s client closed (%.1f ms)", c->peer.constData(),
                                  c->method.constData(), c->path.constData(),
                                  c->timer.nsecsElapsed() / 1e6));
    }
    delete c;
    s->deleteLater();
}

}  // namespace vistag::server

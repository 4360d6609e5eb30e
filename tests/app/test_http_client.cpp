// net::send against a real HTTP server on 127.0.0.1 (a QTcpServer on a thread of its own):
// many requests really in flight at once, handlers on the network thread's top-level loop and
// none on the caller's, cancel, inactivity timeout, stop from a handler, refused connections,
// and no deadlock when a handler sends.
#include <QCoreApplication>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>
#include <QUrlQuery>
#include <atomic>
#include <thread>
#include <vector>

#include "net/http_client.h"

using namespace vistag;

namespace {

// Answers by path: /slow?ms=N (the answer after N ms), /stream (a byte every 100 ms, never
// ends), /silent (accepts and never answers), /echo (the POST body back, with a header).
class ScriptedServer : public QObject {
public:
    std::atomic<int> open{0};     // requests read and not yet answered in full
    std::atomic<int> maxOpen{0};  // the most at once
    std::atomic<int> served{0};

    quint16 listen() {
        quint16 port = 0;
        QMetaObject::invokeMethod(
            this,
            [this, &port] {
                server_ = new QTcpServer(this);
                server_->setMaxPendingConnections(64);
                QObject::connect(server_, &QTcpServer::newConnection, this, [this] {
                    while (QTcpSocket* s = server_->nextPendingConnection())
                        accept(s);
                });
                server_->listen(QHostAddress::LocalHost, 0);
                port = server_->serverPort();
            },
            Qt::BlockingQueuedConnection);
        return port;
    }

private:
    void accept(QTcpSocket* s) {
        auto* buffer = new QByteArray;
        QObject::connect(s, &QObject::destroyed, [buffer] { delete buffer; });
        QObject::connect(s, &QTcpSocket::disconnected, s, &QObject::deleteLater);
        QObject::connect(s, &QTcpSocket::readyRead, s, [this, s, buffer] {
            *buffer += s->readAll();
            const qsizetype end = buffer->indexOf("\r\n\r\n");
            if (end < 0)
                return;
            const QList<QByteArray> lines = buffer->left(end).split('\n');
            qsizetype length = 0;
            for (const QByteArray& l : lines)
                if (l.toLower().startsWith("content-length:"))
                    length = l.mid(15).trimmed().toLongLong();
            if (buffer->size() < end + 4 + length)
                return;
            const QByteArray body = buffer->mid(end + 4, length);
            const QUrl url(QString::fromLatin1(lines.first().split(' ').value(1)));
            buffer->clear();
            answer(s, url, body);
        });
    }

    void begin() {
        const int now = open.fetch_add(1) + 1;
        int seen = maxOpen.load();
        while (now > seen && !maxOpen.compare_exchange_weak(seen, now)) {
        }
    }
    void end(QTcpSocket* s, const QByteArray& body, const QByteArray& extra = {}) {
        s->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n" + extra +
                 "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
        open.fetch_sub(1);
        served.fetch_add(1);
    }

    void answer(QTcpSocket* s, const QUrl& url, const QByteArray& body) {
        begin();
        const QString path = url.path();
        if (path == QLatin1String("/slow")) {
            const int ms = QUrlQuery(url).queryItemValue(QStringLiteral("ms")).toInt();
            QPointer<QTcpSocket> guard(s);
            QTimer::singleShot(ms, this, [this, guard] {
                if (guard)
                    end(guard, "done");
                else
                    open.fetch_sub(1);
            });
        } else if (path == QLatin1String("/stream")) {
            s->write(
                "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n");
            auto* tick = new QTimer(s);
            QObject::connect(tick, &QTimer::timeout, s, [s] { s->write("x"); });
            QObject::connect(s, &QObject::destroyed, this, [this] { open.fetch_sub(1); });
            tick->start(100);
        } else if (path == QLatin1String("/silent")) {
            QObject::connect(s, &QObject::destroyed, this, [this] { open.fetch_sub(1); });
        } else {
            end(s, body, "X-Echo-Length: " + QByteArray::number(body.size()) + "\r\n");
        }
    }

    QTcpServer* server_ = nullptr;
};

}  // namespace

class TestHttpClient : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() {
        serverThread_.start();
        server_.moveToThread(&serverThread_);
        port_ = server_.listen();
        QVERIFY(port_ != 0);
    }
    void cleanupTestCase() {
        QMetaObject::invokeMethod(
            &server_, [this] { server_.moveToThread(QCoreApplication::instance()->thread()); },
            Qt::BlockingQueuedConnection);
        serverThread_.quit();
        serverThread_.wait();
    }

    // Twelve requests from twelve threads are open on the server at the same time: more than
    // the six connections one QNetworkAccessManager makes to a host, so the client adds threads.
    void manyRequestsInFlightAtOnce() {
        constexpr int n = 12;
        server_.maxOpen.store(0);
        std::atomic<bool> cancel{false};
        std::vector<net::HttpResult> results(n);
        std::vector<std::thread> callers;
        for (int i = 0; i < n; ++i)
            callers.emplace_back([&, i] {
                results[i] = net::send(net::HttpRequest::get(url("/slow?ms=600")), cancel);
            });
        for (std::thread& t : callers)
            t.join();
        for (const net::HttpResult& r : results) {
            QCOMPARE(r.status, 200);
            QCOMPARE(r.error, QNetworkReply::NoError);
        }
        QCOMPARE(server_.maxOpen.load(), n);
        QVERIFY(net::stats().threads >= 2);
        QCOMPARE(net::stats().inFlight, 0);
    }

    // The handlers run on a network thread inside its own loop (loop level 1: QThread::exec,
    // nothing nested); the caller's thread runs no event loop while it waits.
    void handlersRunOnTheNetworkThreadsLoop() {
        std::atomic<bool> cancel{false};
        QThread* handlerThread = nullptr;
        int handlerLoopLevel = -1;
        QByteArray body;
        net::HttpHandlers h;
        h.onHeaders = [&](const net::HttpResult& r) {
            QCOMPARE(r.status, 200);
            handlerThread = QThread::currentThread();
            handlerLoopLevel = QThread::currentThread()->loopLevel();
        };
        h.onBytes = [&](const net::HttpResult&, const QByteArray& bytes) {
            body += bytes;
            return true;
        };
        const net::HttpResult r =
            net::send(net::HttpRequest::post(url("/echo"), "hello", "text/plain"), cancel, h);
        QCOMPARE(r.status, 200);
        QCOMPARE(body, QByteArray("hello"));
        QCOMPARE(r.header("x-echo-length"), QByteArray("5"));  // names are case-insensitive
        QVERIFY(handlerThread && handlerThread != QThread::currentThread());
        QCOMPARE(handlerLoopLevel, 1);
        QCOMPARE(QThread::currentThread()->loopLevel(), 0);
    }

    void cancelEndsAStreamingRequest() {
        std::atomic<bool> cancel{false};
        int pieces = 0;
        net::HttpHandlers h;
        h.onBytes = [&](const net::HttpResult&, const QByteArray&) {
            if (++pieces == 3)
                cancel.store(true);  // as a Stop button on another thread would
            return true;
        };
        const net::HttpResult r = net::send(net::HttpRequest::get(url("/stream")), cancel, h);
        QVERIFY(r.cancelled);
        QVERIFY(!r.timedOut);
        QCOMPARE(r.status, 200);
        QVERIFY(pieces >= 3 && pieces < 20);
    }

    void silenceTimesOut() {
        std::atomic<bool> cancel{false};
        const net::HttpResult r =
            net::send(net::HttpRequest::get(url("/silent")).idleTimeout(300), cancel);
        QVERIFY(r.timedOut);
        QVERIFY(!r.answered());
    }

    void aHandlerStopsTheBody() {
        std::atomic<bool> cancel{false};
        net::HttpHandlers h;
        h.onBytes = [](const net::HttpResult&, const QByteArray&) { return false; };
        const net::HttpResult r = net::send(net::HttpRequest::get(url("/stream")), cancel, h);
        QVERIFY(r.stopped);
        QVERIFY(!r.cancelled);
    }

    void refusedConnection() {
        QTcpServer probe;
        QVERIFY(probe.listen(QHostAddress::LocalHost, 0));
        const quint16 closed = probe.serverPort();
        probe.close();
        std::atomic<bool> cancel{false};
        const net::HttpResult r = net::send(
            net::HttpRequest::get(QUrl(QStringLiteral("http://127.0.0.1:%1/").arg(closed))),
            cancel);
        QCOMPARE(r.status, 0);
        QCOMPARE(r.error, QNetworkReply::ConnectionRefusedError);
    }

    // A handler that sends would wait for its own thread: refused at once instead.
    void sendingFromAHandlerIsRefused() {
        std::atomic<bool> cancel{false};
        net::HttpResult inner;
        net::HttpHandlers h;
        h.onHeaders = [&](const net::HttpResult&) {
            inner = net::send(net::HttpRequest::get(url("/slow?ms=0")), cancel);
        };
        const net::HttpResult r = net::send(net::HttpRequest::get(url("/slow?ms=0")), cancel, h);
        QCOMPARE(r.status, 200);
        QVERIFY(!inner.answered());
        QVERIFY(inner.errorText.contains(QLatin1String("network thread")));
    }

    void pauseEndsOnCancel() {
        std::atomic<bool> cancel{false};
        QVERIFY(net::pause(20, cancel));
        std::thread stopper([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
            cancel.store(true);
        });
        QVERIFY(!net::pause(60000, cancel));  // false: it ended on the cancel, not the time
        stopper.join();
    }

private:
    QUrl url(const char* path) const {
        return QUrl(QStringLiteral("http://127.0.0.1:%1%2").arg(port_).arg(QLatin1String(path)));
    }

    QThread serverThread_;
    ScriptedServer server_;
    quint16 port_ = 0;
};

QTEST_GUILESS_MAIN(TestHttpClient)
#include "test_http_client.moc"

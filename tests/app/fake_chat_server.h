// A scripted OpenAI-style chat server on 127.0.0.1 for tests: real HTTP on its own threads
// (plain sockets, so that it answers while the code under test runs a Qt event loop; one thread
// per connection, so a slow answer does not hold up another request). Records every request;
// the test's handler (called on several threads at once) says what each chat request gets.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace vistag::test {

struct Recorded {
    QByteArray method, path, raw;
    QJsonObject body;
};

// What the server does with one chat request: the answer's text (streamed as SSE), or a whole
// HTTP response when `rawResponse` is set.
struct Reply {
    QString content;
    QString finish = QStringLiteral("stop");
    QByteArray rawResponse{};
};

inline QByteArray sse(const QJsonObject& o) {
    return "data: " + QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n\n";
}

inline QByteArray streamOf(const Reply& r) {
    QByteArray out =
        "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n";
    // The text in three pieces, as servers stream it.
    const qsizetype n = r.content.size();
    for (qsizetype i = 0; i < 3; ++i) {
        const QString piece = r.content.mid(i * n / 3, (i + 1) * n / 3 - i * n / 3);
        out += sse(QJsonObject{
            {"choices", QJsonArray{QJsonObject{{"index", 0},
                                               {"delta", QJsonObject{{"content", piece}}},
                                               {"finish_reason", QJsonValue()}}}}});
    }
    out += sse(QJsonObject{
        {"choices", QJsonArray{QJsonObject{
                        {"index", 0}, {"delta", QJsonObject{}}, {"finish_reason", r.finish}}}},
        {"usage", QJsonObject{{"prompt_tokens", 10}, {"completion_tokens", 5}}}});
    return out + "data: [DONE]\n\n";
}

inline QByteArray httpError(int status, const QByteArray& reason, const QByteArray& message) {
    const QByteArray body =
        R"({"error":{"message":")" + message + R"(","type":"invalid_request"}})";
    return "HTTP/1.1 " + QByteArray::number(status) + " " + reason +
           "\r\nContent-Type: application/json\r\nContent-Length: " +
           QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

class FakeServer {
public:
    using Handler = std::function<Reply(const Recorded&)>;

    explicit FakeServer(Handler handler) : handler_(std::move(handler)) {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        a.sin_port = 0;
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) {
            std::perror("fake chat server: cannot listen on 127.0.0.1");
            std::abort();
        }
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { loop(); });
    }
    ~FakeServer() {
        stop_ = true;
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
        for (std::thread& t : connections_)
            t.join();
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1/v1").arg(port_); }
    std::vector<Recorded> chats() const {
        std::lock_guard lock(mutex_);
        std::vector<Recorded> out;
        for (const Recorded& r : requests_)
            if (r.path.endsWith("/chat/completions"))
                out.push_back(r);
        return out;
    }
    size_t requestCount() const {
        std::lock_guard lock(mutex_);
        return requests_.size();
    }

private:
    void loop() {
        while (!stop_) {
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0)
                return;
            connections_.emplace_back([this, c] {
                serve(c);
                ::close(c);
            });
        }
    }

    void serve(int c) {
        QByteArray data;
        char buf[65536];
        qsizetype headEnd = -1;
        while ((headEnd = data.indexOf("\r\n\r\n")) < 0) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0)
                return;
            data.append(buf, n);
        }
        const QByteArray head = data.left(headEnd);
        QByteArray body = data.mid(headEnd + 4);
        qsizetype length = 0;
        for (const QByteArray& line : head.split('\n'))
            if (line.toLower().startsWith("content-length:"))
                length = line.mid(15).trimmed().toLongLong();
        while (body.size() < length) {
            const ssize_t n = ::recv(c, buf, sizeof buf, 0);
            if (n <= 0)
                break;
            body.append(buf, n);
        }
        Recorded r;
        const QList<QByteArray> first = head.left(head.indexOf("\r\n")).split(' ');
        r.method = first.value(0);
        r.path = first.value(1);
        r.raw = body;
        r.body = QJsonDocument::fromJson(body).object();
        {
            std::lock_guard lock(mutex_);
            requests_.push_back(r);
        }
        QByteArray response;
        if (r.path.endsWith("/models")) {
            const QByteArray list = R"({"object":"list","data":[{"id":"served-model"}]})";
            response = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " +
                       QByteArray::number(list.size()) + "\r\nConnection: close\r\n\r\n" + list;
        } else {
            const Reply reply = handler_(r);
            response = reply.rawResponse.isEmpty() ? streamOf(reply) : reply.rawResponse;
        }
        for (qsizetype sent = 0; sent < response.size();) {
            const ssize_t n = ::send(c, response.constData() + sent,
                                     static_cast<size_t>(response.size() - sent), MSG_NOSIGNAL);
            if (n <= 0)
                return;
            sent += n;
        }
    }

    Handler handler_;
    int fd_ = -1;
    quint16 port_ = 0;
    std::thread thread_;
    std::vector<std::thread> connections_;  // joined by the destructor
    std::atomic<bool> stop_{false};
    mutable std::mutex mutex_;
    std::vector<Recorded> requests_;
};

// The schema a request sent, or an empty object.
inline QJsonObject sentSchema(const Recorded& r) {
    return r.body.value("response_format")
        .toObject()
        .value("json_schema")
        .toObject()
        .value("schema")
        .toObject();
}

// An answer that a schema-enforcing server could give: for each property the `pick`-th allowed
// value (counted from the end when negative, "unknown" excluded).
inline QString answerFor(const QJsonObject& schema, int pick = 0) {
    QJsonObject out;
    const QJsonObject props = schema.value("properties").toObject();
    for (auto it = props.begin(); it != props.end(); ++it) {
        const QJsonObject p = it.value().toObject();
        auto choose = [&](const QJsonArray& e) {
            QStringList allowed;
            for (const QJsonValue& v : e)
                if (v.toString() != QLatin1String("unknown"))
                    allowed << v.toString();
            if (allowed.isEmpty())
                return QStringLiteral("unknown");
            const qsizetype i = pick >= 0 ? qMin<qsizetype>(pick, allowed.size() - 1)
                                          : qMax<qsizetype>(0, allowed.size() + pick);
            return allowed[i];
        };
        if (p.contains("enum")) {
            out.insert(it.key(), choose(p.value("enum").toArray()));
        } else if (p.contains("anyOf")) {
            const QJsonObject arr = p.value("anyOf").toArray().at(0).toObject();
            out.insert(it.key(),
                       QJsonArray{choose(arr.value("items").toObject().value("enum").toArray())});
        } else {
            out.insert(it.key(), QStringLiteral("short note"));
        }
    }
    return QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Compact));
}

}  // namespace vistag::test

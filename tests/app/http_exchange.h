// One HTTP request on a connection of its own, with blocking calls (for a thread without an
// event loop), against the server under test on 127.0.0.1; the server closes the connection
// after its answer. The waits only keep a broken server from hanging the test.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QString>
#include <QTcpSocket>

namespace vistag::test {

struct HttpAnswer {
    int status = 0;
    QByteArray body;
    QString problem;  // the client's own failure
};

// `from`: the client's address (127.0.0.2 is another client to the server's per-address limits).
inline HttpAnswer exchange(quint16 port, const QByteArray& method, const QByteArray& path,
                           const QByteArray& body = {},
                           const QHostAddress& from = QHostAddress(QHostAddress::LocalHost)) {
    HttpAnswer a;
    QTcpSocket s;
    s.bind(from);
    s.connectToHost(QHostAddress::LocalHost, port);
    if (!s.waitForConnected(30000)) {
        a.problem = QStringLiteral("connect: ") + s.errorString();
        return a;
    }
    QByteArray req = method + ' ' + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
    if (!body.isEmpty())
        req +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(body.size()) +
            "\r\n";
    s.write(req + "\r\n" + body);
    while (s.bytesToWrite() > 0)
        if (!s.waitForBytesWritten(60000)) {
            a.problem = QStringLiteral("write: ") + s.errorString();
            return a;
        }
    QByteArray response;
    while (s.state() == QAbstractSocket::ConnectedState && s.waitForReadyRead(120000))
        response += s.readAll();
    response += s.readAll();
    const qsizetype sp = response.indexOf(' ');
    a.status = sp > 0 ? response.mid(sp + 1, 3).toInt() : 0;
    const qsizetype split = response.indexOf("\r\n\r\n");
    a.body = split >= 0 ? response.mid(split + 4) : QByteArray();
    if (a.status == 0)
        a.problem = QStringLiteral("no answer: ") + s.errorString();
    return a;
}

// The message of an OpenAI-style error body.
inline QString errorMessage(const QByteArray& body) {
    return QJsonDocument::fromJson(body).object()["error"].toObject()["message"].toString();
}

}  // namespace vistag::test

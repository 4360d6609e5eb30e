// Hand-written HTTP/1.1 pieces for the inference server (Qt 6.4's QHttpServer cannot stream):
// an incremental request parser with size limits, response writing, the API-key check and the
// peer allow-list. No sockets here, so the pieces are easy to test and fuzz.
#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

namespace vistag::server {

struct HttpLimits {
    qint64 maxBody = 64LL * 1024 * 1024;  // larger → 413
    int maxHeaderBytes = 16 * 1024;       // request line + headers; larger → 431
    int maxHeaders = 64;                  // more → 431
};

struct HttpRequest {
    QByteArray method;
    QByteArray target;                             // path and query as sent
    QByteArray path;                               // target without the query
    QList<QPair<QByteArray, QByteArray>> headers;  // names lower-cased
    QByteArray body;
    QByteArray header(const QByteArray& lowerName) const;
};

// Feed bytes as they arrive; state() says when a request is complete or broken.
class HttpRequestParser {
public:
    enum class State { Incomplete, Complete, Error };
    explicit HttpRequestParser(HttpLimits limits = {}) : limits_(limits) {}

    State feed(const QByteArray& bytes);
    State state() const { return state_; }
    const HttpRequest& request() const { return request_; }
    // When state() == Error: the status to answer (400, 411, 413, 431, 501, 505) and why.
    int errorStatus() const { return errorStatus_; }
    const QString& errorMessage() const { return errorMessage_; }

private:
    State fail(int status, const QString& why);
    State parseHead(const QByteArray& head);

    HttpLimits limits_;
    State state_ = State::Incomplete;
    QByteArray buffer_;
    bool headDone_ = false;
    qint64 contentLength_ = 0;
    HttpRequest request_;
    int errorStatus_ = 0;
    QString errorMessage_;
};

// "HTTP/1.1 200 OK" and friends.
QByteArray statusReason(int status);

// A complete response with Content-Length and Connection: close.
QByteArray httpResponse(int status, const QByteArray& contentType, const QByteArray& body,
                        const QList<QPair<QByteArray, QByteArray>>& extraHeaders = {});

// An OpenAI-style error body: {"error":{"message":..., "type":..., "code":...}}.
QByteArray errorBody(int status, const QString& message);

// Constant-time comparison (time depends on the lengths only, never on where they differ).
bool constantTimeEquals(const QByteArray& a, const QByteArray& b);

// True when `authorization` is "Bearer <key>" with the right key (constant time).
bool bearerMatches(const QByteArray& authorization, const QByteArray& key);

// One --allow entry ("10.0.0.0/8", "::1/128", "192.168.1.7"); false when malformed.
bool parseSubnet(const QString& text, QPair<QHostAddress, int>* subnet);

// Whether `peer` (IPv4-mapped IPv6 addresses compared as IPv4) is in one of `subnets`.
bool peerAllowed(const QHostAddress& peer, const QList<QPair<QHostAddress, int>>& subnets);

}  // namespace vistag::server

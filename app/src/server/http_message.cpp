#include "server/http_message.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <cstring>

namespace vistag::server {

QByteArray HttpRequest::header(const QByteArray& lowerName) const {
    for (const auto& h : headers)
        if (h.first == lowerName)
            return h.second;
    return {};
}

HttpRequestParser::State HttpRequestParser::fail(int status, const QString& why) {
    state_ = State::Error;
    errorStatus_ = status;
    errorMessage_ = why;
    buffer_.clear();
    return state_;
}

namespace {

bool isToken(const QByteArray& s) {
    if (s.isEmpty())
        return false;
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 32 || u >= 127 || std::strchr("()<>@,;:\\\"/[]?={}", c))
            return false;
    }
    return true;
}

}  // namespace

HttpRequestParser::State HttpRequestParser::parseHead(const QByteArray& head) {
    const QList<QByteArray> lines = head.split('\n');
    QByteArray requestLine = lines.value(0);
    if (requestLine.endsWith('\r'))
        requestLine.chop(1);
    const QList<QByteArray> parts = requestLine.split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty() || parts[1][0] != '/')
        return fail(400, QStringLiteral("malformed request line"));
    if (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")
        return fail(505, QStringLiteral("only HTTP/1.0 and HTTP/1.1 are supported"));
    request_.method = parts[0];
    request_.target = parts[1];
    const int q = parts[1].indexOf('?');
    request_.path = q < 0 ? parts[1] : parts[1].left(q);
    if (lines.size() - 1 > limits_.maxHeaders)
        return fail(431, QStringLiteral("too many header fields"));
    bool hasLength = false;
    for (int i = 1; i < lines.size(); ++i) {
        QByteArray line = lines[i];
        if (line.endsWith('\r'))
            line.chop(1);
        if (line.isEmpty())
            continue;
        const int colon = line.indexOf(':');
        if (colon <= 0)
            return fail(400, QStringLiteral("malformed header field"));
        const QByteArray name = line.left(colon).toLower();
        if (!isToken(name))
            return fail(400, QStringLiteral("malformed header field name"));
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "content-length") {
            bool ok = false;
            const qint64 n = value.toLongLong(&ok);
            if (!ok || n < 0 || (hasLength && n != contentLength_))
                return fail(400, QStringLiteral("bad Content-Length"));
            hasLength = true;
            contentLength_ = n;
        } else if (name == "transfer-encoding") {
            return fail(501, QStringLiteral("Transfer-Encoding is not supported; send "
                                            "Content-Length"));
        }
        request_.headers.append({name, value});
    }
    if (contentLength_ > limits_.maxBody)
        return fail(413, QStringLiteral("the request body is larger than %1 MB")
                             .arg(limits_.maxBody / (1024 * 1024)));
    if (request_.method == "POST" && !hasLength)
        return fail(411, QStringLiteral("POST needs a Content-Length"));
    return State::Incomplete;
}

HttpRequestParser::State HttpRequestParser::feed(const QByteArray& bytes) {
    if (state_ != State::Incomplete)
        return state_;
    buffer_.append(bytes);
    if (!headDone_) {
        // The head ends at the first empty line; CRLF or bare LF.
        qsizetype end = buffer_.indexOf("\r\n\r\n");
        qsizetype skip = 4;
        const qsizetype lf = buffer_.indexOf("\n\n");
        if (lf >= 0 && (end < 0 || lf < end)) {
            end = lf;
            skip = 2;
        }
        if (end < 0) {
            if (buffer_.size() > limits_.maxHeaderBytes)
                return fail(431, QStringLiteral("request header fields too large"));
            return state_;
        }
        if (end > limits_.maxHeaderBytes)
            return fail(431, QStringLiteral("request header fields too large"));
        const QByteArray head = buffer_.left(end);
        buffer_.remove(0, end + skip);
        headDone_ = true;
        if (parseHead(head) == State::Error)
            return state_;
        request_.body.reserve(contentLength_);
    }
    if (buffer_.size() >= contentLength_) {
        request_.body = buffer_.left(contentLength_);
        buffer_.clear();
        state_ = State::Complete;
    }
    return state_;
}

QByteArray statusReason(int status) {
    switch (status) {
        case 200:
            return "OK";
        case 400:
            return "Bad Request";
        case 401:
            return "Unauthorized";
        case 403:
            return "Forbidden";
        case 404:
            return "Not Found";
        case 405:
            return "Method Not Allowed";
        case 408:
            return "Request Timeout";
        case 411:
            return "Length Required";
        case 413:
            return "Content Too Large";
        case 429:
            return "Too Many Requests";
        case 431:
            return "Request Header Fields Too Large";
        case 500:
            return "Internal Server Error";
        case 501:
            return "Not Implemented";
        case 503:
            return "Service Unavailable";
        case 505:
            return "HTTP Version Not Supported";
        default:
            return "Unknown";
    }
}

QByteArray httpResponse(int status, const QByteArray& contentType, const QByteArray& body,
                        const QList<QPair<QByteArray, QByteArray>>& extraHeaders) {
    QByteArray out = "HTTP/1.1 " + QByteArray::number(status) + ' ' + statusReason(status) +
                     "\r\nContent-Type: " + contentType +
                     "\r\nContent-Length: " + QByteArray::number(body.size()) +
                     "\r\nConnection: close\r\n";
    for (const auto& h : extraHeaders)
        out += h.first + ": " + h.second + "\r\n";
    out += "\r\n";
    out += body;
    return out;
}

QByteArray errorBody(int status, const QString& message) {
    QString type = QStringLiteral("invalid_request_error");
    if (status == 401)
        type = QStringLiteral("authentication_error");
    else if (status == 403)
        type = QStringLiteral("permission_error");
    else if (status == 429)
        type = QStringLiteral("rate_limit_error");
    else if (status >= 500)
        type = QStringLiteral("server_error");
    const QJsonObject err{{"message", message}, {"type", type}, {"code", status}};
    return QJsonDocument(QJsonObject{{"error", err}}).toJson(QJsonDocument::Compact);
}

bool constantTimeEquals(const QByteArray& a, const QByteArray& b) {
    const qsizetype n = qMax(a.size(), b.size());
    unsigned diff = a.size() == b.size() ? 0u : 1u;
    for (qsizetype i = 0; i < n; ++i) {
        const auto x = static_cast<unsigned char>(i < a.size() ? a[i] : 0);
        const auto y = static_cast<unsigned char>(i < b.size() ? b[i] : 0);
        diff |= static_cast<unsigned>(x ^ y);
    }
    return diff == 0;
}

bool bearerMatches(const QByteArray& authorization, const QByteArray& key) {
    const QByteArray prefix = "bearer ";
    if (authorization.size() < prefix.size() ||
        authorization.left(prefix.size()).toLower() != prefix)
        return false;
    return constantTimeEquals(authorization.mid(prefix.size()).trimmed(), key);
}

bool parseSubnet(const QString& text, QPair<QHostAddress, int>* subnet) {
    const QString t = text.trimmed();
    if (t.isEmpty())
        return false;
    if (!t.contains(QLatin1Char('/'))) {
        QHostAddress a;
        if (!a.setAddress(t))
            return false;
        *subnet = {a, a.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128};
        return true;
    }
    const auto s = QHostAddress::parseSubnet(t);
    if (s.first.isNull() || s.second < 0)
        return false;
    *subnet = s;
    return true;
}

bool peerAllowed(const QHostAddress& peer, const QList<QPair<QHostAddress, int>>& subnets) {
    QHostAddress p = peer;
    bool isV4 = false;
    const quint32 v4 = peer.toIPv4Address(&isV4);
    if (isV4)
        p = QHostAddress(v4);
    for (const auto& s : subnets)
        if (p.isInSubnet(s))
            return true;
    return false;
}

}  // namespace vistag::server

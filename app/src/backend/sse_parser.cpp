#include "backend/sse_parser.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <cmath>

namespace vistag::backend {

// ---- SseParser ----------------------------------------------------------------------------------

void SseParser::reset() {
    *this = SseParser();
}

QList<SseEvent> SseParser::feed(QByteArrayView chunk) {
    QList<SseEvent> out;
    if (error_)
        return out;
    qsizetype i = 0;
    if (!started_) {
        // A UTF-8 byte order mark at the very start is ignored; it may arrive byte by byte.
        static const QByteArray bom("\xEF\xBB\xBF");
        while (i < chunk.size() && line_.size() < 3 && bom.startsWith(line_ + chunk.at(i)))
            line_ += chunk.at(i++);
        if (line_.size() == 3) {
            line_.clear();
            started_ = true;
        } else if (i < chunk.size()) {
            started_ = true;  // not a BOM: what was held back is ordinary text
        } else {
            return out;
        }
    }
    if (pendingCr_ && i < chunk.size()) {
        if (chunk.at(i) == '\n')
            ++i;
        pendingCr_ = false;
    }
    while (i < chunk.size()) {
        qsizetype j = i;
        while (j < chunk.size() && chunk.at(j) != '\n' && chunk.at(j) != '\r')
            ++j;
        line_.append(chunk.data() + i, j - i);
        if (line_.size() > kMaxLineBytes) {
            error_ = true;
            line_.clear();
            return out;
        }
        if (j == chunk.size())
            break;  // a partial line: wait for more bytes
        const bool cr = chunk.at(j) == '\r';
        i = j + 1;
        if (cr) {
            if (i < chunk.size()) {
                if (chunk.at(i) == '\n')
                    ++i;
            } else {
                pendingCr_ = true;
            }
        }
        const QByteArray line = std::exchange(line_, QByteArray());
        processLine(line, &out);
    }
    return out;
}

QList<SseEvent> SseParser::finish() {
    QList<SseEvent> out;
    if (error_)
        return out;
    if (!line_.isEmpty())
        processLine(std::exchange(line_, QByteArray()), &out);
    dispatch(&out);
    pendingCr_ = false;
    return out;
}

void SseParser::processLine(const QByteArray& line, QList<SseEvent>* out) {
    if (line.isEmpty()) {
        dispatch(out);
        return;
    }
    if (line.startsWith(':')) {
        ++comments_;
        return;
    }
    const qsizetype colon = line.indexOf(':');
    const QByteArray field = colon < 0 ? line : line.left(colon);
    QByteArray value = colon < 0 ? QByteArray() : line.mid(colon + 1);
    if (value.startsWith(' '))
        value.remove(0, 1);
    if (field == "data") {
        if (hasData_)
            current_.data += '\n';
        current_.data += value;
        hasData_ = true;
    } else if (field == "event") {
        current_.event = value;
    } else if (field == "id") {
        current_.id = value;
    }
    // "retry" and unknown fields are ignored.
}

void SseParser::dispatch(QList<SseEvent>* out) {
    if (hasData_)
        out->append(current_);
    current_ = SseEvent();
    hasData_ = false;
}

// ---- ChatStreamInterpreter ----------------------------------------------------------------------

namespace {

QString errorMessage(const QJsonValue& error) {
    if (error.isString())
        return error.toString();
    const QJsonObject o = error.toObject();
    QString message = o.value(QLatin1String("message")).toString();
    if (message.isEmpty())
        message = o.value(QLatin1String("detail")).toString();
    if (message.isEmpty())
        message = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    return message;
}

QString shortened(const QByteArray& data) {
    QString s = QString::fromUtf8(data.left(80)).simplified();
    if (data.size() > 80)
        s += QStringLiteral("…");
    return s;
}

}  // namespace

bool ChatStreamInterpreter::fail(const QString& message) {
    if (error_.isEmpty())
        error_ = message;
    return false;
}

bool ChatStreamInterpreter::handle(const SseEvent& event, QString* newText) {
    if (newText)
        newText->clear();
    if (hasError())
        return false;
    const QByteArray data = event.data.trimmed();
    if (data == "[DONE]") {
        done_ = true;
        return true;
    }
    if (data.isEmpty())
        return true;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (event.event == "error")
            return fail(QStringLiteral("the server reported an error: %1").arg(shortened(data)));
        return fail(QStringLiteral("the server sent a malformed stream chunk (%1 at byte %2): %3")
                        .arg(pe.error != QJsonParseError::NoError ? pe.errorString()
                                                                  : QStringLiteral("not an object"))
                        .arg(pe.offset)
                        .arg(shortened(data)));
    }
    const QJsonObject o = doc.object();
    if (o.contains(QLatin1String("error")) && !o.value(QLatin1String("error")).isNull())
        return fail(QStringLiteral("the server reported an error: %1")
                        .arg(errorMessage(o.value(QLatin1String("error")))));
    if (event.event == "error")
        return fail(QStringLiteral("the server reported an error: %1").arg(errorMessage(o)));
    if (o.contains(QLatin1String("model")))
        model_ = o.value(QLatin1String("model")).toString();
    const QJsonObject usage = o.value(QLatin1String("usage")).toObject();
    if (usage.contains(QLatin1String("prompt_tokens")))
        promptTokens_ = usage.value(QLatin1String("prompt_tokens")).toInt(-1);
    if (usage.contains(QLatin1String("completion_tokens")))
        completionTokens_ = usage.value(QLatin1String("completion_tokens")).toInt(-1);
    const QJsonArray choices = o.value(QLatin1String("choices")).toArray();
    if (choices.isEmpty())
        return true;  // e.g. the usage-only chunk
    const QJsonObject choice = choices.at(0).toObject();
    const QString piece =
        choice.value(QLatin1String("delta")).toObject().value(QLatin1String("content")).toString();
    const int begin = static_cast<int>(text_.size());
    text_ += piece;
    if (newText)
        *newText = piece;

    const QJsonArray logprobs = choice.value(QLatin1String("logprobs"))
                                    .toObject()
                                    .value(QLatin1String("content"))
                                    .toArray();
    if (!logprobs.isEmpty()) {
        // One span per token when the tokens spell out this delta's text exactly; otherwise
        // (byte-level pieces, missing tokens) every token gets the whole delta.
        QString joined;
        for (const QJsonValue& t : logprobs)
            joined += t.toObject().value(QLatin1String("token")).toString();
        const bool exact = joined == piece;
        int pos = begin;
        for (const QJsonValue& t : logprobs) {
            const QJsonObject to = t.toObject();
            const double lp = to.value(QLatin1String("logprob")).toDouble(qQNaN());
            tokenProbs_ << (std::isfinite(lp) ? std::exp(qMin(lp, 0.0)) : (lp < 0 ? 0.0 : -1.0));
            if (exact) {
                const int len =
                    static_cast<int>(to.value(QLatin1String("token")).toString().size());
                tokenSpans_.append({pos, pos + len});
                pos += len;
            } else {
                tokenSpans_.append({begin, static_cast<int>(text_.size())});
            }
        }
    }
    const QJsonValue finish = choice.value(QLatin1String("finish_reason"));
    if (finish.isString() && !finish.toString().isEmpty())
        finishReason_ = finish.toString();
    return true;
}

bool ChatStreamInterpreter::feed(SseParser& parser, QByteArrayView bytes, QString* newText) {
    if (newText)
        newText->clear();
    const QList<SseEvent> events = parser.feed(bytes);
    if (parser.hasError())
        return fail(QStringLiteral("the server sent a stream line longer than %1 MB")
                        .arg(SseParser::kMaxLineBytes >> 20));
    QString piece;
    for (const SseEvent& e : events) {
        if (!handle(e, &piece))
            return false;
        if (newText)
            *newText += piece;
    }
    return true;
}

bool ChatStreamInterpreter::finish(SseParser& parser, QString* newText) {
    if (newText)
        newText->clear();
    QString piece;
    for (const SseEvent& e : parser.finish()) {
        if (!handle(e, &piece))
            return false;
        if (newText)
            *newText += piece;
    }
    return !hasError();
}

}  // namespace vistag::backend

// Server-Sent Events for OpenAI-style streaming: an incremental event parser that takes byte
// chunks split anywhere, and an interpreter for chat-completions streams built on it.
#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QList>
#include <QPair>
#include <QString>

namespace vistag::backend {

struct SseEvent {
    QByteArray event;  // the "event:" field; empty means "message"
    QByteArray data;   // the "data:" lines joined with '\n'
    QByteArray id;
};

// Incremental SSE parser (the WHATWG event-stream grammar): lines end with "\r\n", "\n" or "\r"
// (also when the two bytes of "\r\n" arrive in different chunks), lines starting with ':' are
// comments (keep-alives), a blank line dispatches the event. Never throws.
class SseParser {
public:
    // Most bytes one line may hold before the stream is treated as broken.
    static constexpr qsizetype kMaxLineBytes = 32 * 1024 * 1024;

    // Feeds bytes; returns the events completed by them. After an error (a line past
    // kMaxLineBytes) returns nothing more; see hasError().
    QList<SseEvent> feed(QByteArrayView chunk);
    // End of stream: a last line without a line break and an event without its blank line are
    // still delivered (some servers close right after "data: [DONE]\n").
    QList<SseEvent> finish();
    void reset();

    bool hasError() const { return error_; }
    // Comment lines seen so far (keep-alives).
    int comments() const { return comments_; }

private:
    void processLine(const QByteArray& line, QList<SseEvent>* out);
    void dispatch(QList<SseEvent>* out);

    QByteArray line_;
    SseEvent current_;
    bool hasData_ = false;
    bool pendingCr_ = false;  // the previous chunk ended with '\r': skip a leading '\n'
    bool started_ = false;    // a leading UTF-8 BOM has been checked
    bool error_ = false;
    int comments_ = 0;
};

// Interprets the events of an OpenAI chat-completions stream (`stream: true`):
// `data: {json}` chunks with choices[0].delta.content, finish_reason, an optional usage chunk and
// optional choices[0].logprobs.content[] entries, `data: [DONE]`, and `data: {"error": {...}}`.
class ChatStreamInterpreter {
public:
    // Handles one event. Returns false when it is an error event or not valid JSON (error() says
    // what); *newText receives the text this event adds (may be empty).
    bool handle(const SseEvent& event, QString* newText = nullptr);
    // Feeds raw bytes through an SseParser and handles every completed event; newText gets the
    // text added by all of them. Returns false at the first error.
    bool feed(SseParser& parser, QByteArrayView bytes, QString* newText = nullptr);
    bool finish(SseParser& parser, QString* newText = nullptr);

    const QString& text() const { return text_; }
    const QString& finishReason() const { return finishReason_; }  // empty until one arrives
    bool hasFinishReason() const { return !finishReason_.isEmpty(); }
    bool sawDone() const { return done_; }
    bool hasError() const { return !error_.isEmpty(); }
    const QString& error() const { return error_; }
    int promptTokens() const { return promptTokens_; }          // -1 when not reported
    int completionTokens() const { return completionTokens_; }  // -1 when not reported
    QString model() const { return model_; }
    // From logprobs, when the server sent them: probability of each token and its UTF-16
    // [begin, end) in text(). Parallel lists.
    const QList<double>& tokenProbs() const { return tokenProbs_; }
    const QList<QPair<int, int>>& tokenSpans() const { return tokenSpans_; }

private:
    bool fail(const QString& message);

    QString text_;
    QString finishReason_;
    QString error_;
    QString model_;
    bool done_ = false;
    int promptTokens_ = -1;
    int completionTokens_ = -1;
    QList<double> tokenProbs_;
    QList<QPair<int, int>> tokenSpans_;
};

}  // namespace vistag::backend

// The SSE parser and the chat-completions stream interpreter, fed in every possible split.
#include <QtTest>
#include <cmath>

#include "backend/remote_http.h"
#include "backend/sse_parser.h"

using vistag::backend::ChatStreamInterpreter;
using vistag::backend::SseEvent;
using vistag::backend::SseParser;

namespace {

// Feeds `bytes` in pieces of `step` bytes (0: all at once) and collects the events.
QList<SseEvent> parseInPieces(const QByteArray& bytes, int step, bool finish = true) {
    SseParser p;
    QList<SseEvent> out;
    if (step <= 0)
        step = static_cast<int>(bytes.size());
    for (qsizetype i = 0; i < bytes.size(); i += step)
        out += p.feed(bytes.mid(i, step));
    if (finish)
        out += p.finish();
    return out;
}

QByteArray chunk(const QString& content, const char* finish = nullptr) {
    QJsonObject delta{{"content", content}};
    QJsonObject choice{{"index", 0}, {"delta", delta}};
    choice.insert("finish_reason", finish ? QJsonValue(QString::fromLatin1(finish)) : QJsonValue());
    QJsonObject o{
        {"id", "c1"}, {"object", "chat.completion.chunk"}, {"choices", QJsonArray{choice}}};
    return "data: " + QJsonDocument(o).toJson(QJsonDocument::Compact) + "\n\n";
}

// Runs a whole stream through the interpreter split every `step` bytes.
ChatStreamInterpreter interpret(const QByteArray& bytes, int step, QString* streamed) {
    SseParser parser;
    ChatStreamInterpreter it;
    QString piece;
    for (qsizetype i = 0; i < bytes.size(); i += step) {
        if (!it.feed(parser, bytes.mid(i, step), &piece))
            return it;
        *streamed += piece;
    }
    if (it.finish(parser, &piece))
        *streamed += piece;
    return it;
}

}  // namespace

class TestSseParser final : public QObject {
    Q_OBJECT
private slots:
    // Not SSE, but the other half of reading a streaming server's answer: how long a 429/503
    // asks the client to wait (remote_http::retryAfterMs).
    void retryAfterAsSecondsOrHttpDate() {
        using vistag::backend::remote_http::retryAfterMs;
        const QDateTime now =
            QDateTime::fromString(QStringLiteral("2026-11-25T16:00:00Z"), Qt::ISODate);
        QCOMPARE(retryAfterMs("3", now, 777), 3000);
        QCOMPARE(retryAfterMs(" 0.5 ", now, 777), 500);
        QCOMPARE(retryAfterMs("", now, 777), 777);
        QCOMPARE(retryAfterMs("-4", now, 777), 777);
        QCOMPARE(retryAfterMs("soon", now, 777), 777);
        QCOMPARE(retryAfterMs("Wed, 25 Nov 2026 16:00:07 GMT", now, 777), 7000);
        QCOMPARE(retryAfterMs("Wed, 25 Nov 2026 15:59:00 GMT", now, 777), 0);  // already past
    }

    void eventsSurviveEverySplit() {
        const QByteArray stream =
            ": keep-alive\r\n"
            "\r\n"
            "data: first\r\n\r\n"
            "event: note\n"
            "data: line one\n"
            "data: line two\n"
            "id: 7\n"
            "\n"
            ":another comment\r"
            "data:no-space\r\r"
            "retry: 10\n"
            "unknown field\n"
            "data\n\n";
        for (int step = 1; step <= stream.size(); ++step) {
            const auto events = parseInPieces(stream, step);
            QCOMPARE(events.size(), 4);
            QCOMPARE(events[0].data, QByteArray("first"));
            QCOMPARE(events[1].event, QByteArray("note"));
            QCOMPARE(events[1].data, QByteArray("line one\nline two"));
            QCOMPARE(events[1].id, QByteArray("7"));
            QCOMPARE(events[2].data, QByteArray("no-space"));
            QCOMPARE(events[3].data, QByteArray(""));
        }
    }
    void crLfSplitAcrossChunksIsOneLineBreak() {
        SseParser p;
        QVERIFY(p.feed("data: a\r").isEmpty());
        const auto e = p.feed("\n\r\n");  // "\r\n" then a blank line
        QCOMPARE(e.size(), 1);
        QCOMPARE(e[0].data, QByteArray("a"));
        QVERIFY(p.finish().isEmpty());
    }
    void commentsOnlyGiveNoEvents() {
        SseParser p;
        QVERIFY(p.feed(": ping\n\n: ping\r\n\r\n:\n").isEmpty());
        QVERIFY(p.finish().isEmpty());
        QCOMPARE(p.comments(), 3);
    }
    void byteOrderMarkIsSkipped() {
        const QByteArray s =
            "\xEF\xBB\xBF"
            "data: x\n\n";
        for (int step = 1; step <= 3; ++step) {
            const auto e = parseInPieces(s, step);
            QCOMPARE(e.size(), 1);
            QCOMPARE(e[0].data, QByteArray("x"));
        }
    }
    void unterminatedLastEventIsDeliveredAtFinish() {
        QCOMPARE(parseInPieces("data: [DONE]", 1).size(), 1);
        QCOMPARE(parseInPieces("data: [DONE]\n", 1).at(0).data, QByteArray("[DONE]"));
        QVERIFY(parseInPieces("data: [DONE]", 1, /*finish=*/false).isEmpty());
    }
    void overlongLineIsAnError() {
        SseParser p;
        const QByteArray big(1 << 20, 'x');
        for (int i = 0; i < 40 && !p.hasError(); ++i)
            p.feed(big);
        QVERIFY(p.hasError());
        QVERIFY(p.feed("\n\n").isEmpty());
    }

    void chatStreamAssemblesText() {
        QByteArray s = ": keep-alive\n\n";
        s += chunk(QStringLiteral("颜色：")) + chunk(QStringLiteral("红色")) +
             chunk(QStringLiteral("\n袖长: 长袖")) + chunk(QString(), "stop");
        s += "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":5}}\n\n";
        s += "data: [DONE]\n\n";
        const QByteArray crlf = QByteArray(s).replace("\n", "\r\n");
        for (int step = 1; step <= crlf.size(); step += (step < 40 ? 1 : 17)) {
            QString streamed;
            const auto it = interpret(step % 2 ? crlf : s, step, &streamed);
            QVERIFY2(!it.hasError(), qPrintable(it.error()));
            QCOMPARE(it.text(), QStringLiteral("颜色：红色\n袖长: 长袖"));
            QCOMPARE(streamed, it.text());
            QCOMPARE(it.finishReason(), QStringLiteral("stop"));
            QVERIFY(it.sawDone());
            QCOMPARE(it.promptTokens(), 12);
            QCOMPARE(it.completionTokens(), 5);
            QVERIFY(it.tokenProbs().isEmpty());
        }
    }
    void noDoneAfterFinishIsComplete() {
        QString streamed;
        const auto it = interpret(chunk("hi") + chunk("", "length"), 3, &streamed);
        QVERIFY(!it.hasError());
        QCOMPARE(it.finishReason(), QStringLiteral("length"));
        QVERIFY(!it.sawDone());
    }
    void streamWithoutFinishHasNoFinishReason() {
        QString streamed;
        const auto it = interpret(chunk("partial") + "data: [DONE]\n\n", 1, &streamed);
        QVERIFY(!it.hasError());
        QVERIFY(!it.hasFinishReason());
        QCOMPARE(it.text(), QStringLiteral("partial"));
    }
    void badJsonIsAClearError() {
        for (int step : {1, 5, 1000}) {
            QString streamed;
            const auto it =
                interpret(chunk("ok") + "data: {\"choices\": [{\"delta\": \n\n" + chunk("never"),
                          step, &streamed);
            QVERIFY(it.hasError());
            QVERIFY2(it.error().contains(QLatin1String("malformed")), qPrintable(it.error()));
            QCOMPARE(it.text(), QStringLiteral("ok"));
        }
        QString streamed;
        QVERIFY(interpret("data: [1, 2]\n\n", 1, &streamed).hasError());
        QVERIFY(interpret("data: \xff\xfe garbage\n\n", 1, &streamed).hasError());
    }
    void errorEventsAreErrors() {
        QString streamed;
        auto it = interpret(chunk("a") +
                                "data: {\"error\": {\"message\": \"CUDA out of memory\", "
                                "\"type\": \"server_error\"}}\n\n",
                            2, &streamed);
        QVERIFY(it.hasError());
        QVERIFY2(it.error().contains(QLatin1String("CUDA out of memory")), qPrintable(it.error()));
        it = interpret("data: {\"error\": \"overloaded\"}\n\n", 1, &streamed);
        QVERIFY(it.error().contains(QLatin1String("overloaded")));
        it = interpret("event: error\ndata: {\"message\": \"bad things\"}\n\n", 1, &streamed);
        QVERIFY(it.error().contains(QLatin1String("bad things")));
    }
    void logprobsBecomeTokenProbabilities() {
        const QByteArray s =
            "data: {\"choices\":[{\"delta\":{\"content\":\"红色\"},\"logprobs\":{\"content\":"
            "[{\"token\":\"红\",\"logprob\":-0.1},{\"token\":\"色\",\"logprob\":0}]}}]}\n\n"
            "data: {\"choices\":[{\"delta\":{\"content\":\", 棉\"},\"logprobs\":{\"content\":"
            "[{\"token\":\"bytes:\\\\xe6\",\"logprob\":-1.5}]},\"finish_reason\":\"stop\"}]}\n\n";
        QString streamed;
        const auto it = interpret(s, 7, &streamed);
        QVERIFY2(!it.hasError(), qPrintable(it.error()));
        QCOMPARE(it.text(), QStringLiteral("红色, 棉"));
        QCOMPARE(it.tokenProbs().size(), 3);
        QCOMPARE(it.tokenSpans().size(), 3);
        QVERIFY(std::abs(it.tokenProbs()[0] - std::exp(-0.1)) < 1e-12);
        QCOMPARE(it.tokenProbs()[1], 1.0);
        QCOMPARE(it.tokenSpans()[0], qMakePair(0, 1));
        QCOMPARE(it.tokenSpans()[1], qMakePair(1, 2));
        // Token strings that do not spell the delta: the whole delta.
        QCOMPARE(it.tokenSpans()[2], qMakePair(2, 5));
    }
};

QTEST_GUILESS_MAIN(TestSseParser)
#include "test_sse_parser.moc"

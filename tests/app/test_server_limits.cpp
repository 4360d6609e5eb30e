// The server's limits on a response_format json_schema (tracker issue 21, defect 7): a huge
// schema is measured before anything is built from it and refused with 400 and a message naming
// the limit, so that the thread that reads every connection's requests stays free — /health is
// answered right after it, over real sockets.
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QtTest>
#include <atomic>
#include <thread>

#include "backend/inference_backend.h"
#include "http_exchange.h"
#include "server/api_server.h"
#include "server/chat_request.h"

using namespace vistag;
using namespace vistag::server;

using vistag::test::errorMessage;
using vistag::test::exchange;
using vistag::test::HttpAnswer;

namespace {

class FakeBackend final : public backend::InferenceBackend {
public:
    QString backendName() const override { return QStringLiteral("fake"); }
    QString modelId() const override { return QStringLiteral("fake-model"); }
    backend::AskHandlePtr submit(const backend::AskRequest& request,
                                 backend::TextCallback onText) override {
        backend::AskResult r;
        r.ok = true;
        r.text = request.tagSchema ? QStringLiteral("{\"colour\":\"v1\"}") : QStringLiteral("hi");
        if (onText)
            onText(r.text);
        r.finishReason = backend::FinishReason::Stop;
        auto h = std::make_shared<backend::AskHandle>();
        h->finish(r);
        return h;
    }
};

// A chat request whose response_format holds `properties` properties of `values` enum values
// each ("v0", "v1", ...).
QByteArray requestWithSchema(int properties, int values) {
    QJsonObject props;
    QJsonArray required;
    for (int p = 0; p < properties; ++p) {
        QJsonArray e;
        for (int k = 0; k < values; ++k)
            e.append(QStringLiteral("v%1").arg(k));
        const QString name = p == 0 ? QStringLiteral("colour") : QStringLiteral("p%1").arg(p);
        props.insert(name, QJsonObject{{"type", "string"}, {"enum", e}});
        required.append(name);
    }
    const QJsonObject schema{{"type", "object"},
                             {"properties", props},
                             {"required", required},
                             {"additionalProperties", false}};
    const QJsonObject body{
        {"model", "fake-model"},
        {"messages", QJsonArray{QJsonObject{{"role", "user"}, {"content", "tag it"}}}},
        {"response_format",
         QJsonObject{{"type", "json_schema"},
                     {"json_schema", QJsonObject{{"name", "tags"}, {"schema", schema}}}}}};
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

QJsonObject schemaOf(const QByteArray& request) {
    return QJsonDocument::fromJson(request)
        .object()["response_format"]
        .toObject()["json_schema"]
        .toObject()["schema"]
        .toObject();
}

}  // namespace

class TestServerLimits final : public QObject {
    Q_OBJECT
private slots:
    void defaults() {
        const ChatLimits l;
        QCOMPARE(l.maxSchemaProperties, 256);
        QCOMPARE(l.maxSchemaEnumValues, 10000);
        QCOMPARE(l.maxSchemaTotalValues, 20000);
        QCOMPARE(l.maxSchemaBytes, 4LL << 20);
    }

    void schemaWithinTheLimitsIsTaken() {
        ChatJob job;
        QString err;
        QVERIFY2(parseChatRequest(requestWithSchema(2, 10000), {}, ChatLimits{}, &job, &err),
                 qPrintable(err));
        QVERIFY(job.tagSchema);
        QCOMPARE(job.tagSchema->attributes.size(), size_t(2));
        QCOMPARE(job.tagSchema->attributes[0].values.size(), size_t(10000));
    }

    void hostileSchemasAreRefusedNamingTheLimit_data() {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QString>("message");
        QTest::newRow("one enum too long")
            << requestWithSchema(1, 10001)
            << "a list of 10001 items in property 'colour' (at most 10000)";
        QTest::newRow("too many values in all")
            << requestWithSchema(3, 7000) << "more than 20000 enum values in all";
        QTest::newRow("too many properties")
            << requestWithSchema(257, 1) << "257 properties (at most 256)";
        QByteArray deep = requestWithSchema(1, 1);
        QByteArray nested = "\"x\"";
        for (int i = 0; i < 20; ++i)
            nested = "[" + nested + "]";
        deep.replace("\"additionalProperties\":false",
                     "\"additionalProperties\":false,\"x\":" + nested);
        QTest::newRow("too deep") << deep << "nested more than 8 levels";
        QByteArray longString = requestWithSchema(1, 1);
        longString.replace("\"v0\"", "\"" + QByteArray(5 << 20, 'a') + "\"");
        QTest::newRow("too many bytes")
            << longString << QStringLiteral("more than %1 bytes").arg(4 << 20);
    }
    void hostileSchemasAreRefusedNamingTheLimit() {
        QFETCH(QByteArray, request);
        QFETCH(QString, message);
        ChatJob job;
        QString err;
        QVERIFY(!checkSchemaLimits(schemaOf(request), ChatLimits{}, &err));
        QVERIFY2(err.startsWith(QStringLiteral("response_format: the json_schema is too large")),
                 qPrintable(err));
        QVERIFY2(err.contains(message), qPrintable(err));
        QVERIFY(!parseChatRequest(request, {}, ChatLimits{}, &job, &err));
        QVERIFY2(err.contains(message), qPrintable(err));
    }

    // Over real sockets: a request with a million enum values is answered 400 with the limit,
    // then /health on a new connection is answered, and a schema within the limits still works.
    void hugeSchemaIsRefusedAndHealthIsAnswered() {
        ServerOptions o;
        o.host = QHostAddress::LocalHost;
        o.port = 0;
        o.log = [](const QString&) {};
        ApiServer server(o, std::make_shared<FakeBackend>());
        QString err;
        QVERIFY2(server.listen(&err), qPrintable(err));
        const quint16 port = server.port();

        const QByteArray huge = requestWithSchema(1, 1000000);
        qInfo("hostile request: %lld bytes", static_cast<long long>(huge.size()));
        HttpAnswer hostile, health, normal;
        qint64 hostileMs = 0, healthMs = 0;
        std::atomic<bool> done{false};
        std::thread client([&] {
            QElapsedTimer t;
            t.start();
            hostile = exchange(port, "POST", "/v1/chat/completions", huge);
            hostileMs = t.restart();
            health = exchange(port, "GET", "/health");
            healthMs = t.elapsed();
            normal = exchange(port, "POST", "/v1/chat/completions", requestWithSchema(2, 50));
            done = true;
        });
        // The server answers on this thread's event loop while the client waits.
        const bool finished = QTest::qWaitFor([&] { return done.load(); }, 600000);
        client.join();
        QVERIFY(finished);
        qInfo("hostile request answered in %lld ms, /health after it in %lld ms",
              static_cast<long long>(hostileMs), static_cast<long long>(healthMs));
        QVERIFY2(hostile.problem.isEmpty(), qPrintable(hostile.problem));
        QCOMPARE(hostile.status, 400);
        QVERIFY2(errorMessage(hostile.body)
                     .contains(QStringLiteral("a list of 1000000 items in property 'colour'")),
                 hostile.body.constData());
        QVERIFY2(health.problem.isEmpty(), qPrintable(health.problem));
        QCOMPARE(health.status, 200);
        QCOMPARE(health.body, QByteArray(R"({"status":"ok"})"));
        QVERIFY2(normal.problem.isEmpty(), qPrintable(normal.problem));
        QVERIFY2(normal.status == 200, normal.body.constData());
    }
};

QTEST_GUILESS_MAIN(TestServerLimits)
#include "test_server_limits.moc"

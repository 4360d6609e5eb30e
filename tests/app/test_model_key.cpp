// The result cache names a model by its weights, not its folder's name: two folders called
// "model" with other weights are two models; the same weights copied elsewhere are one; a
// server's model is named with its server.
#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "backend/local_backend.h"
#include "backend/remote_backend.h"

using vistag::backend::LocalBackend;
using vistag::backend::RemoteBackend;
using vistag::backend::RemoteOptions;

namespace {

void writeModel(const QString& folder, const QByteArray& config, char fill, qint64 size) {
    QDir().mkpath(folder);
    QFile c(folder + QStringLiteral("/config.json"));
    QVERIFY(c.open(QIODevice::WriteOnly));
    c.write(config);
    QFile w(folder + QStringLiteral("/model.safetensors"));
    QVERIFY(w.open(QIODevice::WriteOnly));
    w.write(QByteArray(size, fill));
}

}  // namespace

class TestModelKey final : public QObject {
    Q_OBJECT
private slots:
    void sameNameOtherWeightsDiffer() {
        QTemporaryDir dir;
        const QByteArray config = R"({"model_type": "qwen3_vl"})";
        writeModel(dir.filePath("shop-a/model"), config, 'a', 1 << 20);
        writeModel(dir.filePath("shop-b/model"), config, 'b', 1 << 20);  // a fine-tune
        writeModel(dir.filePath("copy/model"), config, 'a', 1 << 20);    // the same weights
        const QString a = LocalBackend::weightsFingerprint(dir.filePath("shop-a/model"));
        const QString b = LocalBackend::weightsFingerprint(dir.filePath("shop-b/model"));
        const QString copy = LocalBackend::weightsFingerprint(dir.filePath("copy/model"));
        QCOMPARE(a.size(), 12);
        QVERIFY(a != b);
        QCOMPARE(copy, a);
        writeModel(dir.filePath("other-config/model"), R"({"model_type": "qwen3_vl", "x": 1})", 'a',
                   1 << 20);
        QVERIFY(LocalBackend::weightsFingerprint(dir.filePath("other-config/model")) != a);
    }

    void serverModelIsNamedWithItsServer() {
        RemoteOptions one, two;
        one.baseUrl = QStringLiteral("http://gpu-1:8000/v1");
        two.baseUrl = QStringLiteral("http://gpu-2:8000/v1/");
        one.model = two.model = QStringLiteral("qwen3-vl");
        QCOMPARE(RemoteBackend(one).cacheModelKey(), QString("qwen3-vl@http://gpu-1:8000/v1"));
        QCOMPARE(RemoteBackend(two).cacheModelKey(), QString("qwen3-vl@http://gpu-2:8000/v1"));
        one.apiKey = QStringLiteral("secret");
        QVERIFY(!RemoteBackend(one).cacheModelKey().contains(QLatin1String("secret")));
    }
};

QTEST_GUILESS_MAIN(TestModelKey)
#include "test_model_key.moc"

// The request seam: InferenceBackend::submit() returns a handle whose cancel ends that request
// only. Two questions and a batch run on one local engine (the tiny random model) at once; one
// question is cancelled; the other question and the batch finish with their own results. The
// same against a scripted server on 127.0.0.1, where the cancelled request is one the server
// never answers (a silent server): it ends at once, not at its timeout.
#include <QImage>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>
#include <atomic>
#include <thread>

#include "backend/local_backend.h"
#include "backend/remote_backend.h"
#include "batch/batch_runner.h"
#include "catalog/catalog_db.h"
#include "fake_chat_server.h"
#include "tags/taxonomy.h"

using namespace vistag;
using backend::AskHandlePtr;
using backend::AskRequest;
using backend::AskResult;
using backend::FinishReason;

namespace {

AskRequest question(const QString& prompt, int maxNewTokens) {
    AskRequest r;
    r.prompt = prompt;
    r.params.maxNewTokens = maxNewTokens;
    r.params.temperature = 0;
    return r;
}

// A batch over two images of `db`, run by a BatchRunner on its own thread against `backend`.
struct BatchRun {
    bool ok = false;
    QString error;
    catalog::BatchProgress progress;
};

BatchRun runBatch(const QString& dbPath, backend::InferenceBackend& backend,
                  const QStringList& images) {
    BatchRun out;
    catalog::CatalogDb db;
    if (!db.open(dbPath, &out.error))
        return out;
    QList<qint64> ids;
    for (const QString& path : images) {
        catalog::ImageRecord r;
        r.path = path;
        r.contentHash = path;
        ids << db.addImage(r).value_or(0);
    }
    const catalog::Taxonomy taxonomy = catalog::Taxonomy::defaultApparel();
    catalog::BatchSpec spec;
    spec.mode = QStringLiteral("replace");
    spec.prompt = QStringLiteral("Tag this product.");
    spec.params.maxNewTokens = 48;
    const auto batch = db.createBatch(spec.mode, spec.prompt, backend.cacheModelKey(),
                                      spec.params.toJson(), ids, &out.error);
    if (!batch)
        return out;
    catalog::BatchRunner runner(db, backend, taxonomy);
    const std::atomic<bool> never{false};
    out.ok = runner.run(*batch, spec, {}, &never, &out.error);
    out.progress = db.batchProgress(*batch).value_or(catalog::BatchProgress{});
    return out;
}

}  // namespace

class TestRequestSeam final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        for (int i = 0; i < 2; ++i) {
            QImage img(96, 128, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(40 + 90 * i, 180, 220));
            images_ << tmp_.filePath(QStringLiteral("item%1.png").arg(i));
            QVERIFY(img.save(images_.last()));
        }
    }

    void cancellingOneLocalRequestLeavesTheOthers() {
        const QString model = qEnvironmentVariable("VISTAG_TINY_MODEL");
        QVERIFY2(QFileInfo::exists(model + QStringLiteral("/config.json")),
                 "the tiny model fixture (ctest: make_tiny_model) must run first");
        backend::LocalOptions o;
        o.device = QStringLiteral("cpu");
        o.dtype = QStringLiteral("float32");
        o.batched = true;
        o.maxSequences = 4;
        QString error;
        auto local = backend::LocalBackend::load(model, o, &error);
        QVERIFY2(local, qPrintable(error));

        // The question to cancel is long; it is cancelled after its first words.
        std::atomic<int> chunks{0};
        AskRequest longOne = question(QStringLiteral("Describe this product at length."), 2000);
        longOne.images = {backend::RequestImage::file(images_[0])};
        const AskHandlePtr cancelled =
            local->submit(longOne, [&](const QString&) { return ++chunks, true; });
        AskRequest shortOne = question(QStringLiteral("What colour is it?"), 12);
        shortOne.images = {backend::RequestImage::file(images_[1])};
        const AskHandlePtr other = local->submit(shortOne);
        BatchRun batch;
        std::thread batchThread([&] {
            batch = runBatch(tmp_.filePath(QStringLiteral("local.sqlite")), *local, images_);
        });
        QTRY_VERIFY_WITH_TIMEOUT(chunks.load() > 0 || cancelled->finished(), 120000);
        cancelled->cancel();

        const AskResult c = cancelled->wait();
        QVERIFY2(c.ok, qPrintable(c.error));
        QCOMPARE(c.finishReason, FinishReason::Cancelled);
        QVERIFY(c.tokenIds.size() < 2000);
        const AskResult r = other->wait();
        QVERIFY2(r.ok, qPrintable(r.error));
        QVERIFY(r.finishReason != FinishReason::Cancelled);
        QVERIFY(r.tokenIds.size() <= 12);
        batchThread.join();
        QVERIFY2(batch.ok, qPrintable(batch.error));
        QCOMPARE(batch.progress.done, 2);
        QCOMPARE(batch.progress.failed + batch.progress.cancelled, 0);
        // The same request alone gives the same tokens: cancelling its neighbour changed nothing.
        const AskResult again = local->ask(shortOne);
        QCOMPARE(again.tokenIds, r.tokenIds);
    }

    // An image whose header says 11,000 × 12,000 pixels is refused by its token budget before it
    // is decoded (issue 21): the bytes after the header are not an image at all, and the error
    // is the budget's, not the decoder's.
    void anImageTooLargeForTheContextIsRefusedFromItsHeader() {
        const QString model = qEnvironmentVariable("VISTAG_TINY_MODEL");
        QVERIFY(QFileInfo::exists(model + QStringLiteral("/config.json")));
        backend::LocalOptions o;
        o.device = QStringLiteral("cpu");
        o.batched = true;
        QString error;
        auto local = backend::LocalBackend::load(model, o, &error);
        QVERIFY2(local, qPrintable(error));
        const auto be32 = [](quint32 v) {
            const char b[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
            return QByteArray(b, 4);
        };
        QByteArray png("\x89PNG\r\n\x1a\n", 8);
        png += be32(13) + QByteArray("IHDR") + be32(11000) + be32(12000) +
               QByteArray("\x08\x02\x00\x00\x00", 5) + be32(0);
        png += QByteArray(300, 'x');  // never decoded
        AskRequest r = question(QStringLiteral("What is this?"), 8);
        r.images = {backend::RequestImage{QString(), png}};
        const AskResult result = local->ask(r);
        QVERIFY(!result.ok);
        QVERIFY2(result.error.contains(QLatin1String("tokens, more than the model's context")),
                 qPrintable(result.error));
        QCOMPARE(result.errorCode, static_cast<int>(inference::ErrorCode::Prompt));
        // Within a pixel budget the same header fits: then it is decoded, and the decoder finds
        // the bytes are not an image.
        r.params.maxPixels = 256 * 256;
        const AskResult budgeted = local->ask(r);
        QVERIFY(!budgeted.ok);
        QVERIFY2(!budgeted.error.contains(QLatin1String("more than the model's context")),
                 qPrintable(budgeted.error));
    }

    void cancellingOneServerRequestLeavesTheOthers() {
        std::atomic<bool> release{false};
        test::FakeServer server([&](const test::Recorded& rec) {
            const QString text = QString::fromUtf8(QJsonDocument(rec.body).toJson());
            if (text.contains(QLatin1String("never answered"))) {
                // A silent server: nothing until the test ends.
                for (int i = 0; i < 3000 && !release.load(); ++i)
                    QThread::msleep(10);
                return test::Reply{QStringLiteral("too late")};
            }
            if (text.contains(QLatin1String("Tag this product")))
                return test::Reply{QStringLiteral(R"({"category":"dress","colour":"red"})")};
            return test::Reply{QStringLiteral("It is red.")};
        });
        backend::RemoteOptions o;
        o.baseUrl = server.url();
        o.model = QStringLiteral("scripted");
        o.inactivityTimeoutMs = 60000;  // the cancel, not the timeout, must end it
        backend::RemoteBackend remote(o);

        const AskHandlePtr silent = remote.submit(question(QStringLiteral("never answered"), 50));
        const AskHandlePtr other = remote.submit(question(QStringLiteral("What colour?"), 20));
        BatchRun batch;
        std::thread batchThread([&] {
            batch = runBatch(tmp_.filePath(QStringLiteral("remote.sqlite")), remote, images_);
        });
        const AskResult r = other->wait();
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(r.text, QStringLiteral("It is red."));
        QVERIFY(!silent->finished());
        QElapsedTimer clock;
        clock.start();
        silent->cancel();
        const AskResult c = silent->wait();
        qInfo("a silent server's request ended %lld ms after its cancel", clock.elapsed());
        QVERIFY(c.finishReason == FinishReason::Cancelled || !c.ok);
        QVERIFY(!c.text.contains(QLatin1String("too late")));
        batchThread.join();
        QVERIFY2(batch.ok, qPrintable(batch.error));
        QCOMPARE(batch.progress.done, 2);
        release.store(true);
    }

private:
    QTemporaryDir tmp_;
    QStringList images_;
};

QTEST_MAIN(TestRequestSeam)
#include "test_request_seam.moc"

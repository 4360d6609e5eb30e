// The window's scheduler (BackendController) against a scripted server on 127.0.0.1 that answers
// several requests at once, slowly: a question asked during a batch is answered before the batch
// ends, Stop in the ask pane never cancels a batch item, the batch keeps its requests in flight
// together, and connecting to another server or loading a (broken) model while an answer streams
// ends the old request cleanly (its client is its own: nothing is deleted under it).
#include <QImage>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>
#include <chrono>
#include <thread>

#include "catalog/catalog_db.h"
#include "fake_chat_server.h"
#include "scheduler/backend_controller.h"

using namespace vistag;
using namespace std::chrono_literals;

namespace {

const QString kBatchPrompt = QStringLiteral("Describe the garment for the catalogue.");

}  // namespace

class TestScheduler final : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

    // n images in a fresh catalogue and a batch over them; the batch id.
    qint64 makeBatch(const QString& file, int n) {
        catalog::CatalogDb db;
        if (!db.open(dir_.filePath(file)))
            return 0;
        QList<qint64> ids;
        for (int i = 0; i < n; ++i) {
            QImage img(32 + i, 24, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 40 % 360, 200, 200));
            const QString path = dir_.filePath(QStringLiteral("%1-%2.png").arg(file).arg(i));
            img.save(path);
            catalog::ImageRecord r;
            r.path = path;
            r.contentHash = QStringLiteral("h-%1-%2").arg(file).arg(i);
            r.width = img.width();
            r.height = img.height();
            ids << db.addImage(r).value_or(0);
        }
        return db
            .createBatch(QStringLiteral("append"), kBatchPrompt, QStringLiteral("served-model"),
                         QStringLiteral("{}"), ids)
            .value_or(0);
    }

    backend::BatchJob job(const QString& file, qint64 batchId) {
        backend::BatchJob j;
        j.dbPath = dir_.filePath(file);
        j.batchId = batchId;
        j.spec.mode = QStringLiteral("append");
        j.spec.prompt = kBatchPrompt;  // a free answer, read leniently (no schema)
        j.taxonomy = catalog::Taxonomy::defaultApparel();
        return j;
    }

    static bool connectTo(backend::BackendController& c, const QString& url) {
        QSignalSpy loaded(&c, &backend::BackendController::modelLoaded);
        backend::RemoteOptions o;
        o.baseUrl = url;
        o.structuredOutput = backend::StructuredOutput::None;
        c.useRemote(o);
        return loaded.wait(10000) && loaded.first().value(0).toBool();
    }

    static bool isBatch(const test::Recorded& r) {
        return QJsonDocument(r.body).toJson().contains(kBatchPrompt.toUtf8());
    }

private slots:
    void questionDuringBatchIsAnsweredFirstAndStopSparesTheBatch() {
        std::atomic<int> inFlight{0}, mostInFlight{0};
        test::FakeServer server([&](const test::Recorded& r) {
            const bool batch = isBatch(r);
            const int now = ++inFlight;
            for (int m = mostInFlight.load();
                 now > m && !mostInFlight.compare_exchange_weak(m, now);)
                ;
            // Batch items take 600 ms; the slow question 5 s (it is stopped); others 50 ms.
            const bool slow = QJsonDocument(r.body).toJson().contains("take your time");
            std::this_thread::sleep_for(batch ? 600ms : slow ? 5000ms : 50ms);
            --inFlight;
            return test::Reply{batch ? QStringLiteral("A red cotton dress.")
                                     : QStringLiteral("It is red.")};
        });
        backend::BackendController c;
        QVERIFY(connectTo(c, server.url()));
        const qint64 batchId = makeBatch(QStringLiteral("a.sqlite"), 6);
        QVERIFY(batchId);
        QSignalSpy items(&c, &backend::BackendController::batchItem);
        QSignalSpy finished(&c, &backend::BackendController::batchFinished);
        QSignalSpy answered(&c, &backend::BackendController::answerFinished);
        c.setRequestsInFlight(2);
        QVERIFY(c.runBatch(job(QStringLiteral("a.sqlite"), batchId)));

        // A slow question, stopped from the ask pane while the batch runs.
        backend::AskRequest slow;
        slow.prompt = QStringLiteral("What colour is it? take your time");
        const qint64 slowJob = c.ask(slow);
        QTest::qWait(300);
        c.stop();
        QVERIFY(answered.wait(5000));
        QCOMPARE(answered.last().value(0).toLongLong(), slowJob);
        QCOMPARE(answered.last().value(1).value<backend::AskResult>().finishReason,
                 backend::FinishReason::Cancelled);
        // A question asked now is answered long before the batch (6 × 600 ms over 2) ends.
        backend::AskRequest quick;
        quick.prompt = QStringLiteral("What colour is it?");
        const qint64 quickJob = c.ask(quick);
        QVERIFY(answered.wait(5000));
        QCOMPARE(answered.last().value(0).toLongLong(), quickJob);
        QCOMPARE(answered.last().value(1).value<backend::AskResult>().text, QString("It is red."));
        QVERIFY2(finished.isEmpty(), "the batch ended before the question was answered");

        QVERIFY(finished.wait(20000));
        QCOMPARE(finished.first().value(1).toBool(), true);   // ok
        QCOMPARE(finished.first().value(2).toBool(), false);  // not cancelled
        catalog::CatalogDb db;
        QVERIFY(db.open(dir_.filePath(QStringLiteral("a.sqlite"))));
        const auto p = db.batchProgress(batchId).value();
        QCOMPARE(p.done, 6);
        QCOMPARE(p.pending + p.running + p.failed, 0);
        // No item was put back: the Stop reached the question only.
        QVERIFY(items.size() >= 12);  // every item: running, then done
        for (const QList<QVariant>& item : items)
            QVERIFY2(item.value(2).value<catalog::ItemState>() != catalog::ItemState::Pending,
                     "a batch item was cancelled");
        // Two items at once, plus the question beside them.
        int batchRequests = 0;
        for (const test::Recorded& r : server.chats())
            batchRequests += isBatch(r) ? 1 : 0;
        QCOMPARE(batchRequests, 6);
        QVERIFY2(mostInFlight.load() >= 2, "the batch did not keep two requests in flight");
    }

    // A new connection, then a broken model, while answers stream: each old request ends with
    // "cancelled" and nothing it used is deleted under it.
    void setupWhileAnswerStreamsEndsItCleanly() {
        test::FakeServer server([&](const test::Recorded&) {
            std::this_thread::sleep_for(1500ms);
            return test::Reply{QStringLiteral("A long answer that arrives late.")};
        });
        backend::BackendController c;
        QVERIFY(connectTo(c, server.url()));
        QSignalSpy answered(&c, &backend::BackendController::answerFinished);
        backend::AskRequest q;
        q.prompt = QStringLiteral("Describe it.");
        const qint64 first = c.ask(q);
        QTest::qWait(200);
        QVERIFY(connectTo(c, server.url()));  // replaces the client the answer is streaming on
        QTRY_VERIFY_WITH_TIMEOUT(!answered.isEmpty(), 5000);  // may have come during connectTo
        QCOMPARE(answered.first().value(0).toLongLong(), first);
        const auto r1 = answered.first().value(1).value<backend::AskResult>();
        QCOMPARE(r1.finishReason, backend::FinishReason::Cancelled);

        const qint64 second = c.ask(q);
        QTest::qWait(200);
        QSignalSpy loaded(&c, &backend::BackendController::modelLoaded);
        c.loadLocalModel(dir_.filePath(QStringLiteral("no-such-model")));
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.first().value(0).toBool(), false);
        QVERIFY(!loaded.first().value(1).toString().isEmpty());
        QTRY_COMPARE_WITH_TIMEOUT(answered.size(), 2, 5000);
        QCOMPARE(answered.last().value(0).toLongLong(), second);
        QCOMPARE(answered.last().value(1).value<backend::AskResult>().finishReason,
                 backend::FinishReason::Cancelled);
        QVERIFY(!c.hasModel());
        QVERIFY(!c.busy());
    }

    // Closing the window (destroying the controller) with a question and a batch in flight
    // joins them: nothing runs on afterwards.
    void destroyedWhileWorkRuns() {
        test::FakeServer server([&](const test::Recorded&) {
            std::this_thread::sleep_for(800ms);
            return test::Reply{QStringLiteral("late")};
        });
        const qint64 batchId = makeBatch(QStringLiteral("b.sqlite"), 4);
        {
            backend::BackendController c;
            QVERIFY(connectTo(c, server.url()));
            QVERIFY(c.runBatch(job(QStringLiteral("b.sqlite"), batchId)));
            backend::AskRequest q;
            q.prompt = QStringLiteral("Describe it.");
            c.ask(q);
            QTest::qWait(200);
        }
        catalog::CatalogDb db;
        QVERIFY(db.open(dir_.filePath(QStringLiteral("b.sqlite"))));
        QCOMPARE(db.batchProgress(batchId)->running, 0);  // what was in flight went back
        QVERIFY(db.resetInterrupted(batchId));
    }
};

QTEST_MAIN(TestScheduler)
#include "test_scheduler.moc"

// Auto-tagging from the window with the tiny random model (VISTAG_TINY_MODEL, built by the ctest
// fixture) through the real local backend on its worker thread and a real SQLite catalogue:
// progress to N/N, tags stored, Cancel leaves the rest queued, and a new window resumes it.
#include <QAction>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QElapsedTimer>
#include <QImage>
#include <QItemSelectionModel>
#include <QLabel>
#include <QListView>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QSpinBox>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>

#include "ask_pane.h"
#include "batch/batch_runner.h"
#include "batch_panel.h"
#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "image_viewer.h"
#include "logging/app_log.h"
#include "main_window.h"
#include "scheduler/backend_controller.h"
#include "settings_dialog.h"
#include "tag_editor.h"
#include "tags/tag_extraction.h"
#include "tags/tag_schema.h"

using namespace vistag;

namespace {

QString artifactPath(const QString& name) {
    const QString dir = qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath());
    QDir().mkpath(dir);
    return dir + QLatin1Char('/') + name + QStringLiteral(".png");
}

// The tiny random model picks values at random: images whose answer should give known tags get
// it from the result cache, keyed exactly as the (constrained, default) batch will ask.
const QList<catalog::TagSuggestion> kSeededTags = {
    {QStringLiteral("category"), QStringLiteral("dress"), QStringLiteral("dress"), false, 0.9, -1,
     0.8},
    {QStringLiteral("style"), QStringLiteral("boho"), QStringLiteral("boho"), false, 0.7, -1, 0.6},
    {QStringLiteral("colour"), QStringLiteral("red"), QStringLiteral("red"), false, 0.5, -1, 0.4}};

void seedAnswer(catalog::CatalogDb& db, qint64 imageId, const QString& modelId,
                const catalog::InferenceParams& params, const QString& answer) {
    const QString language = QLocale().language() == QLocale::Chinese ? "zh" : "en";
    const catalog::BatchSpec spec =
        catalog::taggingSpec(catalog::Taxonomy::defaultApparel(), QStringLiteral("untagged"),
                             language, params, true, false);
    catalog::RunRecord run;
    run.imageId = imageId;
    run.backend = QStringLiteral("local");
    run.modelId = modelId;
    run.prompt = spec.prompt;
    run.paramsJson = spec.params.toJson();
    run.answer = answer;
    run.tagsJson = catalog::suggestionsToJson(kSeededTags);
    run.finishReason = QStringLiteral("stop");
    QVERIFY(db.recordRun(run));
}

QStringList tagValues(catalog::CatalogDb& db, qint64 imageId) {
    QStringList out;
    for (const auto& t : db.tagsForImage(imageId).value_or(QList<catalog::TagRecord>{}))
        out << t.attribute + QLatin1Char('=') + t.valueCode;
    out.sort();
    return out;
}

}  // namespace

class TestBatchTagging final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QStringList images_;
    const QString answer_ = QStringLiteral(R"({"category":"dress","style":"boho","colour":"red"})");

    void openWindowWithImages(ui::MainWindow& w, int count) {
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy imported(&w, &ui::MainWindow::importFinished);
        w.importPaths(images_.mid(0, count));
        QVERIFY(imported.wait(20000));
        QCOMPARE(w.catalogModel()->rowCount(), count);
    }

    void loadModel(ui::MainWindow& w) {
        QSignalSpy loaded(w.backend(), &backend::BackendController::modelLoaded);
        w.backend()->loadLocalModel(qEnvironmentVariable("VISTAG_TINY_MODEL"), "cpu", "float32");
        QVERIFY(loaded.wait(60000));
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
    }

private slots:
    void initTestCase() {
        QVERIFY2(QFileInfo::exists(qEnvironmentVariable("VISTAG_TINY_MODEL") + "/config.json"),
                 "the tiny model fixture (ctest: make_tiny_model) must run first");
        QVERIFY(logging::setup(tmp_.filePath(QStringLiteral("logs"))));
        for (int i = 0; i < 6; ++i) {
            QImage img(240 + 16 * i, 320, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 55, 160, 220));
            for (int y = 40; y < 280; ++y)
                for (int x = 60; x < 180; ++x)
                    img.setPixel(x, y, qRgb(250 - i * 20, 240, 230));
            images_ << tmp_.filePath(QStringLiteral("product-%1.png").arg(i + 1));
            QVERIFY(img.save(images_.last()));
        }
    }

    // Settings → Generation reaches a batch started in the window: the parameters stored with
    // the batch and with each of its model runs are the ones chosen in the dialog.
    void settingsReachTheBatch() {
        const QString dbPath = tmp_.filePath(QStringLiteral("settings-batch.sqlite"));
        ui::MainWindow w(dbPath);
        openWindowWithImages(w, 2);
        loadModel(w);
        ui::SettingsDialog dialog(w.settings(), w.shortcuts(), &w);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        dialog.findChild<QSpinBox*>(QStringLiteral("maxNewTokens"))->setValue(9);
        dialog.findChild<QSpinBox*>(QStringLiteral("maxPixels"))->setValue(100000);
        dialog.findChild<QDoubleSpinBox*>(QStringLiteral("repetitionPenalty"))->setValue(1.15);
        dialog.findChild<QDoubleSpinBox*>(QStringLiteral("presencePenalty"))->setValue(0.3);
        QTest::mouseClick(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok),
                          Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        w.applySettings(dialog.settings());  // what openSettings() does with OK

        QListView* grid = w.catalogPane()->view();
        grid->setFocus();
        grid->selectAll();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QSignalSpy finished(w.batchPanel(), &ui::BatchPanel::finished);
        QTest::keyClick(&w, Qt::Key_T, Qt::ControlModifier);
        QVERIFY(w.batchPanel()->running());
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), true);

        catalog::CatalogDb db;
        QVERIFY(db.open(dbPath));
        QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
        QStringList stored;
        QVERIFY(q.exec(QStringLiteral("SELECT params_json FROM batches")));
        while (q.next())
            stored << q.value(0).toString();
        QVERIFY(q.exec(QStringLiteral("SELECT params_json FROM runs")));
        int runs = 0;
        while (q.next()) {
            stored << q.value(0).toString();
            ++runs;
        }
        QCOMPARE(runs, 2);
        QCOMPARE(stored.size(), 3);
        for (const QString& json : stored) {
            const catalog::InferenceParams p = catalog::InferenceParams::fromJson(json);
            QCOMPARE(p.maxNewTokens, 9);
            QCOMPARE(p.maxPixels, 100000);
            QCOMPARE(p.repetitionPenalty, 1.15);
            QCOMPARE(p.presencePenalty, 0.3);
        }
    }

    void tagsTheSelectionWithProgressToTheEnd() {
        const QString dbPath = tmp_.filePath(QStringLiteral("selection.sqlite"));
        ui::MainWindow w(dbPath);
        openWindowWithImages(w, 5);
        loadModel(w);
        ui::BatchPanel* panel = w.batchPanel();
        QVERIFY(panel->isHidden());  // nothing to show yet
        panel->params.maxNewTokens = 24;

        catalog::CatalogDb db;  // the test's own connection to the same file
        QVERIFY(db.open(dbPath));
        QList<qint64> ids;
        for (const QString& p : images_.mid(0, 5))
            ids << db.imageByPath(p)->id;
        for (int i = 0; i < 3; ++i)
            seedAnswer(db, ids[i], w.backend()->cacheModelKey(), panel->params, answer_);

        // Select all and press Ctrl+T.
        QListView* grid = w.catalogPane()->view();
        grid->setFocus();
        grid->selectAll();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QSignalSpy progress(panel, &ui::BatchPanel::progressChanged);
        QSignalSpy finished(panel, &ui::BatchPanel::finished);
        bool shot = false;
        // The screenshot of a batch in progress, and the longest gap between 5 ms ticks of the
        // GUI thread while the model runs (reported, not asserted).
        connect(panel, &ui::BatchPanel::imageChanged, this, [&](qint64, catalog::ItemState) {
            // Several images are in flight at once: any change while the batch is under way.
            if (!shot && panel->running() && panel->progressBar()->value() >= 2) {
                shot = w.grab().save(artifactPath(QStringLiteral("batch-in-progress")));
            }
        });
        QElapsedTimer tick;
        qint64 longestGap = 0;
        QTimer timer;
        timer.setInterval(5);
        connect(&timer, &QTimer::timeout, [&] {
            if (tick.isValid())
                longestGap = qMax(longestGap, tick.restart());
            else
                tick.start();
        });
        timer.start();
        QTest::keyClick(&w, Qt::Key_T, Qt::ControlModifier);
        QVERIFY(panel->running());
        QVERIFY(panel->isVisible());
        QVERIFY(panel->cancelButton()->isVisible());
        QVERIFY(finished.wait(120000));
        timer.stop();
        qInfo("longest GUI stall while tagging: %lld ms", longestGap);
        QCOMPARE(finished.first().at(0).toBool(), true);   // ok
        QCOMPARE(finished.first().at(1).toBool(), false);  // not cancelled
        QVERIFY(shot);
        QCOMPARE(progress.last().at(0).toInt(), 5);
        QCOMPARE(progress.last().at(1).toInt(), 5);
        // Counts went up one image at a time.
        int last = -1;
        for (const auto& call : progress) {
            QVERIFY(call.at(0).toInt() >= last);
            last = call.at(0).toInt();
        }

        // The seeded answers' tags, with their confidence and allowed mass; every image is done.
        const QStringList expected = {"category=dress", "colour=red", "style=boho"};
        for (int i = 0; i < 3; ++i)
            QCOMPARE(tagValues(db, ids[i]), expected);
        const QList<catalog::TagRecord> first = *db.tagsForImage(ids[0]);
        for (const auto& t : first)
            if (t.attribute == QLatin1String("category")) {
                QCOMPARE(t.confidence, 0.9);
                QCOMPARE(t.allowedMass, 0.8);
            }
        // The two the model answered under the constraint: values for most attributes, every one
        // of them in the taxonomy.
        const catalog::Taxonomy taxonomy = catalog::Taxonomy::defaultApparel();
        for (int i = 3; i < 5; ++i) {
            const auto tags = *db.tagsForImage(ids[i]);
            QSet<QString> attributes;
            for (const auto& t : tags) {
                attributes.insert(t.attribute);
                QVERIFY2(t.isNewValue || taxonomy.value(t.attribute, t.valueCode),
                         qPrintable(t.attribute + QLatin1Char('=') + t.valueCode));
                QVERIFY(t.confidence >= 0 && t.confidence <= 1);
            }
            QVERIFY2(attributes.size() * 2 > taxonomy.attributes().size(),
                     qPrintable(QString::number(attributes.size())));
        }
        // The window with a constrained answer's suggestions and their confidence.
        grid->selectionModel()->setCurrentIndex(
            w.catalogModel()->index(w.catalogModel()->rowOfImage(ids[3])),
            QItemSelectionModel::ClearAndSelect);
        QTRY_COMPARE(w.tagEditor()->imageId(), ids[3]);
        QTest::qWait(200);
        QVERIFY(w.grab().save(artifactPath(QStringLiteral("constrained-suggestions"))));
        for (int r = 0; r < 5; ++r) {
            const QModelIndex index = w.catalogModel()->index(r);
            QCOMPARE(index.data(ui::CatalogModel::BatchStatusRole).value<catalog::ItemState>(),
                     catalog::ItemState::Done);
        }
        const auto tagged = w.catalogModel()->index(w.catalogModel()->rowOfImage(ids[0]));
        QCOMPARE(
            tagged.data(ui::CatalogModel::ReviewStateRole).value<vistag::catalog::ReviewState>(),
            vistag::catalog::ReviewState::Suggested);
        QCOMPARE(panel->unfinishedCount(), 0);
        QVERIFY(!panel->running());
        // The two images the model really ran on (the others came from the cache) are in the
        // application log, one line each, like questions asked in the window.
        logging::flush();
        QFile log(logging::logFilePath());
        QVERIFY(log.open(QIODevice::ReadOnly));
        const QString logText = QString::fromUtf8(log.readAll());
        for (const char* name : {"product-4.png", "product-5.png"})
            QCOMPARE(logText.count(QStringLiteral("inference backend=local model=") +
                                   w.backend()->modelId() + QStringLiteral(" images=[") +
                                   QLatin1String(name) + QLatin1Char(']')),
                     1);

        // The catalogue with the viewer: one image selected, shown large, its tags beside it.
        QSignalSpy shown(w.viewer(), &ui::ImageViewer::imageLoaded);
        w.selectRow(1);
        QCOMPARE(w.viewer()->imagePath(), images_[1]);
        QVERIFY(shown.wait(10000));
        QCOMPARE(shown.last().at(0).toString(), images_[1]);
        QTest::qWait(200);  // thumbnails
        QVERIFY(w.grab().save(artifactPath(QStringLiteral("catalogue-viewer"))));
    }

    void cancelKeepsTheRestQueuedAndANewWindowResumes() {
        const QString dbPath = tmp_.filePath(QStringLiteral("resume.sqlite"));
        catalog::InferenceParams longAnswers;
        qint64 batchId = 0;
        int left = 0;
        QString modelId;
        {
            ui::MainWindow w(dbPath);
            openWindowWithImages(w, 6);
            loadModel(w);
            modelId = w.backend()->cacheModelKey();
            ui::BatchPanel* panel = w.batchPanel();
            // Long enough that Cancel, pressed right after the answer below, finds images left
            // (the ordering itself does not depend on time: see the question below).
            panel->params.maxNewTokens = 400;
            // Every parameter travels with the batch: the resumed window must ask with these
            // (penalties included) to hit the answers seeded below under the same cache key.
            panel->params.repetitionPenalty = 1.05;
            panel->params.presencePenalty = 0.25;
            panel->params.topK = 7;
            panel->params.seed = 11;
            longAnswers = panel->params;
            QSignalSpy items(panel, &ui::BatchPanel::imageChanged);
            QSignalSpy finished(panel, &ui::BatchPanel::finished);
            w.findChild<QAction*>(QStringLiteral("tagUntagged"))->trigger();
            QVERIFY(panel->running());
            batchId = panel->runningBatch();
            QVERIFY(items.wait(60000));
            QCOMPARE(items.first().at(1).value<catalog::ItemState>(), catalog::ItemState::Running);

            // A question asked meanwhile goes first once the image being tagged is done; it
            // does not wait for the whole batch: when its answer arrives at most one image is
            // finished and the batch is still running.
            QSignalSpy progress(panel, &ui::BatchPanel::progressChanged);
            w.askPane()->setImages({images_[5]});
            w.askPane()->params.maxNewTokens = 4;
            w.askPane()->setPrompt(QStringLiteral("What is this?"));
            QSignalSpy answered(w.askPane(), &ui::AskPane::finished);
            w.askPane()->askNow();
            QVERIFY(answered.wait(300000));
            const auto r = answered.first().at(0).value<backend::AskResult>();
            QVERIFY2(r.ok, qPrintable(r.error));
            QVERIFY(panel->running());  // the batch goes on afterwards

            QVERIFY(progress.isEmpty() || progress.last().at(0).toInt() <= 1);

            // Ctrl+Q while tagging asks first; "Keep working" keeps the window and the batch.
            QTimer::singleShot(0, &w, [] {
                QWidget* box = nullptr;
                for (int i = 0; i < 250 && !box; ++i) {
                    QTest::qWait(20);
                    if (QWidget* m = QApplication::activeModalWidget();
                        m && m->objectName() == QLatin1String("quitConfirm"))
                        box = m;
                }
                QVERIFY(box);
                for (QPushButton* b : box->findChildren<QPushButton*>())
                    if (b->text() == ui::MainWindow::tr("Keep working"))
                        QTest::mouseClick(b, Qt::LeftButton);
            });
            QTest::keyClick(&w, Qt::Key_Q, Qt::ControlModifier);
            QVERIFY(w.isVisible());
            QVERIFY(panel->running());

            QTest::mouseClick(panel->cancelButton(), Qt::LeftButton);
            QVERIFY(finished.wait(30000));
            QCOMPARE(finished.first().at(0).toBool(), true);
            QCOMPARE(finished.first().at(1).toBool(), true);  // cancelled

            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            const auto p = db.batchProgress(batchId);
            QVERIFY(p);
            QVERIFY2(p->pending >= 1 && p->running == 0 && p->failed == 0 && p->cancelled == 0,
                     qPrintable(QStringLiteral("pending %1 running %2 done %3 failed %4")
                                    .arg(p->pending)
                                    .arg(p->running)
                                    .arg(p->done)
                                    .arg(p->failed)));
            QCOMPARE(p->pending + p->done + p->skipped, 6);
            left = p->pending;
            QCOMPARE(panel->unfinishedCount(), left);
            QVERIFY(panel->resumeButton()->isVisible());
            QVERIFY(panel->resumeButton()->text().contains(QString::number(left)));
            // The images still queued show it in the grid.
            const auto states = *db.batchItemStates(batchId);
            for (auto it = states.cbegin(); it != states.cend(); ++it) {
                const int row = w.catalogModel()->rowOfImage(it.key());
                QCOMPARE(w.catalogModel()
                             ->index(row)
                             .data(ui::CatalogModel::BatchStatusRole)
                             .value<catalog::ItemState>(),
                         it.value());
            }
        }

        // The answers the resumed batch will get (same prompt, model and parameters).
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            for (const QString& p : images_)
                seedAnswer(db, db.imageByPath(p)->id, modelId, longAnswers, answer_);
            // The batch record kept every parameter (and the tag schema it was started with).
            const auto batches = db.unfinishedBatches();
            QVERIFY(batches && batches->size() == 1 && batches->first().id == batchId);
            const auto stored = catalog::InferenceParams::fromJson(batches->first().paramsJson);
            QVERIFY(!stored.tagSchema.isEmpty());
            catalog::InferenceParams expected = longAnswers;
            expected.tagSchema = stored.tagSchema;
            QCOMPARE(stored.toJson(), expected.toJson());
        }

        // "Restart": a new window on the same catalogue offers to resume.
        ui::MainWindow w(dbPath);
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::BatchPanel* panel = w.batchPanel();
        QVERIFY(panel->isVisible());
        QVERIFY(panel->resumeButton()->isVisible());
        QCOMPARE(panel->resumeButton()->text(),
                 ui::BatchPanel::tr("Resume tagging (%n left)", nullptr, left));
        int queued = 0;
        for (int r = 0; r < w.catalogModel()->rowCount(); ++r)
            queued += w.catalogModel()->index(r).data(ui::CatalogModel::BatchStatusRole) ==
                      QVariant::fromValue(catalog::ItemState::Pending);
        QCOMPARE(queued, left);
        QVERIFY(w.grab().save(artifactPath(QStringLiteral("batch-resume-offer"))));

        // Without a model, resuming says what to do and starts nothing.
        QVERIFY(!panel->resume());
        loadModel(w);
        QCOMPARE(w.backend()->cacheModelKey(), modelId);
        QSignalSpy progress(panel, &ui::BatchPanel::progressChanged);
        QSignalSpy finished(panel, &ui::BatchPanel::finished);
        QTest::mouseClick(panel->resumeButton(), Qt::LeftButton);
        QVERIFY(panel->running());
        QCOMPARE(panel->runningBatch(), batchId);
        QVERIFY(finished.wait(120000));
        QCOMPARE(finished.first().at(0).toBool(), true);
        QCOMPARE(finished.first().at(1).toBool(), false);
        QCOMPARE(progress.last().at(0).toInt(), 6);
        QCOMPARE(progress.last().at(1).toInt(), 6);
        QCOMPARE(panel->unfinishedCount(), 0);
        QVERIFY(panel->isHidden());

        catalog::CatalogDb db;
        QVERIFY(db.open(dbPath));
        const auto p = *db.batchProgress(batchId);
        QCOMPARE(p.done + p.skipped, 6);
        // Every image that was still queued got the tags of its answer.
        int tagged = 0;
        for (const QString& path : images_)
            tagged += tagValues(db, db.imageByPath(path)->id) ==
                      QStringList{"category=dress", "colour=red", "style=boho"};
        QVERIFY(tagged >= left);
    }
};

QTEST_MAIN(TestBatchTagging)
#include "test_batch_tagging.moc"

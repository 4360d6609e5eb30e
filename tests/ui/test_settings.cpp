// Settings, the keyboard map and the log panel, with real widgets offscreen. QSettings goes to a
// temporary folder (QSettings::setPath), never to the user's own settings.
#include <QComboBox>
#include <QDateTime>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QImage>
#include <QKeySequenceEdit>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <memory>

#include "ask_pane.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "error_text.h"
#include "fake_chat_server.h"
#include "log_panel.h"
#include "logging/app_log.h"
#include "main_window.h"
#include "scheduler/backend_controller.h"
#include "settings/app_settings.h"
#include "settings_dialog.h"
#include "settings_test_util.h"
#include "shortcut_map.h"
#include "tag_editor.h"
#include "translations.h"
#include "vistag/inference/status.h"

using vistag::settings::AppSettings;
using vistag::test::artifactPath;
using vistag::test::isolateSettings;
using vistag::test::windowWithImages;

class TestSettings final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QTemporaryDir config_;

private slots:
    void initTestCase() { isolateSettings(QStringLiteral("test_settings"), config_, tmp_); }

    void settingsRoundTripThroughQSettings() {
        const AppSettings defaults;
        QCOMPARE(AppSettings::load(), defaults);  // nothing stored yet: the defaults
        AppSettings a;
        a.backend = vistag::settings::BackendKind::Server;
        a.modelFolder = QStringLiteral("/models/Qwen3-VL-2B-Instruct");
        a.device = QStringLiteral("cpu");
        a.dtype = QStringLiteral("bfloat16");
        a.generation.maxPixels = 1024 * 1024;
        a.generation.maxNewTokens = 77;
        a.generation.temperature = 0.7;
        a.serverUrl = QStringLiteral("http://10.0.0.5:8000/v1");
        a.apiKey = QStringLiteral("k3y");
        a.serverModel = QStringLiteral("Qwen/Qwen3-VL-8B-Instruct");
        a.tokenLimitField = QStringLiteral("max_completion_tokens");
        a.structuredOutput = QStringLiteral("json_object");
        a.schemaMaxEnumValues = 500;
        a.schemaMaxChars = 0;
        a.language = QStringLiteral("zh_CN");
        a.shareHost = QStringLiteral("0.0.0.0");
        a.sharePort = 8123;
        a.shareApiKey = QStringLiteral("share-key");
        a.shareAllow = {QStringLiteral("10.0.0.0/8"), QStringLiteral("192.168.1.20")};
        a.shareMaxQueue = 9;
        QVERIFY(!(a == defaults));
        a.save();
        QCOMPARE(AppSettings::load(), a);
        // The file on disk really holds them (a fresh QSettings reads the same values).
        QSettings s;
        QCOMPARE(s.value(QStringLiteral("generation/maxNewTokens")).toInt(), 77);
        QCOMPARE(s.value(QStringLiteral("server/tokenLimitField")).toString(),
                 QStringLiteral("max_completion_tokens"));
        QCOMPARE(s.value(QStringLiteral("server/structuredOutput")).toString(),
                 QStringLiteral("json_object"));
        QCOMPARE(a.remoteOptions().structuredOutput, vistag::backend::StructuredOutput::JsonObject);
        QCOMPARE(a.remoteOptions().schemaMaxEnumValues, 500);
        QCOMPARE(a.remoteOptions().schemaMaxChars, 0);
        QCOMPARE(defaults.remoteOptions().structuredOutput,
                 vistag::backend::StructuredOutput::JsonSchema);
        QCOMPARE(defaults.remoteOptions().schemaMaxEnumValues, 1000);
        QCOMPARE(defaults.remoteOptions().schemaMaxChars, 120000);
        s.setValue(QStringLiteral("server/structuredOutput"), QStringLiteral("guided_json"));
        QCOMPARE(AppSettings::load(s).structuredOutput, defaults.structuredOutput);
        // Values out of range or unknown fall back to the defaults.
        s.setValue(QStringLiteral("local/device"), QStringLiteral("tpu"));
        s.setValue(QStringLiteral("generation/maxNewTokens"), -5);
        s.setValue(QStringLiteral("generation/temperature"), QStringLiteral("hot"));
        const AppSettings b = AppSettings::load(s);
        QCOMPARE(b.device, defaults.device);
        QCOMPARE(b.generation.maxNewTokens, defaults.generation.maxNewTokens);
        QCOMPARE(b.generation.temperature, defaults.generation.temperature);
        QCOMPARE(b.generation.maxPixels, a.generation.maxPixels);
        QSettings().clear();
    }

    void settingsDialogEditsAndTheWindowUsesThem() {
        QSettings().clear();
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("dialog.sqlite")));
        vistag::ui::SettingsDialog dialog(w.settings(), w.shortcuts(), &w);
        dialog.resize(680, 540);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QCOMPARE(dialog.tabs()->count(), 6);
        dialog.findChild<QSpinBox*>(QStringLiteral("maxNewTokens"))->setValue(99);
        dialog.findChild<QSpinBox*>(QStringLiteral("maxPixels"))->setValue(200000);
        auto* field = dialog.findChild<QComboBox*>(QStringLiteral("tokenLimitField"));
        field->setCurrentIndex(field->findData(QStringLiteral("max_completion_tokens")));
        const AppSettings chosen = dialog.settings();
        QCOMPARE(chosen.generation.maxNewTokens, 99);
        QCOMPARE(chosen.generation.maxPixels, 200000);
        QCOMPARE(chosen.tokenLimitField, QStringLiteral("max_completion_tokens"));
        auto* mode = dialog.findChild<QComboBox*>(QStringLiteral("structuredOutput"));
        QCOMPARE(mode->currentData().toString(), QStringLiteral("json_schema"));
        mode->setCurrentIndex(mode->findData(QStringLiteral("json_object")));
        dialog.findChild<QSpinBox*>(QStringLiteral("schemaMaxEnumValues"))->setValue(0);
        QCOMPARE(dialog.settings().structuredOutput, QStringLiteral("json_object"));
        QCOMPARE(dialog.settings().schemaMaxEnumValues, 0);
        mode->setCurrentIndex(mode->findData(QStringLiteral("json_schema")));
        w.applySettings(chosen);
        QCOMPARE(w.askPane()->params.maxNewTokens, 99);
        QCOMPARE(w.askPane()->params.maxPixels, 200000);
        QCOMPARE(AppSettings::load().tokenLimitField, QStringLiteral("max_completion_tokens"));

        // Screenshots of the generation and shortcut pages.
        dialog.tabs()->setCurrentIndex(1);
        QTest::qWait(50);
        QVERIFY(dialog.grab().save(artifactPath(QStringLiteral("settings-dialog"))));
        dialog.tabs()->setCurrentIndex(4);
        QTest::qWait(50);
        QVERIFY(dialog.grab().save(artifactPath(QStringLiteral("settings-shortcuts"))));
        dialog.tabs()->setCurrentIndex(0);
        QTest::qWait(50);
        QVERIFY(dialog.grab().save(artifactPath(QStringLiteral("settings-model"))));
        QSettings().clear();
    }

    // Beside the connected server the window says whether the server enforces tag schemas. The
    // probe runs on the backend's worker after connecting: while the server holds its answer,
    // the window has its connection and keeps serving events.
    void serverConnectionShowsWhetherTheTagSchemaIsEnforced() {
        QSettings().clear();
        vistag::backend::RemoteBackend::clearTagSchemaProbes();
        std::atomic<bool> release{false};
        vistag::test::FakeServer enforcing([&](const vistag::test::Recorded& r) {
            while (!release.load())
                std::this_thread::sleep_for(std::chrono::milliseconds(10));
            return vistag::test::Reply{vistag::test::answerFor(vistag::test::sentSchema(r))};
        });
        vistag::test::FakeServer ignoring([](const vistag::test::Recorded&) {
            return vistag::test::Reply{QStringLiteral("Blue")};
        });
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("probe.sqlite")));
        w.show();
        auto* label = w.findChild<QLabel*>(QStringLiteral("tagSchemaLabel"));
        QVERIFY(label);
        QSignalSpy loaded(w.backend(), &vistag::backend::BackendController::modelLoaded);
        QSignalSpy probed(w.backend(), &vistag::backend::BackendController::tagSchemaProbed);
        vistag::backend::RemoteOptions o;
        o.baseUrl = enforcing.url();
        w.connectServer(o);
        QVERIFY(loaded.wait(30000));
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
        // Connected while the probe waits for the server's answer.
        QTRY_COMPARE_WITH_TIMEOUT(enforcing.chats().size(), size_t{1}, 30000);
        QVERIFY(probed.isEmpty());
        QVERIFY(label->isHidden());
        QVERIFY(!w.backend()->tagSchemaProbe());
        release = true;
        QTRY_VERIFY_WITH_TIMEOUT(!probed.isEmpty(), 30000);
        QCOMPARE(w.backend()->tagSchemaProbe()->state,
                 vistag::backend::TagSchemaProbe::State::Enforced);
        QVERIFY(label->isVisible());
        QCOMPARE(label->text(), QStringLiteral("Tag schema: enforced"));

        probed.clear();
        o.baseUrl = ignoring.url();
        w.connectServer(o);
        QVERIFY(label->isHidden());
        QTRY_VERIFY_WITH_TIMEOUT(!probed.isEmpty(), 30000);
        QCOMPARE(label->text(), QStringLiteral("Tag schema: not enforced (answers are checked)"));
        QVERIFY(label->toolTip().contains(QStringLiteral("Blue")));
        QVERIFY(w.grab().save(artifactPath(QStringLiteral("server-tag-schema"))));
        QSettings().clear();
    }

    // Settings → Catalogue: a team catalogue's address is kept without its password, and the
    // reviewer's name goes to the audit log instead of the system user name.
    void catalogueSettingsKeepNoPassword() {
        QSettings().clear();
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("team.sqlite")));
        vistag::ui::SettingsDialog dialog(w.settings(), w.shortcuts(), &w);
        dialog.findChild<QLineEdit*>(QStringLiteral("catalogLocation"))
            ->setText(QStringLiteral("postgresql://anna:s3cret@db.example:5432/shop"));
        dialog.findChild<QLineEdit*>(QStringLiteral("imageRoot"))
            ->setText(QStringLiteral("/mnt/shop"));
        dialog.findChild<QLineEdit*>(QStringLiteral("reviewerName"))
            ->setText(QStringLiteral("Anna"));
        dialog.resize(680, 420);
        dialog.tabs()->setCurrentIndex(3);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("catalogPasswordHint"))->isVisible());
        QVERIFY(dialog.grab().save(artifactPath(QStringLiteral("settings-catalogue"))));
        const AppSettings chosen = dialog.settings();
        QCOMPARE(chosen.reviewer(), QStringLiteral("Anna"));
        chosen.save();
        const AppSettings stored = AppSettings::load();
        QCOMPARE(stored.catalogLocation, QStringLiteral("postgresql://anna@db.example:5432/shop"));
        QCOMPARE(stored.imageRoot, QStringLiteral("/mnt/shop"));
        QCOMPARE(stored.reviewerName, QStringLiteral("Anna"));
        QFile file(QSettings().fileName());
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(!file.readAll().contains("s3cret"));
        AppSettings none;
        QVERIFY(!none.reviewer().isEmpty());  // the system user name
        QSettings().clear();
    }

    void settingsDialogInChinese() {
        QCOMPARE(vistag::ui::installTranslations(*qApp, QStringLiteral("zh_CN")),
                 QStringLiteral("zh_CN"));
        {
            vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("zh.sqlite")));
            vistag::ui::SettingsDialog dialog(w.settings(), w.shortcuts(), &w);
            QCOMPARE(dialog.windowTitle(), QStringLiteral("设置"));
            QCOMPARE(dialog.tabs()->tabText(3), QStringLiteral("商品图库"));
            QCOMPARE(dialog.tabs()->tabText(5), QStringLiteral("快捷键"));
            QCOMPARE(w.shortcuts()->title(QStringLiteral("review.next")),
                     QStringLiteral("下一张图片"));
            dialog.resize(680, 540);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            dialog.tabs()->setCurrentIndex(1);
            QTest::qWait(50);
            QVERIFY(dialog.grab().save(artifactPath(QStringLiteral("settings-dialog-zh"))));
            dialog.tabs()->setCurrentIndex(3);  // 商品图库: the team catalogue's fields
            QTest::qWait(50);
            QVERIFY(dialog.grab().save(artifactPath(QStringLiteral("settings-catalogue-zh"))));
        }
        vistag::ui::installTranslations(*qApp, QStringLiteral("en"));
    }

    void remappingAShortcutChangesWhatTheKeyDoes() {
        QSettings().clear();
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("keys.sqlite")));
        windowWithImages(w, tmp_);
        QListView* grid = w.catalogPane()->view();
        vistag::ui::ShortcutMap* map = w.shortcuts();
        QVERIFY(map->contains(QStringLiteral("review.next")));
        QCOMPARE(map->actionFor(QKeySequence(Qt::CTRL | Qt::Key_Down)),
                 QStringLiteral("review.next"));

        QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier);  // the default: next image
        QCOMPARE(grid->currentIndex().row(), 1);

        // Remap "next image" to Alt+N only, through the Settings table, and press OK.
        {
            vistag::ui::SettingsDialog dialog(w.settings(), map, &w);
            dialog.shortcutEdit(QStringLiteral("review.next"), 0)
                ->setKeySequence(QKeySequence(Qt::ALT | Qt::Key_N));
            dialog.shortcutEdit(QStringLiteral("review.next"), 1)->clear();
            // A key another action has is refused, in words.
            dialog.shortcutEdit(QStringLiteral("review.previous"), 1)
                ->setKeySequence(QKeySequence(Qt::ALT | Qt::Key_N));
            QVERIFY(!dialog.applyShortcuts());
            auto* conflicts = dialog.findChild<QLabel*>(QStringLiteral("shortcutConflicts"));
            QVERIFY2(conflicts->text().contains(QStringLiteral("Next image")),
                     qPrintable(conflicts->text()));
            QCOMPARE(map->keys(QStringLiteral("review.next")).first(),
                     QKeySequence(Qt::CTRL | Qt::Key_Down));  // nothing applied
            dialog.shortcutEdit(QStringLiteral("review.previous"), 1)
                ->setKeySequence(QKeySequence(Qt::Key_PageUp));
            QVERIFY(dialog.applyShortcuts());
        }
        QCOMPARE(map->keys(QStringLiteral("review.next")),
                 QList<QKeySequence>{QKeySequence(Qt::ALT | Qt::Key_N)});
        QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier);  // no longer bound
        QCOMPARE(grid->currentIndex().row(), 1);
        QTest::keyClick(&w, Qt::Key_N, Qt::AltModifier);  // the new key moves on
        QCOMPARE(grid->currentIndex().row(), 2);
        QTest::keyClick(&w, Qt::Key_PageUp);  // the other action still works
        QCOMPARE(grid->currentIndex().row(), 1);

        // Kept in the settings: a new window has the remapped key.
        QCOMPARE(QSettings()
                     .value(vistag::ui::ShortcutMap::settingsKey(QStringLiteral("review.next")))
                     .toStringList(),
                 QStringList{QStringLiteral("Alt+N")});
        {
            vistag::ui::MainWindow again(tmp_.filePath(QStringLiteral("keys2.sqlite")));
            QCOMPARE(again.shortcuts()->keys(QStringLiteral("review.next")),
                     QList<QKeySequence>{QKeySequence(Qt::ALT | Qt::Key_N)});
        }

        // Reset to defaults: Ctrl+↓ works again, Alt+N does nothing.
        map->resetToDefaults();
        QTest::keyClick(&w, Qt::Key_N, Qt::AltModifier);
        QCOMPARE(grid->currentIndex().row(), 1);
        QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier);
        QCOMPARE(grid->currentIndex().row(), 2);
        QVERIFY(!QSettings().contains(
            vistag::ui::ShortcutMap::settingsKey(QStringLiteral("review.next"))));
    }

    void logPanelShowsNewLinesLive() {
        vistag::ui::MainWindow w(tmp_.filePath(QStringLiteral("log.sqlite")));
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(!w.logDock()->isVisible());
        w.logDock()->toggleViewAction()->trigger();  // View → Log
        QVERIFY(w.logDock()->isVisible());
        const QString marker =
            QStringLiteral("a line for the panel %1").arg(QDateTime::currentMSecsSinceEpoch());
        QVERIFY(!w.logPanel()->text().contains(marker));
        vistag::logging::info(marker);
        QTRY_VERIFY_WITH_TIMEOUT(w.logPanel()->text().contains(marker), 5000);
        // From another thread too (the sink forwards through a queued signal).
        const QString fromThread = marker + QStringLiteral(" (worker thread)");
        QThread* t = QThread::create([fromThread] { vistag::logging::warn(fromThread); });
        t->start();
        QVERIFY(t->wait(5000));
        delete t;
        QTRY_VERIFY_WITH_TIMEOUT(w.logPanel()->text().contains(fromThread), 5000);
        // Qt's own messages land in the log too.
        qWarning("a Qt warning for the log %s", qPrintable(marker));
        QTRY_VERIFY_WITH_TIMEOUT(
            w.logPanel()->text().contains(QStringLiteral("a Qt warning for the log")), 5000);
        // Each line once.
        int once = 0;
        for (const QString& line : w.logPanel()->text().split(QLatin1Char('\n')))
            once += line.endsWith(QStringLiteral("[info] ") + marker) ? 1 : 0;
        QCOMPARE(once, 1);
        // A panel opened later shows what was logged before it existed, once.
        vistag::ui::LogPanel late;
        QTest::qWait(20);
        int lateOnce = 0;
        for (const QString& line : late.text().split(QLatin1Char('\n')))
            lateOnce += line.endsWith(QStringLiteral("[info] ") + marker) ? 1 : 0;
        QCOMPARE(lateOnce, 1);
        // And the file has them.
        vistag::logging::flush();
        QFile f(vistag::logging::logFilePath());
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QString file = QString::fromUtf8(f.readAll());
        QVERIFY(file.contains(marker));
        QVERIFY(file.contains(fromThread));
        QVERIFY(w.grab().save(artifactPath(QStringLiteral("log-panel"))));
    }

    void outOfMemoryBecomesPlainWordsWithSuggestions() {
        using vistag::inference::ErrorCode;
        // The engine's own messages (inference/src/engine.cpp) for load and generate.
        const QString onLoad = QStringLiteral(
            "not enough memory to load this model on the chosen device; try the CPU, bfloat16, or "
            "a smaller model");
        const QString onGenerate = QStringLiteral(
            "the GPU ran out of memory for this request; try a smaller pixel budget, fewer images, "
            "fewer new tokens, the CPU, or a smaller model");
        using vistag::backend::ErrorKind;
        using vistag::backend::errorKindOf;
        for (const QString& m : {onLoad, onGenerate}) {
            QCOMPARE(errorKindOf(int(ErrorCode::Device), m), ErrorKind::OutOfMemory);
            const QString text = vistag::ui::plainError(errorKindOf(int(ErrorCode::Device), m), m);
            QVERIFY2(text.contains(QStringLiteral("pixel budget")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("CPU")), qPrintable(text));
            QVERIFY2(text.contains(QStringLiteral("smaller Qwen3-VL model")), qPrintable(text));
        }
        // Other errors pass through unchanged.
        const QString cuda = QStringLiteral("CUDA was asked for but no GPU is available");
        QCOMPARE(errorKindOf(int(ErrorCode::Device), cuda), ErrorKind::Device);
        QCOMPARE(vistag::ui::plainError(ErrorKind::Device, cuda), cuda);
        QCOMPARE(vistag::ui::plainError(errorKindOf(int(ErrorCode::Image), {}), "bad image"),
                 QStringLiteral("bad image"));
        QCOMPARE(errorKindOf(int(ErrorCode::Cancelled), {}), ErrorKind::Cancelled);
        QCOMPARE(errorKindOf(vistag::backend::RemoteBackend::kServerError, {}), ErrorKind::Server);
    }

    void logRingBufferIsCapped() {
        for (int i = 0; i < vistag::logging::LogHub::kCapacity + 50; ++i)
            vistag::logging::debug(QStringLiteral("filler %1").arg(i));
        const QStringList lines = vistag::logging::hub()->recent();
        QCOMPARE(lines.size(), vistag::logging::LogHub::kCapacity);
        QVERIFY(lines.last().endsWith(
            QStringLiteral("filler %1").arg(vistag::logging::LogHub::kCapacity + 49)));
    }
};

QTEST_MAIN(TestSettings)
#include "test_settings.moc"

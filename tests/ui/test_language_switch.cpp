// A new interface language retranslates the open window in place, and a new catalogue reopens
// in it: the window, the selection, running imports and the loaded model (here a connection to a
// scripted server on 127.0.0.1) all stay. Real widgets offscreen; QSettings in a temporary
// folder.
#include <QDockWidget>
#include <QLabel>
#include <QMenuBar>
#include <QPointer>
#include <QPushButton>
#include <QSettings>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QUndoStack>
#include <QtTest>
#include <memory>

#include "ask_pane.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "fake_chat_server.h"
#include "main_window.h"
#include "scheduler/backend_controller.h"
#include "settings/app_settings.h"
#include "settings_test_util.h"
#include "shortcut_map.h"
#include "tag_editor.h"
#include "translations.h"

using vistag::settings::AppSettings;
using vistag::test::artifactPath;
using vistag::test::windowWithImages;

class TestLanguageSwitch final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QTemporaryDir config_;

private slots:
    void initTestCase() {
        vistag::test::isolateSettings(QStringLiteral("test_language_switch"), config_, tmp_);
    }

    // A language chosen in Settings retranslates the open window in place: the same window, the
    // same selected image, every text (menus, panes, the keyboard map) in the new language.
    void choosingALanguageRetranslatesTheWindow() {
        QSettings().clear();
        QPointer<vistag::ui::MainWindow> w =
            new vistag::ui::MainWindow(tmp_.filePath(QStringLiteral("language.sqlite")));
        std::unique_ptr<vistag::ui::MainWindow> owner(w.data());
        windowWithImages(*w, tmp_);
        w->selectRow(1);
        const qint64 selectedId = w->selectedImageIds().value(0);
        QVERIFY(selectedId > 0);
        const QByteArray geometry = w->saveGeometry();
        QCOMPARE(w->menuBar()->actions().first()->text(), QStringLiteral("&File"));

        vistag::settings::AppSettings s = w->settings();
        s.language = QStringLiteral("zh_CN");
        w->applySettings(s);  // as the Settings dialog's OK does
        QTRY_COMPARE(w->menuBar()->actions().first()->text(), QStringLiteral("文件(&F)"));
        QVERIFY(w);  // not replaced by another window
        QCOMPARE(w->shortcuts()->title(QStringLiteral("review.next")),
                 QStringLiteral("下一张图片"));
        QCOMPARE(w->shortcuts()->title(QStringLiteral("edit.undo")), QStringLiteral("撤销"));
        QCOMPARE(w->askPane()->askButton()->text(), QStringLiteral("提问"));
        QCOMPARE(w->logDock()->windowTitle(), QStringLiteral("日志"));
        QCOMPARE(w->action(QStringLiteral("tags.findReplace"))->text(),
                 QStringLiteral("查找并替换标签(&F)…"));
        QVERIFY(w->windowTitle().contains(QStringLiteral("商品图片审核")));
        QCOMPARE(w->selectedImageIds().value(0), selectedId);  // same image, same catalogue
        QCOMPARE(w->saveGeometry(), geometry);
        QCOMPARE(vistag::settings::AppSettings::load().language, QStringLiteral("zh_CN"));

        // And back: English again, in the same window.
        s.language = QStringLiteral("en");
        w->applySettings(s);
        QTRY_COMPARE(w->menuBar()->actions().first()->text(), QStringLiteral("&File"));
        QCOMPARE(w->shortcuts()->title(QStringLiteral("review.next")),
                 QStringLiteral("Next image"));
        QCOMPARE(w->askPane()->askButton()->text(), QStringLiteral("Ask"));
        QCOMPARE(w->selectedImageIds().value(0), selectedId);
        QSettings().clear();
    }

    // The language changes while 40 images are being added and a server is connected: the import
    // finishes into the catalogue, the window is the same one, and the connection is not made
    // again (no second model load).
    void languageChangeDuringImportKeepsTheImportAndTheModel() {
        QSettings().clear();
        QTemporaryDir images;
        for (int i = 0; i < 40; ++i) {
            QImage img(400 + i, 300, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 9, 180, 200));
            QVERIFY(img.save(images.filePath(QStringLiteral("p%1.png").arg(i))));
        }
        vistag::test::FakeServer server([](const vistag::test::Recorded&) {
            return vistag::test::Reply{QStringLiteral("Blue")};
        });
        QPointer<vistag::ui::MainWindow> w =
            new vistag::ui::MainWindow(tmp_.filePath(QStringLiteral("import-language.sqlite")));
        std::unique_ptr<vistag::ui::MainWindow> owner(w.data());
        w->resize(1366, 768);
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.data()));
        vistag::backend::BackendController* backend = w->backend();
        QSignalSpy loaded(backend, &vistag::backend::BackendController::modelLoaded);
        QSignalSpy probed(backend, &vistag::backend::BackendController::tagSchemaProbed);
        vistag::backend::RemoteOptions o;
        o.baseUrl = server.url();
        w->connectServer(o);
        QVERIFY(loaded.wait(30000));
        QVERIFY2(loaded.first().at(0).toBool(), qPrintable(loaded.first().at(1).toString()));
        QTRY_VERIFY_WITH_TIMEOUT(!probed.isEmpty(),
                                 30000);  // the connection's last request: the tag schema probe
        const QString modelId = backend->modelId();
        QVERIFY(!modelId.isEmpty());
        QTest::qWait(200);
        const size_t requestsWhenConnected = server.requestCount();

        QSignalSpy imported(w.data(), &vistag::ui::MainWindow::importFinished);
        w->importPaths({images.path()});
        QCOMPARE(w->importsRunning(), 1);
        vistag::settings::AppSettings s = w->settings();
        s.language = QStringLiteral("zh_CN");
        w->applySettings(s);  // while the images are being hashed
        // Only the language events, not the import's result: the window is in Chinese while the
        // images are still on their way in.
        QCoreApplication::sendPostedEvents(nullptr, QEvent::LanguageChange);
        QCOMPARE(w->importsRunning(), 1);
        QCOMPARE(w->menuBar()->actions().first()->text(), QStringLiteral("文件(&F)"));
        QCOMPARE(w->askPane()->askButton()->text(), QStringLiteral("提问"));
        QCOMPARE(w->statusBar()->currentMessage(), QStringLiteral("正在添加图片…"));

        QVERIFY(imported.wait(30000));
        QCOMPARE(imported.first().at(0).toInt(), 40);
        QVERIFY(w);  // the same window all along
        QCOMPARE(w->importsRunning(), 0);
        QCOMPARE(w->catalogModel()->totalCount(), 40);
        QVERIFY(w->showingCatalogue());
        QCOMPARE(w->statusBar()->currentMessage(), QStringLiteral("已添加 40 张图片"));
        // The model is the one loaded before: the same controller, no load or connection again.
        QTest::qWait(500);
        QCOMPARE(w->backend(), backend);
        QCOMPARE(loaded.size(), 1);
        QVERIFY(backend->hasModel());
        QCOMPARE(backend->modelId(), modelId);
        QCOMPARE(server.requestCount(), requestsWhenConnected);
        w->selectRow(0);
        QTest::qWait(100);
        QVERIFY(w->grab().save(artifactPath(QStringLiteral("language-switched-zh"))));

        // Back to English, the same way.
        s.language = QStringLiteral("en");
        w->applySettings(s);
        QTRY_COMPARE(w->menuBar()->actions().first()->text(), QStringLiteral("&File"));
        QCOMPARE(w->askPane()->askButton()->text(), QStringLiteral("Ask"));
        QCOMPARE(w->statusBar()->currentMessage(), QStringLiteral("Added 40 image(s)"));
        QCOMPARE(loaded.size(), 1);
        QCOMPARE(server.requestCount(), requestsWhenConnected);
        QVERIFY(w->grab().save(artifactPath(QStringLiteral("language-switched-en"))));
        QSettings().clear();
    }

    // Another catalogue chosen in Settings opens in the same window; the connected server stays.
    // Images being added go into the catalogue they were dropped on first.
    void catalogueChangeReopensInPlaceAndKeepsTheModel() {
        QSettings().clear();
        QTemporaryDir images;
        for (int i = 0; i < 12; ++i) {
            QImage img(200 + i, 150, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 25, 160, 210));
            QVERIFY(img.save(images.filePath(QStringLiteral("c%1.png").arg(i))));
        }
        vistag::test::FakeServer server([](const vistag::test::Recorded&) {
            return vistag::test::Reply{QStringLiteral("Blue")};
        });
        const QString first = tmp_.filePath(QStringLiteral("reopen-first.sqlite"));
        const QString second = tmp_.filePath(QStringLiteral("reopen-second.sqlite"));
        QPointer<vistag::ui::MainWindow> w = new vistag::ui::MainWindow(first);
        std::unique_ptr<vistag::ui::MainWindow> owner(w.data());
        w->show();
        QVERIFY(QTest::qWaitForWindowExposed(w.data()));
        QSignalSpy loaded(w->backend(), &vistag::backend::BackendController::modelLoaded);
        QSignalSpy probed(w->backend(), &vistag::backend::BackendController::tagSchemaProbed);
        vistag::backend::RemoteOptions o;
        o.baseUrl = server.url();
        w->connectServer(o);
        QVERIFY(loaded.wait(30000));
        QVERIFY(loaded.first().at(0).toBool());
        QTRY_VERIFY_WITH_TIMEOUT(!probed.isEmpty(), 30000);  // it may come during the load
        QTest::qWait(200);
        const size_t requestsWhenConnected = server.requestCount();

        QSignalSpy imported(w.data(), &vistag::ui::MainWindow::importFinished);
        QSignalSpy reopened(w.data(), &vistag::ui::MainWindow::catalogueReopened);
        w->importPaths({images.path()});
        vistag::settings::AppSettings s = w->settings();
        s.catalogLocation = second;
        w->applySettings(s);
        QCOMPARE(reopened.size(), 0);  // the images go in first
        QVERIFY(reopened.wait(30000));
        QCOMPARE(imported.size(), 1);
        QCOMPARE(imported.first().at(0).toInt(), 12);
        QVERIFY(reopened.first().at(0).toBool());
        QVERIFY(w);
        QCOMPARE(w->catalogModel()->totalCount(), 0);  // the new, empty catalogue
        QVERIFY(!w->showingCatalogue());
        QCOMPARE(w->tagEditor()->imageId(), qint64(0));
        QCOMPARE(w->tagEditor()->undoStack()->count(), 0);
        imported.clear();
        w->importPaths({images.filePath(QStringLiteral("c0.png"))});
        QVERIFY(imported.wait(30000));
        QCOMPARE(w->catalogModel()->totalCount(), 1);

        // Back to the first: its twelve images are there.
        reopened.clear();
        s.catalogLocation = first;
        w->applySettings(s);
        QCOMPARE(reopened.size(), 1);
        QCOMPARE(w->catalogModel()->totalCount(), 12);
        QVERIFY(w->showingCatalogue());
        QCOMPARE(loaded.size(), 1);  // no load or connection again
        QVERIFY(w->backend()->hasModel());
        QCOMPARE(server.requestCount(), requestsWhenConnected);
        QSettings().clear();
    }
};

QTEST_MAIN(TestLanguageSwitch)
#include "test_language_switch.moc"

// What a merchandiser must be able to trust in the window: Settings saves in Chinese with the
// default keys; files the model cannot use are refused when added, with why; a failed image
// says why (tooltip, tag editor, in the interface language), has its own filter and a retry, and
// its badge survives a restart; File → Export… writes the catalogue's formats and a failed write
// leaves the earlier file; the title bar names the catalogue; quitting while tagging asks first.
#include <QAction>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QRadioButton>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QtTest>

#include "batch_panel.h"
#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "error_text.h"
#include "export_dialog.h"
#include "main_window.h"
#include "settings_dialog.h"
#include "settings_test_util.h"
#include "shortcut_map.h"
#include "tag_editor.h"
#include "translations.h"

using namespace vistag;

namespace {

qint64 addImage(catalog::CatalogDb& db, const QString& path) {
    QImage img(64, 64, QImage::Format_RGB32);
    img.fill(Qt::darkCyan);
    img.save(path);
    catalog::ImageRecord r;
    r.path = path;
    r.contentHash = QFileInfo(path).fileName();
    r.width = r.height = 64;
    return db.addImage(r).value_or(0);
}

// A batch over `images` whose items end as `states` (with `messages`), as a worker leaves them.
void finishBatch(catalog::CatalogDb& db, const QList<qint64>& images,
                 const QList<catalog::ItemState>& states, const QStringList& messages) {
    const auto batch = db.createBatch(QStringLiteral("replace"), QStringLiteral("p"),
                                      QStringLiteral("m"), QStringLiteral("{}"), images);
    QVERIFY(batch);
    for (int i = 0; i < images.size(); ++i) {
        const auto item = db.nextPendingItem(*batch);
        QVERIFY(item);
        QVERIFY(db.finishItem(item->itemId, states[i], messages.value(i)));
    }
}

}  // namespace

class TestWindowTrust final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        test::isolateSettings(QStringLiteral("test_window_trust"), config_, logs_);
    }
    void init() {
        QSettings().clear();
        ui::installTranslations(*qApp, QStringLiteral("en"));
    }
    void cleanupTestCase() { ui::installTranslations(*qApp, QStringLiteral("en")); }

    // Ctrl+Return and Ctrl+Enter both read "Ctrl+回车" in Chinese: they are still two keys.
    void settingsSaveInChineseWithTheDefaultKeys_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("English") << QStringLiteral("en");
        QTest::newRow("Chinese") << QStringLiteral("zh_CN");
    }
    void settingsSaveInChineseWithTheDefaultKeys() {
        QFETCH(QString, language);
        QTemporaryDir tmp;
        ui::MainWindow w(tmp.filePath(QStringLiteral("keys.sqlite")));
        settings::AppSettings s = w.settings();
        s.language = language;
        w.applySettings(s);
        QCOMPARE(ui::ShortcutMap::describeConflicts(*w.shortcuts(), {}), QString());
        ui::SettingsDialog dialog(w.settings(), w.shortcuts(), &w);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        // A change, then OK — back to English from Chinese, as the person who filed it tried.
        auto* box = dialog.findChild<QComboBox*>(QStringLiteral("language"));
        if (box)
            box->setCurrentIndex(qMax(0, box->findData(QStringLiteral("en"))));
        QPushButton* ok = dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok);
        QVERIFY(ok);
        QTest::mouseClick(ok, Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        // A real conflict is still found: two actions on one key.
        QHash<QString, QList<QKeySequence>> proposed;
        proposed.insert(QStringLiteral("review.next"), {QKeySequence(Qt::CTRL | Qt::Key_J)});
        QVERIFY(!ui::ShortcutMap::describeConflicts(*w.shortcuts(), proposed).isEmpty());
    }

    // A 0-byte PNG, a text file named .jpg and a truncated JPEG are refused when added, with why.
    void undecodableFilesAreRefusedWhenAdded() {
        QTemporaryDir tmp;
        ui::MainWindow w(tmp.filePath(QStringLiteral("refuse.sqlite")));
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const QString good = tmp.filePath(QStringLiteral("good.jpg"));
        QImage img(300, 200, QImage::Format_RGB32);
        img.fill(Qt::red);
        QVERIFY(img.save(good, "JPEG"));
        QFile(tmp.filePath(QStringLiteral("empty.png"))).open(QIODevice::WriteOnly);
        QFile text(tmp.filePath(QStringLiteral("notes.jpg")));
        QVERIFY(text.open(QIODevice::WriteOnly));
        text.write("this is a shopping list, not a photo\n");
        text.close();
        QFile whole(good);
        QVERIFY(whole.open(QIODevice::ReadOnly));
        const QByteArray bytes = whole.readAll();
        QFile cut(tmp.filePath(QStringLiteral("cut.jpg")));
        QVERIFY(cut.open(QIODevice::WriteOnly));
        cut.write(bytes.left(bytes.size() * 2 / 3));
        cut.close();

        QSignalSpy imported(&w, &ui::MainWindow::importFinished);
        w.importPaths({good, tmp.filePath(QStringLiteral("empty.png")),
                       tmp.filePath(QStringLiteral("notes.jpg")),
                       tmp.filePath(QStringLiteral("cut.jpg"))});
        QVERIFY(imported.wait(10000));
        QCOMPARE(imported.first().at(0).toInt(), 1);  // added
        QCOMPARE(imported.first().at(1).toInt(), 3);  // refused
        QCOMPARE(w.catalogModel()->rowCount(), 1);
        const QString listed = w.lastRefused().join(QLatin1Char('\n'));
        QVERIFY2(listed.contains(QStringLiteral("empty.png")) &&
                     listed.contains(ui::MainWindow::tr("the file is empty (0 bytes)")),
                 qPrintable(listed));
        QVERIFY(listed.contains(QStringLiteral("notes.jpg")));
        QVERIFY(listed.contains(QStringLiteral("cut.jpg")) &&
                listed.contains(QStringLiteral("truncated")));
        QTRY_VERIFY(QApplication::activeModalWidget() &&
                    QApplication::activeModalWidget()->objectName() ==
                        QStringLiteral("refusedImages"));
        QVERIFY(QApplication::activeModalWidget()->grab().save(
            test::artifactPath(QStringLiteral("refused-images"))));
        QApplication::activeModalWidget()->close();
    }

    // A failed image: why (tooltip, editor), a filter, a retry; badges after a restart.
    void failuresAreExplainedAndSurviveARestart_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("English") << QStringLiteral("en");
        QTest::newRow("Chinese") << QStringLiteral("zh_CN");
    }
    void failuresAreExplainedAndSurviveARestart() {
        QFETCH(QString, language);
        ui::installTranslations(*qApp, language);
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("failed.sqlite"));
        qint64 ok = 0, bad = 0;
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            ok = addImage(db, tmp.filePath(QStringLiteral("ok.png")));
            bad = addImage(db, tmp.filePath(QStringLiteral("bad.png")));
            finishBatch(db, {ok, bad}, {catalog::ItemState::Done, catalog::ItemState::Failed},
                        {QStringLiteral("2 suggestions"),
                         QStringLiteral("bad.png: the image is damaged or truncated")});
        }
        // A new window on the catalogue: as after a restart.
        ui::MainWindow w(dbPath);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::CatalogModel* model = w.catalogModel();
        const QModelIndex okRow = model->index(model->rowOfImage(ok));
        const QModelIndex badRow = model->index(model->rowOfImage(bad));
        QCOMPARE(okRow.data(ui::CatalogModel::BatchStatusRole).value<catalog::ItemState>(),
                 catalog::ItemState::Done);
        QCOMPARE(badRow.data(ui::CatalogModel::BatchStatusRole).value<catalog::ItemState>(),
                 catalog::ItemState::Failed);
        const QString reason =
            ui::failureReason(QStringLiteral("bad.png: the image is damaged or truncated"));
        QVERIFY2(badRow.data(Qt::ToolTipRole).toString().contains(reason),
                 qPrintable(badRow.data(Qt::ToolTipRole).toString()));
        QVERIFY(okRow.data(Qt::ToolTipRole).toString().indexOf(reason) < 0);
        if (language != QLatin1String("en"))  // said in Chinese
            QVERIFY2(!reason.startsWith(QLatin1String("the image")), qPrintable(reason));
        w.selectRow(badRow.row());
        QVERIFY2(w.tagEditor()->noteLabel()->text().contains(reason.left(6)),
                 qPrintable(w.tagEditor()->noteLabel()->text()));
        w.selectRow(okRow.row());
        QVERIFY(!w.tagEditor()->noteLabel()->text().contains(reason.left(6)));

        // The "Tagging failed" filter lists the failed one only.
        QComboBox* state = w.catalogPane()->stateBox();
        state->setCurrentIndex(state->count() - 1);
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0).data(ui::CatalogModel::ImageIdRole).toLongLong(), bad);
        w.selectRow(0);  // its reason in the tag editor's header, for the screenshot
        QVERIFY(w.tagEditor()->noteLabel()->text().contains(reason.left(6)));
        QVERIFY(w.grab().save(test::artifactPath(QStringLiteral("failed-filter-") + language)));
        state->setCurrentIndex(0);
        QCOMPARE(model->rowCount(), 2);
    }

    // File → Export… writes what `vistag-cli export` writes, for the selection; a write that
    // fails says so and leaves the earlier file whole.
    void exportFromTheWindow() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("export.sqlite"));
        qint64 a = 0, b = 0;
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            a = addImage(db, tmp.filePath(QStringLiteral("a.png")));
            b = addImage(db, tmp.filePath(QStringLiteral("b.png")));
            QVERIFY(db.addTag(a, QStringLiteral("colour"), QStringLiteral("red"), false,
                              QStringLiteral("me")));
            QVERIFY(db.addTag(b, QStringLiteral("colour"), QStringLiteral("blue"), false,
                              QStringLiteral("me")));
        }
        ui::MainWindow w(dbPath);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.windowTitle().contains(QStringLiteral("export.sqlite")));
        w.selectRow(w.catalogModel()->rowOfImage(b));

        QAction* exportAction = w.findChild<QAction*>(QStringLiteral("file.export"));
        QVERIFY(exportAction);
        exportAction->trigger();
        auto* dialog = w.findChild<ui::ExportDialog*>();
        QVERIFY(dialog);
        QVERIFY(QTest::qWaitForWindowExposed(dialog));
        dialog->formatBox()->setCurrentIndex(dialog->formatBox()->findData(QStringLiteral("csv")));
        const QString out = tmp.filePath(QStringLiteral("tags.csv"));
        dialog->pathField()->setText(out);
        // On the round button itself, as a person clicks it.
        QTest::mouseClick(dialog->selectionButton(), Qt::LeftButton, {},
                          QPoint(8, dialog->selectionButton()->height() / 2));
        QVERIFY(dialog->selectionButton()->isChecked());
        QVERIFY(dialog->grab().save(test::artifactPath(QStringLiteral("export-dialog"))));
        {  // the same dialog in Chinese, for the screenshot
            ui::installTranslations(*qApp, QStringLiteral("zh_CN"));
            ui::ExportDialog zh(1, &w);
            zh.show();
            QVERIFY(QTest::qWaitForWindowExposed(&zh));
            QVERIFY(zh.grab().save(test::artifactPath(QStringLiteral("export-dialog-zh"))));
            ui::installTranslations(*qApp, QStringLiteral("en"));
        }
        QSignalSpy finished(&w, &ui::MainWindow::exportFinished);
        QTest::mouseClick(dialog->findChild<QPushButton*>(QStringLiteral("exportButton")),
                          Qt::LeftButton);
        QVERIFY(finished.wait(10000));
        QVERIFY(finished.first().at(0).toBool());
        QFile csv(out);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        const QByteArray written = csv.readAll();
        csv.close();
        QVERIFY(written.contains("b.png") && written.contains("blue"));
        QVERIFY2(!written.contains("a.png"), written.constData());  // the selection only

        // A file that cannot be written (its folder is gone): the export fails and says so.
        ui::ExportChoice c;
        c.format = QStringLiteral("csv");
        c.path = tmp.filePath(QStringLiteral("gone/tags.csv"));
        w.exportTags(c);
        QVERIFY(finished.wait(10000));
        QVERIFY(!finished.last().at(0).toBool());
        QVERIFY(!QFileInfo::exists(c.path));
        QVERIFY(w.statusBar()->currentMessage().contains(
            ui::MainWindow::tr("Export failed").section(QLatin1Char(';'), 0, 0)));
        QTRY_VERIFY(QApplication::activeModalWidget());
        QCOMPARE(QApplication::activeModalWidget()->objectName(), QStringLiteral("exportFailed"));
        QApplication::activeModalWidget()->close();
        // The earlier file is as it was.
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll(), written);
    }

    // Quitting while tagging runs asks first; "Keep working" keeps the window open.
    void quitAsksWhileTagging() {
        QTemporaryDir tmp;
        ui::MainWindow w(tmp.filePath(QStringLiteral("quit.sqlite")));
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.confirmQuit());  // nothing running: no question
    }

private:
    QTemporaryDir config_;
    QTemporaryDir logs_;
};

QTEST_MAIN(TestWindowTrust)
#include "test_window_trust.moc"

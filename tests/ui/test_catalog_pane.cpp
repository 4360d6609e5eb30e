#include <QAbstractItemModelTester>
#include <QDir>
#include <QImage>
#include <QListView>
#include <QMimeData>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include "catalog_model.h"
#include "catalog_pane.h"
#include "download/model_download.h"
#include "main_window.h"
#include "thumbnailer.h"

namespace {

QString artifactPath(const QString& name) {
    const QString dir = qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath());
    QDir().mkpath(dir);
    const QString suffix = qEnvironmentVariable("VISTAG_SHOT_SUFFIX");
    return dir + QLatin1Char('/') + name + (suffix.isEmpty() ? QString() : '-' + suffix) +
           QStringLiteral(".png");
}

void writeImage(const QString& path, int w, int h, int seed) {
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixel(
                x, y,
                qRgb((x * 255 / w + seed * 40) % 256, (y * 255 / h) % 256, (seed * 70) % 256));
    QVERIFY(img.save(path));
}

// Qt Test has no drag-and-drop helper: send the events a real drop produces.
void dropUrls(QWidget* target, const QList<QUrl>& urls) {
    QMimeData mime;
    mime.setUrls(urls);
    const QPoint pos = target->rect().center();
    QDragEnterEvent enter(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &enter);
    QVERIFY(enter.isAccepted());
    QDragMoveEvent move(pos, Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &move);
    QDropEvent drop(QPointF(pos), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
    QApplication::sendEvent(target, &drop);
    QVERIFY(drop.isAccepted());
}

}  // namespace

class TestCatalogPane final : public QObject {
    Q_OBJECT
private slots:
    void droppingFilesAndAFolderAddsThem() {
        QTemporaryDir tmp;
        QDir root(tmp.path());
        QVERIFY(root.mkpath(QStringLiteral("shoot/sub")));
        writeImage(root.filePath(QStringLiteral("single.png")), 120, 90, 1);
        writeImage(root.filePath(QStringLiteral("shoot/a.jpg")), 300, 400, 2);
        writeImage(root.filePath(QStringLiteral("shoot/sub/b.png")), 64, 64, 3);
        QFile notImage(root.filePath(QStringLiteral("shoot/readme.txt")));
        QVERIFY(notImage.open(QIODevice::WriteOnly));
        notImage.write("not an image");
        notImage.close();

        vistag::ui::MainWindow w(root.filePath(QStringLiteral("catalogue.sqlite")));
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(!w.showingCatalogue());  // empty catalogue: the start page

        QSignalSpy done(&w, &vistag::ui::MainWindow::importFinished);
        dropUrls(&w, {QUrl::fromLocalFile(root.filePath(QStringLiteral("single.png"))),
                      QUrl::fromLocalFile(root.filePath(QStringLiteral("shoot")))});
        QVERIFY(done.wait(10000));
        QCOMPARE(done.first().at(0).toInt(), 3);  // the .txt is not an image
        QVERIFY(w.showingCatalogue());
        QCOMPARE(w.catalogModel()->rowCount(), 3);

        // Thumbnails arrive asynchronously for the rows the view paints.
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                for (int r = 0; r < 3; ++r) {
                    const auto pix =
                        w.catalogModel()->index(r).data(Qt::DecorationRole).value<QPixmap>();
                    if (pix.width() == 160 && pix.toImage().pixel(0, 0) == qRgb(0xe5, 0xe7, 0xeb))
                        return false;  // still the placeholder
                }
                return true;
            }(),
            10000);
        QTest::qWait(100);
        QVERIFY(w.grab().save(artifactPath(QStringLiteral("catalogue-grid"))));

        // Dropping the same folder again adds nothing new.
        done.clear();
        dropUrls(&w, {QUrl::fromLocalFile(root.filePath(QStringLiteral("shoot")))});
        QVERIFY(done.wait(10000));
        QCOMPARE(w.catalogModel()->rowCount(), 3);
    }

    void downloadFromAnUnreachableMirrorSaysSoAndKeepsRunning() {
        QTemporaryDir tmp;
        vistag::ui::MainWindow w(tmp.filePath(QStringLiteral("c.sqlite")));
        w.show();
        QSignalSpy finished(&w, &vistag::ui::MainWindow::downloadFinished);
        vistag::download::Options o;
        o.repo = QStringLiteral("Qwen/Qwen3-VL-2B-Instruct");
        o.endpoint = QStringLiteral("http://127.0.0.1:1");  // nothing listens there
        o.targetDir = tmp.filePath(QStringLiteral("model"));
        o.idleMs = 5000;
        w.startDownload(o);
        QVERIFY(finished.wait(30000));
        QVERIFY(!finished.first().at(0).toBool());
        const QString message = finished.first().at(1).toString();
        QVERIFY2(message.contains(QStringLiteral("download failed")), qPrintable(message));
        QVERIFY(!QFileInfo::exists(tmp.filePath(QStringLiteral("model/config.json"))));
        QVERIFY(w.isVisible());
    }

    void modelPassesTheModelTesterAndPages() {
        QTemporaryDir tmp;
        vistag::catalog::CatalogDb db;
        QVERIFY(db.open(tmp.filePath(QStringLiteral("c.sqlite"))));
        QList<vistag::catalog::ImageRecord> records;
        for (int i = 0; i < 1234; ++i) {
            vistag::catalog::ImageRecord r;
            r.path = tmp.filePath(QStringLiteral("img%1.jpg").arg(i, 5, 10, QLatin1Char('0')));
            r.contentHash = QString::number(i);
            r.width = 100;
            r.height = 100;
            records << r;
        }
        QVERIFY(db.addImages(records));
        vistag::ui::Thumbnailer thumbs(QString(), 64);
        vistag::ui::CatalogModel model(db, thumbs);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QVERIFY(model.reload());
        QCOMPARE(model.totalCount(), 1234);
        QCOMPARE(model.rowCount(), vistag::ui::CatalogModel::kPageSize);  // rows appear at once
        while (model.canFetchMore({}))
            model.fetchMore({});
        QCOMPARE(model.rowCount(), 1234);
        QCOMPARE(model.index(1233).data().toString(), QStringLiteral("img01233.jpg"));
        QCOMPARE(model.index(5)
                     .data(vistag::ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::New);
        vistag::catalog::ImageFilter f;
        f.nameContains = QStringLiteral("img0012");
        QVERIFY(model.setFilter(f));
        QCOMPARE(model.rowCount(), 10);  // img00120 … img00129
        thumbs.waitForDone();
    }

    void thumbnailsScaleWhileDecodingAndUseTheDiskCache() {
        QTemporaryDir tmp;
        const QString big = tmp.filePath(QStringLiteral("big.jpg"));
        writeImage(big, 1600, 1200, 4);
        const QString cache = tmp.filePath(QStringLiteral("cache"));
        const QImage first = vistag::ui::loadThumbnail(big, 160, cache);
        QCOMPARE(first.size(), QSize(160, 120));
        QCOMPARE(QDir(cache).entryList(QDir::Files).size(), 1);
        const QImage second = vistag::ui::loadThumbnail(big, 160, cache);
        QCOMPARE(second.size(), first.size());
        QVERIFY(vistag::ui::loadThumbnail(tmp.filePath(QStringLiteral("missing.png")), 160, cache)
                    .isNull());
    }
};

QTEST_MAIN(TestCatalogPane)
#include "test_catalog_pane.moc"

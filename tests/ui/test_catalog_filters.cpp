// The grid's tag / attribute filters and sorts (SQL in CatalogDb) through the real pane and model
// on a real SQLite catalogue, "next unreviewed" in the sort order, and Ctrl+V paste.
#include <QAbstractItemModelTester>
#include <QAction>
#include <QClipboard>
#include <QComboBox>
#include <QImage>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUrl>
#include <QtTest>

#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "clipboard_import.h"
#include "image_viewer.h"
#include "main_window.h"
#include "tag_editor.h"
#include "tags/taxonomy.h"
#include "thumbnailer.h"
#include "translations.h"

using namespace vistag;
using catalog::ImageSort;

namespace {

// Image ids of every row, in order (all pages).
QList<qint64> rowIds(ui::CatalogModel& model) {
    while (model.canFetchMore({}))
        model.fetchMore({});
    QList<qint64> ids;
    for (int r = 0; r < model.rowCount(); ++r)
        ids << model.index(r).data(ui::CatalogModel::ImageIdRole).toLongLong();
    return ids;
}

catalog::TagSuggestion suggestion(const QString& attribute, const QString& value,
                                  double confidence) {
    catalog::TagSuggestion s;
    s.attribute = attribute;
    s.valueCode = value;
    s.confidence = confidence;
    return s;
}

// Eight images with known names, dates and tags; ids[k] is image k+1.
//   1 b-Coat   style boho suggested 0.9 (model), colour red accepted
//   2 a-dress  style vintage suggested 0.2
//   3 C-shirt  category dress accepted                       (reviewed)
//   4 d-skirt  no tags                                       (new)
//   5 e-top    style boho rejected                           (reviewed)
//   6 f-jeans  material cotton suggested, confidence unknown
//   7 g-bag    style boho 0.5 + colour blue 0.1 suggested
//   8 H-shoe   colour red suggested by a person (not a model suggestion)
QList<qint64> fillCatalogue(catalog::CatalogDb& db, const QString& dir) {
    const QStringList names = {"b-Coat", "a-dress", "C-shirt", "d-skirt",
                               "e-top",  "f-jeans", "g-bag",   "H-shoe"};
    // Added out of order: image 5 is the newest, image 2 the oldest.
    const int day[] = {3, 1, 4, 6, 8, 2, 7, 5};
    QList<catalog::ImageRecord> records;
    for (int i = 0; i < names.size(); ++i) {
        catalog::ImageRecord r;
        r.path = dir + QLatin1Char('/') + names[i] + QStringLiteral(".jpg");
        r.contentHash = QString::number(i);
        r.width = r.height = 100;
        r.addedAt = QDateTime(QDate(2026, 1, day[i]), QTime(9, 0), Qt::UTC);
        records << r;
    }
    const auto ids = db.addImages(records);
    if (!ids)
        return {};
    const QString model = QStringLiteral("model:m");
    const auto t1 = db.addSuggestions(
        ids->at(0), 0, {suggestion("style", "boho", 0.9), suggestion("colour", "red", 0.7)}, model);
    db.acceptTag(t1->at(1), QStringLiteral("me"));
    db.addSuggestions(ids->at(1), 0, {suggestion("style", "vintage", 0.2)}, model);
    db.addTag(ids->at(2), QStringLiteral("category"), QStringLiteral("dress"), false,
              QStringLiteral("me"));
    const auto t5 = db.addSuggestions(ids->at(4), 0, {suggestion("style", "boho", 0.3)}, model);
    db.rejectTag(t5->at(0), QStringLiteral("me"));
    db.addSuggestions(ids->at(5), 0, {suggestion("material", "cotton", -1)}, model);
    db.addSuggestions(ids->at(6), 0,
                      {suggestion("style", "boho", 0.5), suggestion("colour", "blue", 0.1)}, model);
    db.addSuggestions(ids->at(7), 0, {suggestion("colour", "red", 0.05)},
                      QStringLiteral("person:me"));
    return *ids;
}

}  // namespace

class TestCatalogFilters final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    catalog::Taxonomy taxonomy_ = catalog::Taxonomy::defaultApparel();

private slots:
    void filtersAndSortsGiveTheExpectedRows() {
        catalog::CatalogDb db;
        QVERIFY(db.open(tmp_.filePath(QStringLiteral("filters.sqlite"))));
        const QList<qint64> id = fillCatalogue(db, tmp_.path());
        QCOMPARE(id.size(), 8);
        const auto img = [&](std::initializer_list<int> numbers) {
            QList<qint64> out;
            for (int n : numbers)
                out << id[n - 1];
            return out;
        };

        ui::Thumbnailer thumbs(QString(), 64);
        ui::CatalogModel model(db, thumbs);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ui::CatalogPane pane(&model);
        pane.setTaxonomy(taxonomy_);
        pane.resize(420, 600);
        pane.show();
        QVERIFY(model.reload());
        QCOMPARE(rowIds(model), img({1, 2, 3, 4, 5, 6, 7, 8}));

        // Tag value, any attribute (picked from the list): rejected tags do not count.
        pane.valueBox()->setCurrentIndex(pane.valueBox()->findData(QStringLiteral("boho")));
        QCOMPARE(rowIds(model), img({1, 7}));
        // Typed as a label or a synonym.
        pane.valueBox()->setEditText(QStringLiteral("波西米亚"));
        QCOMPARE(rowIds(model), img({1, 7}));
        pane.valueBox()->setEditText(QStringLiteral("red"));
        QCOMPARE(rowIds(model), img({1, 8}));
        pane.valueBox()->setEditText(QString());
        QCOMPARE(model.rowCount(), 8);

        // Has / lacks an attribute.
        pane.attributeBox()->setCurrentIndex(
            pane.attributeBox()->findData(QStringLiteral("style")));
        QCOMPARE(rowIds(model), img({1, 2, 7}));
        pane.conditionBox()->setCurrentIndex(
            pane.conditionBox()->findData(QStringLiteral("lacks")));
        QCOMPARE(rowIds(model), img({3, 4, 5, 6, 8}));
        QVERIFY(!pane.valueBox()->isEnabled());
        pane.conditionBox()->setCurrentIndex(0);
        // Attribute and value: colour = red.
        pane.attributeBox()->setCurrentIndex(
            pane.attributeBox()->findData(QStringLiteral("colour")));
        pane.valueBox()->setCurrentIndex(pane.valueBox()->findData(QStringLiteral("red")));
        QCOMPARE(rowIds(model), img({1, 8}));
        // Combined with the review state and the name.
        pane.stateBox()->setCurrentIndex(pane.stateBox()->findData(
            QVariant::fromValue(vistag::catalog::ReviewState::Suggested)));
        QCOMPARE(rowIds(model), img({1, 8}));
        pane.searchField()->setText(QStringLiteral("shoe"));
        QCOMPARE(rowIds(model), img({8}));
        pane.searchField()->clear();
        pane.stateBox()->setCurrentIndex(0);
        pane.attributeBox()->setCurrentIndex(0);
        QCOMPARE(pane.valueBox()->currentText(), QString());
        QCOMPARE(model.rowCount(), 8);

        // Sorts.
        pane.setSort(ImageSort::Name);  // case-insensitive
        QCOMPARE(rowIds(model), img({2, 1, 3, 4, 5, 6, 7, 8}));
        pane.setSort(ImageSort::AddedNewest);
        QCOMPARE(rowIds(model), img({5, 7, 4, 8, 3, 1, 6, 2}));
        pane.setSort(ImageSort::ReviewState);  // new, suggested, reviewed
        QCOMPARE(rowIds(model), img({4, 1, 2, 6, 7, 8, 3, 5}));
        pane.setSort(ImageSort::LeastCertain);  // 0.1, 0.2, 0.9, unknown, then the rest by id
        QCOMPARE(rowIds(model), img({7, 2, 1, 6, 3, 4, 5, 8}));
        // A sort with a filter.
        pane.attributeBox()->setCurrentIndex(
            pane.attributeBox()->findData(QStringLiteral("style")));
        QCOMPARE(rowIds(model), img({7, 2, 1}));
        pane.setSort(ImageSort::Added);
        QCOMPARE(rowIds(model), img({1, 2, 7}));

        // The database agrees page by page (the model pages with LIMIT/OFFSET).
        catalog::ImageFilter f;
        f.sort = ImageSort::LeastCertain;
        f.limit = 3;
        f.offset = 3;
        QList<qint64> page;
        const auto rows = db.listImages(f);
        QVERIFY(rows);
        for (const auto& r : *rows)
            page << r.id;
        QCOMPARE(page, img({6, 3, 4}));
        f = {};
        f.lacksAttribute = QStringLiteral("colour");
        f.valueCode = QStringLiteral("boho");
        QCOMPARE(db.countImages(f).value_or(-1), 0);  // both colour-less and boho: none
    }

    void modelTesterWhileFiltersChangeOverManyPages() {
        catalog::CatalogDb db;
        QVERIFY(db.open(tmp_.filePath(QStringLiteral("pages.sqlite"))));
        QList<catalog::ImageRecord> records;
        for (int i = 0; i < 1300; ++i) {
            catalog::ImageRecord r;
            r.path = tmp_.filePath(QStringLiteral("p%1.jpg").arg(i, 4, 10, QLatin1Char('0')));
            r.contentHash = QString::number(i);
            records << r;
        }
        const auto ids = db.addImages(records);
        QVERIFY(ids);
        for (int i = 0; i < 1300; i += 2)
            QVERIFY(db.addSuggestions(ids->at(i), 0,
                                      {suggestion("style", "boho", (i % 97) / 100.0)},
                                      QStringLiteral("model:m")));
        ui::Thumbnailer thumbs(QString(), 64);
        ui::CatalogModel model(db, thumbs);
        QAbstractItemModelTester tester(&model,
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        ui::CatalogPane pane(&model);
        pane.setTaxonomy(taxonomy_);
        QVERIFY(model.reload());
        QCOMPARE(model.rowCount(), ui::CatalogModel::kPageSize);
        pane.setSort(ImageSort::LeastCertain);
        QList<qint64> all = rowIds(model);
        QCOMPARE(all.size(), 1300);
        QCOMPARE(QSet<qint64>(all.begin(), all.end()).size(),
                 1300);  // pages neither overlap nor skip
        // Confidence never decreases along the tagged rows; untagged rows come last.
        double last = -1;
        for (int r = 0; r < 650; ++r) {
            const int i = ids->indexOf(all[r]);
            QVERIFY2(i % 2 == 0, "a tagged image first");
            const double c = (i % 97) / 100.0;
            QVERIFY(c >= last);
            last = c;
        }
        pane.attributeBox()->setCurrentIndex(
            pane.attributeBox()->findData(QStringLiteral("style")));
        pane.conditionBox()->setCurrentIndex(1);  // lacks
        QCOMPARE(model.totalCount(), 650);
        pane.setSort(ImageSort::Name);
        all = rowIds(model);
        QCOMPARE(all.first(), ids->at(1));
        QCOMPARE(all.last(), ids->at(1299));
    }

    void nextUnreviewedFollowsTheSortOrder() {
        const QString path = tmp_.filePath(QStringLiteral("next.sqlite"));
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(path));
            QCOMPARE(fillCatalogue(db, tmp_.path()).size(), 8);
        }
        ui::MainWindow w(path);
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        // The pane gets the room its filter rows ask for at 1366 × 768.
        QVERIFY2(w.catalogPane()->width() >= w.catalogPane()->minimumSizeHint().width(),
                 qPrintable(QStringLiteral("%1 < %2")
                                .arg(w.catalogPane()->width())
                                .arg(w.catalogPane()->minimumSizeHint().width())));
        w.catalogPane()->setSort(ImageSort::LeastCertain);  // 7 2 1 6 3 4 5 8
        const QStringList expected = {"g-bag", "a-dress", "b-Coat", "f-jeans", "d-skirt", "H-shoe"};
        for (const QString& name : expected) {
            QTest::keyClick(&w, Qt::Key_J, Qt::ControlModifier);
            QCOMPARE(w.catalogPane()->view()->currentIndex().data().toString(), name + ".jpg");
        }
        QTest::keyClick(&w, Qt::Key_J, Qt::ControlModifier);  // nothing after: stays
        QCOMPARE(w.catalogPane()->view()->currentIndex().data().toString(),
                 QStringLiteral("H-shoe.jpg"));
    }

    void pastingImageDataAndFileUrlsAddsRows() {
        const QString folder = ui::pastedImagesFolder();
        QVERIFY2(folder.startsWith(qEnvironmentVariable("XDG_DATA_HOME")) &&
                     !qEnvironmentVariable("XDG_DATA_HOME").isEmpty(),
                 "the test keeps pasted files in its own data folder");
        QDir(folder).removeRecursively();
        ui::MainWindow w(tmp_.filePath(QStringLiteral("paste.sqlite")));
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        auto* paste = w.findChild<QAction*>(QStringLiteral("pasteImage"));
        QVERIFY(paste);
        QCOMPARE(paste->shortcut(), QKeySequence(QKeySequence::Paste));

        QImage picture(64, 48, QImage::Format_RGB32);
        picture.fill(qRgb(10, 120, 200));
        picture.setPixel(3, 4, qRgb(255, 0, 0));
        QGuiApplication::clipboard()->setImage(picture);
        QSignalSpy imported(&w, &ui::MainWindow::importFinished);
        QTest::keyClick(&w, Qt::Key_V, Qt::ControlModifier);  // through the Edit menu's action
        QVERIFY(imported.wait(10000));
        QCOMPARE(imported.first().at(0).toInt(), 1);
        QVERIFY(w.showingCatalogue());
        QCOMPARE(w.catalogModel()->rowCount(), 1);
        const QString saved =
            w.catalogModel()->index(0).data(ui::CatalogModel::PathRole).toString();
        QVERIFY2(saved.startsWith(folder) && saved.endsWith(".png"), qPrintable(saved));
        QCOMPARE(QImage(saved).convertToFormat(QImage::Format_RGB32), picture);

        // The same picture again: the same file, no new row.
        imported.clear();
        paste->trigger();
        QVERIFY(imported.wait(10000));
        QCOMPARE(w.catalogModel()->rowCount(), 1);
        QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 1);

        // File URLs (as a file manager copies them) are added like a drop.
        const QString a = tmp_.filePath(QStringLiteral("copied-a.png"));
        const QString b = tmp_.filePath(QStringLiteral("copied-b.jpg"));
        QVERIFY(picture.save(a));
        QVERIFY(picture.scaled(128, 96).save(b));
        auto* mime = new QMimeData;
        mime->setUrls({QUrl::fromLocalFile(a), QUrl::fromLocalFile(b)});
        QGuiApplication::clipboard()->setMimeData(mime);
        imported.clear();
        paste->trigger();
        QVERIFY(imported.wait(10000));
        QCOMPARE(imported.first().at(0).toInt(), 2);
        QCOMPARE(w.catalogModel()->rowCount(), 3);
        QCOMPARE(QDir(folder).entryList(QDir::Files).size(), 1);  // files are not copied

        // Nothing usable on the clipboard: a message, nothing added.
        QGuiApplication::clipboard()->setText(QStringLiteral("just words"));
        paste->trigger();
        QTest::qWait(100);
        QCOMPARE(w.catalogModel()->rowCount(), 3);
    }

    void chineseCatalogueFitsAt1366() {
        QCOMPARE(ui::installTranslations(*qApp, QStringLiteral("zh_CN")), QStringLiteral("zh_CN"));
        QStringList files;
        for (int i = 0; i < 4; ++i) {
            QImage img(600, 800, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(30 + i * 70, 120, 230));
            for (int y = 150; y < 700; ++y)
                for (int x = 150 - y / 10; x < 450 + y / 10; ++x)
                    img.setPixel(x, y, qRgb(60, 60 + i * 30, 90));
            files << tmp_.filePath(QStringLiteral("zh-%1.jpg").arg(i));
            QVERIFY(img.save(files.last()));
        }
        {
            ui::MainWindow w(tmp_.filePath(QStringLiteral("zh.sqlite")));
            w.resize(1366, 768);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QSignalSpy imported(&w, &ui::MainWindow::importFinished);
            w.importPaths(files);
            QVERIFY(imported.wait(10000));
            ui::CatalogPane* pane = w.catalogPane();
            QCOMPARE(pane->sortBox()->itemText(4), QStringLiteral("最不确定的在前"));
            QCOMPARE(pane->conditionBox()->itemText(1), QStringLiteral("缺少"));
            // Every page element gets at least the room it asks for.
            QVERIFY2(pane->width() >= pane->minimumSizeHint().width(),
                     qPrintable(QStringLiteral("%1 < %2")
                                    .arg(pane->width())
                                    .arg(pane->minimumSizeHint().width())));
            QVERIFY(w.viewer()->width() >= 300);
            QSignalSpy shown(w.viewer(), &ui::ImageViewer::imageLoaded);
            w.selectRow(2);
            QVERIFY(shown.wait(10000));
            QTest::qWait(300);  // thumbnails
            // The taxonomy speaks the interface's language too (its zh labels), even when the
            // language was chosen in Vistag rather than by the system locale.
            QVERIFY(w.tagEditor()->tree()->topLevelItemCount() > 0);
            QCOMPARE(w.tagEditor()->tree()->topLevelItem(0)->text(0), QStringLiteral("品类"));
            QVERIFY(w.grab().save(qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath()) +
                                  QStringLiteral("/catalogue-viewer-zh.png")));
        }
        QCOMPARE(ui::installTranslations(*qApp, QStringLiteral("en")), QStringLiteral("en"));
    }
};

QTEST_MAIN(TestCatalogFilters)
#include "test_catalog_filters.moc"

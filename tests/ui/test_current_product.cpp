// One current product: the viewer, the tag editor and every review action follow the image on
// screen, however the grid's selection changes — clicks, Ctrl+click, Shift+click, a new sort, a
// filter typed and cleared, images added while one is shown — in English and in Chinese. Each
// step acts as a person does (mouse on the grid, keys, the editor's buttons) and then reads the
// catalogue: only the product the editor names has changed.
#include <QAction>
#include <QComboBox>
#include <QDir>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include "ask_pane.h"
#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "image_viewer.h"
#include "main_window.h"
#include "settings_test_util.h"
#include "tag_editor.h"
#include "translations.h"

using namespace vistag;
using catalog::TagStatus;

namespace {

// Every tag of the catalogue as "image:attribute=value:status", sorted.
QStringList tagState(const QString& dbPath) {
    catalog::CatalogDb db;
    if (!db.open(dbPath))
        return {QStringLiteral("cannot open")};
    QStringList out;
    const auto images = db.listImages({}).value_or(QList<catalog::ImageRecord>{});
    for (const auto& img : images)
        for (const auto& t : db.tagsForImage(img.id).value_or(QList<catalog::TagRecord>{}))
            out << QStringLiteral("%1:%2=%3:%4")
                       .arg(QFileInfo(img.path).fileName(), t.attribute, t.valueCode,
                            catalog::tagStatusName(t.status));
    out.sort();
    return out;
}

// The lines of `after` that are not in `before`, reduced to their image's file name.
QSet<QString> changedImages(const QStringList& before, const QStringList& after) {
    QSet<QString> out;
    const QSet<QString> b(before.cbegin(), before.cend());
    const QSet<QString> a(after.cbegin(), after.cend());
    for (const QString& line : (a - b) + (b - a))
        out.insert(line.section(QLatin1Char(':'), 0, 0));
    return out;
}

class Fixture {
public:
    QTemporaryDir tmp;
    QString dbPath;
    QStringList names{QStringLiteral("d-red.png"), QStringLiteral("a-blue.png"),
                      QStringLiteral("c-green.png"), QStringLiteral("b-black.png")};

    bool make() {
        dbPath = tmp.filePath(QStringLiteral("current.sqlite"));
        catalog::CatalogDb db;
        if (!db.open(dbPath))
            return false;
        for (int i = 0; i < names.size(); ++i) {
            const QString path = tmp.filePath(names[i]);
            QImage img(96, 128, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(i * 80, 200, 220));
            if (!img.save(path))
                return false;
            catalog::ImageRecord r;
            r.path = path;
            r.contentHash = names[i];
            r.width = 96;
            r.height = 128;
            const auto id = db.addImage(r);
            if (!id)
                return false;
            // Two model suggestions each.
            const QList<catalog::TagSuggestion> s{
                {QStringLiteral("colour"), QStringLiteral("red"), QStringLiteral("red"), false, 0.6,
                 -1},
                {QStringLiteral("style"), QStringLiteral("minimalist"),
                 QStringLiteral("minimalist"), false, 0.5, -1}};
            if (!db.addSuggestions(*id, 0, s, QStringLiteral("model:test")))
                return false;
        }
        return true;
    }
};

QListView* grid(ui::MainWindow& w) {
    return w.catalogPane()->view();
}

int rowOf(ui::MainWindow& w, const QString& name) {
    for (int r = 0; r < w.catalogModel()->rowCount(); ++r)
        if (w.catalogModel()->index(r).data(Qt::DisplayRole).toString() == name)
            return r;
    return -1;
}

void click(ui::MainWindow& w, const QString& name, Qt::KeyboardModifiers mods = {}) {
    const int row = rowOf(w, name);
    QVERIFY2(row >= 0, qPrintable(name));
    const QModelIndex i = w.catalogModel()->index(row);
    grid(w)->scrollTo(i);
    QTest::mouseClick(grid(w)->viewport(), Qt::LeftButton, mods, grid(w)->visualRect(i).center());
}

// The file the viewer shows, the editor edits and names — one and the same, or "" when none.
QString onScreen(ui::MainWindow& w) {
    const QString viewer = QFileInfo(w.viewer()->imagePath()).fileName();
    const qint64 edited = w.tagEditor()->imageId();
    QString editedName;
    if (edited != 0) {
        const int row = w.catalogModel()->rowOfImage(edited);
        editedName = row >= 0 ? w.catalogModel()->index(row).data(Qt::DisplayRole).toString()
                              : QStringLiteral("(not listed)");
    }
    if (viewer != editedName)
        return QStringLiteral("viewer %1 ≠ editor %2").arg(viewer, editedName);
    if (!editedName.isEmpty() && w.tagEditor()->titleLabel()->text() != editedName)
        return QStringLiteral("editor names %1, edits %2")
            .arg(w.tagEditor()->titleLabel()->text(), editedName);
    return editedName;
}

}  // namespace

class TestCurrentProduct final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        test::isolateSettings(QStringLiteral("test_current_product"), config_, logs_);
    }
    void init() { ui::installTranslations(*qApp, QStringLiteral("en")); }
    void cleanupTestCase() { ui::installTranslations(*qApp, QStringLiteral("en")); }

    void editsFollowTheImageOnScreen_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("English") << QStringLiteral("en");
        QTest::newRow("Chinese") << QStringLiteral("zh_CN");
    }

    void editsFollowTheImageOnScreen() {
        QFETCH(QString, language);
        ui::installTranslations(*qApp, language);
        Fixture f;
        QVERIFY(f.make());
        ui::MainWindow w(f.dbPath);
        w.resize(1366, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        ui::TagEditor* editor = w.tagEditor();

        // Nothing selected: the editor names nothing and can write nothing.
        QCOMPARE(editor->imageId(), 0);
        QVERIFY(!editor->addField()->isEnabled());
        QStringList before = tagState(f.dbPath);
        QTest::keyClick(&w, Qt::Key_Return, Qt::ControlModifier);  // Accept all and next
        QCOMPARE(tagState(f.dbPath), before);

        // Click one, Ctrl+click a second: the second is on screen and is what Accept all writes.
        click(w, QStringLiteral("d-red.png"));
        QCOMPARE(onScreen(w), QStringLiteral("d-red.png"));
        click(w, QStringLiteral("a-blue.png"), Qt::ControlModifier);
        QCOMPARE(onScreen(w), QStringLiteral("a-blue.png"));
        QCOMPARE(grid(w)->selectionModel()->selectedIndexes().size(), 2);
        QVERIFY(!editor->noteLabel()->text().isEmpty());  // "2 images selected: only this one…"
        before = tagState(f.dbPath);
        QPushButton* acceptAll = nullptr;
        for (QPushButton* b : editor->findChildren<QPushButton*>())
            if (b->text() == ui::TagEditor::tr("Accept all"))
                acceptAll = b;
        QVERIFY(acceptAll);
        QTest::mouseClick(acceptAll, Qt::LeftButton);
        QCOMPARE(changedImages(before, tagState(f.dbPath)), QSet<QString>{"a-blue.png"});

        // Ctrl+click the current one away: the other selected image becomes current.
        click(w, QStringLiteral("a-blue.png"), Qt::ControlModifier);
        QCOMPARE(onScreen(w), QStringLiteral("d-red.png"));

        // Shift+click: a range, the clicked end is current; Alt+A adds to it only.
        click(w, QStringLiteral("b-black.png"), Qt::ShiftModifier);
        QCOMPARE(onScreen(w), QStringLiteral("b-black.png"));
        QVERIFY(grid(w)->selectionModel()->selectedIndexes().size() >= 2);
        before = tagState(f.dbPath);
        QTest::keyClick(&w, Qt::Key_A, Qt::AltModifier);
        QTRY_VERIFY(editor->addField()->hasFocus());
        QTest::keyClicks(editor->addField(), QStringLiteral("colour: white"));
        QTest::keyClick(editor->addField(), Qt::Key_Return);
        QCOMPARE(changedImages(before, tagState(f.dbPath)), QSet<QString>{"b-black.png"});

        // A new sort: the same image stays current (selected again where it is now).
        QComboBox* sort = w.catalogPane()->sortBox();
        sort->setCurrentIndex(sort->findData(int(catalog::ImageSort::Name)));
        QCOMPARE(rowOf(w, QStringLiteral("a-blue.png")), 0);  // sorted by name now
        QCOMPARE(onScreen(w), QStringLiteral("b-black.png"));
        before = tagState(f.dbPath);
        QTest::keyClick(&w, Qt::Key_Return, Qt::ControlModifier);  // accept all, next
        QCOMPARE(changedImages(before, tagState(f.dbPath)), QSet<QString>{"b-black.png"});
        QCOMPARE(onScreen(w), QStringLiteral("c-green.png"));  // the next one by name

        // A filter that hides the current image: nothing is current, nothing can be written.
        QTest::keyClicks(w.catalogPane()->searchField(), QStringLiteral("red"));
        QCOMPARE(w.catalogModel()->rowCount(), 1);
        QCOMPARE(onScreen(w), QString());
        QVERIFY(!editor->addField()->isEnabled());
        QCOMPARE(editor->titleLabel()->text(), ui::TagEditor::tr("No image selected"));
        before = tagState(f.dbPath);
        QTest::keyClick(&w, Qt::Key_Return, Qt::ControlModifier);
        QTest::keyClick(&w, Qt::Key_A, Qt::AltModifier);
        QTest::keyClicks(editor->addField(), QStringLiteral("colour: black"));
        QTest::keyClick(editor->addField(), Qt::Key_Return);
        QCOMPARE(tagState(f.dbPath), before);
        // Clearing the search box: the grid is back, still nothing current until a click.
        w.catalogPane()->searchField()->clear();
        QCOMPARE(w.catalogModel()->rowCount(), 4);
        QCOMPARE(onScreen(w), QString());

        // Images added while one is shown: it stays current, edits still go to it.
        click(w, QStringLiteral("c-green.png"));
        QCOMPARE(onScreen(w), QStringLiteral("c-green.png"));
        const QString added = f.tmp.filePath(QStringLiteral("0-new.png"));
        QImage img(40, 40, QImage::Format_RGB32);
        img.fill(Qt::yellow);
        QVERIFY(img.save(added));
        QSignalSpy imported(&w, &ui::MainWindow::importFinished);
        w.importPaths({added});
        QVERIFY(imported.wait(10000));
        QCOMPARE(w.catalogModel()->rowCount(), 5);
        QCOMPARE(onScreen(w), QStringLiteral("c-green.png"));
        before = tagState(f.dbPath);
        editor->tree()->setFocus();
        // Reject: the focused attribute's suggestion ("style" row's tag).
        QTreeWidgetItem* styleTag = nullptr;
        for (int g = 0; g < editor->tree()->topLevelItemCount(); ++g)
            if (editor->tree()->topLevelItem(g)->childCount() > 0 &&
                editor->tree()->topLevelItem(g)->child(0)->data(0, Qt::UserRole + 1).toLongLong())
                styleTag = editor->tree()->topLevelItem(g)->child(0);
        QVERIFY(styleTag);
        editor->tree()->setCurrentItem(styleTag);
        QVERIFY(editor->rejectSelected());
        QCOMPARE(changedImages(before, tagState(f.dbPath)), QSet<QString>{"c-green.png"});

        QTest::qWait(100);
        QVERIFY(w.grab().save(test::artifactPath(QStringLiteral("current-product-") + language)));
    }

    // The ask pane's answer belongs to the images it was asked about: another selection clears
    // it, so its tag chips cannot add to the wrong image.
    void askPaneForgetsTheLastImagesAnswer() {
        Fixture f;
        QVERIFY(f.make());
        ui::MainWindow w(f.dbPath);
        w.resize(1366, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        click(w, QStringLiteral("d-red.png"));
        w.askPane()->showAnswer(QStringLiteral("A red casual dress."));
        QVERIFY(!w.askPane()->answer().isEmpty());
        click(w, QStringLiteral("a-blue.png"));
        QCOMPARE(w.askPane()->answer(), QString());
        QVERIFY(w.askPane()->linkedTags().isEmpty());
    }

    // The menus of the window have distinct Alt letters, in English and in Chinese.
    void menuMnemonicsAreDistinct_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("English") << QStringLiteral("en");
        QTest::newRow("Chinese") << QStringLiteral("zh_CN");
    }
    void menuMnemonicsAreDistinct() {
        QFETCH(QString, language);
        ui::installTranslations(*qApp, language);
        Fixture f;
        QVERIFY(f.make());
        ui::MainWindow w(f.dbPath);
        QStringList seen;
        for (QAction* menu : w.menuBar()->actions()) {
            const QString text = menu->text();
            const qsizetype amp = text.indexOf(QLatin1Char('&'));
            QVERIFY2(amp >= 0 && amp + 1 < text.size(), qPrintable(text));
            const QString key = text.mid(amp + 1, 1).toUpper();
            QVERIFY2(!seen.contains(key),
                     qPrintable(QStringLiteral("%1 repeats Alt+%2").arg(text, key)));
            seen << key;
        }
    }

private:
    QTemporaryDir config_;
    QTemporaryDir logs_;
};

QTEST_MAIN(TestCurrentProduct)
#include "test_current_product.moc"

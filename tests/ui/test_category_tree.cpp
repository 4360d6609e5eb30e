// Category-aware review (issue 23), as a person does it: the tag editor shows the image's
// category and only the attributes that apply, the category picker is searched in English and
// Chinese and chosen with Enter, tags that no longer apply are dropped and brought back with
// Ctrl+Z, the grid filters by a category's subtree, and the taxonomy browser shows a category's
// attributes and values. Every change is checked in the SQLite file itself. Real widgets,
// offscreen; screenshots in build/test-artifacts.
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QInputMethodEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QListWidget>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTreeView>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include "catalog_model.h"
#include "catalog_pane.h"
#include "category_picker.h"
#include "main_window.h"
#include "settings_taxonomy_page.h"
#include "settings_test_util.h"
#include "tag_editor.h"
#include "taxonomy_browser.h"
#include "thumbnailer.h"
#include "translations.h"

using namespace vistag;

namespace {

// attribute → "value_code:status" of the image's tags, read from the catalogue file directly.
QMultiMap<QString, QString> storedTags(const QString& file, qint64 image) {
    QMultiMap<QString, QString> out;
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("check"));
        db.setDatabaseName(file);
        if (!db.open())
            return out;
        QSqlQuery q(db);
        q.prepare(QStringLiteral(
            "SELECT attribute, value_code, status FROM tags WHERE image_id = ? ORDER BY id"));
        q.addBindValue(image);
        q.exec();
        while (q.next())
            out.insert(q.value(0).toString(),
                       q.value(1).toString() + QLatin1Char(':') + q.value(2).toString());
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("check"));
    return out;
}

// The audit log's actions by `who`, oldest first, read from the catalogue file directly.
QStringList auditActions(const QString& file, const QString& who) {
    QStringList out;
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("audit"));
        db.setDatabaseName(file);
        if (!db.open())
            return out;
        QSqlQuery q(db);
        q.prepare(QStringLiteral("SELECT action FROM audit WHERE who = ? ORDER BY id"));
        q.addBindValue(who);
        q.exec();
        while (q.next())
            out << q.value(0).toString();
        db.close();
    }
    QSqlDatabase::removeDatabase(QStringLiteral("audit"));
    return out;
}

qint64 addImage(catalog::CatalogDb& db, const QString& path) {
    catalog::ImageRecord r;
    r.path = path;
    r.contentHash = path;
    auto id = db.addImage(r);
    return id ? *id : 0;
}

catalog::TagSuggestion suggestion(const char* attribute, const char* value, double confidence) {
    return {QLatin1String(attribute), QLatin1String(value), QString(), false, confidence, -1};
}

// Typing as a person does: key by key for ASCII; Chinese arrives as an input method's commit
// (pinyin typed, the characters chosen), as on a real desktop.
void type(QWidget* w, const QString& text) {
    bool ascii = true;
    for (QChar c : text)
        ascii = ascii && c.unicode() < 128;
    if (ascii) {
        QTest::keyClicks(w, text);
        return;
    }
    QInputMethodEvent commit;
    commit.setCommitString(text);
    QCoreApplication::sendEvent(w, &commit);
}

QTreeWidgetItem* group(QTreeWidget* tree, const QString& attribute) {
    for (int i = 0; i < tree->topLevelItemCount(); ++i)
        if (tree->topLevelItem(i)->data(0, Qt::UserRole + 2).toString() == attribute)
            return tree->topLevelItem(i);
    return nullptr;
}

// A generated taxonomy of Shopify's size: 10 roots, 100 children each, 10 leaves under each
// child (11,010 categories), English and Chinese labels, 20 attributes.
catalog::Taxonomy bigTaxonomy() {
    QList<catalog::TaxonomyAttribute> attributes;
    for (int a = 0; a < 20; ++a) {
        catalog::TaxonomyAttribute attr;
        attr.code = QStringLiteral("attr%1").arg(a);
        attr.labelEn = QStringLiteral("Attribute %1").arg(a);
        attr.labelZh = QStringLiteral("属性%1").arg(a);
        attr.labels = {{QStringLiteral("en"), attr.labelEn}, {QStringLiteral("zh"), attr.labelZh}};
        for (int v = 0; v < 5; ++v) {
            catalog::TaxonomyValue value;
            value.code = QStringLiteral("a%1v%2").arg(a).arg(v);
            value.labelEn = QStringLiteral("Value %1.%2").arg(a).arg(v);
            value.labelZh = QStringLiteral("值%1.%2").arg(a).arg(v);
            value.labels = {{QStringLiteral("en"), value.labelEn},
                            {QStringLiteral("zh"), value.labelZh}};
            attr.values << value;
        }
        attributes << attr;
    }
    QList<catalog::TaxonomyCategory> categories;
    auto add = [&](const QString& code, const QString& parent, const QString& en,
                   const QString& zh) {
        catalog::TaxonomyCategory c;
        c.code = code;
        c.parentCode = parent;
        c.labelEn = en;
        c.labelZh = zh;
        c.labels = {{QStringLiteral("en"), en}, {QStringLiteral("zh"), zh}};
        c.attributeCodes = {QStringLiteral("attr%1").arg(categories.size() % 20)};
        categories << c;
    };
    for (int r = 0; r < 10; ++r) {
        const QString root = QStringLiteral("r%1").arg(r);
        add(root, {}, QStringLiteral("Root %1").arg(r), QStringLiteral("根%1").arg(r));
        for (int m = 0; m < 100; ++m) {
            const QString mid = QStringLiteral("%1-%2").arg(root).arg(m);
            add(mid, root, QStringLiteral("Group %1 %2").arg(r).arg(m),
                QStringLiteral("组%1号%2").arg(r).arg(m));
            for (int l = 0; l < 10; ++l)
                add(QStringLiteral("%1-%2").arg(mid).arg(l), mid,
                    QStringLiteral("Leaf %1 %2 %3").arg(r).arg(m).arg(l),
                    QStringLiteral("叶%1号%2号%3").arg(r).arg(m).arg(l));
        }
    }
    return catalog::Taxonomy(attributes, categories, QStringLiteral("big"));
}

}  // namespace

class TestCategoryTree final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;
    QTemporaryDir config_;

private slots:
    void initTestCase() {
        test::isolateSettings(QStringLiteral("test_category_tree"), config_, tmp_);
    }
    void cleanup() { ui::installTranslations(*qApp, QStringLiteral("en")); }

    // The editor lists the category first and only its attributes; a tag of another attribute is
    // marked as not applying. Changing the category through the picker (typed search, Enter)
    // stores it as the person's accepted tag; dropping the tags that no longer apply is one
    // step that Ctrl+Z takes back. In English, then in Chinese.
    void tagEditorScopesToTheCategory_data() {
        QTest::addColumn<QString>("language");
        QTest::addColumn<QString>("search");
        QTest::newRow("en") << QStringLiteral("en") << QStringLiteral("dress");
        QTest::newRow("zh_CN") << QStringLiteral("zh_CN") << QStringLiteral("连衣裙");
    }
    void tagEditorScopesToTheCategory() {
        QFETCH(QString, language);
        QFETCH(QString, search);
        ui::installTranslations(*qApp, language);
        const QString file = tmp_.filePath(QStringLiteral("editor-%1.sqlite").arg(language));
        catalog::CatalogDb db;
        QVERIFY(db.open(file));
        const qint64 image =
            addImage(db, tmp_.filePath(QStringLiteral("shoe-%1.jpg").arg(language)));
        QVERIFY(db.addSuggestions(
            image, 0,
            {suggestion("category", "shoes", 0.9), suggestion("heel_height", "high_heel", 0.8),
             suggestion("colour", "red", 0.7)},
            QStringLiteral("model:tiny")));
        const auto taxonomy = catalog::Taxonomy::defaultApparel();
        QVERIFY(taxonomy.hasCategoryTree());
        ui::TagEditor editor(db, taxonomy, QStringLiteral("lin"));
        editor.resize(460, 640);
        editor.show();
        editor.setImage(image);
        QCOMPARE(editor.categoryCode(), QStringLiteral("shoes"));
        QVERIFY(editor.categoryButton()->isVisible());
        const QString shoes =
            catalog::Taxonomy::label(*taxonomy.category(QStringLiteral("shoes")), ui::uiLanguage());
        QVERIFY2(editor.categoryButton()->text().contains(shoes),
                 qPrintable(editor.categoryButton()->text()));
        // The category first, then exactly the attributes of shoes (no sleeve, heel height).
        QTreeWidget* tree = editor.tree();
        QCOMPARE(tree->topLevelItem(0)->data(0, Qt::UserRole + 2).toString(),
                 QStringLiteral("category"));
        const auto shoeAttributes = taxonomy.attributesFor(QStringLiteral("shoes"));
        QCOMPARE(tree->topLevelItemCount(), 1 + int(shoeAttributes.size()));
        QVERIFY(group(tree, QStringLiteral("heel_height")));
        QVERIFY(!group(tree, QStringLiteral("sleeve")));
        QVERIFY(editor.inapplicableTags().isEmpty());
        QVERIFY(!editor.dropButton()->isVisible());
        QVERIFY(!group(tree, QStringLiteral("category"))->child(0)->toolTip(0).isEmpty());
        QVERIFY(editor.grab().save(
            test::artifactPath(QStringLiteral("category-tag-editor-%1").arg(language))));

        // Click "Category", type, Enter.
        QTest::mouseClick(editor.categoryButton(), Qt::LeftButton);
        auto* picker = editor.findChild<ui::CategoryPicker*>();
        QVERIFY(picker);
        QTRY_VERIFY(picker->isVisible());
        QCOMPARE(picker->chosenCode(), QStringLiteral("shoes"));  // opens on the current one
        type(picker->searchField(), search);
        QCOMPARE(picker->chosenCode(), QStringLiteral("dress"));
        QVERIFY(picker->grab().save(
            test::artifactPath(QStringLiteral("category-picker-%1").arg(language))));
        QTest::keyClick(picker->searchField(), Qt::Key_Return);
        QTRY_COMPARE(editor.categoryCode(), QStringLiteral("dress"));
        auto stored = storedTags(file, image);
        QVERIFY(
            stored.values(QStringLiteral("category")).contains(QStringLiteral("dress:accepted")));
        QVERIFY(
            stored.values(QStringLiteral("category")).contains(QStringLiteral("shoes:rejected")));

        // Heel height does not apply to a dress: shown as such, droppable.
        QTreeWidgetItem* heel = group(tree, QStringLiteral("heel_height"));
        QVERIFY(heel);
        QVERIFY(heel->data(0, Qt::UserRole + 4).toBool());
        const QString dress =
            catalog::Taxonomy::label(*taxonomy.category(QStringLiteral("dress")), ui::uiLanguage());
        QVERIFY2(heel->text(0).contains(dress), qPrintable(heel->text(0)));
        QVERIFY(group(tree, QStringLiteral("sleeve")));  // a dress has sleeves
        QCOMPARE(editor.inapplicableTags().size(), 1);
        QVERIFY(editor.dropButton()->isVisible());
        QVERIFY(editor.grab().save(
            test::artifactPath(QStringLiteral("category-inapplicable-%1").arg(language))));
        QTest::mouseClick(editor.dropButton(), Qt::LeftButton);
        QVERIFY(!storedTags(file, image).contains(QStringLiteral("heel_height")));
        QVERIFY(!group(tree, QStringLiteral("heel_height")));
        QVERIFY(storedTags(file, image)
                    .values(QStringLiteral("colour"))
                    .contains(QStringLiteral("red:suggested")));  // tags that apply stay

        // Ctrl+Z: the dropped tag is back, as it was.
        editor.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        tree->setFocus();
        QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(storedTags(file, image).values(QStringLiteral("heel_height")),
                 QStringList{QStringLiteral("high_heel:suggested")});
        // Ctrl+Z again: the category change is taken back too.
        QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(editor.categoryCode(), QStringLiteral("shoes"));
        QVERIFY(storedTags(file, image)
                    .values(QStringLiteral("category"))
                    .contains(QStringLiteral("shoes:suggested")));
        QVERIFY(!storedTags(file, image)
                     .values(QStringLiteral("category"))
                     .contains(QStringLiteral("dress:accepted")));
        // Every step is in the audit log under the person's name: the category picked, the tag
        // dropped, both undone.
        QCOMPARE(auditActions(file, QStringLiteral("lin")),
                 (QStringList{QStringLiteral("pick"), QStringLiteral("remove"),
                              QStringLiteral("undo"), QStringLiteral("undo")}));
    }

    // Escape leaves the category as it was; nothing is written.
    void cancellingThePickerChangesNothing() {
        const QString file = tmp_.filePath(QStringLiteral("cancel.sqlite"));
        catalog::CatalogDb db;
        QVERIFY(db.open(file));
        const qint64 image = addImage(db, tmp_.filePath(QStringLiteral("c.jpg")));
        const auto taxonomy = catalog::Taxonomy::defaultApparel();
        ui::TagEditor editor(db, taxonomy, QStringLiteral("lin"));
        editor.show();
        editor.setImage(image);
        QCOMPARE(editor.categoryCode(), QString());
        // No category yet: every attribute, as before.
        QCOMPARE(editor.tree()->topLevelItemCount(), int(taxonomy.attributes().size()));
        // F2 on the category row opens the picker too.
        editor.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        editor.tree()->setFocus();
        editor.tree()->setCurrentItem(group(editor.tree(), QStringLiteral("category")));
        QTest::keyClick(editor.tree(), Qt::Key_F2);
        auto* picker = editor.findChild<ui::CategoryPicker*>();
        QVERIFY(picker);
        QTest::keyClicks(picker->searchField(), QStringLiteral("hat"));
        QTest::keyClick(picker->searchField(), Qt::Key_Escape);
        QTRY_VERIFY(!editor.findChild<ui::CategoryPicker*>());
        QVERIFY(storedTags(file, image).isEmpty());
        // Arrows move in the tree while typing; Enter on a leaf chooses it.
        picker = editor.chooseCategory();
        QTest::keyClicks(picker->searchField(), QStringLiteral("bag"));
        QCOMPARE(picker->chosenCode(), QStringLiteral("bag"));
        QTest::keyClick(picker->searchField(), Qt::Key_Up);  // its parent, Accessories
        QCOMPARE(picker->chosenCode(), QStringLiteral("accessories"));
        QTest::keyClick(picker->searchField(), Qt::Key_Enter);
        QTRY_COMPARE(editor.categoryCode(), QStringLiteral("accessories"));
        QCOMPARE(storedTags(file, image).values(QStringLiteral("category")),
                 QStringList{QStringLiteral("accessories:accepted")});
    }

    // A version-1 taxonomy (no tree): no category button, every attribute listed, as before.
    void versionOneTaxonomyBehavesAsBefore() {
        catalog::CatalogDb db;
        QVERIFY(db.open(tmp_.filePath(QStringLiteral("v1.sqlite"))));
        const qint64 image = addImage(db, tmp_.filePath(QStringLiteral("v1.jpg")));
        QList<catalog::TaxonomyAttribute> attributes;
        const auto apparel = catalog::Taxonomy::defaultApparel();
        for (const auto& a : apparel.attributes())
            if (a.code != QLatin1String("category"))
                attributes << a;
        const catalog::Taxonomy flat(attributes, QStringLiteral("flat"));
        QVERIFY(!flat.hasCategoryTree());
        ui::TagEditor editor(db, flat, QStringLiteral("lin"));
        editor.show();
        editor.setImage(image);
        QVERIFY(!editor.categoryButton()->isVisible());
        QCOMPARE(editor.tree()->topLevelItemCount(), int(attributes.size()));
        QVERIFY(!editor.chooseCategory());
        ui::Thumbnailer thumbs(QString(), 64);
        ui::CatalogModel model(db, thumbs);
        ui::CatalogPane pane(&model);
        pane.setTaxonomy(flat);
        pane.show();
        QVERIFY(!pane.categoryButton()->isVisible());
    }

    // 11,010 categories: the picker opens and filters per keystroke quickly, matches shown with
    // their ancestors, in English and Chinese.
    void pickerStaysFastWithTenThousandCategories() {
        const auto taxonomy = bigTaxonomy();
        QCOMPARE(taxonomy.categories().size(), 11010);
        QElapsedTimer clock;
        clock.start();
        ui::CategoryPicker picker(taxonomy, QString());
        picker.show();
        const qint64 openMs = clock.elapsed();
        clock.restart();
        QTest::keyClicks(picker.searchField(), QStringLiteral("leaf 7 42 3"));
        const qint64 typeMs = clock.elapsed();
        qInfo("11,010 categories: picker opened in %lld ms, 11 keystrokes filtered in %lld ms",
              openMs, typeMs);
        QVERIFY2(openMs < 3000, qPrintable(QString::number(openMs)));
        QVERIFY2(typeMs < 11 * 300, qPrintable(QString::number(typeMs)));
        QCOMPARE(picker.chosenCode(), QStringLiteral("r7-42-3"));
        // Shown with its ancestors: one root, one group, one leaf.
        const QAbstractItemModel* m = picker.view()->model();
        QCOMPARE(m->rowCount(), 1);
        QCOMPARE(m->index(0, 0).data(ui::CategoryTreeModel::CodeRole).toString(),
                 QStringLiteral("r7"));
        QCOMPARE(m->rowCount(m->index(0, 0)), 1);
        picker.searchField()->clear();
        clock.restart();
        type(picker.searchField(), QStringLiteral("叶3号99号9"));
        qInfo("Chinese search: %lld ms", clock.elapsed());
        QCOMPARE(picker.chosenCode(), QStringLiteral("r3-99-9"));
        // A search by code.
        picker.searchField()->setText(QStringLiteral("r9-5-1"));
        QCOMPARE(picker.chosenCode(), QStringLiteral("r9-5-1"));

        // The tag editor and the browser on the same taxonomy: built and scoped quickly.
        catalog::CatalogDb db;
        QVERIFY(db.open(tmp_.filePath(QStringLiteral("big.sqlite"))));
        const qint64 image = addImage(db, tmp_.filePath(QStringLiteral("big.jpg")));
        QVERIFY(db.addSuggestions(image, 0, {suggestion("category", "r3-7-5", 0.9)},
                                  QStringLiteral("model:tiny")));
        clock.restart();
        ui::TagEditor editor(db, taxonomy, QStringLiteral("lin"));
        editor.show();
        editor.setImage(image);
        const qint64 editorMs = clock.elapsed();
        QCOMPARE(editor.categoryCode(), QStringLiteral("r3-7-5"));
        QCOMPARE(editor.tree()->topLevelItemCount(), 2);  // the category and its one attribute
        clock.restart();
        QVERIFY(editor.setCategory(QStringLiteral("r4-1-2")));
        const qint64 switchMs = clock.elapsed();
        clock.restart();
        ui::TaxonomyBrowser browser(taxonomy);
        browser.show();
        browser.showCategory(QStringLiteral("r9-99-9"));
        const qint64 browserMs = clock.elapsed();
        QCOMPARE(browser.currentCategory(), QStringLiteral("r9-99-9"));
        qInfo(
            "11,010 categories: tag editor built and shown in %lld ms, category switched in %lld "
            "ms, browser opened on a leaf in %lld ms",
            editorMs, switchMs, browserMs);
        QVERIFY2(editorMs < 3000 && switchMs < 1000 && browserMs < 3000,
                 qPrintable(QStringLiteral("%1 %2 %3").arg(editorMs).arg(switchMs).arg(browserMs)));
    }

    // The grid's "Category…" filter: the chosen category and everything below it, accepted or
    // suggested; a rejected category does not count.
    void gridFiltersByACategorySubtree() {
        ui::installTranslations(*qApp, QStringLiteral("en"));
        catalog::CatalogDb db;
        QVERIFY(db.open(tmp_.filePath(QStringLiteral("grid.sqlite"))));
        const auto taxonomy = catalog::Taxonomy::defaultApparel();
        struct Image {
            const char* name;
            const char* category;
            bool reject;
        };
        const Image images[] = {{"tee.jpg", "tshirt", false}, {"shirt.jpg", "shirt", false},
                                {"tops.jpg", "tops", false},  {"dress.jpg", "dress", false},
                                {"boot.jpg", "shoes", false}, {"wrong.jpg", "hoodie", true},
                                {"none.jpg", nullptr, false}};
        for (const auto& i : images) {
            const qint64 id = addImage(db, tmp_.filePath(QLatin1String(i.name)));
            if (!i.category)
                continue;
            auto ids = db.addSuggestions(id, 0, {suggestion("category", i.category, 0.9)},
                                         QStringLiteral("model:tiny"));
            QVERIFY(ids);
            if (i.reject)
                QVERIFY(db.rejectTag(ids->first(), QStringLiteral("lin")));
            else if (QLatin1String(i.name) == QLatin1String("tee.jpg"))
                QVERIFY(db.acceptTag(ids->first(), QStringLiteral("lin")));
        }
        ui::Thumbnailer thumbs(QString(), 64);
        ui::CatalogModel model(db, thumbs);
        ui::CatalogPane pane(&model);
        pane.setTaxonomy(taxonomy);
        pane.resize(700, 500);
        pane.show();
        QVERIFY(model.setFilter(pane.currentFilter()));
        QCOMPARE(model.totalCount(), 7);
        QVERIFY(pane.categoryButton()->isVisible());
        QTest::mouseClick(pane.categoryButton(), Qt::LeftButton);
        auto* picker = pane.findChild<ui::CategoryPicker*>();
        QVERIFY(picker);
        type(picker->searchField(), QStringLiteral("上装"));  // Tops, in Chinese
        QCOMPARE(picker->chosenCode(), QStringLiteral("tops"));
        QTest::keyClick(picker->searchField(), Qt::Key_Return);
        QTRY_COMPARE(pane.categoryFilter(), QStringLiteral("tops"));
        QCOMPARE(model.totalCount(), 3);  // tee, shirt, tops; not the rejected hoodie
        QStringList names;
        for (int r = 0; r < model.rowCount(); ++r)
            names << model.index(r, 0).data(Qt::DisplayRole).toString();
        names.sort();
        QCOMPARE(names, (QStringList{QStringLiteral("shirt.jpg"), QStringLiteral("tee.jpg"),
                                     QStringLiteral("tops.jpg")}));
        // With the state filter too (both in SQL): only the undecided ones.
        pane.stateBox()->setCurrentIndex(2);  // Suggested
        QCOMPARE(model.totalCount(), 2);
        pane.stateBox()->setCurrentIndex(0);
        pane.setCategoryFilter(QStringLiteral("clothing"));
        QCOMPARE(model.totalCount(), 4);
        QVERIFY(pane.grab().save(test::artifactPath(QStringLiteral("category-grid-filter-en"))));
        QTest::mouseClick(pane.findChild<QPushButton*>(QStringLiteral("clearCategoryFilter")),
                          Qt::LeftButton);
        QCOMPARE(model.totalCount(), 7);
    }

    // The browser: categories | the selected category's attributes | an attribute's values, one
    // click away from the window (Help menu) and from the tag editor's header.
    void taxonomyBrowserShowsAttributesAndValues_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("en") << QStringLiteral("en");
        QTest::newRow("zh_CN") << QStringLiteral("zh_CN");
    }
    void taxonomyBrowserShowsAttributesAndValues() {
        QFETCH(QString, language);
        ui::installTranslations(*qApp, language);
        auto w = std::make_unique<ui::MainWindow>(
            tmp_.filePath(QStringLiteral("browser-%1.sqlite").arg(language)));
        w->show();
        QAction* help = w->menuBar()->findChild<QAction*>(QStringLiteral("help.taxonomy"));
        QVERIFY(help);
        help->trigger();
        auto* browser = w->findChild<ui::TaxonomyBrowser*>();
        QVERIFY(browser);
        QTRY_VERIFY(browser->isVisible());
        type(browser->searchField(),
             language == QLatin1String("en") ? QStringLiteral("shoes") : QStringLiteral("鞋"));
        QCOMPARE(browser->currentCategory(), QStringLiteral("shoes"));
        QStringList attributes;
        for (int i = 0; i < browser->attributeList()->count(); ++i)
            attributes << browser->attributeList()->item(i)->data(Qt::UserRole).toString();
        QVERIFY(attributes.contains(QStringLiteral("heel_height")));
        QVERIFY(!attributes.contains(QStringLiteral("sleeve")));
        const int heel = int(attributes.indexOf(QStringLiteral("heel_height")));
        QTest::mouseClick(browser->attributeList()->viewport(), Qt::LeftButton, {},
                          browser->attributeList()
                              ->visualItemRect(browser->attributeList()->item(heel))
                              .center());
        QCOMPARE(browser->valueList()->count(), 5);
        const auto taxonomy = catalog::Taxonomy::defaultApparel();
        QCOMPARE(browser->valueList()->item(0)->text(),
                 catalog::Taxonomy::label(
                     *taxonomy.value(QStringLiteral("heel_height"), QStringLiteral("flat")),
                     ui::uiLanguage()));
        browser->resize(900, 520);
        QVERIFY(browser->grab().save(
            test::artifactPath(QStringLiteral("taxonomy-browser-%1").arg(language))));
        browser->close();
        // The tag editor's header button opens the same browser.
        w->tagEditor()->taxonomyButton()->click();
        QTRY_VERIFY(browser->isVisible());
        QCOMPARE(w->findChildren<ui::TaxonomyBrowser*>().size(), 1);
    }

    // Settings → Taxonomy: Shopify's folder imported on a worker (the CLI's importer), written as
    // a version-2 file, counted; a broken file named with its problem; Cancel drops the result.
    // The window started again tags with the remembered file.
    void settingsPageImportsShopifyAndOpensFiles() {
        const QString fixture = QStringLiteral(VISTAG_SOURCE_DIR "/tests/data/shopify");
        QVERIFY2(QFileInfo::exists(fixture + QStringLiteral("/en/categories.json")),
                 qPrintable(fixture));
        ui::installTranslations(*qApp, QStringLiteral("en"));
        const auto apparel = catalog::Taxonomy::defaultApparel();
        ui::TaxonomyPage page(apparel, QString());
        page.resize(640, 480);
        page.show();
        QVERIFY(page.countsLabel()->text().contains(
            QStringLiteral("%1 categories").arg(apparel.categories().size())));
        QSignalSpy finished(&page, &ui::TaxonomyPage::finished);

        // Cancel while the import runs: nothing chosen.
        page.importShopify(fixture, tmp_.filePath(QStringLiteral("cancelled.json")));
        QVERIFY(page.busy());
        page.cancel();
        QCOMPARE(finished.size(), 1);
        QCOMPARE(finished.takeFirst().at(0).toBool(), false);
        QVERIFY(!page.chosen());

        const QString out = tmp_.filePath(QStringLiteral("taxonomies/shopify.json"));
        page.importShopify(fixture, out);
        QVERIFY(finished.wait(30000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), true);
        QVERIFY(page.chosen());
        const catalog::Taxonomy& imported = *page.chosen();
        QVERIFY(imported.hasCategoryTree());
        QCOMPARE(page.chosenPath(), QFileInfo(out).absoluteFilePath());
        QVERIFY(QFileInfo::exists(out));
        QVERIFY2(page.countsLabel()->text().contains(
                     QStringLiteral("%1 categories").arg(imported.categories().size())),
                 qPrintable(page.countsLabel()->text()));
        QVERIFY(imported.languages().contains(QStringLiteral("zh")) ||
                imported.languages().contains(QStringLiteral("zh-CN")));
        QVERIFY(page.grab().save(test::artifactPath(QStringLiteral("settings-taxonomy-en"))));

        // A file with a fault: the problem, naming the file; the imported choice stays.
        const QString bad = tmp_.filePath(QStringLiteral("bad.json"));
        {
            QFile f(bad);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write(
                R"({"format": "vistag-taxonomy", "attributes": [{"code": "x", "valuez": []}]})");
        }
        page.openFile(bad);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), false);
        QVERIFY2(page.problemsView()->toPlainText().contains(QStringLiteral("bad.json")),
                 qPrintable(page.problemsView()->toPlainText()));
        QCOMPARE(page.chosenPath(), QFileInfo(out).absoluteFilePath());

        // The written file opens again with the same counts.
        page.openFile(out);
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.takeFirst().at(0).toBool(), true);
        QCOMPARE(page.chosen()->categories().size(), imported.categories().size());

        // Remembered (as the window does on OK) and used by the next window.
        ui::TaxonomyPage::storePath(out);
        {
            ui::MainWindow w(tmp_.filePath(QStringLiteral("settings-taxonomy.sqlite")));
            QCOMPARE(w.taxonomy().categories().size(), imported.categories().size());
            QCOMPARE(w.tagEditor()
                         ->findChild<QPushButton*>(QStringLiteral("categoryButton"))
                         ->isVisibleTo(w.tagEditor()),
                     true);
            w.setTaxonomy(apparel, QString());  // back to the built-in one, in place
            QCOMPARE(w.taxonomy().categories().size(), apparel.categories().size());
        }
        ui::TaxonomyPage::storePath(QString());
    }
};

QTEST_MAIN(TestCategoryTree)
#include "test_category_tree.moc"

#include <QLineEdit>
#include <QListView>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include "catalog_model.h"
#include "catalog_pane.h"
#include "main_window.h"
#include "tag_editor.h"

using namespace vistag;

namespace {

QString statusOf(catalog::CatalogDb& db, qint64 id) {
    auto t = db.tagById(id);
    return t ? catalog::tagStatusName(t->status) : QStringLiteral("gone");
}

qint64 addImage(catalog::CatalogDb& db, const QString& path) {
    catalog::ImageRecord r;
    r.path = path;
    r.contentHash = path;
    auto id = db.addImage(r);
    return id ? *id : 0;
}

QList<qint64> suggest(catalog::CatalogDb& db, qint64 image) {
    catalog::TagSuggestion boho{
        QStringLiteral("style"), QStringLiteral("boho"), "波西米亚", false, 0.62, -1};
    catalog::TagSuggestion red{
        QStringLiteral("colour"), QStringLiteral("red"), "红色", false, 0.91, -1};
    auto ids = db.addSuggestions(image, 0, {boho, red}, QStringLiteral("model:tiny"));
    return ids ? *ids : QList<qint64>{};
}

}  // namespace

class TestTagEditor final : public QObject {
    Q_OBJECT
private slots:
    void acceptRejectAddAndUndoRedoChangeTheCatalogue() {
        QTemporaryDir tmp;
        catalog::CatalogDb db;
        QVERIFY(db.open(tmp.filePath(QStringLiteral("c.sqlite"))));
        const qint64 image = addImage(db, tmp.filePath(QStringLiteral("a.jpg")));
        const auto ids = suggest(db, image);
        QCOMPARE(ids.size(), 2);
        const auto taxonomy = catalog::Taxonomy::defaultApparel();
        ui::TagEditor editor(db, taxonomy, QStringLiteral("lin"));
        editor.setImage(image);
        // Every attribute of the taxonomy is listed (so 1–9 can pick for any); two have tags.
        QCOMPARE(editor.tree()->topLevelItemCount(), int(taxonomy.attributes().size()));
        int withTags = 0;
        for (int i = 0; i < editor.tree()->topLevelItemCount(); ++i)
            withTags += editor.tree()->topLevelItem(i)->childCount() > 0;
        QCOMPARE(withTags, 2);  // style, colour

        // Select the style suggestion and accept it.
        QTreeWidgetItem* styleItem = nullptr;
        for (int i = 0; i < editor.tree()->topLevelItemCount(); ++i)
            for (int j = 0; j < editor.tree()->topLevelItem(i)->childCount(); ++j) {
                auto* c = editor.tree()->topLevelItem(i)->child(j);
                if (c->data(0, Qt::UserRole + 1).toLongLong() == ids[0])
                    styleItem = c;
            }
        QVERIFY(styleItem);
        QVERIFY(styleItem->text(1).contains(QStringLiteral("0.62")));  // confidence shown
        styleItem->setSelected(true);
        QVERIFY(editor.acceptSelected());
        QCOMPARE(statusOf(db, ids[0]), QStringLiteral("accepted"));
        editor.undoStack()->undo();
        QCOMPARE(statusOf(db, ids[0]), QStringLiteral("suggested"));
        editor.undoStack()->redo();
        QCOMPARE(statusOf(db, ids[0]), QStringLiteral("accepted"));

        // Reject the colour, then undo.
        for (auto* item :
             editor.tree()->findItems(QStringLiteral("*"), Qt::MatchWildcard | Qt::MatchRecursive))
            item->setSelected(item->data(0, Qt::UserRole + 1).toLongLong() == ids[1]);
        QVERIFY(editor.rejectSelected());
        QCOMPARE(statusOf(db, ids[1]), QStringLiteral("rejected"));
        editor.undoStack()->undo();
        QCOMPARE(statusOf(db, ids[1]), QStringLiteral("suggested"));

        // Add by label through the text field (Chinese attribute and value labels).
        editor.addField()->setText(QStringLiteral("材质: 真丝"));
        QTest::keyClick(editor.addField(), Qt::Key_Return);
        auto tags = db.tagsForImage(image);
        QVERIFY(tags);
        qint64 silk = 0;
        for (const auto& t : *tags)
            if (t.attribute == QLatin1String("material"))
                silk = t.id;
        QVERIFY(silk);
        QCOMPARE(statusOf(db, silk), QStringLiteral("accepted"));
        QCOMPARE(db.tagById(silk)->source, QStringLiteral("person:lin"));
        editor.undoStack()->undo();
        QCOMPARE(statusOf(db, silk), QStringLiteral("gone"));
        QVERIFY(!editor.addFromText(QStringLiteral("no colon here")));

        // Every change is in the audit log.
        auto audit = db.auditLog(50);
        QVERIFY(audit);
        QStringList actions;
        for (const auto& a : *audit)
            actions << a.action;
        for (const char* a : {"accept", "reopen", "reject", "add", "remove"})
            QVERIFY2(actions.contains(QLatin1String(a)), a);
    }

    void shortcutsNavigateAndCtrlEnterAcceptsAndMovesOn() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("c.sqlite"));
        qint64 first = 0;
        QList<qint64> firstTags;
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            first = addImage(db, tmp.filePath(QStringLiteral("a.jpg")));
            firstTags = suggest(db, first);
            addImage(db, tmp.filePath(QStringLiteral("b.jpg")));
            const qint64 third = addImage(db, tmp.filePath(QStringLiteral("c.jpg")));
            suggest(db, third);
        }
        ui::MainWindow w(dbPath);
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.showingCatalogue());
        QListView* grid = w.catalogPane()->view();
        QTest::keyClick(&w, Qt::Key_Down, Qt::ControlModifier);  // Ctrl+↓ → first image
        QCOMPARE(grid->currentIndex().row(), 0);
        QCOMPARE(w.tagEditor()->imageId(), first);
        QTest::keyClick(&w, Qt::Key_Return, Qt::ControlModifier);  // accept all, next
        QCOMPARE(grid->currentIndex().row(), 1);
        catalog::CatalogDb check;
        QVERIFY(check.open(dbPath));
        for (qint64 id : firstTags)
            QCOMPARE(statusOf(check, id), QStringLiteral("accepted"));
        QCOMPARE(w.catalogModel()
                     ->index(0)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::Reviewed);
        QTest::keyClick(&w, Qt::Key_Up, Qt::ControlModifier);
        QCOMPARE(grid->currentIndex().row(), 0);
        QTest::keyClick(&w, Qt::Key_J, Qt::ControlModifier);  // next unreviewed: b (new)
        QCOMPARE(grid->currentIndex().row(), 1);
        QTest::keyClick(&w, Qt::Key_PageDown);
        QCOMPARE(grid->currentIndex().row(), 2);
        const QString dir = qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath());
        QVERIFY(w.grab().save(dir + QStringLiteral("/tag-editor.png")));
    }
};

QTEST_MAIN(TestTagEditor)
#include "test_tag_editor.moc"

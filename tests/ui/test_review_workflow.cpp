// The review workflow with real widgets and a real SQLite catalogue: tags from the words of an
// answer (chips and "Add as tag…"), the tag editor's keys (F2, Del, 1–9, Alt+A), bulk edits on a
// selection that includes a SKU group, and find and replace (Ctrl+R) with its preview, audit rows
// and an undo that restores the exact rows.
#include <QAbstractTextDocumentLayout>
#include <QComboBox>
#include <QCompleter>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QPainter>
#include <QPushButton>
#include <QRadioButton>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTreeWidget>
#include <QUndoStack>
#include <QtTest>

#include "ask_pane.h"
#include "bulk_tag_dialog.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "image_viewer.h"
#include "main_window.h"
#include "tag_editor.h"

using namespace vistag;
using catalog::TagStatus;

namespace {

qint64 addImage(catalog::CatalogDb& db, const QString& path, const QString& sku = {}) {
    catalog::ImageRecord r;
    r.path = path;
    r.contentHash = path;
    r.skuGroup = sku;
    return db.addImage(r).value_or(0);
}

qint64 suggest(catalog::CatalogDb& db, qint64 image, const QString& attribute, const QString& value,
               double confidence = 0.5) {
    catalog::TagSuggestion s{attribute, value, value, false, confidence, -1};
    return db.addSuggestions(image, 0, {s}, QStringLiteral("model:tiny"))
        .value_or(QList<qint64>{})
        .value(0);
}

// Every tags row, every column, in id order.
QStringList tagRows(const catalog::CatalogDb& db) {
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    QStringList out;
    if (!q.exec(QStringLiteral("SELECT * FROM tags ORDER BY id")))
        return {QStringLiteral("failed")};
    while (q.next()) {
        QStringList cols;
        for (int i = 0; i < q.record().count(); ++i)
            cols << (q.isNull(i) ? QStringLiteral("NULL") : q.value(i).toString());
        out << cols.join(QLatin1Char('|'));
    }
    return out;
}

catalog::TagRecord tagOf(catalog::CatalogDb& db, qint64 image, const QString& attribute,
                         const QString& value) {
    const auto tags = db.tagsForImage(image).value_or(QList<catalog::TagRecord>{});
    for (const auto& t : tags)
        if (t.attribute == attribute && t.valueCode == value)
            return t;
    return {};
}

catalog::AuditEntry lastAudit(catalog::CatalogDb& db) {
    return db.auditLog(1).value_or(QList<catalog::AuditEntry>{}).value(0);
}

QTreeWidgetItem* findRow(QTreeWidget* tree, qint64 tagId, const QString& attribute = {}) {
    for (int i = 0; i < tree->topLevelItemCount(); ++i) {
        auto* g = tree->topLevelItem(i);
        if (tagId == 0 && g->data(0, Qt::UserRole + 2).toString() == attribute)
            return g;
        for (int j = 0; j < g->childCount(); ++j)
            if (tagId != 0 && g->child(j)->data(0, Qt::UserRole + 1).toLongLong() == tagId)
                return g->child(j);
    }
    return nullptr;
}

// Where the link of `href` starts in the answer view, in viewport coordinates.
QPoint linkPoint(QTextBrowser* view, const QString& href, int nth = 0) {
    QTextDocument* doc = view->document();
    for (QTextBlock b = doc->begin(); b.isValid(); b = b.next())
        for (auto it = b.begin(); !it.atEnd(); ++it) {
            const QTextFragment f = it.fragment();
            if (f.charFormat().anchorHref() != href)
                continue;
            if (nth-- > 0)
                continue;
            QTextCursor c(doc);
            c.setPosition(f.position() + 1);
            return view->cursorRect(c).center();
        }
    return {-1, -1};
}

QString artifacts() {
    return qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath());
}

}  // namespace

class TestReviewWorkflow final : public QObject {
    Q_OBJECT
private slots:
    void answerWordsBecomeTags() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("c.sqlite"));
        qint64 image = 0;
        {
            // A real picture (a dress-like shape), so that the screenshot shows it in the viewer.
            QImage picture(480, 640, QImage::Format_RGB32);
            picture.fill(QColor(238, 232, 222));
            QPainter p(&picture);
            p.setRenderHint(QPainter::Antialiasing);
            p.setPen(Qt::NoPen);
            p.setBrush(QColor(178, 64, 92));
            p.drawPolygon(
                QPolygon({{190, 90}, {290, 90}, {300, 250}, {400, 580}, {80, 580}, {180, 250}}));
            p.setBrush(QColor(245, 214, 120));
            for (int i = 0; i < 24; ++i)
                p.drawEllipse(QPoint(130 + (i * 53) % 220, 300 + (i * 37) % 260), 9, 9);
            p.end();
            QVERIFY(picture.save(tmp.filePath(QStringLiteral("dress.jpg"))));
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            image = addImage(db, tmp.filePath(QStringLiteral("dress.jpg")));
        }
        ui::MainWindow w(dbPath);
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy shown(w.viewer(), &ui::ImageViewer::imageLoaded);
        w.selectRow(0);
        QCOMPARE(w.tagEditor()->imageId(), image);
        QVERIFY(shown.count() > 0 || shown.wait(10000));

        // A complete answer, without the model: taxonomy terms become links and chips; a negated
        // one ("不是复古风") does not.
        ui::AskPane* pane = w.askPane();
        pane->showAnswer(
            QStringLiteral("这是一件波西米亚风格的连衣裙，不是复古风。面料看起来是真丝，"
                           "适合夏天度假穿着。"));
        const QStringList linked = pane->linkedTags();
        QVERIFY2(linked.contains(QStringLiteral("style/boho")), qPrintable(linked.join(',')));
        QVERIFY(linked.contains(QStringLiteral("category/dress")));
        QVERIFY(linked.contains(QStringLiteral("material/silk")));
        QVERIFY(!linked.contains(QStringLiteral("style/vintage")));
        QVERIFY(pane->answerView()->toPlainText().startsWith(QStringLiteral("这是一件波西米亚")));
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QTest::qWait(200);  // the thumbnail
        QVERIFY(w.grab().save(artifacts() + QStringLiteral("/answer-tag-chips.png")));

        // One click on the linked word adds the tag: a person's accepted tag, undoable.
        catalog::CatalogDb check;
        QVERIFY(check.open(dbPath));
        const QPoint at = linkPoint(pane->answerView(), QStringLiteral("vistag-tag:style/boho"));
        QVERIFY(at.x() >= 0);
        QTest::mouseClick(pane->answerView()->viewport(), Qt::LeftButton, {}, at);
        catalog::TagRecord boho =
            tagOf(check, image, QStringLiteral("style"), QStringLiteral("boho"));
        QVERIFY(boho.id != 0);
        QCOMPARE(boho.status, TagStatus::Accepted);
        QCOMPARE(boho.source, QStringLiteral("person:") + w.tagEditor()->user());
        QCOMPARE(w.catalogModel()
                     ->index(0)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::Reviewed);
        // The chip under the answer does the same for silk.
        const QPoint chip =
            linkPoint(pane->answerView(), QStringLiteral("vistag-tag:material/silk"), 1);
        QVERIFY(chip.x() >= 0);
        QTest::mouseClick(pane->answerView()->viewport(), Qt::LeftButton, {}, chip);
        QCOMPARE(tagOf(check, image, QStringLiteral("material"), QStringLiteral("silk")).status,
                 TagStatus::Accepted);
        w.tagEditor()->undoStack()->undo();
        QCOMPARE(tagOf(check, image, QStringLiteral("material"), QStringLiteral("silk")).id, 0);
        w.tagEditor()->undoStack()->undo();
        QCOMPARE(tagOf(check, image, QStringLiteral("style"), QStringLiteral("boho")).id, 0);

        // Free words: select them, "Add as tag…" opens the add box prefilled, Return adds.
        QTextCursor c = pane->answerView()->document()->find(QStringLiteral("度假"));
        QVERIFY(!c.isNull());
        pane->answerView()->setTextCursor(c);
        QMenu* menu = pane->createAnswerMenu({5, 5});
        QVERIFY(menu->actions().contains(pane->addAsTagAction()));
        QVERIFY(pane->addAsTagAction()->isEnabled());
        delete menu;
        pane->addAsTagAction()->trigger();
        QLineEdit* add = w.tagEditor()->addField();
        QTRY_VERIFY(add->hasFocus());
        QVERIFY2(add->text().endsWith(QStringLiteral(": 度假")) ||
                     add->text().endsWith(QStringLiteral(": Vacation")),
                 qPrintable(add->text()));
        QVERIFY(add->completer()->popup()->isVisible());
        add->completer()->popup()->hide();
        QTest::keyClick(add, Qt::Key_Return);
        QCOMPARE(tagOf(check, image, QStringLiteral("occasion"), QStringLiteral("vacation")).status,
                 TagStatus::Accepted);
    }

    void tagEditorKeys() {
        QTemporaryDir tmp;
        catalog::CatalogDb db;
        QVERIFY(db.open(tmp.filePath(QStringLiteral("c.sqlite"))));
        const qint64 image = addImage(db, tmp.filePath(QStringLiteral("a.jpg")));
        const qint64 boho =
            suggest(db, image, QStringLiteral("style"), QStringLiteral("boho"), 0.62);
        const qint64 red = suggest(db, image, QStringLiteral("colour"), QStringLiteral("red"), 0.9);
        const auto taxonomy = catalog::Taxonomy::defaultApparel();
        ui::TagEditor editor(db, taxonomy, QStringLiteral("lin"));
        editor.resize(480, 640);
        editor.setImage(image);
        editor.show();
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        QTreeWidget* tree = editor.tree();
        QCOMPARE(tree->topLevelItemCount(), int(taxonomy.attributes().size()));
        tree->setFocus();
        const QStringList start = tagRows(db);

        // F2 on the style suggestion: the inline editor with the attribute's values; the rename is
        // a fix (old value rejected, new one accepted), audited as such.
        tree->setCurrentItem(findRow(tree, boho));
        QTest::keyClick(tree, Qt::Key_F2);
        auto* line = tree->findChild<QLineEdit*>(QStringLiteral("renameEditor"));
        QVERIFY(line);
        QTRY_VERIFY(line->hasFocus());
        line->clear();
        QTest::keyClicks(line, QStringLiteral("minimalist"));
        line->completer()->popup()->hide();
        QTest::keyClick(line, Qt::Key_Return);
        QTRY_COMPARE(db.tagById(boho)->status, TagStatus::Rejected);
        const auto simple = tagOf(db, image, QStringLiteral("style"), QStringLiteral("minimalist"));
        QCOMPARE(simple.status, TagStatus::Accepted);
        QCOMPARE(simple.decidedBy, QStringLiteral("lin"));
        QCOMPARE(lastAudit(db).action, QStringLiteral("fix"));
        editor.undoStack()->undo();
        QCOMPARE(tagRows(db), start);
        QCOMPARE(lastAudit(db).action, QStringLiteral("undo"));

        // A value the attribute does not allow is refused with a hint.
        QVERIFY(!editor.renameTag(boho, QStringLiteral("no such style")));
        QVERIFY(!editor.hintLabel()->text().isEmpty());

        // Del on the colour: gone, audited; undo brings the same row back. (The completer's popup
        // took the window activation away on the offscreen platform: give it back.)
        editor.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&editor));
        tree->setFocus();
        tree->setCurrentItem(findRow(tree, red));
        QTest::keyClick(tree, Qt::Key_Delete);
        QVERIFY(!db.tagById(red));
        QCOMPARE(lastAudit(db).action, QStringLiteral("remove"));
        QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(tagRows(db), start);

        // 1–9 on the focused attribute: its N-th allowed value. Style is single-valued: picking
        // rejects the other values.
        tree->setCurrentItem(findRow(tree, 0, QStringLiteral("style")));
        QVERIFY(editor.hintLabel()->text().contains(QStringLiteral("2 ")));
        QTest::keyClick(tree, Qt::Key_2);
        const auto second =
            tagOf(db, image, QStringLiteral("style"), taxonomy.attribute("style")->values[1].code);
        QCOMPARE(second.status, TagStatus::Accepted);
        QCOMPARE(db.tagById(boho)->status, TagStatus::Rejected);
        QCOMPARE(lastAudit(db).action, QStringLiteral("pick"));
        QCOMPARE(editor.focusedAttribute(), QStringLiteral("style"));
        QTest::keyClick(tree, Qt::Key_3);
        QCOMPARE(db.tagById(second.id)->status, TagStatus::Rejected);
        QCOMPARE(
            tagOf(db, image, QStringLiteral("style"), taxonomy.attribute("style")->values[2].code)
                .status,
            TagStatus::Accepted);
        QCOMPARE(db.tagById(red)->status, TagStatus::Suggested);  // other attributes untouched
        QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
        QTest::keyClick(tree, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(tagRows(db), start);
        // Redo (Ctrl+Y) does the first pick again.
        QTest::keyClick(tree, Qt::Key_Y, Qt::ControlModifier);
        QCOMPARE(db.tagById(boho)->status, TagStatus::Rejected);

        // Alt+A focuses the add box.
        QTest::keyClick(tree, Qt::Key_A, Qt::AltModifier);
        QVERIFY(editor.addField()->hasFocus());
        // Digits typed there stay text.
        QTest::keyClick(editor.addField(), Qt::Key_1);
        QCOMPARE(editor.addField()->text(), QStringLiteral("1"));
        QVERIFY(editor.action(QStringLiteral("tag.pick1")));
        QVERIFY(!editor.tree()->toolTip().isEmpty());
    }

    void bulkEditsOnASelectionWithASkuGroup() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("c.sqlite"));
        qint64 front = 0, back = 0, shirt = 0, other = 0;
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            front =
                addImage(db, tmp.filePath(QStringLiteral("a-front.jpg")), QStringLiteral("SKU-1"));
            back =
                addImage(db, tmp.filePath(QStringLiteral("b-back.jpg")), QStringLiteral("SKU-1"));
            shirt = addImage(db, tmp.filePath(QStringLiteral("c-shirt.jpg")));
            other = addImage(db, tmp.filePath(QStringLiteral("d-other.jpg")));
            suggest(db, front, QStringLiteral("style"), QStringLiteral("boho"));
            suggest(db, other, QStringLiteral("style"), QStringLiteral("boho"));
        }
        ui::MainWindow w(dbPath);
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QListView* grid = w.catalogPane()->view();
        for (int row = 0; row < 3; ++row)
            grid->selectionModel()->select(w.catalogModel()->index(row),
                                           QItemSelectionModel::Select);
        QCOMPARE(w.selectedImageIds(), (QList<qint64>{front, back, shirt}));
        catalog::CatalogDb check;
        QVERIFY(check.open(dbPath));
        const QStringList start = tagRows(check);

        // Add season: summer to the three: the SKU group counts once, every view sees it.
        ui::BulkTagDialog* d = w.openBulkDialog(int(ui::BulkTagDialog::Operation::Add));
        QVERIFY(d && d->isVisible());
        d->attributeBox()->setCurrentIndex(d->attributeBox()->findData(QStringLiteral("season")));
        d->valueBox()->setEditText(QStringLiteral("summer"));
        QVERIFY2(d->previewLabel()->text().contains(QLatin1String("3")),
                 qPrintable(d->previewLabel()->text()));
        QCOMPARE(tagRows(check), start);  // the preview changed nothing
        QVERIFY(d->applyButton()->isEnabled());
        QPixmap shot = w.grab();
        {
            QPainter p(&shot);
            const QPixmap dialog = d->grab();
            p.drawPixmap((shot.width() - dialog.width()) / 2, (shot.height() - dialog.height()) / 3,
                         dialog);
        }
        QVERIFY(shot.save(artifacts() + QStringLiteral("/tag-editor-bulk-dialog.png")));
        QTest::mouseClick(d->applyButton(), Qt::LeftButton);
        for (qint64 id : {front, back, shirt})
            QCOMPARE(tagOf(check, id, QStringLiteral("season"), QStringLiteral("summer")).status,
                     TagStatus::Accepted);
        QCOMPARE(tagOf(check, other, QStringLiteral("season"), QStringLiteral("summer")).id, 0);
        int summerInGroup = 0;
        const auto groupTags = check.tagsForImage(back).value();
        for (const auto& t : groupTags)
            summerInGroup += t.valueCode == QLatin1String("summer");
        QCOMPARE(summerInGroup, 1);
        catalog::AuditEntry log = lastAudit(check);
        QCOMPARE(log.action, QStringLiteral("bulk_add"));
        QCOMPARE(QJsonDocument::fromJson(log.afterJson.toUtf8()).object().value("images").toInt(),
                 3);
        QCOMPARE(w.catalogModel()
                     ->index(1)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::Suggested);  // boho still open in the group
        QCOMPARE(w.catalogModel()
                     ->index(2)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::Reviewed);
        const QStringList afterAdd = tagRows(check);
        w.tagEditor()->undoStack()->undo();
        QCOMPARE(tagRows(check), start);
        QCOMPARE(w.catalogModel()
                     ->index(2)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::New);
        w.tagEditor()->undoStack()->redo();
        QCOMPARE(tagRows(check), afterAdd);

        // Replace style boho → pastoral on the selection: the group's boho is fixed, other's stays.
        d = w.openBulkDialog(int(ui::BulkTagDialog::Operation::Replace));
        d->attributeBox()->setCurrentIndex(d->attributeBox()->findData(QStringLiteral("style")));
        d->valueBox()->setEditText(QStringLiteral("boho"));
        d->replacementBox()->setEditText(QStringLiteral("pastoral"));
        QVERIFY2(d->previewLabel()->text().contains(QLatin1String("1")),
                 qPrintable(d->previewLabel()->text()));
        QTest::mouseClick(d->applyButton(), Qt::LeftButton);
        QCOMPARE(tagOf(check, back, QStringLiteral("style"), QStringLiteral("boho")).status,
                 TagStatus::Rejected);
        QCOMPARE(tagOf(check, front, QStringLiteral("style"), QStringLiteral("pastoral")).status,
                 TagStatus::Accepted);
        QCOMPARE(tagOf(check, other, QStringLiteral("style"), QStringLiteral("boho")).status,
                 TagStatus::Suggested);
        QCOMPARE(lastAudit(check).action, QStringLiteral("replace_value"));
        QCOMPARE(w.catalogModel()
                     ->index(0)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::Reviewed);

        // Remove season: summer from the three.
        const QStringList beforeRemove = tagRows(check);
        d = w.openBulkDialog(int(ui::BulkTagDialog::Operation::Remove));
        d->attributeBox()->setCurrentIndex(d->attributeBox()->findData(QStringLiteral("season")));
        d->valueBox()->setEditText(QStringLiteral("夏"));  // a label works as well as the code
        QTest::mouseClick(d->applyButton(), Qt::LeftButton);
        for (qint64 id : {front, back, shirt})
            QCOMPARE(tagOf(check, id, QStringLiteral("season"), QStringLiteral("summer")).id, 0);
        QCOMPARE(lastAudit(check).action, QStringLiteral("bulk_remove"));
        QCOMPARE(w.catalogModel()
                     ->index(2)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::New);
        w.tagEditor()->undoStack()->undo();
        QCOMPARE(tagRows(check), beforeRemove);
        w.tagEditor()->undoStack()->undo();  // the replace
        w.tagEditor()->undoStack()->undo();  // the add
        QCOMPARE(tagRows(check), start);
    }

    void findAndReplaceOverTheCatalogue() {
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("c.sqlite"));
        QList<qint64> images;
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            for (int i = 0; i < 5; ++i)
                images << addImage(db, tmp.filePath(QStringLiteral("%1.jpg").arg(i)),
                                   i < 2 ? QStringLiteral("SKU-7") : QString());
            suggest(db, images[0], QStringLiteral("pattern"), QStringLiteral("floral"));
            suggest(db, images[2], QStringLiteral("pattern"), QStringLiteral("floral"));
            const qint64 t =
                suggest(db, images[3], QStringLiteral("pattern"), QStringLiteral("floral"));
            QVERIFY(db.acceptTag(t, QStringLiteral("wang")));
            suggest(db, images[4], QStringLiteral("pattern"), QStringLiteral("stripe"));
        }
        ui::MainWindow w(dbPath);
        w.resize(1366, 768);
        w.show();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        w.selectRow(4);
        catalog::CatalogDb check;
        QVERIFY(check.open(dbPath));
        const QStringList start = tagRows(check);
        const int audits = int(check.auditLog(1000)->size());

        QTest::keyClick(&w, Qt::Key_R, Qt::ControlModifier);
        auto* d = w.findChild<ui::BulkTagDialog*>();
        QVERIFY(d);
        QTRY_VERIFY(d->isVisible());
        QCOMPARE(d->operationBox()->currentIndex(), int(ui::BulkTagDialog::Operation::Replace));
        QVERIFY(d->selectionScope()->isChecked());
        d->attributeBox()->setCurrentIndex(d->attributeBox()->findData(QStringLiteral("pattern")));
        d->valueBox()->setEditText(QStringLiteral("floral"));
        d->replacementBox()->setEditText(QStringLiteral("stripe"));
        // On the selection (the last image) there is nothing to replace.
        QVERIFY(!d->applyButton()->isEnabled());
        d->catalogueScope()->setChecked(true);
        QVERIFY(d->applyButton()->isEnabled());
        // Three tags (the SKU group's, 2 and 3) on four images (two views of the SKU).
        QVERIFY2(d->previewLabel()->text().contains(QLatin1String("3 tag")) &&
                     d->previewLabel()->text().contains(QLatin1String("4 image")),
                 qPrintable(d->previewLabel()->text()));
        const QString label = d->description();
        QTest::mouseClick(d->applyButton(), Qt::LeftButton);
        QCOMPARE(int(check.auditLog(1000)->size()), audits + 1);  // one transaction, one row
        const auto log = lastAudit(check);
        QCOMPARE(log.action, QStringLiteral("replace_value"));
        QCOMPARE(log.entity, QStringLiteral("tags"));
        const QJsonObject after = QJsonDocument::fromJson(log.afterJson.toUtf8()).object();
        QCOMPARE(after.value("from").toString(), QStringLiteral("floral"));
        QCOMPARE(after.value("to").toString(), QStringLiteral("stripe"));
        QCOMPARE(after.value("scope").toString(), QStringLiteral("all"));
        QCOMPARE(after.value("images").toInt(), 4);
        for (int i : {0, 1, 2, 3}) {
            QCOMPARE(
                tagOf(check, images[i], QStringLiteral("pattern"), QStringLiteral("floral")).status,
                TagStatus::Rejected);
            QCOMPARE(
                tagOf(check, images[i], QStringLiteral("pattern"), QStringLiteral("stripe")).status,
                TagStatus::Accepted);
        }
        QCOMPARE(
            tagOf(check, images[4], QStringLiteral("pattern"), QStringLiteral("stripe")).status,
            TagStatus::Suggested);  // not a match: untouched
        QCOMPARE(w.tagEditor()->undoStack()->undoText(), label);

        // Ctrl+Z restores the exact rows, audited as an undo.
        w.tagEditor()->tree()->setFocus();
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QCOMPARE(tagRows(check), start);
        QCOMPARE(lastAudit(check).action, QStringLiteral("undo"));
        QCOMPARE(w.catalogModel()
                     ->index(0)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::Suggested);
    }
};

QTEST_MAIN(TestReviewWorkflow)
#include "test_review_workflow.moc"

// Edits of many tags at once: bulk add / remove on a selection (SKU groups once), find and
// replace over the catalogue, picking a value, and exact undo / redo of each.
#include <QJsonArray>

#include "catalog_db_fixture.h"

using namespace vistag::catalog;
using namespace vistag::catalog::testing;

class TestCatalogEdits final : public QObject, CatalogDbFixture {
    Q_OBJECT

private slots:
    void init() { openFresh(); }
    void cleanup() { close(); }

    void bulkAddRemoveOnASelectionWithASkuGroup() {
        const qint64 front = add(QStringLiteral("/p/front.jpg"), QStringLiteral("SKU-1"));
        const qint64 back = add(QStringLiteral("/p/back.jpg"), QStringLiteral("SKU-1"));
        const qint64 shirt = add(QStringLiteral("/p/shirt.jpg"));
        const qint64 other = add(QStringLiteral("/p/other.jpg"));
        const qint64 open = suggest(front, QStringLiteral("season"), QStringLiteral("summer"));
        suggest(other, QStringLiteral("colour"), QStringLiteral("red"));
        QCOMPARE(db_->reviewState(shirt).value(), ReviewState::New);
        const QStringList start = tagRows();
        const int audits = auditCount();

        // The preview computes the same edit and changes nothing.
        const auto preview =
            db_->bulkAddTag(QList<qint64>{front, back, shirt}, QStringLiteral("season"),
                            QStringLiteral("summer"), false, kLi, nullptr, /*dryRun=*/true);
        QVERIFY(preview);
        QCOMPARE(preview->tagSets, 2);  // the SKU group once, the shirt
        QCOMPARE(preview->images, 3);   // front, back, shirt
        QCOMPARE(tagRows(), start);
        QCOMPARE(auditCount(), audits);

        // Selecting both views of the SKU edits its one tag set once.
        const auto added =
            db_->bulkAddTag(QList<qint64>{front, back, shirt}, QStringLiteral("season"),
                            QStringLiteral("summer"), false, kLi);
        QVERIFY(added);
        QCOMPARE(added->tagSets, 2);
        QCOMPARE(added->images, 3);
        QCOMPARE(added->before.size(), 1);                          // the suggestion, now accepted
        QCOMPARE(added->after.size(), 2);                           // … and the shirt's new tag
        QCOMPARE(db_->tagById(open)->status, TagStatus::Accepted);  // no duplicate
        QCOMPARE(db_->tagsForImage(back)->size(), 1);
        const TagRecord made = tagOf(shirt, "season", "summer");
        QCOMPARE(made.status, TagStatus::Accepted);
        QCOMPARE(made.source, QString("person:li"));
        QCOMPARE(made.decidedBy, kLi);
        QCOMPARE(db_->reviewState(back).value(), ReviewState::Reviewed);
        QCOMPARE(db_->reviewState(shirt).value(), ReviewState::Reviewed);
        QCOMPARE(db_->tagsForImage(other)->size(), 1);  // outside the selection
        QCOMPARE(auditCount(), audits + 1);
        AuditEntry log = lastAudit();
        QCOMPARE(log.action, QString("bulk_add"));
        QCOMPARE(log.entity, QString("tags"));
        QCOMPARE(log.who, kLi);
        QCOMPARE(json(log.afterJson).value("images").toInt(), 3);
        QCOMPARE(json(log.afterJson).value("tags").toArray().size(), 2);
        QCOMPARE(json(log.beforeJson).value("tags").toArray().size(), 1);
        const QStringList afterAdd = tagRows();

        // Adding again changes nothing and writes nothing.
        const auto again = db_->bulkAddTag(QList<qint64>{front, shirt}, QStringLiteral("season"),
                                           QStringLiteral("summer"), false, kLi);
        QVERIFY(again && again->isEmpty());
        QCOMPARE(auditCount(), audits + 1);

        // Undo puts back the exact rows (ids, statuses, deciders, times); redo does it again.
        QVERIFY(db_->undoTagEdit(*added, kLi));
        QCOMPARE(tagRows(), start);
        QCOMPARE(lastAudit().action, QString("undo"));
        QCOMPARE(db_->reviewState(shirt).value(), ReviewState::New);
        QCOMPARE(db_->reviewState(front).value(), ReviewState::Suggested);
        QVERIFY(db_->redoTagEdit(*added, kLi));
        QCOMPARE(tagRows(), afterAdd);
        QCOMPARE(lastAudit().action, QString("redo"));

        // Remove: the value leaves every selected tag set; a rejected one stays.
        const qint64 no = suggest(other, QStringLiteral("season"), QStringLiteral("summer"));
        QVERIFY(db_->rejectTag(no, kLi));
        const QStringList beforeRemove = tagRows();
        const auto removed =
            db_->bulkRemoveTag(QList<qint64>{back, shirt, other}, QStringLiteral("season"),
                               QStringLiteral("summer"), kLi);
        QVERIFY(removed);
        QCOMPARE(removed->before.size(), 2);
        QCOMPARE(removed->after.size(), 0);
        QCOMPARE(removed->images, 3);
        QCOMPARE(db_->tagsForImage(front)->size(), 0);
        QCOMPARE(db_->reviewState(front).value(), ReviewState::New);
        QCOMPARE(db_->tagById(no)->status, TagStatus::Rejected);
        QCOMPARE(lastAudit().action, QString("bulk_remove"));
        QVERIFY(db_->undoTagEdit(*removed, kLi));
        QCOMPARE(tagRows(), beforeRemove);

        // An unknown image fails the whole call.
        QVERIFY(!db_->bulkAddTag(QList<qint64>{shirt, 4242}, QStringLiteral("season"),
                                 QStringLiteral("winter"), false, kLi));
        QCOMPARE(tagRows(), beforeRemove);
    }

    void findAndReplaceFixesEveryMatchInOneTransaction() {
        const qint64 front = add(QStringLiteral("/p/front.jpg"), QStringLiteral("SKU-1"));
        const qint64 back = add(QStringLiteral("/p/back.jpg"), QStringLiteral("SKU-1"));
        const qint64 a = add(QStringLiteral("/p/a.jpg"));
        const qint64 b = add(QStringLiteral("/p/b.jpg"));
        const qint64 c = add(QStringLiteral("/p/c.jpg"));
        const qint64 s1 = suggest(front, QStringLiteral("style"), QStringLiteral("boho"), 0.4);
        const qint64 s2 = suggest(a, QStringLiteral("style"), QStringLiteral("boho"), 0.7);
        QVERIFY(db_->acceptTag(s2, kLi));
        const qint64 s3 = suggest(b, QStringLiteral("style"), QStringLiteral("boho"));
        const qint64 hasIt = suggest(b, QStringLiteral("style"), QStringLiteral("pastoral"));
        const qint64 wrong = suggest(c, QStringLiteral("style"), QStringLiteral("boho"));
        QVERIFY(db_->rejectTag(wrong, kLi));                            // rejected: not a match
        suggest(c, QStringLiteral("pattern"), QStringLiteral("boho"));  // another attribute
        const QStringList start = tagRows();

        const auto preview =
            db_->replaceTagValue(std::nullopt, QStringLiteral("style"), QStringLiteral("boho"),
                                 QStringLiteral("pastoral"), false, kLi, nullptr, true);
        QVERIFY(preview);
        QCOMPARE(preview->before.size(), 4);  // s1, s2, s3 and b's pastoral suggestion
        QCOMPARE(preview->tagSets, 3);
        QCOMPARE(preview->images, 4);  // front, back, a, b
        QCOMPARE(tagRows(), start);

        // A selection scope: only the SKU group (through one of its views) and a.
        const auto some = db_->replaceTagValue(QList<qint64>{back, a}, QStringLiteral("style"),
                                               QStringLiteral("boho"), QStringLiteral("pastoral"),
                                               false, kLi, nullptr, true);
        QVERIFY(some);
        QCOMPARE(some->tagSets, 2);
        QCOMPARE(some->images, 3);

        const int audits = auditCount();
        const auto done =
            db_->replaceTagValue(std::nullopt, QStringLiteral("style"), QStringLiteral("boho"),
                                 QStringLiteral("pastoral"), false, kLi);
        QVERIFY(done);
        QCOMPARE(auditCount(), audits + 1);  // one transaction, one audit row
        const AuditEntry log = lastAudit();
        QCOMPARE(log.action, QString("replace_value"));
        QCOMPARE(json(log.afterJson).value("from").toString(), QString("boho"));
        QCOMPARE(json(log.afterJson).value("to").toString(), QString("pastoral"));
        QCOMPARE(json(log.afterJson).value("scope").toString(), QString("all"));
        for (qint64 id : {s1, s2, s3}) {
            QCOMPARE(db_->tagById(id)->status, TagStatus::Rejected);
            QCOMPARE(db_->tagById(id)->decidedBy, kLi);
        }
        QCOMPARE(tagOf(back, "style", "pastoral").status, TagStatus::Accepted);
        QCOMPARE(tagOf(back, "style", "pastoral").imageId, front);  // made on the tag's view
        QCOMPARE(tagOf(a, "style", "pastoral").source, QString("person:li"));
        QCOMPARE(db_->tagById(hasIt)->status, TagStatus::Accepted);  // accepted, not doubled
        int pastoralOnB = 0;
        const QList<TagRecord> onB = db_->tagsForImage(b).value();
        for (const TagRecord& t : onB)
            pastoralOnB += t.valueCode == QLatin1String("pastoral");
        QCOMPARE(pastoralOnB, 1);
        QCOMPARE(db_->tagById(wrong)->status, TagStatus::Rejected);
        QCOMPARE(tagOf(c, "pattern", "boho").status, TagStatus::Suggested);
        QCOMPARE(db_->reviewState(front).value(), ReviewState::Reviewed);
        QCOMPARE(db_->reviewState(c).value(), ReviewState::Suggested);
        ImageFilter f;
        f.attribute = QStringLiteral("style");
        f.valueCode = QStringLiteral("boho");
        QCOMPARE(db_->countImages(f).value_or(-1), 0);

        const QStringList replaced = tagRows();
        QVERIFY(db_->undoTagEdit(*done, kLi));
        QCOMPARE(tagRows(), start);
        QCOMPARE(db_->reviewState(front).value(), ReviewState::Suggested);
        QVERIFY(db_->redoTagEdit(*done, kLi));
        QCOMPARE(tagRows(), replaced);

        QString error;
        QVERIFY(!db_->replaceTagValue(std::nullopt, QStringLiteral("style"), QStringLiteral("boho"),
                                      QStringLiteral("boho"), false, kLi, &error));
        QVERIFY(!error.isEmpty());
    }

    void undoIsRefusedWhenTheRowsChangedSince() {
        const qint64 img = add(QStringLiteral("/p/a.jpg"));
        const qint64 t = suggest(img, QStringLiteral("style"), QStringLiteral("boho"));
        TagEdit fix;
        const auto fixed = db_->fixTag(t, QStringLiteral("simple"), false, kLi, nullptr, &fix);
        QVERIFY(fixed);
        QCOMPARE(fix.before.size(), 1);
        QCOMPARE(fix.after.size(), 2);
        QCOMPARE(lastAudit().action, QString("fix"));
        QVERIFY(db_->rejectTag(*fixed, QStringLiteral("wang")));  // someone else, since
        const QStringList now = tagRows();
        const int audits = auditCount();
        QString error;
        QVERIFY(!db_->undoTagEdit(fix, kLi, &error));
        QVERIFY(error.contains(QLatin1String("changed since")));
        QCOMPARE(tagRows(), now);
        QCOMPARE(auditCount(), audits);

        // Remove with its edit: undo brings the same row back, id and all.
        const qint64 u = suggest(img, QStringLiteral("colour"), QStringLiteral("red"), 0.83);
        const QStringList before = tagRows();
        TagEdit removed;
        QVERIFY(db_->removeTag(u, kLi, nullptr, &removed));
        QCOMPARE(removed.before.size(), 1);
        QVERIFY(!db_->tagById(u));
        QVERIFY(db_->undoTagEdit(removed, kLi));
        QCOMPARE(tagRows(), before);
        QCOMPARE(db_->tagById(u)->confidence, 0.83);
    }

    void pickSetsTheValueOfASingleValuedAttribute() {
        const qint64 img = add(QStringLiteral("/p/a.jpg"));
        const qint64 boho = suggest(img, QStringLiteral("style"), QStringLiteral("boho"));
        const qint64 retro = suggest(img, QStringLiteral("style"), QStringLiteral("retro"));
        const qint64 red = suggest(img, QStringLiteral("colour"), QStringLiteral("red"));
        const QStringList start = tagRows();
        const auto picked = db_->pickTagValue(img, QStringLiteral("style"), QStringLiteral("retro"),
                                              false, true, kLi);
        QVERIFY(picked);
        QCOMPARE(db_->tagById(retro)->status, TagStatus::Accepted);
        QCOMPARE(db_->tagById(boho)->status, TagStatus::Rejected);
        QCOMPARE(db_->tagById(red)->status, TagStatus::Suggested);  // another attribute
        QCOMPARE(lastAudit().action, QString("pick"));
        QCOMPARE(db_->reviewState(img).value(), ReviewState::Suggested);
        // Multi-valued: others stay.
        const auto also = db_->pickTagValue(img, QStringLiteral("colour"), QStringLiteral("white"),
                                            false, false, kLi);
        QVERIFY(also);
        QCOMPARE(also->after.size(), 1);
        QCOMPARE(db_->tagById(red)->status, TagStatus::Suggested);
        QVERIFY(db_->undoTagEdit(*also, kLi));
        QVERIFY(db_->undoTagEdit(*picked, kLi));
        QCOMPARE(tagRows(), start);
    }
};

QTEST_GUILESS_MAIN(TestCatalogEdits)
#include "test_catalog_edits.moc"

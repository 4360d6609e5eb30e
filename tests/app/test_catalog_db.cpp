// The catalogue's contents: result cache, tags and review decisions with their audit rows, SKU
// groups, review states and filters, export rows and the batch queue.
#include <QJsonArray>

#include "catalog_db_fixture.h"

using namespace vistag::catalog;
using namespace vistag::catalog::testing;

class TestCatalogDb final : public QObject, CatalogDbFixture {
    Q_OBJECT

private slots:
    void init() { openFresh(); }
    void cleanup() { close(); }

    void addImageUpsertsByPath() {
        ImageRecord r = image(QStringLiteral("/p/a.jpg"), QStringLiteral("h1"));
        const auto id = db_->addImage(r);
        QVERIFY(id);
        r.contentHash = QStringLiteral("h2");
        r.width = 1024;
        QCOMPARE(db_->addImage(r).value_or(0), *id);
        const auto got = db_->imageByPath(r.path);
        QVERIFY(got);
        QCOMPARE(got->contentHash, QString("h2"));
        QCOMPARE(got->width, 1024);
        QVERIFY(got->addedAt.isValid());
        QString error = QStringLiteral("stale");
        QVERIFY(!db_->imageById(999, &error));
        QVERIFY(error.isEmpty());  // missing, not failed
        const auto log = db_->auditLog(10).value();
        QCOMPARE(log.size(), 2);
        QCOMPARE(log[0].action, QString("update_image"));
        QCOMPARE(json(log[0].beforeJson).value("content_hash").toString(), QString("h1"));
        QCOMPARE(log[1].action, QString("add_image"));
        QVERIFY(!db_->addImage(image(QString())));
    }

    void cacheHitsOnlyTheSameKey() {
        const qint64 img = add(QStringLiteral("/p/a.jpg"));
        const QString hash = db_->imageById(img)->contentHash;
        const auto runId = db_->recordRun(run(img, QStringLiteral("stop")));
        QVERIFY(runId);
        const RunRecord r = run(img, QStringLiteral("stop"));
        const auto hit = db_->cachedRun(hash, r.prompt, r.modelId, r.paramsJson);
        QVERIFY(hit);
        QCOMPARE(hit->id, *runId);
        QCOMPARE(hit->answer, r.answer);
        QCOMPARE(hit->latencyMs, 212.5);
        QString error = QStringLiteral("stale");
        QVERIFY(!db_->cachedRun(hash, r.prompt, r.modelId, QStringLiteral("{\"seed\":1}"), &error));
        QVERIFY(error.isEmpty());
        QVERIFY(!db_->cachedRun(hash, r.prompt, QStringLiteral("Qwen3-VL-2B"), r.paramsJson));
        QVERIFY(!db_->cachedRun(hash, QStringLiteral("other"), r.modelId, r.paramsJson));
        QVERIFY(!db_->cachedRun(QStringLiteral("other-hash"), r.prompt, r.modelId, r.paramsJson));
        // "length" is complete too; the newest wins.
        const auto longer = db_->recordRun(run(img, QStringLiteral("length")));
        QCOMPARE(db_->cachedRun(hash, r.prompt, r.modelId, r.paramsJson)->id, *longer);
        // The same content under another path hits too.
        const qint64 copy = db_->addImage(image(QStringLiteral("/q/copy.jpg"), hash)).value();
        QVERIFY(copy != img);
        QVERIFY(db_->cachedRun(hash, r.prompt, r.modelId, r.paramsJson));
    }

    void partialAnswerIsNeverCached() {
        const qint64 img = add(QStringLiteral("/p/a.jpg"));
        const QString hash = db_->imageById(img)->contentHash;
        const RunRecord r = run(img, QStringLiteral("cancelled"));
        const auto id = db_->recordRun(r);
        QVERIFY(id);
        QCOMPARE(db_->runById(*id)->finishReason, QString("cancelled"));  // logged
        QVERIFY(!db_->cachedRun(hash, r.prompt, r.modelId, r.paramsJson));
        QVERIFY(db_->recordRun(run(img, QStringLiteral("error"))));
        QVERIFY(db_->recordRun(run(img, QString())));
        QVERIFY(!db_->cachedRun(hash, r.prompt, r.modelId, r.paramsJson));
    }

    void suggestionsAreStoredOnceEach() {
        const qint64 img = add(QStringLiteral("/p/a.jpg"));
        const qint64 runId = db_->recordRun(run(img, QStringLiteral("stop"))).value();
        const auto ids = db_->addSuggestions(
            img, runId, {suggestion("style", "boho", 0.9), suggestion("colour", "red", 0.3)},
            kModel);
        QVERIFY(ids);
        QCOMPARE(ids->size(), 2);
        const TagRecord t = db_->tagById(ids->at(0)).value();
        QCOMPARE(t.status, TagStatus::Suggested);
        QCOMPARE(t.source, kModel);
        QCOMPARE(t.runId, runId);
        QCOMPARE(t.confidence, 0.9);
        QCOMPARE(t.imageId, img);
        QVERIFY(t.createdAt.isValid());
        // A rejected value is not suggested again; the same value gets the same id.
        QVERIFY(db_->rejectTag(ids->at(1), kLi));
        const auto again =
            db_->addSuggestions(img, runId, {suggestion("colour", "red")}, kModel).value();
        QCOMPARE(again, QList<qint64>{ids->at(1)});
        QCOMPARE(db_->tagById(ids->at(1))->status, TagStatus::Rejected);
        QCOMPARE(db_->tagsForImage(img)->size(), 2);
        QVERIFY(!db_->addSuggestions(img, 0, {suggestion("style", "")}, kModel));
        QVERIFY(!db_->addSuggestions(12345, 0, {suggestion("style", "boho")}, kModel));
    }

    void decisionsAreAudited() {
        const qint64 img = add(QStringLiteral("/p/a.jpg"));
        const qint64 a = suggest(img, QStringLiteral("style"), QStringLiteral("boho"));
        const qint64 b = suggest(img, QStringLiteral("colour"), QStringLiteral("red"));
        const qint64 c = suggest(img, QStringLiteral("season"), QStringLiteral("winter"));
        const int before = db_->auditLog(100)->size();

        QVERIFY(db_->acceptTag(a, kLi));
        TagRecord ta = db_->tagById(a).value();
        QCOMPARE(ta.status, TagStatus::Accepted);
        QCOMPARE(ta.decidedBy, kLi);
        QVERIFY(ta.decidedAt.isValid());
        QVERIFY(db_->rejectTag(b, kLi));
        QCOMPARE(db_->tagById(b)->status, TagStatus::Rejected);

        const auto fixed = db_->fixTag(c, QStringLiteral("summer"), false, kLi);
        QVERIFY(fixed);
        QCOMPARE(db_->tagById(c)->status, TagStatus::Rejected);
        const TagRecord tf = db_->tagById(*fixed).value();
        QCOMPARE(tf.valueCode, QString("summer"));
        QCOMPARE(tf.status, TagStatus::Accepted);
        QCOMPARE(tf.source, QString("person:li"));
        QCOMPARE(tf.attribute, QString("season"));

        const auto added =
            db_->addTag(img, QStringLiteral("material"), QStringLiteral("linen"), false, kLi);
        QVERIFY(added);
        QCOMPARE(db_->tagById(*added)->status, TagStatus::Accepted);
        QVERIFY(db_->removeTag(*added, kLi));
        QVERIFY(!db_->tagById(*added));

        const auto log = db_->auditLog(100).value();
        QCOMPARE(log.size(), before + 5);
        QStringList actions;
        for (int i = 4; i >= 0; --i)
            actions << log[i].action;
        QCOMPARE(actions, (QStringList{"accept", "reject", "fix", "add", "remove"}));
        for (int i = 0; i < 5; ++i) {
            QCOMPARE(log[i].who, kLi);
            QCOMPARE(log[i].entity, QString("tag"));
            QVERIFY(log[i].at.isValid());
        }
        QCOMPARE(json(log[4].beforeJson).value("status").toString(), QString("suggested"));
        QCOMPARE(json(log[4].afterJson).value("status").toString(), QString("accepted"));
        const QJsonObject fix = json(log[2].afterJson);
        QCOMPARE(fix.value("accepted").toObject().value("value_code").toString(),
                 QString("summer"));
        QCOMPARE(fix.value("rejected").toObject().value("value_code").toString(),
                 QString("winter"));
        QCOMPARE(json(log[0].beforeJson).value("value_code").toString(), QString("linen"));
        QVERIFY(log[0].afterJson.isEmpty());

        // Missing tags: a plain error, nothing audited.
        QString error;
        QVERIFY(!db_->acceptTag(9999, kLi, &error));
        QVERIFY(error.contains(QLatin1String("no longer exists")));
        QVERIFY(!db_->removeTag(9999, kLi));
        QCOMPARE(db_->auditLog(100)->size(), before + 5);
        // The audit log cannot be edited.
        QVERIFY(!execOn(*db_, QStringLiteral("UPDATE audit SET who = 'x'")));
        QVERIFY(!execOn(*db_, QStringLiteral("DELETE FROM audit")));
    }

    void addTagAcceptsAnExistingSuggestion() {
        const qint64 img = add(QStringLiteral("/p/a.jpg"));
        const qint64 s = suggest(img, QStringLiteral("style"), QStringLiteral("boho"));
        QCOMPARE(db_->addTag(img, QStringLiteral("style"), QStringLiteral("boho"), false, kLi)
                     .value_or(0),
                 s);
        QCOMPARE(db_->tagById(s)->status, TagStatus::Accepted);
        QCOMPARE(db_->tagsForImage(img)->size(), 1);
    }

    void replaceKeepsDecisionsAndOtherViews() {
        const qint64 a = add(QStringLiteral("/p/front.jpg"), QStringLiteral("SKU-9"));
        const qint64 b = add(QStringLiteral("/p/back.jpg"), QStringLiteral("SKU-9"));
        const qint64 kept = suggest(a, QStringLiteral("style"), QStringLiteral("boho"));
        const qint64 dropped = suggest(a, QStringLiteral("colour"), QStringLiteral("red"));
        const qint64 other = suggest(b, QStringLiteral("pattern"), QStringLiteral("floral"));
        const qint64 mine =
            db_->addTag(a, QStringLiteral("season"), QStringLiteral("summer"), false, kLi).value();
        QVERIFY(db_->acceptTag(kept, kLi));
        const auto ids = db_->replaceModelSuggestions(
            a, 0, {suggestion("colour", "blue"), suggestion("style", "boho")}, kModel);
        QVERIFY(ids);
        QCOMPARE(ids->at(1), kept);
        QVERIFY(!db_->tagById(dropped));
        QVERIFY(db_->tagById(other));
        QVERIFY(db_->tagById(mine));
        QCOMPARE(db_->tagById(ids->at(0))->valueCode, QString("blue"));
        const auto log = db_->auditLog(1).value();
        QCOMPARE(log[0].action, QString("replace_suggestions"));
        QVERIFY(log[0].beforeJson.contains(QLatin1String("red")));
        QVERIFY(log[0].afterJson.contains(QLatin1String("blue")));
    }

    void skuGroupSharesOneTagSet() {
        const qint64 front = add(QStringLiteral("/p/front.jpg"));
        const qint64 back = add(QStringLiteral("/p/back.jpg"));
        const qint64 other = add(QStringLiteral("/p/other.jpg"));
        const qint64 t = suggest(front, QStringLiteral("style"), QStringLiteral("boho"));
        QCOMPARE(db_->tagsForImage(back)->size(), 0);

        QVERIFY(db_->setSkuGroup({front, back}, QStringLiteral("SKU-1"), kLi));
        QCOMPARE(db_->imageById(back)->skuGroup, QString("SKU-1"));
        QCOMPARE(db_->tagsForImage(back)->size(), 1);  // the front's tag joined the group
        QCOMPARE(db_->tagById(t)->skuGroup, QString("SKU-1"));
        QCOMPARE(db_->tagById(t)->imageId, front);  // made on the front view

        // A tag added on one view shows on every view; a decision shows everywhere.
        const qint64 u =
            db_->addTag(back, QStringLiteral("colour"), QStringLiteral("red"), false, kLi).value();
        QCOMPARE(db_->tagsForImage(front)->size(), 2);
        QVERIFY(db_->acceptTag(t, kLi));
        QCOMPARE(db_->reviewState(front).value(), ReviewState::Reviewed);
        QCOMPARE(db_->reviewState(back).value(), ReviewState::Reviewed);
        QVERIFY(db_->hasTags(back).value());
        QCOMPARE(db_->tagsForImage(other)->size(), 0);
        QVERIFY(!db_->hasTags(other).value());

        // A new view added straight into the group sees the group's tags.
        const qint64 side = add(QStringLiteral("/p/side.jpg"), QStringLiteral("SKU-1"));
        QCOMPARE(db_->tagsForImage(side)->size(), 2);

        // Leaving the group: the group keeps its tags while views remain.
        QVERIFY(db_->setSkuGroup({side}, QString(), kLi));
        QCOMPARE(db_->tagsForImage(side)->size(), 0);
        QCOMPARE(db_->tagsForImage(front)->size(), 2);
        // Moving every view to another group: the tags follow the last one.
        QVERIFY(db_->setSkuGroup({front, back}, QStringLiteral("SKU-2"), kLi));
        QCOMPARE(db_->tagsForImage(front)->size(), 2);
        QCOMPARE(db_->tagById(u)->skuGroup, QString("SKU-2"));
        ImageFilter sku;
        sku.skuGroup = QStringLiteral("SKU-2");
        QCOMPARE(db_->countImages(sku).value_or(-1), 2);
        const auto log = db_->auditLog(1).value();
        QCOMPARE(log[0].action, QString("set_sku_group"));
        QCOMPARE(json(log[0].afterJson).value("sku_group").toString(), QString("SKU-2"));
        QVERIFY(!db_->setSkuGroup({front, 424242}, QStringLiteral("SKU-3"), kLi));
        QCOMPARE(db_->imageById(front)->skuGroup, QString("SKU-2"));  // all or nothing
    }

    void reviewStatesAndFilters() {
        const qint64 fresh = add(QStringLiteral("/shop/new_dress.jpg"));
        const qint64 open = add(QStringLiteral("/shop/red_dress.jpg"));
        const qint64 done = add(QStringLiteral("/shop/blue_shirt.jpg"));
        const qint64 gone = add(QStringLiteral("/dress/shoe%_1.jpg"));
        suggest(open, QStringLiteral("colour"), QStringLiteral("red"));
        const qint64 d1 = suggest(done, QStringLiteral("colour"), QStringLiteral("blue"));
        const qint64 d2 = suggest(done, QStringLiteral("style"), QStringLiteral("boho"));
        QVERIFY(db_->acceptTag(d1, kLi));
        QVERIFY(db_->rejectTag(d2, kLi));
        const qint64 g = suggest(gone, QStringLiteral("colour"), QStringLiteral("red"));
        QVERIFY(db_->rejectTag(g, kLi));

        QCOMPARE(db_->reviewState(fresh).value(), ReviewState::New);
        QCOMPARE(db_->reviewState(open).value(), ReviewState::Suggested);
        QCOMPARE(db_->reviewState(done).value(), ReviewState::Reviewed);
        QCOMPARE(db_->reviewState(gone).value(), ReviewState::Reviewed);

        const auto ids = [&](const ImageFilter& f) {
            QList<qint64> out;
            const QList<ImageRecord> images = db_->listImages(f).value();
            for (const ImageRecord& r : images)
                out << r.id;
            return out;
        };
        ImageFilter f;
        QCOMPARE(ids(f), (QList<qint64>{fresh, open, done, gone}));
        f.reviewState = ReviewState::New;
        QCOMPARE(ids(f), QList<qint64>{fresh});
        f.reviewState = ReviewState::Suggested;
        QCOMPARE(ids(f), QList<qint64>{open});
        f.reviewState = ReviewState::Reviewed;
        QCOMPARE(ids(f), (QList<qint64>{done, gone}));
        QCOMPARE(db_->countImages(f).value_or(-1), 2);

        f = {};
        f.nameContains = QStringLiteral("DRESS");  // file name only, ASCII case-insensitive
        QCOMPARE(ids(f), (QList<qint64>{fresh, open}));
        f.nameContains = QStringLiteral("%_");  // wildcards are literal
        QCOMPARE(ids(f), QList<qint64>{gone});

        f = {};
        f.attribute = QStringLiteral("colour");
        f.valueCode = QStringLiteral("red");  // the rejected red on `gone` does not count
        QCOMPARE(ids(f), QList<qint64>{open});
        f.valueCode.clear();
        QCOMPARE(ids(f), (QList<qint64>{open, done}));
        f.attribute.clear();
        f.valueCode = QStringLiteral("blue");
        QCOMPARE(ids(f), QList<qint64>{done});

        f = {};
        f.limit = 2;
        f.offset = 1;
        QCOMPARE(ids(f), (QList<qint64>{open, done}));
        QCOMPARE(db_->countImages(f).value_or(-1), 4);  // counts ignore paging
        f.nameContains = QStringLiteral("dress");
        f.reviewState = ReviewState::Suggested;
        f.limit = -1;
        f.offset = 0;
        QCOMPARE(ids(f), QList<qint64>{open});
    }

    void exportRowsPerImageAndPerSku() {
        const qint64 a = add(QStringLiteral("/p/a.jpg"), QStringLiteral("SKU-1"));
        const qint64 b = add(QStringLiteral("/p/b.jpg"), QStringLiteral("SKU-1"));
        const qint64 c = add(QStringLiteral("/p/c.jpg"));
        add(QStringLiteral("/p/untagged.jpg"));
        const qint64 boho = suggest(a, QStringLiteral("style"), QStringLiteral("boho"));
        suggest(b, QStringLiteral("colour"), QStringLiteral("red"));
        const qint64 bad = suggest(c, QStringLiteral("colour"), QStringLiteral("green"));
        QVERIFY(db_->acceptTag(boho, kLi));
        QVERIFY(db_->rejectTag(bad, kLi));
        QVERIFY(db_->addTag(c, QStringLiteral("colour"), QStringLiteral("blue"), false, kLi));
        QVERIFY(db_->addTag(c, QStringLiteral("colour"), QStringLiteral("white"), false, kLi));

        auto rows = db_->exportRows(false, true).value();
        QCOMPARE(rows.size(), 4);  // every image, tagged or not
        QCOMPARE(rows[0].id, QString("/p/a.jpg"));
        QCOMPARE(rows[0].skuGroup, QString("SKU-1"));
        QCOMPARE(rows[0].values.value("style"), QStringList{"boho"});
        QVERIFY(!rows[0].values.contains("colour"));                   // suggested only
        QCOMPARE(rows[1].values.value("style"), QStringList{"boho"});  // shared by the SKU
        QCOMPARE(rows[2].values.value("colour"), (QStringList{"blue", "white"}));
        QCOMPARE(rows[3].id, QString("/p/untagged.jpg"));
        QVERIFY(rows[3].values.isEmpty());
        QCOMPARE(rows[3].imagePaths, QStringList{"/p/untagged.jpg"});
        QCOMPARE(rows[3].width, 800);

        rows = db_->exportRows(false, false).value();
        QCOMPARE(rows[0].values.value("colour"), QStringList{"red"});
        QCOMPARE(rows[2].values.value("colour"), (QStringList{"blue", "white"}));  // no green

        rows = db_->exportRows(true, false).value();
        QCOMPARE(rows.size(), 3);
        QCOMPARE(rows[0].id, QString("SKU-1"));
        QCOMPARE(rows[0].imagePaths, (QStringList{"/p/a.jpg", "/p/b.jpg"}));
        QCOMPARE(rows[0].values.value("style"), QStringList{"boho"});
        QCOMPARE(rows[0].values.value("colour"), QStringList{"red"});
        QCOMPARE(rows[1].id, QString("/p/c.jpg"));
        QCOMPARE(rows[2].id, QString("/p/untagged.jpg"));
        QVERIFY(db_->exportRows(true, true).value()[0].values.value("colour").isEmpty());
    }

    // A team's images on a share mapped differently on each workstation: stored relative to the
    // image root, handed out resolved against each connection's own root.
    void imageRootStoresRelativePaths() {
        db_->setImageRoot(QStringLiteral("/mnt/shop/"));
        QCOMPARE(db_->imageRoot(), QString("/mnt/shop"));
        const qint64 inside = add(QStringLiteral("/mnt/shop/2024/红裙子.jpg"));
        const qint64 outside = add(QStringLiteral("/home/li/b.jpg"));
        QVERIFY(add(QStringLiteral("/mnt/shopping/c.jpg")));  // only a prefix: not inside
        QCOMPARE(scalar(*db_, QStringLiteral("SELECT path FROM images WHERE id = %1").arg(inside))
                     .toString(),
                 QString("2024/红裙子.jpg"));
        QCOMPARE(db_->imageById(inside)->path, QString("/mnt/shop/2024/红裙子.jpg"));
        QCOMPARE(db_->imageById(outside)->path, QString("/home/li/b.jpg"));
        QCOMPARE(db_->addImage(image(QStringLiteral("/mnt/shop/2024/红裙子.jpg"))).value_or(0),
                 inside);  // the same image again: found by its stored path

        CatalogDb other;  // another workstation, the share mounted elsewhere
        QVERIFY(other.open(location()));
        other.setImageRoot(QStringLiteral("/Volumes/shop"));
        QCOMPARE(other.imageById(inside)->path, QString("/Volumes/shop/2024/红裙子.jpg"));
        QCOMPARE(other.imageByPath(QStringLiteral("/Volumes/shop/2024/红裙子.jpg"))->id, inside);
        ImageFilter byName;
        byName.nameContains = QStringLiteral("红裙");
        QCOMPARE(other.listImages(byName)->value(0).path, QString("/Volumes/shop/2024/红裙子.jpg"));
        const auto rows = other.exportRows(false, false).value();
        QCOMPARE(rows.value(0).id, QString("/Volumes/shop/2024/红裙子.jpg"));
        // Without a root the stored relative path is what there is.
        other.setImageRoot({});
        QCOMPARE(other.imageById(inside)->path, QString("2024/红裙子.jpg"));
    }

    void batchQueueResumes() {
        QList<qint64> imgs;
        for (int i = 0; i < 4; ++i)
            imgs << add(QStringLiteral("/p/%1.jpg").arg(i));
        QString error;
        QVERIFY(!db_->createBatch(QStringLiteral("everything"), {}, {}, {}, imgs, &error));
        QVERIFY(error.contains(QLatin1String("Unknown batch mode")));
        const auto batch =
            db_->createBatch(QStringLiteral("untagged"), QStringLiteral("tags?"),
                             QStringLiteral("Qwen3-VL-8B"), QStringLiteral("{}"), imgs);
        QVERIFY(batch);
        QCOMPARE(db_->batchProgress(*batch)->pending, 4);

        const auto first = db_->nextPendingItem(*batch);
        QVERIFY(first);
        QCOMPARE(first->imageId, imgs[0]);
        QVERIFY(db_->finishItem(first->itemId, ItemState::Done, {}));
        const auto second = db_->nextPendingItem(*batch);
        QCOMPARE(second->imageId, imgs[1]);
        QVERIFY(
            db_->finishItem(second->itemId, ItemState::Failed, QStringLiteral("image is corrupt")));
        const auto third = db_->nextPendingItem(*batch);  // running when the app "crashes"
        QCOMPARE(third->imageId, imgs[2]);
        QVERIFY(!db_->finishItem(third->itemId, ItemState::Running, {}));  // not an end
        BatchProgress p = db_->batchProgress(*batch).value();
        QCOMPARE(p.done, 1);
        QCOMPARE(p.failed, 1);
        QCOMPARE(p.running, 1);
        QCOMPARE(p.pending, 1);
        QCOMPARE(p.total(), 4);

        // Reopen (a new process after the crash) and resume.
        const QString path = db_->path();
        db_ = std::make_unique<CatalogDb>();
        QVERIFY(db_->open(path));
        auto unfinished = db_->unfinishedBatches().value();
        QCOMPARE(unfinished.size(), 1);
        QCOMPARE(unfinished[0].id, *batch);
        QCOMPARE(unfinished[0].mode, QString("untagged"));
        QCOMPARE(unfinished[0].prompt, QString("tags?"));
        QCOMPARE(unfinished[0].progress.running, 1);
        QCOMPARE(db_->resetInterrupted(*batch).value_or(-1), 1);
        QCOMPARE(db_->batchProgress(*batch)->pending, 2);
        const auto again = db_->nextPendingItem(*batch);
        QCOMPARE(again->imageId, imgs[2]);  // order kept
        QVERIFY(db_->finishItem(again->itemId, ItemState::Skipped, {}));
        const auto last = db_->nextPendingItem(*batch);
        QCOMPARE(last->imageId, imgs[3]);
        QVERIFY(db_->finishItem(last->itemId, ItemState::Done, {}));
        error = QStringLiteral("stale");
        QVERIFY(!db_->nextPendingItem(*batch, &error));
        QVERIFY(error.isEmpty());
        QCOMPARE(db_->batchProgress(*batch)->finished(), 4);
        QCOMPARE(db_->unfinishedBatches()->size(), 0);

        // Cancel: pending items are cancelled and the batch no longer hands out work.
        const auto other = db_->createBatch(QStringLiteral("replace"), {}, {}, {}, imgs).value();
        QVERIFY(db_->nextPendingItem(other));
        QVERIFY(db_->cancelBatch(other));
        QVERIFY(!db_->nextPendingItem(other));
        p = db_->batchProgress(other).value();
        QCOMPARE(p.cancelled, 3);
        QCOMPARE(p.running, 1);
        QCOMPARE(db_->unfinishedBatches()->size(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCatalogDb)
#include "test_catalog_db.moc"

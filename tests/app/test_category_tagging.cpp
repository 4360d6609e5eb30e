// Tagging with a category tree (the built-in apparel taxonomy is one): an image is asked for its
// category first and then only that category's attributes; an image whose category a person
// already accepted is asked only for that category's attributes, with a prompt that names the
// category, and is not skipped as "already tagged" for having a category alone. Run by the
// batch runner against a scripted server on 127.0.0.1; what changed is read from SQLite.
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QtTest>
#include <atomic>

#include "backend/remote_backend.h"
#include "batch/batch_runner.h"
#include "catalog/catalog_db.h"
#include "fake_chat_server.h"
#include "tags/taxonomy.h"

using namespace vistag;

namespace {

QString promptOf(const test::Recorded& r) {
    return QString::fromUtf8(QJsonDocument(r.body.value("messages").toArray()).toJson());
}

QMap<QString, QStringList> tagsByAttribute(catalog::CatalogDb& db, qint64 image) {
    QMap<QString, QStringList> out;
    for (const catalog::TagRecord& t : db.tagsForImage(image).value_or(QList<catalog::TagRecord>{}))
        out[t.attribute] << t.valueCode;
    return out;
}

}  // namespace

class TestCategoryTagging final : public QObject {
    Q_OBJECT
private slots:
    void aKnownCategoryIsNotAskedAgain() {
        QTemporaryDir tmp;
        QStringList paths;
        for (int i = 0; i < 2; ++i) {
            QImage img(64, 80, QImage::Format_RGB32);
            img.fill(QColor::fromHsv(30 + 100 * i, 160, 200));
            paths << tmp.filePath(QStringLiteral("p%1.png").arg(i));
            QVERIFY(img.save(paths.last()));
        }
        catalog::CatalogDb db;
        QString error;
        QVERIFY2(db.open(tmp.filePath(QStringLiteral("c.sqlite")), &error), qPrintable(error));
        QList<qint64> ids;
        for (const QString& p : paths) {
            catalog::ImageRecord r;
            r.path = p;
            r.contentHash = p;
            ids << db.addImage(r).value_or(0);
        }
        // A person said the second product is a pair of shoes.
        QVERIFY(db.addTag(ids[1], QStringLiteral("category"), QStringLiteral("shoes"), false,
                          QStringLiteral("ann"), &error));

        test::FakeServer server([](const test::Recorded& r) {
            const QJsonObject s = test::sentSchema(r);
            if (s.contains("anyOf")) {  // category first: answer as a bag
                for (const QJsonValue& alt : s.value("anyOf").toArray()) {
                    const QJsonObject o = alt.toObject();
                    const QJsonArray names = o.value("properties")
                                                 .toObject()
                                                 .value("category")
                                                 .toObject()
                                                 .value("enum")
                                                 .toArray();
                    if (names.contains(QStringLiteral("bag")))
                        return test::Reply{test::answerFor(o)};
                }
            }
            if (s.value("required").toArray() == QJsonArray{"category"})  // the category alone
                return test::Reply{QStringLiteral(R"({"category":"bag"})")};
            return test::Reply{test::answerFor(s)};
        });
        backend::RemoteOptions o;
        o.baseUrl = server.url();
        o.model = QStringLiteral("scripted");
        backend::RemoteBackend remote(o);

        const catalog::Taxonomy taxonomy = catalog::Taxonomy::defaultApparel();
        QVERIFY(taxonomy.hasCategoryTree());
        catalog::InferenceParams params;
        params.maxNewTokens = 64;
        const catalog::BatchSpec spec = catalog::taggingSpec(
            taxonomy, QStringLiteral("untagged"), QStringLiteral("en"), params, true, true);
        QVERIFY(spec.tagSchema && !spec.tagSchema->categoryAttributes.empty());
        const auto batch = db.createBatch(spec.mode, spec.prompt, remote.cacheModelKey(),
                                          spec.params.toJson(), ids, &error);
        QVERIFY2(batch, qPrintable(error));
        catalog::BatchRunner runner(db, remote, taxonomy);
        const std::atomic<bool> never{false};
        QVERIFY2(runner.run(*batch, spec, {}, &never, &error), qPrintable(error));
        QCOMPARE(db.batchProgress(*batch)->done, 2);  // the category alone is not "tagged"

        // The apparel tree as one anyOf is over the server's default limits: the first image is
        // asked its category, then a bag's attributes; the second only a shoe's attributes.
        const auto chats = server.chats();
        int categoryAlone = 0, known = 0, bagAttributes = 0;
        for (const test::Recorded& c : chats) {
            const QJsonObject s = test::sentSchema(c);
            const QJsonArray keys = s.value("required").toArray();
            QVERIFY(!s.contains("anyOf"));
            if (keys == QJsonArray{"category"}) {
                ++categoryAlone;
                QVERIFY(promptOf(c).contains(QStringLiteral("First name its category")));
            } else if (promptOf(c).contains(QStringLiteral("It is in the category Shoes"))) {
                ++known;
                QVERIFY(keys.contains(QStringLiteral("heel_height")));
                QVERIFY(!keys.contains(QStringLiteral("category")));
                QVERIFY(!keys.contains(QStringLiteral("sleeve")));
            } else {
                ++bagAttributes;
                QVERIFY2(promptOf(c).contains(QStringLiteral("The category is")),
                         qPrintable(promptOf(c)));
                QVERIFY(!keys.contains(QStringLiteral("heel_height")));
                QVERIFY(!keys.contains(QStringLiteral("sleeve")));
            }
        }
        QCOMPARE(categoryAlone, 1);
        QCOMPARE(known, 1);
        QVERIFY(bagAttributes >= 1);

        const auto first = tagsByAttribute(db, ids[0]);
        QCOMPARE(first.value(QStringLiteral("category")), QStringList{QStringLiteral("bag")});
        QVERIFY(!first.contains(QStringLiteral("sleeve")));       // not a bag's attribute
        QVERIFY(!first.contains(QStringLiteral("heel_height")));  // nor this
        QVERIFY(first.contains(QStringLiteral("material")));
        const auto second = tagsByAttribute(db, ids[1]);
        QCOMPARE(second.value(QStringLiteral("category")), QStringList{QStringLiteral("shoes")});
        QVERIFY(second.contains(QStringLiteral("heel_height")));
    }
};

QTEST_MAIN(TestCategoryTagging)
#include "test_category_tagging.moc"

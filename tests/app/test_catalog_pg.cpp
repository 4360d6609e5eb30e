// What only a team catalogue on PostgreSQL has: the schema in a database of its own, refusals
// (another application's database, a newer Vistag, a wrong password), two workstations editing
// one tag (one refused, nothing lost, both audited; a second process does the other edit), one
// batch queue shared by several connections, and reconnecting after the server was restarted.
// Runs against the throwaway server of tests/pg (an unreachable address is tested without one in
// test_catalog_schema).
#include <QCoreApplication>
#include <QFileInfo>
#include <QProcess>
#include <QSqlError>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "catalog/catalog_db.h"
#include "catalog/schema.h"
#include "catalog_test_util.h"
#include "pg_test_util.h"

using namespace vistag::catalog;
using namespace vistag::catalog::testing;

namespace {

// The child process mode: `test_catalog_pg --reject ADDRESS TAG_ID VERSION WHO` rejects the tag
// as a second workstation would, printing the error; exit 0 when saved, 3 when refused.
int rejectInChild(const QStringList& args) {
    CatalogDb db;
    QString error;
    if (!db.open(args.value(0), &error)) {
        fprintf(stderr, "%s\n", qPrintable(error));
        return 2;
    }
    const bool ok =
        db.rejectTag(args.value(1).toLongLong(), args.value(3), &error, args.value(2).toInt());
    if (!ok)
        fprintf(stdout, "%s\n", qPrintable(error));
    return ok ? 0 : 3;
}

QString serverScript() {
    return QStringLiteral(VISTAG_SOURCE_DIR "/scripts/pg_test_server.sh");
}
// The folder of the test server (where its uri file lives).
QString serverDir() {
    return QFileInfo(qEnvironmentVariable("VISTAG_TEST_PG_URI_FILE")).absolutePath();
}
bool server(const QString& command) {
    return QProcess::execute(QStringLiteral("bash"), {serverScript(), command, serverDir()}) == 0;
}

}  // namespace

class TestCatalogPg : public QObject {
    Q_OBJECT
    QString address_;  // this test function's own database

    QString withUser(const QString& user, const QString& password = {}) const {
        QUrl url(address_);
        url.setUserName(user);
        if (!password.isEmpty())
            url.setPassword(password);
        return url.toString();
    }

private slots:
    void init() {
        // CTest runs this against the server of tests/pg (fixture vistag_pg); by hand:
        // scripts/pg_test_server.sh start DIR && source DIR/env.
        QVERIFY2(!testPgAddress().isEmpty(),
                 "needs the test PostgreSQL server: VISTAG_TEST_PG_URI_FILE is not set");
        QString error;
        address_ = freshPgDatabase(&error);
        QVERIFY2(!address_.isEmpty(), qPrintable(error));
    }
    void cleanup() {
        if (!address_.isEmpty())
            dropPgDatabase(address_);
        address_.clear();
    }

    void freshDatabaseGetsTheSchema() {
        CatalogDb db;
        QString error;
        QVERIFY2(db.open(address_, &error), qPrintable(error));
        QVERIFY(db.isShared());
        QCOMPARE(db.fileSchemaVersion().value_or(-1), CatalogDb::schemaVersion());
        QCOMPARE(scalar(db, QStringLiteral("SELECT value FROM vistag_meta WHERE key = "
                                           "'schema_version'"))
                     .toInt(),
                 CatalogDb::schemaVersion());
        // 64-bit keys and full-precision confidences.
        QCOMPARE(scalar(db, QStringLiteral("SELECT data_type FROM information_schema.columns "
                                           "WHERE table_name = 'tags' AND column_name = "
                                           "'confidence'"))
                     .toString(),
                 QString("double precision"));
        QCOMPARE(scalar(db, QStringLiteral("SELECT data_type FROM information_schema.columns "
                                           "WHERE table_name = 'tags' AND column_name = 'id'"))
                     .toString(),
                 QString("bigint"));
        const qint64 img = db.addImage(image(QStringLiteral("/share/a.jpg"))).value_or(0);
        const auto ids =
            db.addSuggestions(img, 0, {suggestion("style", "boho", 0.123456789012)}, "model:m");
        QVERIFY(ids);
        QCOMPARE(db.tagById(ids->value(0))->confidence, 0.123456789012);
        // The audit log is append-only here too.
        QVERIFY(db.acceptTag(ids->value(0), QStringLiteral("li")));
        QVERIFY(!execOn(db, QStringLiteral("DELETE FROM audit")));
        QVERIFY(!execOn(db, QStringLiteral("UPDATE audit SET who = 'x'")));
        QCOMPARE(db.auditLog(10)->size(), 3);
        // Opening again (another workstation) changes nothing.
        CatalogDb again;
        QVERIFY2(again.open(address_, &error), qPrintable(error));
        QCOMPARE(again.tagsForImage(img)->value(0).status, TagStatus::Accepted);
        QVERIFY(!db.path().contains(QLatin1String(":pa")));
    }

    // A database made by an older Vistag (version 1 on PostgreSQL) is upgraded with its data.
    void upgradesAnOlderDatabase() {
        {
            CatalogDb raw;  // only for its connection: write version 1 by hand
            QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), "v1");
            const QUrl url(address_);
            db.setHostName(url.host());
            db.setPort(url.port());
            db.setUserName(url.userName());
            db.setDatabaseName(url.path().mid(1));
            QVERIFY2(db.open(), qPrintable(db.lastError().text()));
            QStringList sql{QStringLiteral("CREATE TABLE vistag_meta (key TEXT PRIMARY KEY, "
                                           "value TEXT NOT NULL)"),
                            QStringLiteral("INSERT INTO vistag_meta VALUES ('schema_version', "
                                           "'1')")};
            sql << schema::stepSql(1, schema::Dialect::Postgres);
            sql << QStringLiteral(
                       "INSERT INTO images (path, content_hash, added_at) VALUES "
                       "('/share/红裙子.jpg', 'h1', '2024-05-01T08:00:00.000Z')")
                << QStringLiteral(
                       "INSERT INTO tags (image_id, attribute, value_code, source, "
                       "status, created_at) SELECT id, 'style', 'boho', 'model:m', "
                       "'suggested', '2024-05-01T08:01:00.000Z' FROM images");
            for (const QString& s : sql) {
                QSqlQuery q(db);
                QVERIFY2(q.exec(s), qPrintable(s + QLatin1String(": ") + q.lastError().text()));
            }
            db.close();
        }
        QSqlDatabase::removeDatabase("v1");
        CatalogDb db;
        QString error;
        QVERIFY2(db.open(address_, &error), qPrintable(error));
        QCOMPARE(db.fileSchemaVersion().value_or(-1), CatalogDb::schemaVersion());
        const auto img = db.imageByPath(QStringLiteral("/share/红裙子.jpg"));
        QVERIFY(img);
        const auto tags = db.tagsForImage(img->id);
        QCOMPARE(tags->size(), 1);
        QCOMPARE(tags->at(0).version, 0);
        ImageFilter byName;
        byName.nameContains = QStringLiteral("红裙");
        QCOMPARE(db.countImages(byName).value_or(-1), 1);
        QVERIFY(db.addImage(image(QStringLiteral("/share/b.jpg"))));  // keys continue
    }

    void refusesAnotherApplicationsDatabase() {
        {
            CatalogDb probe;  // an empty database opens; drop what it made, add a foreign table
        }
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), "other");
        const QUrl url(address_);
        db.setHostName(url.host());
        db.setPort(url.port());
        db.setUserName(url.userName());
        db.setDatabaseName(url.path().mid(1));
        QVERIFY(db.open());
        QVERIFY(QSqlQuery(db).exec(QStringLiteral("CREATE TABLE invoices (id int)")));
        CatalogDb catalogue;
        QString error;
        QVERIFY(!catalogue.open(address_, &error));
        QVERIFY2(error.contains(QLatin1String("another application")), qPrintable(error));
        QSqlQuery q(db);
        QVERIFY(q.exec(QStringLiteral("SELECT count(*) FROM information_schema.tables WHERE "
                                      "table_schema = 'public'")) &&
                q.next());
        QCOMPARE(q.value(0).toInt(), 1);  // nothing was created
        db.close();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase("other");
    }

    void refusesANewerVistag() {
        {
            CatalogDb db;
            QVERIFY(db.open(address_));
            QVERIFY(execOn(db, QStringLiteral("UPDATE vistag_meta SET value = '99'")));
        }
        CatalogDb db;
        QString error;
        QVERIFY(!db.open(address_, &error));
        QVERIFY2(error.contains(QLatin1String("newer version of Vistag")), qPrintable(error));
    }

    void wrongPasswordAndNoRightsSaySo() {
        CatalogDb db;
        QString error;
        QVERIFY(!db.open(withUser(QStringLiteral("vistag"), QStringLiteral("n0tit")), &error));
        QVERIFY2(error.contains(QLatin1String("refused the user name or password")),
                 qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("n0tit")), qPrintable(error));
        // A role that may connect but not create tables in this database.
        QVERIFY(!db.open(withUser(QStringLiteral("vistag_other")), &error));
        QVERIFY2(error.contains(QLatin1String("permission denied")), qPrintable(error));
    }

    // Two workstations show the same suggestion; one accepts it, the other (another process)
    // then rejects what it was shown: refused, the accept stays, both are in the audit log.
    void staleEditIsRefusedAcrossProcesses() {
        CatalogDb anna;
        QVERIFY(anna.open(address_));
        const qint64 img = anna.addImage(image(QStringLiteral("/share/dress.jpg"))).value_or(0);
        const qint64 tag =
            anna.addSuggestions(img, 0, {suggestion("style", "boho")}, "model:m")->value(0);
        const int shown = anna.tagById(tag)->version;  // both screens show this version

        QString error;
        QVERIFY2(anna.acceptTag(tag, QStringLiteral("anna"), &error, shown), qPrintable(error));
        QProcess bo;
        bo.start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("--reject"), address_, QString::number(tag),
                  QString::number(shown), QStringLiteral("bo")});
        QVERIFY(bo.waitForFinished(30000));
        const QString said = QString::fromUtf8(bo.readAllStandardOutput());
        QCOMPARE(bo.exitCode(), 3);
        QVERIFY2(said.contains(QLatin1String("Someone else changed")), qPrintable(said));
        QVERIFY2(said.contains(QLatin1String("accepted by anna")), qPrintable(said));
        QCOMPARE(anna.tagById(tag)->status, TagStatus::Accepted);

        // Bo's screen refreshes and shows the new version: the reject now goes through.
        const int now = anna.tagById(tag)->version;
        QVERIFY(now > shown);
        bo.start(QCoreApplication::applicationFilePath(),
                 {QStringLiteral("--reject"), address_, QString::number(tag), QString::number(now),
                  QStringLiteral("bo")});
        QVERIFY(bo.waitForFinished(30000));
        QCOMPARE(bo.exitCode(), 0);
        QCOMPARE(anna.tagById(tag)->status, TagStatus::Rejected);
        QCOMPARE(anna.tagById(tag)->decidedBy, QString("bo"));
        const auto log = anna.auditLog(10).value();
        QCOMPARE(log.value(0).who, QString("bo"));
        QCOMPARE(log.value(0).action, QString("reject"));
        QCOMPARE(log.value(1).who, QString("anna"));
        QCOMPARE(log.value(1).action, QString("accept"));
        // A removed tag: said so, nothing else changes.
        QVERIFY(anna.removeTag(tag, QStringLiteral("anna")));
        QVERIFY(!anna.acceptTag(tag, QStringLiteral("bo"), &error, now + 1));
        QVERIFY2(error.contains(QLatin1String("no longer exists")), qPrintable(error));
    }

    // Three connections take items from one batch at once: each item goes to one of them. A
    // worker whose session ends gives its item back at once; a live worker's item stays its own
    // even when another worker resets interrupted items.
    void oneQueueManyWorkers() {
        CatalogDb a, b;
        auto c = std::make_unique<CatalogDb>();
        QVERIFY(a.open(address_) && b.open(address_) && c->open(address_));
        QVERIFY(a.workerId() != b.workerId() && b.workerId() != c->workerId());
        QList<qint64> imgs;
        for (int i = 0; i < 9; ++i)
            imgs << a.addImage(image(QStringLiteral("/share/%1.jpg").arg(i))).value_or(0);
        bool joined = true;
        const qint64 batch = a.joinOrCreateBatch("untagged", "p", "m", "{}", imgs, &joined).value();
        QVERIFY(!joined);
        // A second worker started with the same command joins it.
        QCOMPARE(b.joinOrCreateBatch("untagged", "p", "m", "{}", imgs, &joined).value_or(0), batch);
        QVERIFY(joined);

        QSet<qint64> taken;
        const auto item = c->nextPendingItem(batch);  // c will die holding this one
        QVERIFY(item);
        taken.insert(item->imageId);
        const auto heldByA = a.nextPendingItem(batch);
        QVERIFY(heldByA);
        QVERIFY(!taken.contains(heldByA->imageId));
        taken.insert(heldByA->imageId);
        // b resumes: a is alive, its item stays a's; c is alive too.
        QCOMPARE(b.resetInterrupted(batch).value_or(-1), 0);
        QCOMPARE(b.batchProgress(batch)->running, 2);
        c.reset();  // c's session ends (a killed worker's connection closes the same way)
        int rounds = 0;
        QSet<qint64> done;
        while (auto next = b.nextPendingItem(batch)) {
            QVERIFY2(!done.contains(next->imageId), "an item was handed out twice");
            done.insert(next->imageId);
            QVERIFY(b.finishItem(next->itemId, ItemState::Done, {}));
            QVERIFY(++rounds < 50);
        }
        QVERIFY(done.contains(item->imageId));      // c's item came back to the queue
        QVERIFY(!done.contains(heldByA->imageId));  // a's did not
        QVERIFY(a.finishItem(heldByA->itemId, ItemState::Done, {}));
        const BatchProgress p = a.batchProgress(batch).value();
        QCOMPARE(p.done, 9);
        QCOMPARE(p.running + p.pending, 0);
    }

    // A workstation's file moves into the team database and back: every row with its id, the
    // paths under the shared folder made relative, new rows continue after the copied ids, and a
    // catalogue that is not empty is refused.
    void copiesBothWays() {
        QTemporaryDir dir;
        CatalogDb file;
        QVERIFY(file.open(dir.filePath(QStringLiteral("shop.sqlite"))));
        const qint64 a = file.addImage(image(QStringLiteral("/mnt/shop/a.jpg"))).value_or(0);
        const qint64 b = file.addImage(image(QStringLiteral("/home/li/b.jpg"))).value_or(0);
        RunRecord run;
        run.imageId = a;
        run.backend = QStringLiteral("local");
        run.modelId = QStringLiteral("m");
        run.prompt = QStringLiteral("p");
        run.paramsJson = QStringLiteral("{}");
        run.answer = QStringLiteral("{\"style\": \"boho\"}");
        run.finishReason = QStringLiteral("stop");
        const qint64 runId = file.recordRun(run).value_or(0);
        const auto tags =
            file.addSuggestions(a, runId, {suggestion("style", "boho", 0.75)}, "model:m");
        QVERIFY(file.rejectTag(tags->value(0), QStringLiteral("li")));
        QVERIFY(file.addTag(b, QStringLiteral("colour"), QStringLiteral("red"), false, "li"));
        QVERIFY(file.createBatch("untagged", "p", "m", "{}", {a, b}));
        const int audits = int(file.auditLog(1000)->size());

        CatalogDb team;
        QVERIFY(team.open(address_));
        QString error;
        qint64 lastTotal = 0;
        QVERIFY2(team.copyFrom(
                     file, QStringLiteral("/mnt/shop"),
                     [&](qint64 done, qint64 total) {
                         lastTotal = total;
                         return done <= total;
                     },
                     &error),
                 qPrintable(error));
        QVERIFY(lastTotal > 0);
        QCOMPARE(
            scalar(team, QStringLiteral("SELECT path FROM images WHERE id = %1").arg(a)).toString(),
            QString("a.jpg"));
        team.setImageRoot(QStringLiteral("/Volumes/shop"));
        QCOMPARE(team.imageById(a)->path, QString("/Volumes/shop/a.jpg"));
        QCOMPARE(team.imageById(b)->path, QString("/home/li/b.jpg"));
        QCOMPARE(team.tagById(tags->value(0))->status, TagStatus::Rejected);
        QCOMPARE(team.tagById(tags->value(0))->confidence, 0.75);
        QCOMPARE(int(team.auditLog(1000)->size()), audits);
        QVERIFY(team.cachedRun(QStringLiteral("hash-/mnt/shop/a.jpg"), "p", "m", "{}"));
        QCOMPARE(team.unfinishedBatches()->size(), 1);
        // New rows continue after the copied ids.
        const qint64 c = team.addImage(image(QStringLiteral("/Volumes/shop/c.jpg"))).value_or(0);
        QVERIFY(c > b);
        // Not into a catalogue that has rows.
        QVERIFY(!team.copyFrom(file, {}, {}, &error));
        QVERIFY2(error.contains(QLatin1String("not empty")), qPrintable(error));

        // And back into a new file: the same rows.
        CatalogDb back;
        QVERIFY(back.open(dir.filePath(QStringLiteral("back.sqlite"))));
        QVERIFY2(back.copyFrom(team, {}, {}, &error), qPrintable(error));
        QCOMPARE(back.imageById(a)->path, QString("a.jpg"));  // relative: no root set here
        QCOMPARE(back.tagsForImage(b)->value(0).valueCode, QString("red"));
        QCOMPARE(int(back.auditLog(1000)->size()), int(team.auditLog(1000)->size()));
        QVERIFY(back.addImage(image(QStringLiteral("/x/d.jpg"))).value_or(0) > c);
    }

    // The server goes away and comes back: while it is down an edit fails in plain words and is
    // not acknowledged; afterwards the same connection works again without reopening.
    void reconnectsAfterTheServerRestarts() {
        CatalogDb db;
        QVERIFY(db.open(address_));
        const qint64 img = db.addImage(image(QStringLiteral("/share/x.jpg"))).value_or(0);
        const qint64 tag =
            db.addSuggestions(img, 0, {suggestion("style", "boho")}, "model:m")->value(0);
        const QString workerBefore = db.workerId();
        QVERIFY(server(QStringLiteral("pause")));
        QString error;
        const bool savedWhileDown = db.acceptTag(tag, QStringLiteral("li"), &error);
        QVERIFY(server(QStringLiteral("resume")));
        QVERIFY(!savedWhileDown);
        QVERIFY2(error.contains(QLatin1String("cannot be reached")) ||
                     error.contains(QLatin1String("was lost")),
                 qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("not saved")), qPrintable(error));
        // Back: the next edit reconnects by itself.
        QVERIFY2(db.acceptTag(tag, QStringLiteral("li"), &error), qPrintable(error));
        QCOMPARE(db.tagById(tag)->status, TagStatus::Accepted);
        QVERIFY(db.workerId() != workerBefore);  // a new session, a new worker lock
        QCOMPARE(db.auditLog(10)->value(0).action, QString("accept"));
    }
};

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    const QStringList args = app.arguments();
    if (args.value(1) == QLatin1String("--reject"))
        return rejectInChild(args.mid(2));
    TestCatalogPg test;
    return QTest::qExec(&test, argc, argv);
}

#include "test_catalog_pg.moc"

// The catalogue file: creation, schema upgrades, refusal of newer files, and the failures a
// merchandiser can meet (read-only file, full disk, a file that is not a catalogue).
#include <sys/wait.h>
#include <unistd.h>
#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

#include "catalog/catalog_db.h"
#include "catalog/schema.h"
#include "catalog_test_util.h"

using namespace vistag::catalog;
using namespace vistag::catalog::testing;

namespace {

// Runs statements on a plain connection of its own (to build files the way older or newer
// Vistag versions would have left them).
bool rawExec(const QString& path, const QStringList& statements, QString* failed = nullptr) {
    const QString name = QStringLiteral("raw-") + path;
    bool ok = true;
    {
        QSqlDatabase db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(path);
        ok = db.open();
        for (const QString& sql : statements) {
            if (!ok)
                break;
            QSqlQuery q(db);
            ok = q.exec(sql);
            if (!ok && failed)
                *failed = sql + QStringLiteral(": ") + q.lastError().text();
        }
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
    return ok;
}

QByteArray fileHash(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256);
}

}  // namespace

class TestCatalogSchema final : public QObject {
    Q_OBJECT
private slots:
    void defaultPathIsInAppData() {
        QVERIFY(CatalogDb::defaultPath().endsWith(QLatin1String("/catalogue.sqlite")));
    }

    void freshCatalogueHasCurrentSchema() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("sub/folder/catalogue.sqlite"));
        CatalogDb db;
        QString error;
        QVERIFY2(db.open(path, &error), qPrintable(error));
        QVERIFY(QFile::exists(path));
        QCOMPARE(db.fileSchemaVersion().value_or(-1), CatalogDb::schemaVersion());
        QCOMPARE(CatalogDb::schemaVersion(), 6);
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA journal_mode")).toString(), QString("wal"));
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA synchronous")).toInt(), 2);  // FULL
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA foreign_keys")).toInt(), 1);
        for (const char* table : {"images", "runs", "tags", "audit", "batches", "batch_items",
                                  "review_rules", "rule_runs"}) {
            const QString sql = QStringLiteral(
                                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND "
                                    "name = '%1'")
                                    .arg(QLatin1String(table));
            QVERIFY2(scalar(db, sql).toInt() == 1, table);
        }
        QCOMPARE(scalar(db, QStringLiteral("SELECT count(*) FROM sqlite_master WHERE name = "
                                           "'runs_cache'"))
                     .toInt(),
                 1);
        // Re-opening an up-to-date file changes nothing.
        db.close();
        QVERIFY2(db.open(path, &error), qPrintable(error));
        QCOMPARE(db.fileSchemaVersion().value_or(-1), CatalogDb::schemaVersion());
    }

    void eachInstanceHasItsOwnConnection() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("c.sqlite"));
        CatalogDb a, b;
        QVERIFY(a.open(path));
        QVERIFY(b.open(path));
        QVERIFY(a.connectionName() != b.connectionName());
        QString error;
        const auto id = a.addImage(image(QStringLiteral("/x/one.jpg")), &error);
        QVERIFY2(id, qPrintable(error));
        const auto seen = b.imageById(*id);
        QVERIFY(seen);
        QCOMPARE(seen->path, QString("/x/one.jpg"));
    }

    void migratesVersion1WithData() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("v1.sqlite"));
        QStringList v1 = schema::stepSql(1);
        v1 << QStringLiteral("PRAGMA user_version = 1")
           << QStringLiteral(
                  "INSERT INTO images (id, path, content_hash, width, height, "
                  "added_at) VALUES (1, '/photos/红裙子.jpg', 'h1', 640, 480, "
                  "'2024-05-01T08:00:00.000Z'), (2, '/photos/shirt_2.png', 'h2', 10, "
                  "20, '2024-05-01T08:00:01.000Z')")
           << QStringLiteral(
                  "INSERT INTO runs (id, image_id, backend, model_id, prompt, "
                  "params_json, answer, finish_reason, latency_ms, created_at) VALUES "
                  "(1, 1, 'local', 'Qwen3-VL-8B', 'style?', '{}', '波西米亚', 'stop', "
                  "210, '2024-05-01T08:01:00.000Z')")
           << QStringLiteral(
                  "INSERT INTO tags (id, image_id, attribute, value_code, source, "
                  "confidence, status, decided_by, decided_at, run_id, created_at) "
                  "VALUES (1, 1, 'style', 'boho', 'model:Qwen3-VL-8B', 0.9, "
                  "'accepted', 'li', '2024-05-01T08:02:00.000Z', 1, "
                  "'2024-05-01T08:01:00.000Z'), (2, 1, 'colour', 'red', "
                  "'model:Qwen3-VL-8B', 0.4, 'suggested', '', NULL, 1, "
                  "'2024-05-01T08:01:00.000Z')")
           << QStringLiteral(
                  "INSERT INTO audit (at, who, action, entity, entity_id, "
                  "before_json, after_json) VALUES ('2024-05-01T08:02:00.000Z', "
                  "'li', 'accept', 'tag', 1, NULL, '{}')");
        QString failed;
        QVERIFY2(rawExec(path, v1, &failed), qPrintable(failed));

        CatalogDb db;
        QString error;
        QVERIFY2(db.open(path, &error), qPrintable(error));
        QCOMPARE(db.fileSchemaVersion().value_or(-1), CatalogDb::schemaVersion());

        const auto img = db.imageByPath(QStringLiteral("/photos/红裙子.jpg"));
        QVERIFY(img);
        QCOMPARE(img->id, 1);
        QCOMPARE(img->width, 640);
        QCOMPARE(img->skuGroup, QString());
        QCOMPARE(img->addedAt, QDateTime(QDate(2024, 5, 1), QTime(8, 0), Qt::UTC));
        const auto tags = db.tagsForImage(1);
        QVERIFY(tags);
        QCOMPARE(tags->size(), 2);
        QCOMPARE(tags->at(0).attribute, QString("colour"));
        QCOMPARE(tags->at(1).status, TagStatus::Accepted);
        QCOMPARE(tags->at(1).decidedBy, QString("li"));
        QCOMPARE(tags->at(1).runId, 1);
        QCOMPARE(db.reviewState(1).value(), ReviewState::Suggested);
        QCOMPARE(db.reviewState(2).value(), ReviewState::New);
        // The new file-name column was filled from the paths.
        ImageFilter byName;
        byName.nameContains = QStringLiteral("红裙");
        QCOMPARE(db.countImages(byName).value_or(-1), 1);
        byName.nameContains = QStringLiteral("photos");  // folder names do not match
        QCOMPARE(db.countImages(byName).value_or(-1), 0);
        // The old run is in the result cache under its image's content hash.
        const auto cached = db.cachedRun(QStringLiteral("h1"), QStringLiteral("style?"),
                                         QStringLiteral("Qwen3-VL-8B"), QStringLiteral("{}"));
        QVERIFY(cached);
        QCOMPARE(cached->answer, QString("波西米亚"));
        // The audit log survived and is still append-only.
        const auto log = db.auditLog(10);
        QVERIFY(log);
        QCOMPARE(log->size(), 1);
        QVERIFY(!execOn(db, QStringLiteral("DELETE FROM audit")));
        // Version-2 features work on the upgraded file.
        QVERIFY(db.setSkuGroup({1, 2}, QStringLiteral("SKU-1"), QStringLiteral("li")));
        QCOMPARE(db.tagsForImage(2)->size(), 2);
        QVERIFY(db.createBatch(QStringLiteral("append"), QStringLiteral("p"), QStringLiteral("m"),
                               QStringLiteral("{}"), {1, 2}));
    }

    void refusesNewerVersionUntouched() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("future.sqlite"));
        QVERIFY(rawExec(path, {QStringLiteral("CREATE TABLE images (id INTEGER PRIMARY KEY, "
                                              "hologram BLOB)"),
                               QStringLiteral("INSERT INTO images (hologram) VALUES (x'00')"),
                               QStringLiteral("PRAGMA user_version = 99")}));
        const QByteArray before = fileHash(path);
        CatalogDb db;
        QString error;
        QVERIFY(!db.open(path, &error));
        QVERIFY(!db.isOpen());
        QVERIFY2(error.contains(QLatin1String("newer version of Vistag")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("99")), qPrintable(error));
        QCOMPARE(fileHash(path), before);
        QVERIFY(!QFile::exists(path + QStringLiteral("-wal")));
    }

    void refusesAFileThatIsNotACatalogue() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("notes.sqlite"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(QByteArray(4096, 'x'));
        f.close();
        CatalogDb db;
        QString error;
        QVERIFY(!db.open(path, &error));
        QVERIFY2(error.contains(QLatin1String("damaged or is not a Vistag catalogue")),
                 qPrintable(error));
    }

    void cannotCreateFolder() {
        QTemporaryDir dir;
        QFile blocker(dir.filePath(QStringLiteral("file")));
        QVERIFY(blocker.open(QIODevice::WriteOnly));
        blocker.close();
        CatalogDb db;
        QString error;
        QVERIFY(!db.open(dir.filePath(QStringLiteral("file/sub/c.sqlite")), &error));
        QVERIFY2(error.contains(QLatin1String("cannot be created")), qPrintable(error));
    }

    // A database address is refused with words, creates nothing, and never echoes a password.
    void databaseAddressIsNotTakenAsAFile() {
        QTemporaryDir dir;
        const QString before = QDir::currentPath();
        QVERIFY(QDir::setCurrent(dir.path()));
        CatalogDb db;
        QString error;
        // No server listens on port 1: PostgreSQL's address, said in words, password left out.
        QVERIFY(!db.open(QStringLiteral("postgresql://ann:s3cret@127.0.0.1:1/shop"), &error));
        QVERIFY2(error.contains(QLatin1String("cannot be reached")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("ann@127.0.0.1:1/shop")), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("s3cret")), qPrintable(error));
        QVERIFY(!db.isOpen());
        // Another kind of database is not a file name either.
        QVERIFY(!db.open(QStringLiteral("mysql://ann:s3cret@db.example/shop"), &error));
        QDir::setCurrent(before);
        QVERIFY2(error.contains(QLatin1String("database address")), qPrintable(error));
        QVERIFY2(!error.contains(QLatin1String("s3cret")), qPrintable(error));
        QVERIFY(QDir(dir.path()).entryList(QDir::NoDotAndDotDot | QDir::AllEntries).isEmpty());
    }

    // Read-only, the way SQLite sees it: the file opened with QSQLITE_OPEN_READONLY (tests run
    // as root, where chmod does not stop writes).
    void readOnlyFileRefusesEditsCleanly() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ro.sqlite"));
        qint64 imageId = 0, tagId = 0;
        {
            CatalogDb db;
            QVERIFY(db.open(path));
            imageId = db.addImage(image(QStringLiteral("/p/a.jpg"))).value_or(0);
            tagId = db.addSuggestions(imageId, 0, {suggestion("style", "boho")},
                                      QStringLiteral("model:m"))
                        .value_or(QList<qint64>{})
                        .value(0);
            QVERIFY(tagId > 0);
        }
        CatalogDb ro;
        QString error;
        QVERIFY2(ro.open(path, &error, CatalogDb::OpenMode::ReadOnly), qPrintable(error));
        QCOMPARE(ro.tagsForImage(imageId)->size(), 1);  // reading works
        QVERIFY(!ro.acceptTag(tagId, QStringLiteral("li"), &error));
        QVERIFY2(error.contains(QLatin1String("cannot be written: it is read-only")),
                 qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("not saved")), qPrintable(error));
        error.clear();
        QVERIFY(!ro.addImage(image(QStringLiteral("/p/b.jpg")), &error));
        QVERIFY2(error.contains(QLatin1String("read-only")), qPrintable(error));
        ro.close();

        CatalogDb db;
        QVERIFY(db.open(path));
        const auto tag = db.tagById(tagId);
        QVERIFY(tag);
        QCOMPARE(tag->status, TagStatus::Suggested);
        QCOMPARE(db.countImages({}).value_or(-1), 1);
        QCOMPARE(db.auditLog(100)->size(), 2);  // add_image + suggest, nothing half-written
    }

    // A connection that turns read-only while open (PRAGMA query_only): the edit fails whole.
    void queryOnlyConnectionKeepsEditPending() {
        QTemporaryDir dir;
        CatalogDb db;
        QVERIFY(db.open(dir.filePath(QStringLiteral("q.sqlite"))));
        const qint64 imageId = db.addImage(image(QStringLiteral("/p/a.jpg"))).value_or(0);
        QVERIFY(execOn(db, QStringLiteral("PRAGMA query_only = ON")));
        QString error;
        QVERIFY(!db.addTag(imageId, QStringLiteral("style"), QStringLiteral("boho"), false,
                           QStringLiteral("li"), &error));
        QVERIFY2(error.contains(QLatin1String("read-only")), qPrintable(error));
        QVERIFY(execOn(db, QStringLiteral("PRAGMA query_only = OFF")));
        QCOMPARE(db.tagsForImage(imageId)->size(), 0);
        QCOMPARE(db.auditLog(100)->size(), 1);
        QVERIFY(db.addTag(imageId, QStringLiteral("style"), QStringLiteral("boho"), false,
                          QStringLiteral("li"), &error));
    }

    // A full disk, simulated with PRAGMA max_page_count: SQLite answers SQLITE_FULL.
    void fullDiskKeepsEditPending() {
        QTemporaryDir dir;
        CatalogDb db;
        QVERIFY(db.open(dir.filePath(QStringLiteral("full.sqlite"))));
        const qint64 imageId = db.addImage(image(QStringLiteral("/p/a.jpg"))).value_or(0);
        QVERIFY(db.addTag(imageId, QStringLiteral("style"), QStringLiteral("boho"), false,
                          QStringLiteral("li")));
        const int pages = scalar(db, QStringLiteral("PRAGMA page_count")).toInt();
        QVERIFY(execOn(db, QStringLiteral("PRAGMA max_page_count = %1").arg(pages)));

        const QString bigValue(300000, QLatin1Char('x'));  // needs new pages
        QString error;
        QVERIFY(!db.addTag(imageId, QStringLiteral("note"), bigValue, true, QStringLiteral("li"),
                           &error));
        QVERIFY2(error.contains(QLatin1String("the disk is full")), qPrintable(error));
        QVERIFY2(error.contains(QLatin1String("not saved")), qPrintable(error));
        QCOMPARE(db.tagsForImage(imageId)->size(), 1);
        QCOMPARE(db.auditLog(100)->size(), 2);
        // Still usable for reading and for edits that fit.
        QVERIFY(db.imageById(imageId));

        // Space again: the pending edit goes through.
        QVERIFY(execOn(db, QStringLiteral("PRAGMA max_page_count = 1000000")));
        QVERIFY2(db.addTag(imageId, QStringLiteral("note"), bigValue, true, QStringLiteral("li"),
                           &error),
                 qPrintable(error));
        QCOMPARE(db.tagsForImage(imageId)->size(), 2);
    }

    void editsSurviveReopen() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("r.sqlite"));
        qint64 id = 0;
        {
            CatalogDb db;
            QVERIFY(db.open(path));
            id = db.addImage(image(QStringLiteral("/p/a.jpg"))).value_or(0);
            QVERIFY(db.addTag(id, QStringLiteral("season"), QStringLiteral("summer"), false,
                              QStringLiteral("li")));
        }
        CatalogDb db;
        QVERIFY(db.open(path));
        QCOMPARE(db.tagsForImage(id)->value(0).valueCode, QString("summer"));
    }

    // kill -9 while a writer is busy: every edit it acknowledged (returned true) is there.
    void killedWriterLosesNoAcknowledgedEdit() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("k.sqlite"));
        qint64 imageId = 0;
        {
            CatalogDb db;
            QVERIFY(db.open(path));
            imageId = db.addImage(image(QStringLiteral("/p/a.jpg"))).value_or(0);
        }
        int fds[2];
        QCOMPARE(::pipe(fds), 0);
        const pid_t child = ::fork();
        QVERIFY(child >= 0);
        if (child == 0) {  // the writer: acknowledges each committed edit on the pipe
            ::close(fds[0]);
            CatalogDb db;
            if (!db.open(path))
                ::_exit(2);
            for (int i = 0;; ++i) {
                const auto id = db.addTag(imageId, QStringLiteral("n"), QString::number(i), true,
                                          QStringLiteral("li"));
                if (!id)
                    ::_exit(3);
                const qint64 ack = *id;
                if (::write(fds[1], &ack, sizeof ack) != sizeof ack)
                    ::_exit(4);
            }
        }
        ::close(fds[1]);
        QList<qint64> acknowledged;
        qint64 ack = 0;
        while (acknowledged.size() < 200 && ::read(fds[0], &ack, sizeof ack) == sizeof ack)
            acknowledged << ack;
        ::kill(child, SIGKILL);
        ::waitpid(child, nullptr, 0);
        while (::read(fds[0], &ack, sizeof ack) == sizeof ack)
            acknowledged << ack;
        ::close(fds[0]);
        QVERIFY(acknowledged.size() >= 200);

        CatalogDb db;
        QString error;
        QVERIFY2(db.open(path, &error), qPrintable(error));
        for (qint64 id : acknowledged)
            QVERIFY(db.tagById(id));
        const auto tags = db.tagsForImage(imageId).value();
        QVERIFY(tags.size() >= acknowledged.size());
        QCOMPARE(scalar(db, QStringLiteral("PRAGMA integrity_check")).toString(), QString("ok"));
    }

    void notOpenSaysSo() {
        CatalogDb db;
        QString error;
        QVERIFY(!db.addImage(image(QStringLiteral("/p/a.jpg")), &error));
        QVERIFY(error.contains(QLatin1String("not open")));
    }
};

QTEST_GUILESS_MAIN(TestCatalogSchema)
#include "test_catalog_schema.moc"

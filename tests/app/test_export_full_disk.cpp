// Exports on a full disk (tracker issue 21, defect 1): a write that fails must fail the export
// with a plain message naming the file, and leave every previous file byte for byte. The disk is
// a real 64 KiB tmpfs mounted for the test (root only: CI runs as root; anywhere else the test
// is skipped with a message saying so), filled up by a file before the export.
#include <sys/stat.h>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <cstring>

#include "catalog/catalog_db.h"
#include "catalog/exporters.h"
#include "catalog/xmp_sidecar.h"
#include "small_tmpfs.h"

using namespace vistag::catalog;

namespace {

QByteArray readAll(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray("<unreadable>");
}

bool writePlain(const QString& path, const QByteArray& data) {
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(data) == data.size() &&
           f.flush();
}

}  // namespace

class TestExportFullDisk final : public QObject {
    Q_OBJECT

    QTemporaryDir m_work;              // the catalogue (on the ordinary disk)
    vistag::test::SmallTmpfs m_tmpfs;  // the tiny disk
    QString m_disk;                    // where it is mounted
    QString m_db;

    // Fills the tmpfs: a file grows 1 KiB at a time until the disk says it is full.
    void fillDisk() {
        QString why;
        QVERIFY2(m_tmpfs.fill(1048576, &why), qPrintable(why));
    }

    // Files in the tmpfs other than the filler (a temporary file left behind shows up here).
    QStringList diskFiles() const {
        QStringList files = QDir(m_disk).entryList(QDir::Files | QDir::Hidden, QDir::Name);
        files.removeAll(QStringLiteral("filler"));
        return files;
    }

    int runCli(const QStringList& args, QString* err) {
        QProcess p;
        p.setProgram(QStringLiteral(VISTAG_CLI));
        p.setArguments(args);
        p.start();
        if (!p.waitForFinished(120000))
            return -1;
        *err = QString::fromUtf8(p.readAllStandardError());
        return p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("needs root to mount a 64 KiB tmpfs and fill it (CI runs the tests as root)");
        m_disk = m_tmpfs.path();
        QString why;
        if (!m_tmpfs.mount("64k", &why))
            QFAIL(qPrintable(why));

        // A catalogue with two tagged images (in the ordinary temporary folder).
        m_db = m_work.filePath(QStringLiteral("shop.sqlite"));
        CatalogDb db;
        QString err;
        QVERIFY2(db.open(m_db, &err), qPrintable(err));
        for (const char* name : {"dress.jpg", "shirt.jpg"}) {
            ImageRecord r;
            r.path = m_work.filePath(QLatin1String(name));
            r.contentHash = QStringLiteral("hash-") + QLatin1String(name);
            r.width = 800;
            r.height = 600;
            const auto id = db.addImage(r, &err);
            QVERIFY2(id, qPrintable(err));
            TagSuggestion s;
            s.attribute = QStringLiteral("colour");
            s.valueCode = QStringLiteral("red");
            s.rawText = QStringLiteral("red");
            s.confidence = 0.9;
            const auto tags = db.addSuggestions(*id, 0, {s}, QStringLiteral("model:test"), &err);
            QVERIFY2(tags, qPrintable(err));
            QVERIFY2(db.acceptTag(tags->first(), QStringLiteral("tester"), &err), qPrintable(err));
        }
    }

    void init() { m_tmpfs.clear(); }

    // The helper itself: nothing fits, the old file stays as it was, no temporary is left, and
    // with room again the file is replaced keeping its permissions.
    void replaceOnAFullDiskKeepsTheOldFile() {
        const QString path = QDir(m_disk).filePath(QStringLiteral("tags.csv"));
        QString err;
        QVERIFY2(replaceFileAtomically(path, "old,contents\r\n", &err), qPrintable(err));
        QCOMPARE(::chmod(QFile::encodeName(path).constData(), 0640), 0);
        fillDisk();
        QVERIFY(!replaceFileAtomically(path, QByteArray(20000, 'n'), &err));
        QVERIFY2(err.contains(path) && err.contains(QStringLiteral("the disk is full")),
                 qPrintable(err));
        QCOMPARE(readAll(path), QByteArray("old,contents\r\n"));
        QCOMPARE(diskFiles(), QStringList{QStringLiteral("tags.csv")});

        QVERIFY(QFile::remove(QDir(m_disk).filePath(QStringLiteral("filler"))));
        QVERIFY2(replaceFileAtomically(path, "new\r\n", &err), qPrintable(err));
        QCOMPARE(readAll(path), QByteArray("new\r\n"));
        struct stat st {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        QCOMPARE(st.st_mode & 07777, 0640u);
        QCOMPARE(diskFiles(), QStringList{QStringLiteral("tags.csv")});
    }

    // A file larger than the whole disk fails part way through the writes.
    void replaceWithMoreThanTheDiskHolds() {
        const QString path = QDir(m_disk).filePath(QStringLiteral("big.jsonl"));
        QString err;
        QVERIFY2(replaceFileAtomically(path, "{\"old\":1}\n", &err), qPrintable(err));
        QVERIFY(!replaceFileAtomically(path, QByteArray(256 * 1024, 'n'), &err));
        QVERIFY2(err.contains(QStringLiteral("the disk is full")), qPrintable(err));
        QCOMPARE(readAll(path), QByteArray("{\"old\":1}\n"));
        QCOMPARE(diskFiles(), QStringList{QStringLiteral("big.jsonl")});
    }

    // Tracker issue 21, defect 10: export only reads the catalogue (it opens it read-only), so
    // one on read-only media (a mounted backup, a DVD) should export, writing nothing beside it.
    void cliExportFromACatalogueOnAReadOnlyDisk() {
        QTemporaryDir mountAt;  // a disk of its own, large enough for the catalogue
        const QByteArray at = QFile::encodeName(mountAt.path());
        QCOMPARE(::mount("tmpfs", at.constData(), "tmpfs", 0, "size=16m,mode=0755"), 0);
        const auto unmount = qScopeGuard([&] { ::umount2(at.constData(), MNT_DETACH); });
        const QString db = QDir(mountAt.path()).filePath(QStringLiteral("shop.sqlite"));
        QVERIFY(QFile::copy(m_db, db));
        QCOMPARE(::mount("tmpfs", at.constData(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr), 0);
        const QString out = m_work.filePath(QStringLiteral("from-read-only.csv"));
        QString err;
        const int rc = runCli(
            {QStringLiteral("export"), QStringLiteral("--db"), db, QStringLiteral("--format"),
             QStringLiteral("csv"), QStringLiteral("--out"), out},
            &err);
        // The catalogue is in WAL mode and SQLite cannot create its "-shm" beside it: the
        // read-only open reads it as immutable (catalog_db.cpp, onReadOnlyMedia).
        QVERIFY2(rc == 0, qPrintable(QStringLiteral("exit %1: %2").arg(rc).arg(err)));
        QVERIFY(readAll(out).contains("red"));
        QCOMPARE(QDir(mountAt.path()).entryList(QDir::Files | QDir::Hidden),
                 QStringList{QStringLiteral("shop.sqlite")});

        // Changes still in a "-wal" file would be ignored by an immutable read: refused, plainly.
        QCOMPARE(::mount("tmpfs", at.constData(), "tmpfs", MS_REMOUNT, nullptr), 0);
        {
            QFile wal(db + QStringLiteral("-wal"));
            QVERIFY(wal.open(QIODevice::WriteOnly) && wal.write(QByteArray(4096, '\1')) == 4096);
        }
        QCOMPARE(::mount("tmpfs", at.constData(), "tmpfs", MS_REMOUNT | MS_RDONLY, nullptr), 0);
        const int walRc = runCli(
            {QStringLiteral("export"), QStringLiteral("--db"), db, QStringLiteral("--format"),
             QStringLiteral("csv"), QStringLiteral("--out"), out},
            &err);
        QVERIFY2(walRc != 0 && err.contains(QStringLiteral("shop.sqlite-wal")) &&
                     err.contains(QStringLiteral("Copy both files")),
                 qPrintable(QStringLiteral("exit %1: %2").arg(walRc).arg(err)));
    }

    void cliSingleFileExportOnAFullDisk_data() {
        QTest::addColumn<QString>("format");
        QTest::newRow("csv") << QStringLiteral("csv");
        QTest::newRow("jsonl") << QStringLiteral("jsonl");
    }
    void cliSingleFileExportOnAFullDisk() {
        QFETCH(QString, format);
        const QString out = QDir(m_disk).filePath(QStringLiteral("tags.") + format);
        const QByteArray old = "the previous export\n";
        QVERIFY(writePlain(out, old));
        fillDisk();
        QString err;
        const QStringList args{QStringLiteral("export"),
                               QStringLiteral("--db"),
                               m_db,
                               QStringLiteral("--format"),
                               format,
                               QStringLiteral("--out"),
                               out};
        const int rc = runCli(args, &err);
        QVERIFY2(rc == 11, qPrintable(QStringLiteral("exit %1: %2").arg(rc).arg(err)));
        QVERIFY2(err.contains(out) && err.contains(QStringLiteral("the disk is full")),
                 qPrintable(err));
        QCOMPARE(readAll(out), old);
        QCOMPARE(diskFiles(), QStringList{QFileInfo(out).fileName()});

        // With room again the same command succeeds.
        QVERIFY(QFile::remove(QDir(m_disk).filePath(QStringLiteral("filler"))));
        QCOMPARE(runCli(args, &err), 0);
        QVERIFY(readAll(out).contains("red"));
    }

    void cliSidecarExportOnAFullDisk_data() {
        QTest::addColumn<QString>("format");
        QTest::newRow("xmp") << QStringLiteral("xmp");
        QTest::newRow("txt") << QStringLiteral("txt");
    }
    void cliSidecarExportOnAFullDisk() {
        QFETCH(QString, format);
        // Previous sidecars of both images, as an earlier export wrote them.
        QStringList sidecars;
        QList<QByteArray> before;
        for (const char* name : {"dress", "shirt"}) {
            QString err;
            const QByteArray data =
                format == QLatin1String("xmp")
                    ? encodeXmpKeywords({QStringLiteral("Blue")}, {QStringLiteral("Colour|Blue")},
                                        {}, &err)
                    : QByteArray("Blue\n");
            QVERIFY2(!data.isEmpty(), qPrintable(err));
            const QString path = QDir(m_disk).filePath(
                format == QLatin1String("xmp") ? QLatin1String(name) + QStringLiteral(".jpg.xmp")
                                               : QLatin1String(name) + QStringLiteral(".txt"));
            QVERIFY(writePlain(path, data));
            sidecars << path;
            before << data;
        }
        fillDisk();
        QString err;
        const int rc = runCli({QStringLiteral("export"), QStringLiteral("--db"), m_db,
                               QStringLiteral("--format"), format, QStringLiteral("--out"), m_disk},
                              &err);
        QVERIFY2(rc == 11, qPrintable(QStringLiteral("exit %1: %2").arg(rc).arg(err)));
        for (int i = 0; i < sidecars.size(); ++i) {
            QVERIFY2(err.contains(sidecars[i]), qPrintable(err));
            QCOMPARE(readAll(sidecars[i]), before[i]);  // not emptied, not shortened
        }
        QVERIFY2(err.contains(QStringLiteral("the disk is full")), qPrintable(err));
        QStringList names;
        for (const QString& s : sidecars)
            names << QFileInfo(s).fileName();
        QCOMPARE(diskFiles(), names);
    }
};

QTEST_GUILESS_MAIN(TestExportFullDisk)
#include "test_export_full_disk.moc"

// Opening a catalogue on a full disk (tracker issue 21, defect 13): the message must say that the
// disk is full and which disk (the folder, its size), not a generic "could not be opened" or an
// SQLite code. The disk is a real 1 MiB tmpfs mounted for the test (root only: CI runs as root;
// anywhere else the test is skipped with a message saying so), filled up before the open.
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QLocale>
#include <QStorageInfo>
#include <QTemporaryDir>
#include <QtTest>
#include <cerrno>
#include <cstring>

#include "catalog/catalog_db.h"
#include "small_tmpfs.h"

using namespace vistag::catalog;

class TestCatalogFullDisk final : public QObject {
    Q_OBJECT

    vistag::test::SmallTmpfs m_tmpfs;  // the tiny disk
    QString m_disk;                    // where it is mounted

    // Fills the tmpfs: a file grows 1 KiB at a time until the disk says it is full.
    void fillDisk() {
        QString why;
        QVERIFY2(m_tmpfs.fill(8388608, &why), qPrintable(why));
    }

    void checkSaysDiskFull(const QString& err) {
        qInfo().noquote() << "message:" << err;
        QVERIFY2(err.contains(QLatin1String("the disk is full")), qPrintable(err));
        // Where: the disk's folder (the mount point) and its size.
        const QString at = QStringLiteral("the disk at “%1”").arg(QDir::toNativeSeparators(m_disk));
        QVERIFY2(err.contains(at), qPrintable(err));
        const QStorageInfo disk(m_disk);
        const QString size = QLocale::system().formattedDataSize(disk.bytesTotal());
        QVERIFY2(err.contains(size), qPrintable(QStringLiteral("no size %1: %2").arg(size, err)));
        QVERIFY2(!err.contains(QLatin1String("SQLITE")) && !err.contains(QLatin1String("(13)")),
                 qPrintable(err));
    }

private slots:
    void initTestCase() {
        if (::geteuid() != 0)
            QSKIP("needs root to mount a 1 MiB tmpfs and fill it (CI runs the tests as root)");
        m_disk = m_tmpfs.path();
        QString why;
        if (!m_tmpfs.mount("1m", &why))
            QFAIL(qPrintable(why));
    }

    void init() { m_tmpfs.clear(); }

    // A new catalogue on a full disk: SQLite cannot write its first page.
    void newCatalogueOnAFullDisk() {
        fillDisk();
        CatalogDb db;
        QString err;
        QVERIFY(!db.open(QDir(m_disk).filePath(QStringLiteral("new.sqlite")), &err));
        checkSaysDiskFull(err);
        QVERIFY2(!err.contains(QLatin1String("upgraded")), qPrintable(err));
    }

    // An existing (older-version-free, current) catalogue that has room for itself but not for
    // its "-wal" file when it is opened for writing.
    void existingCatalogueOnAFullDisk() {
        const QString path = QDir(m_disk).filePath(QStringLiteral("shop.sqlite"));
        {
            CatalogDb db;
            QString err;
            QVERIFY2(db.open(path, &err), qPrintable(err));
        }
        QFile::remove(path + QStringLiteral("-wal"));
        QFile::remove(path + QStringLiteral("-shm"));
        fillDisk();
        CatalogDb db;
        QString err;
        if (db.open(path, &err)) {
            // SQLite opened it with what fits; the first write must then say the disk is full.
            ImageRecord r;
            r.path = QStringLiteral("/nowhere/dress.jpg");
            r.contentHash = QString(4000, QLatin1Char('h'));
            QVERIFY(!db.addImage(r, &err));
        }
        checkSaysDiskFull(err);
    }
};

QTEST_GUILESS_MAIN(TestCatalogFullDisk)
#include "test_catalog_full_disk.moc"

// A small tmpfs mounted on a temporary folder, for the tests of a full disk (root only: CI runs
// the tests as root; the tests skip elsewhere with a message saying so). Unmounted when it goes.
#pragma once

#include <sys/mount.h>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <cerrno>
#include <cstring>

namespace vistag::test {

class SmallTmpfs {
public:
    SmallTmpfs() = default;
    SmallTmpfs(const SmallTmpfs&) = delete;
    SmallTmpfs& operator=(const SmallTmpfs&) = delete;
    ~SmallTmpfs() {
        if (mounted_)
            ::umount2(QFile::encodeName(path()).constData(), MNT_DETACH);
    }

    // Mounts a tmpfs of `size` ("64k", "1m"); false and *why when it cannot.
    bool mount(const char* size, QString* why) {
        const QByteArray options = QByteArray("size=") + size + ",mode=0755";
        if (::mount("tmpfs", QFile::encodeName(path()).constData(), "tmpfs", 0,
                    options.constData()) != 0) {
            *why = QStringLiteral("mounting a tmpfs on %1 failed as root: %2")
                       .arg(path(), QString::fromLocal8Bit(std::strerror(errno)));
            return false;
        }
        mounted_ = true;
        return true;
    }

    QString path() const { return at_.path(); }
    QString filePath(const QString& name) const { return QDir(path()).filePath(name); }

    // Removes every file (between test functions).
    void clear() const {
        for (const QString& f : QDir(path()).entryList(QDir::Files | QDir::Hidden))
            QFile::remove(filePath(f));
    }

    // Fills the disk: a file "filler" grows 1 KiB at a time until a write fails, then 4 KiB more
    // must not fit. False and *why when it never filled within `limit` bytes or still had room.
    bool fill(qint64 limit, QString* why) const {
        QFile f(filePath(QStringLiteral("filler")));
        if (!f.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered)) {
            *why = f.errorString();
            return false;
        }
        const QByteArray chunk(1024, 'x');
        for (qint64 total = 0;;) {
            const qint64 n = f.write(chunk);
            if (n <= 0)
                break;
            total += n;
            if (total >= limit) {
                *why = QStringLiteral("the tmpfs never filled up");
                return false;
            }
        }
        f.close();
        QFile probe(filePath(QStringLiteral("probe")));
        const bool room = probe.open(QIODevice::WriteOnly | QIODevice::Unbuffered) &&
                          probe.write(QByteArray(4096, 'y')) >= 4096;
        probe.close();
        QFile::remove(probe.fileName());
        if (room)
            *why = QStringLiteral("the tmpfs still had room after filling");
        return !room;
    }

private:
    QTemporaryDir at_;
    bool mounted_ = false;
};

}  // namespace vistag::test

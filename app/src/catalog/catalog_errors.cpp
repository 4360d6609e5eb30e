#include "catalog/catalog_errors.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QLocale>
#include <QStorageInfo>

namespace vistag::catalog {
namespace {

// SQLite primary result codes (sqlite3.h); the Qt driver passes them on as text.
constexpr int kSqlitePerm = 3;
constexpr int kSqliteBusy = 5;
constexpr int kSqliteLocked = 6;
constexpr int kSqliteReadOnly = 8;
constexpr int kSqliteIoErr = 10;
constexpr int kSqliteCorrupt = 11;
constexpr int kSqliteFull = 13;
constexpr int kSqliteCantOpen = 14;
constexpr int kSqliteNotADb = 26;

QString tr(const char* text) {
    return QCoreApplication::translate("CatalogDb", text);
}

// Below this many free bytes a disk counts as full: SQLite then reports a failed write of its
// "-wal" or "-shm" file as an I/O error (SQLITE_IOERR_WRITE, _SHMSIZE, _TRUNCATE) or a file it
// cannot open (SQLITE_CANTOPEN), not as SQLITE_FULL.
constexpr qint64 kFullBelowBytes = 64 * 1024;

// The disk holding path (or its folder, for a file not made yet): where it is mounted, its
// size and what is free, e.g. "“/media/usb”: 1.00 MiB, 0 bytes free". Empty when unknown.
QString diskOf(const QString& path, qint64* available) {
    QStorageInfo disk(QFileInfo(path).absolutePath());
    if (!disk.isValid() || !disk.isReady())
        return {};
    *available = disk.bytesAvailable();
    const QLocale locale = QLocale::system();
    return tr("“%1”: %2, %3 free")
        .arg(QDir::toNativeSeparators(disk.rootPath()), locale.formattedDataSize(disk.bytesTotal()),
             locale.formattedDataSize(*available));
}

}  // namespace

SqliteProblem classifySqliteError(const QSqlError& error) {
    if (error.type() == QSqlError::NoError)
        return SqliteProblem::None;
    bool ok = false;
    const int code = error.nativeErrorCode().toInt(&ok) & 0xff;
    if (!ok)
        return SqliteProblem::Other;
    switch (code) {
        case kSqliteFull:
            return SqliteProblem::DiskFull;
        case kSqliteReadOnly:
        case kSqlitePerm:
            return SqliteProblem::ReadOnly;
        case kSqliteCantOpen:
            return SqliteProblem::CantOpen;
        case kSqliteCorrupt:
        case kSqliteNotADb:
            return SqliteProblem::Corrupt;
        case kSqliteBusy:
        case kSqliteLocked:
            return SqliteProblem::Busy;
        case kSqliteIoErr:
            return SqliteProblem::IoError;
        default:
            return SqliteProblem::Other;
    }
}

QString describeSqliteError(const QSqlError& error, const QString& path, bool forWrite) {
    const QString file = QDir::toNativeSeparators(path);
    const QString notSaved =
        forWrite ? QLatin1Char(' ') + tr("Your change was not saved.") : QString();
    const SqliteProblem problem = classifySqliteError(error);
    if (problem == SqliteProblem::DiskFull || problem == SqliteProblem::IoError ||
        problem == SqliteProblem::CantOpen) {
        // Say which disk is full, and call an I/O error on a disk with no room left what it is.
        qint64 available = -1;
        const QString disk = diskOf(path, &available);
        if (!disk.isEmpty() && available >= 0 && available < kFullBelowBytes)
            return tr("The catalogue file “%1” cannot be written: the disk is full (the disk "
                      "at %2).")
                       .arg(file, disk) +
                   notSaved + QLatin1Char(' ') +
                   tr("Free some space on that disk, or move the catalogue to another disk, "
                      "and try again.");
    }
    switch (problem) {
        case SqliteProblem::None:
            return {};
        case SqliteProblem::DiskFull:
            return tr("The catalogue file “%1” cannot be written: the disk is full.").arg(file) +
                   notSaved + QLatin1Char(' ') + tr("Free some disk space and try again.");
        case SqliteProblem::ReadOnly:
            return tr("The catalogue file “%1” cannot be written: it is read-only.").arg(file) +
                   notSaved + QLatin1Char(' ') +
                   tr("Check the permissions of the file and its folder, or open a writable "
                      "copy.");
        case SqliteProblem::CantOpen:
            return tr("The catalogue file “%1” cannot be opened: the file or its folder is "
                      "missing or not accessible.")
                .arg(file);
        case SqliteProblem::Corrupt:
            return tr("The catalogue file “%1” is damaged or is not a Vistag catalogue. Restore "
                      "it from a backup.")
                       .arg(file) +
                   notSaved;
        case SqliteProblem::Busy:
            return tr("The catalogue file “%1” is busy: another Vistag window or program is "
                      "using it.")
                       .arg(file) +
                   notSaved + QLatin1Char(' ') + tr("Try again in a moment.");
        case SqliteProblem::IoError:
            return tr("The catalogue file “%1” could not be read or written: the disk reported "
                      "an error.")
                       .arg(file) +
                   notSaved;
        case SqliteProblem::Other:
            break;
    }
    return tr("The catalogue file “%1” could not be used (%2).").arg(file, error.text().trimmed()) +
           notSaved;
}

PgProblem classifyPgError(const QSqlError& error) {
    if (error.type() == QSqlError::NoError)
        return PgProblem::None;
    const QString state = error.nativeErrorCode().trimmed();
    const QString text = error.text();
    const auto has = [&](const char* words) {
        return text.contains(QLatin1String(words), Qt::CaseInsensitive);
    };
    if (state == QLatin1String("28P01") || state == QLatin1String("28000") ||
        has("password authentication failed") || has("no password supplied") ||
        (has("role \"") && has("does not exist")))
        return PgProblem::Auth;
    if (state == QLatin1String("3D000") || (has("database \"") && has("does not exist")))
        return PgProblem::NoDatabase;
    if (state == QLatin1String("42501"))
        return PgProblem::Permission;
    if (state == QLatin1String("53100"))
        return PgProblem::DiskFull;
    if (state == QLatin1String("40001") || state == QLatin1String("40P01"))
        return PgProblem::Conflict;
    if (state == QLatin1String("25006") || state == QLatin1String("25P02"))
        return PgProblem::ReadOnly;
    if (state.startsWith(QLatin1String("08")) || state == QLatin1String("57P01") ||
        state == QLatin1String("57P02") || state == QLatin1String("57P03") ||
        has("server closed the connection") || has("no connection to the server") ||
        has("terminating connection") || has("connection not open") || has("could not send data") ||
        has("could not receive data") || has("SSL SYSCALL"))
        return error.type() == QSqlError::ConnectionError && !has("closed the connection")
                   ? PgProblem::Unreachable
                   : PgProblem::ConnectionLost;
    if (error.type() == QSqlError::ConnectionError &&
        (has("connection refused") || has("could not connect") || has("timeout expired") ||
         has("could not translate host name") || has("Name or service not known") ||
         has("No route to host") || has("Network is unreachable") || has("failed:")))
        return PgProblem::Unreachable;
    return PgProblem::Other;
}

QString describePgError(const QSqlError& error, const QString& address, bool forWrite) {
    const QString notSaved =
        forWrite ? QLatin1Char(' ') + tr("Your change was not saved.") : QString();
    switch (classifyPgError(error)) {
        case PgProblem::None:
            return {};
        case PgProblem::Unreachable:
            return tr("The team catalogue at “%1” cannot be reached: the database server is not "
                      "running or the network is down.")
                       .arg(address) +
                   notSaved + QLatin1Char(' ') +
                   tr("Vistag tries again; ask your administrator if it stays down.");
        case PgProblem::ConnectionLost:
            return tr("The connection to the team catalogue at “%1” was lost.").arg(address) +
                   notSaved + QLatin1Char(' ') +
                   tr("Vistag reconnects when the server is back; try again in a moment.");
        case PgProblem::Auth:
            return tr("The database server at “%1” refused the user name or password. Put the "
                      "password in ~/.pgpass or the PGPASSWORD environment variable (Vistag does "
                      "not store it) and check the user name.")
                .arg(address);
        case PgProblem::NoDatabase:
            return tr("The database named in “%1” does not exist on that server. Ask your "
                      "administrator to create it (createdb).")
                .arg(address);
        case PgProblem::Permission:
            return tr("The team catalogue at “%1” does not allow this user to make that change "
                      "(permission denied).")
                       .arg(address) +
                   notSaved;
        case PgProblem::DiskFull:
            return tr("The database server of “%1” has no disk space left.").arg(address) +
                   notSaved + QLatin1Char(' ') + tr("Ask your administrator to free some space.");
        case PgProblem::Conflict:
            return tr("Someone else changed the same tags at the same moment.") + notSaved +
                   QLatin1Char(' ') + tr("Try again.");
        case PgProblem::ReadOnly:
            return tr("The team catalogue at “%1” is read-only at the moment.").arg(address) +
                   notSaved;
        case PgProblem::Other:
            break;
    }
    return tr("The team catalogue at “%1” could not be used (%2).")
               .arg(address, error.text().trimmed()) +
           notSaved;
}

}  // namespace vistag::catalog

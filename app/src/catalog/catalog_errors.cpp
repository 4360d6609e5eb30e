#include "catalog/catalog_errors.h"

#include <QCoreApplication>
#include <QDir>

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
    switch (classifySqliteError(error)) {
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

}  // namespace vistag::catalog

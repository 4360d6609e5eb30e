// SQLite failures of the catalogue in words a merchandiser understands.
#pragma once

#include <QSqlError>
#include <QString>

namespace vistag::catalog {

// SQLite's primary result codes that get their own message (QSqlError::nativeErrorCode() holds
// the possibly extended code as a decimal string; the low 8 bits are the primary code).
enum class SqliteProblem { None, DiskFull, ReadOnly, CantOpen, Corrupt, Busy, IoError, Other };

SqliteProblem classifySqliteError(const QSqlError& error);

// "The catalogue file “…” cannot be written: the disk is full. …". `forWrite` adds that the
// change was not saved.
QString describeSqliteError(const QSqlError& error, const QString& path, bool forWrite);

}  // namespace vistag::catalog

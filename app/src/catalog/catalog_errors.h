// SQLite and PostgreSQL failures of the catalogue in words a merchandiser understands.
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

// PostgreSQL (QPSQL) failures, classified by SQLSTATE (QSqlError::nativeErrorCode()) or, for a
// connection that could not be made, by libpq's message.
enum class PgProblem {
    None,
    Unreachable,     // server down, refused, timed out, name unknown
    ConnectionLost,  // the connection broke during a statement
    Auth,            // wrong or missing password, no such role
    NoDatabase,      // the database does not exist
    Permission,      // the role may not read or write the tables
    DiskFull,
    Conflict,  // serialization failure or deadlock: try again
    ReadOnly,  // read-only transaction or server in recovery
    Other
};
PgProblem classifyPgError(const QSqlError& error);
// `address` is the catalogue's address without a password ("vistag@db:5432/shop").
QString describePgError(const QSqlError& error, const QString& address, bool forWrite);

}  // namespace vistag::catalog

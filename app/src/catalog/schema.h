// The catalogue's schema as a list of migration steps: step N takes a catalogue from version N-1
// to version N (SQLite: PRAGMA user_version; PostgreSQL: the vistag_meta table). Each step runs in
// one transaction, so a catalogue is always at a whole version. Steps are never edited once
// released: a change is a new step. The same steps create and upgrade both databases.
#pragma once

#include <QStringList>

namespace vistag::catalog::schema {

// The newest version this code knows (the number of steps).
int currentVersion();

// The SQL statements of the step that produces `version` (1..currentVersion()), in order.
// Tests use step 1 alone to build a version-1 file.
QStringList stepSql(int version);

enum class Dialect { Sqlite, Postgres };
// The step in the given database's dialect.
QStringList stepSql(int version, Dialect dialect);

}  // namespace vistag::catalog::schema

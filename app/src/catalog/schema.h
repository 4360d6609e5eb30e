// The catalogue's schema as a list of migration steps: step N takes a file from version N-1 to
// version N (PRAGMA user_version). Each step runs in one transaction, so a file is always at a
// whole version. Steps are never edited once released: a change is a new step.
#pragma once

#include <QStringList>

namespace vistag::catalog::schema {

// The newest version this code knows (the number of steps).
int currentVersion();

// The SQL statements of the step that produces `version` (1..currentVersion()), in order.
// Tests use step 1 alone to build a version-1 file.
QStringList stepSql(int version);

}  // namespace vistag::catalog::schema

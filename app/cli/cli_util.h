// Small pieces the catalogue commands (tag, export) share.
#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <optional>

#include "tags/taxonomy.h"

namespace vistag::cli {

// Prints "vistag-cli: why" and the usage to stderr; returns 2.
int usageError(const QString& why, const char* usage);

// Parses; returns the exit code when the command is over (0 after --help, 2 after an error,
// with the usage printed) or -1 to go on.
int parseCommandLine(QCommandLineParser& parser, const QStringList& args, const char* usage);

// --db FILE|URL and --image-root DIR, as tag and export take them; applyCatalogueOptions() sets
// the image root for every catalogue the command opens.
QList<QCommandLineOption> catalogueOptions();
void applyCatalogueOptions(const QCommandLineParser& parser);

// The exit code of a taxonomy that cannot be used (a missing, unreadable or invalid --taxonomy
// file, or one the tagging constraint refuses); documented in `tag --help` and `export --help`.
constexpr int kTaxonomyExitCode = 12;

// --taxonomy FILE, or the built-in apparel taxonomy. On a broken file prints the error (which
// names the line) and sets *exitCode = kTaxonomyExitCode.
std::optional<catalog::Taxonomy> taxonomyFromOption(const QCommandLineParser& parser,
                                                    int* exitCode);

}  // namespace vistag::cli

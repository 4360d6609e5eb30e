// vistag-cli subcommands. Each takes its own arguments (args[0] is the subcommand name) and
// returns the process exit code: 0 success, 2 usage, other codes per vistag::inference::ErrorCode.
#pragma once

#include <QStringList>

namespace vistag::cli {

struct Command {
    const char* name;
    const char* summary;
    int (*run)(const QStringList& args);
};

int runVersion(const QStringList& args);
int runTokenize(const QStringList& args);    // cmd_tokenize.cpp
int runAsk(const QStringList& args);         // cmd_ask.cpp
int runBench(const QStringList& args);       // cmd_bench.cpp
int runTag(const QStringList& args);         // cmd_tag.cpp
int runExport(const QStringList& args);      // cmd_export.cpp
int runDownload(const QStringList& args);    // cmd_download.cpp
int runServe(const QStringList& args);       // cmd_serve.cpp
int runBatch(const QStringList& args);       // cmd_batch.cpp
int runCatalog(const QStringList& args);     // cmd_catalog.cpp
int runReview(const QStringList& args);      // cmd_review.cpp
int runReport(const QStringList& args);      // cmd_report.cpp
int runTaxonomy(const QStringList& args);    // cmd_taxonomy.cpp
int runFeedImport(const QStringList& args);  // cmd_import.cpp: vistag-cli import
}  // namespace vistag::cli
namespace vistag::catalog {
class CatalogDb;
class Taxonomy;
}  // namespace vistag::catalog
class QCommandLineParser;
namespace vistag::cli {
// export --format shopify|merchant (cmd_import.cpp): the parser holds --feed, --out, --overwrite.
int exportProductFeed(const QCommandLineParser& parser, const catalog::Taxonomy& taxonomy,
                      catalog::CatalogDb& db);

// Writes the top-level usage text to stderr.
void printUsage();

}  // namespace vistag::cli

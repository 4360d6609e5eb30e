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
int runTokenize(const QStringList& args);  // cmd_tokenize.cpp
int runAsk(const QStringList& args);       // cmd_ask.cpp
int runBench(const QStringList& args);     // cmd_bench.cpp
int runTag(const QStringList& args);       // cmd_tag.cpp
int runExport(const QStringList& args);    // cmd_export.cpp
int runDownload(const QStringList& args);  // cmd_download.cpp
int runServe(const QStringList& args);     // cmd_serve.cpp
int runBatch(const QStringList& args);     // cmd_batch.cpp
int runCatalog(const QStringList& args);   // cmd_catalog.cpp
int runReview(const QStringList& args);    // cmd_review.cpp
int runReport(const QStringList& args);    // cmd_report.cpp
int runTaxonomy(const QStringList& args);  // cmd_taxonomy.cpp

// Writes the top-level usage text to stderr.
void printUsage();

}  // namespace vistag::cli

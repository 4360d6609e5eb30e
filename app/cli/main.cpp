// vistag-cli: the command-line face of Vistag. `vistag-cli COMMAND [OPTIONS]`.
#include <QCoreApplication>
#include <cstdio>
#include <cstring>
#include <iterator>

#include "about.h"
#include "commands.h"

namespace vistag::cli {
namespace {

const Command kCommands[] = {
    {"version", "print Vistag's version and those of libtorch, CUDA, Qt, OpenCV, spdlog",
     runVersion},
    {"ask", "ask the model about images (local model folder or --server URL)", runAsk},
    {"tokenize", "encode stdin lines to token ids (or --decode ids back to text)", runTokenize},
    {"bench", "measure time to first token, decode speed and memory", runBench},
    {"tag", "suggest tags for images into the catalogue (resumable batch)", runTag},
    {"export", "export the catalogue's tags (csv, jsonl, txt or xmp sidecars)", runExport},
    {"import", "import a shop's product feed (Shopify CSV, Merchant Center TSV/XML)",
     runFeedImport},
    {"taxonomy", "import Shopify's product taxonomy, or check a taxonomy file", runTaxonomy},
    {"review", "measure the model on people's decisions; accept what it gets right", runReview},
    {"report", "write the quality report (one HTML file with charts)", runReport},
    {"catalog", "copy a catalogue between a file and a team's PostgreSQL database", runCatalog},
    {"download", "download a model from Hugging Face or ModelScope (resumable, verified)",
     runDownload},
    {"serve", "serve the model as an OpenAI-compatible API (chat completions, SSE)", runServe},
    {"batch", "run a JSONL file of chat requests (OpenAI Batch API format) on the local model",
     runBatch},
};

}  // namespace

void printUsage() {
    std::fprintf(stderr, "usage: vistag-cli COMMAND [OPTIONS]\n\ncommands:\n");
    for (const Command& c : kCommands)
        std::fprintf(stderr, "  %-10s %s\n", c.name, c.summary);
    std::fprintf(stderr,
                 "\n  --version  same as `version`\n  --help     this text\n"
                 "\nRun `vistag-cli COMMAND --help` for a command's options.\n");
    if (!hasLocalEngine())
        std::fprintf(stderr, "\n%s\n", qPrintable(serversOnlyNote()));
}

}  // namespace vistag::cli

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("vistag"));
    QCoreApplication::setOrganizationName(QStringLiteral("Vistag"));
    using namespace vistag::cli;

    QStringList args = QCoreApplication::arguments();
    args.removeFirst();
    if (args.isEmpty()) {
        printUsage();
        return 2;
    }
    const QString name = args.first();
    if (name == QLatin1String("--help") || name == QLatin1String("-h") ||
        name == QLatin1String("help")) {
        printUsage();
        return 0;
    }
    if (name == QLatin1String("--version"))
        return runVersion({QStringLiteral("version")});
    for (const Command& c : kCommands) {
        if (name == QLatin1String(c.name))
            return c.run(args);
    }
    std::fprintf(stderr, "vistag-cli: unknown command '%s'\n\n", qPrintable(name));
    printUsage();
    return 2;
}

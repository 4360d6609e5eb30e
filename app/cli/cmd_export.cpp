// vistag-cli export: the catalogue's tags as CSV, JSON Lines, .txt or XMP sidecars.
#include <QCommandLineParser>
#include <cstdio>

#include "catalog/catalog_db.h"
#include "catalog/exporters.h"
#include "cli_util.h"
#include "commands.h"
#include "tags/taxonomy.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli export --db FILE|postgresql://… --format csv|jsonl|txt|xmp --out PATH\n"
    "                         [--all] [--per-sku] [--image-root DIR] [--taxonomy FILE]\n"
    "                         [--language en|zh]\n"
    "       vistag-cli export --db … --format shopify|merchant --out FILE [--feed FEED]\n"
    "                         [--overwrite] [--taxonomy FILE]\n"
    "shopify writes an imported Shopify product CSV back (every row and column unchanged,\n"
    "Product Category filled where empty, Tags plus the accepted values, one metafield column per\n"
    "attribute); merchant writes a Merchant Center supplemental feed (TSV: id and the taxonomy's\n"
    "merchant columns, product_type). A value the merchant supplied is kept unless --overwrite.\n"
    "--feed picks the imported feed (default: the newest one).\n"
    "csv and jsonl write the file PATH; txt and xmp write sidecars into the folder PATH, or\n"
    "beside each image when PATH is '-'. Only accepted tags are exported unless --all (then\n"
    "suggested ones too; rejected ones never). A CSV cell that starts with = + - @, a tab or a\n"
    "carriage return gets a leading ' (spreadsheets show it as text instead of running it).\n"
    "Every file is replaced only once it is written completely: a failed write (a full disk)\n"
    "leaves the previous file as it was.\n"
    "Exit 0 done; 2 usage, 10 the catalogue, 11 a file could not be written, 12 the taxonomy.\n";

}  // namespace

int runExport(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions(catalogueOptions());
    p.addOptions({{"format", "csv, jsonl, txt or xmp.", "FORMAT"},
                  {"out",
                   "Output file (csv, jsonl; '-' = standard output) or folder (txt, xmp; "
                   "'-' = beside images).",
                   "PATH"},
                  {"all", "Export suggested tags as well as accepted ones."},
                  {"per-sku", "One row per SKU group instead of per image (csv, jsonl)."},
                  {"taxonomy", "Taxonomy JSON for labels and column names.", "FILE"},
                  {"language", "Label language for sidecars: en (default) or zh.", "LANG"},
                  {"feed", "shopify, merchant: the imported feed to write back.", "FEED"},
                  {"overwrite", "shopify, merchant: replace the merchant's own values."}});
    auto usage = [&](const QString& why) { return usageError(why, kUsage); };
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    applyCatalogueOptions(p);
    for (const char* required : {"db", "format", "out"})
        if (!p.isSet(QLatin1String(required)))
            return usage(QStringLiteral("--%1 is required").arg(QLatin1String(required)));
    if (!p.positionalArguments().isEmpty())
        return usage(
            QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
    const QString format = p.value(QStringLiteral("format"));
    if (!QStringList{"csv", "jsonl", "txt", "xmp", "shopify", "merchant"}.contains(format))
        return usage(QStringLiteral("--format must be csv, jsonl, txt, xmp, shopify or merchant"));

    int rc = 0;
    const auto taxonomy = taxonomyFromOption(p, &rc);
    if (!taxonomy)
        return rc;
    QString err;
    catalog::CatalogDb db;
    if (!db.open(p.value(QStringLiteral("db")), &err, catalog::CatalogDb::OpenMode::ReadOnly)) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return 10;
    }
    if (format == QLatin1String("shopify") || format == QLatin1String("merchant"))
        return exportProductFeed(p, *taxonomy, db);  // cmd_import.cpp
    auto rows =
        db.exportRows(p.isSet(QStringLiteral("per-sku")), !p.isSet(QStringLiteral("all")), &err);
    if (!rows) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return 10;
    }
    const QString out = p.value(QStringLiteral("out"));
    const auto& attrs = taxonomy->attributes();
    if (format == QLatin1String("csv") || format == QLatin1String("jsonl")) {
        const bool ok = format == QLatin1String("csv")
                            ? catalog::writeCsv(*rows, *taxonomy, out, &err)
                            : catalog::writeJsonLines(*rows, *taxonomy, out, &err);
        if (!ok) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return 11;
        }
        // With the rows on standard output, the summary goes to standard error.
        std::fprintf(out == QLatin1String("-") ? stderr : stdout, "wrote %lld rows to %s\n",
                     static_cast<long long>(rows->size()),
                     out == QLatin1String("-") ? "standard output" : qPrintable(out));
        return 0;
    }
    catalog::ExportOptions options;
    if (p.isSet(QStringLiteral("language")))
        options.language = p.value(QStringLiteral("language"));
    const QString dir = out == QLatin1String("-") ? QString() : out;
    const catalog::ExportReport r = format == QLatin1String("txt")
                                        ? catalog::writeTxtSidecars(*rows, attrs, dir, options)
                                        : catalog::writeXmpSidecars(*rows, *taxonomy, dir, options);
    for (const QString& f : r.failures)
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(f));
    std::printf("wrote %d sidecar files for %d rows\n", r.filesWritten, r.rows);
    return r.failures.isEmpty() ? 0 : 11;
}

}  // namespace vistag::cli

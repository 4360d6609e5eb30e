// vistag-cli report: the quality report — one self-contained HTML file (inline SVG charts, no
// network, printable) with the same numbers as `review stats`.
#include <QCommandLineParser>
#include <QFileInfo>
#include <QSaveFile>
#include <cstdio>

#include "catalog/catalog_db.h"
#include "cli_util.h"
#include "commands.h"
#include "review/review_report.h"
#include "review/review_stats.h"
#include "tags/taxonomy.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli report --db DB [--taxonomy FILE] --out report.html\n"
    "                         [--min-precision P] [--min-reviewed M] [--language en|zh]\n"
    "Writes the quality report: per attribute the reviewed suggestions (accepted, fixed,\n"
    "rejected), precision with its 95 % Wilson lower bound, a reliability diagram, coverage\n"
    "against precision, a confidence histogram, and the threshold a review rule would use\n"
    "(each attribute's saved rule, else --min-precision (default 0.95) and --min-reviewed\n"
    "(default 30)). One HTML file, charts inline, no network; the numbers are those of\n"
    "`vistag-cli review stats`. The file is replaced only once it is written completely.\n"
    "Exit 0 done; 2 usage, 10 the catalogue, 11 the file could not be written, 12 the taxonomy.\n";

}  // namespace

int runReport(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions(catalogueOptions());
    p.addOptions(
        {{"taxonomy", "Taxonomy JSON (attribute order and labels).", "FILE"},
         {"out", "The HTML file to write.", "FILE"},
         {"min-precision", "Target precision for the thresholds shown (default 0.95).", "P"},
         {"min-reviewed", "Minimum reviews for the thresholds shown (default 30).", "M"},
         {"language", "Labels: en (default) or zh.", "LANG"}});
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    applyCatalogueOptions(p);
    for (const char* required : {"db", "out"})
        if (!p.isSet(QLatin1String(required)))
            return usageError(QStringLiteral("--%1 is required").arg(QLatin1String(required)),
                              kUsage);
    if (!p.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()),
            kUsage);
    review::ReportOptions options;
    bool ok = true;
    if (p.isSet(QStringLiteral("min-precision")))
        options.minPrecision = p.value(QStringLiteral("min-precision")).toDouble(&ok);
    if (!ok || !(options.minPrecision > 0 && options.minPrecision <= 1))
        return usageError(QStringLiteral("--min-precision must be a number above 0 and at most 1"),
                          kUsage);
    if (p.isSet(QStringLiteral("min-reviewed")))
        options.minReviewed = p.value(QStringLiteral("min-reviewed")).toInt(&ok);
    if (!ok || options.minReviewed < 1)
        return usageError(QStringLiteral("--min-reviewed must be a whole number, 1 or more"),
                          kUsage);
    options.language = p.value(QStringLiteral("language"));
    if (options.language.isEmpty())
        options.language = QStringLiteral("en");
    if (options.language != QLatin1String("en") && options.language != QLatin1String("zh"))
        return usageError(QStringLiteral("--language must be en or zh"), kUsage);
    int rc = 0;
    const auto taxonomy = taxonomyFromOption(p, &rc);
    if (!taxonomy)
        return rc;
    const QString location = p.value(QStringLiteral("db"));
    QString err;
    if (!catalog::CatalogDb::isDatabaseAddress(location) && !QFileInfo::exists(location)) {
        std::fprintf(stderr, "vistag-cli: no catalogue at %s\n", qPrintable(location));
        return 10;
    }
    catalog::CatalogDb db;
    // Upgrades an older catalogue like every other command; one it cannot write (read-only
    // media) is read as it is.
    if (!db.open(location, &err) &&
        !db.open(location, nullptr, catalog::CatalogDb::OpenMode::ReadOnly)) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return 10;
    }
    const auto html = review::reportHtml(db, *taxonomy, options, &err);
    if (!html) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return 10;
    }
    const QString out = p.value(QStringLiteral("out"));
    QSaveFile file(out);
    if (!file.open(QIODevice::WriteOnly) || file.write(html->toUtf8()) < 0 || !file.commit()) {
        std::fprintf(stderr, "vistag-cli: %s could not be written: %s\n", qPrintable(out),
                     qPrintable(file.errorString()));
        return 11;
    }
    std::printf("wrote the quality report to %s\n", qPrintable(out));
    return 0;
}

}  // namespace vistag::cli

#include "cli_util.h"

#include <cstdio>

#include "catalog/catalog_db.h"

namespace vistag::cli {

int usageError(const QString& why, const char* usage) {
    std::fprintf(stderr, "vistag-cli: %s\n\n%s", qPrintable(why), usage);
    return 2;
}

int parseCommandLine(QCommandLineParser& p, const QStringList& args, const char* usage) {
    if (!p.parse(args))
        return usageError(p.errorText(), usage);
    if (p.isSet(QStringLiteral("help"))) {
        std::fputs(usage, stdout);
        return 0;
    }
    return -1;
}

std::optional<catalog::Taxonomy> taxonomyFromOption(const QCommandLineParser& p, int* exitCode) {
    if (!p.isSet(QStringLiteral("taxonomy")))
        return catalog::Taxonomy::defaultApparel();
    QString err;
    auto t = catalog::Taxonomy::load(p.value(QStringLiteral("taxonomy")), &err);
    if (!t) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        *exitCode = kTaxonomyExitCode;
    }
    return t;
}

QList<QCommandLineOption> catalogueOptions() {
    return {{QStringLiteral("db"),
             QStringLiteral("The catalogue: a file, or a team catalogue's address "
                            "postgresql://user@host:port/database (password from ~/.pgpass or "
                            "PGPASSWORD)."),
             QStringLiteral("FILE|URL")},
            {QStringLiteral("image-root"),
             QStringLiteral("The team's shared image folder as this machine sees it: image paths "
                            "under it are stored relative to it (default $VISTAG_IMAGE_ROOT)."),
             QStringLiteral("DIR")}};
}

void applyCatalogueOptions(const QCommandLineParser& parser) {
    if (parser.isSet(QStringLiteral("image-root")))
        catalog::CatalogDb::setDefaultImageRoot(parser.value(QStringLiteral("image-root")));
}

}  // namespace vistag::cli

#include "cli_util.h"

#include <cstdio>

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
        *exitCode = 3;
    }
    return t;
}

}  // namespace vistag::cli

#include <cstdio>

#include "about.h"
#include "commands.h"

namespace vistag::cli {

int runVersion(const QStringList& args) {
    if (args.size() > 1) {
        std::fprintf(stderr, "vistag-cli version: takes no arguments\n");
        return 2;
    }
    for (const QString& line : describeVersions(componentVersions()))
        std::printf("%s\n", qPrintable(line));
    return 0;
}

}  // namespace vistag::cli

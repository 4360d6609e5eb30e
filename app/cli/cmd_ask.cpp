#include <cstdio>

#include "commands.h"

namespace vistag::cli {

int runAsk(const QStringList& args) {
    std::fprintf(stderr, "vistag-cli ask: not built yet\n");
    return 9;
}

}  // namespace vistag::cli

#include <cstdio>

#include "commands.h"

namespace vistag::cli {

int runBench(const QStringList& args) {
    std::fprintf(stderr, "vistag-cli bench: not built yet\n");
    return 9;
}

}  // namespace vistag::cli

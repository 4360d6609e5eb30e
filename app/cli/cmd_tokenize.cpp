#include <cstdio>

#include "commands.h"

namespace vistag::cli {

int runTokenize(const QStringList& args) {
    std::fprintf(stderr, "vistag-cli tokenize: not built yet\n");
    return 9;
}

}  // namespace vistag::cli

// vistag-cli subcommands. Each takes its own arguments (argv[0] is the subcommand name) and
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

// Writes the usage text to stderr.
void printUsage();

}  // namespace vistag::cli

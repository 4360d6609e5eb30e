// vistag-cli catalog copy: moves a whole catalogue between a file and a team's PostgreSQL
// database (either way) with its tags, audit log, result cache and batches.
#include <unistd.h>

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <cstdio>

#include "catalog/catalog_db.h"
#include "cli_util.h"
#include "commands.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli catalog copy --from FILE|URL --to FILE|URL [--image-root DIR]\n"
    "Copies a whole catalogue — images, tags with their decisions, the audit log, the result\n"
    "cache and batches — into a new, empty one: a workstation's file into the team's\n"
    "PostgreSQL database (postgresql://user@host:port/database; password from ~/.pgpass or\n"
    "PGPASSWORD), or back into a file. All or nothing. --image-root: image paths under DIR are\n"
    "stored relative to it, so every workstation finds them through its own mapping of the\n"
    "shared folder. Exit 0 when copied, 2 usage, 10 when a catalogue cannot be used.\n";

constexpr int kCatalogueError = 10;

}  // namespace

int runCatalog(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions(
        {{"from", "The catalogue to copy: a file or a postgresql:// address.", "FILE|URL"},
         {"to", "The new, empty catalogue: a file or a postgresql:// address.", "FILE|URL"},
         {"image-root", "Store image paths under DIR relative to it.", "DIR"}});
    p.addPositionalArgument(QStringLiteral("copy"), QStringLiteral("The action (copy)."));
    auto usage = [&](const QString& why) { return usageError(why, kUsage); };
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    const QStringList actions = p.positionalArguments();
    if (actions != QStringList{QStringLiteral("copy")})
        return usage(QStringLiteral("the action is 'copy'"));
    if (!p.isSet(QStringLiteral("from")) || !p.isSet(QStringLiteral("to")))
        return usage(QStringLiteral("--from and --to are required"));

    QString err;
    catalog::CatalogDb from;
    if (!from.open(p.value(QStringLiteral("from")), &err, catalog::CatalogDb::OpenMode::ReadOnly)) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    catalog::CatalogDb to;
    if (!to.open(p.value(QStringLiteral("to")), &err)) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    const bool tty = isatty(STDERR_FILENO) != 0;
    QElapsedTimer clock;
    clock.start();
    qint64 lastShown = -1;
    const auto progress = [&](qint64 done, qint64 total) {
        if (tty && (clock.elapsed() - lastShown >= 200 || done == total)) {
            lastShown = clock.elapsed();
            std::fprintf(stderr, "\rcopying: %lld of %lld rows (%d%%)",
                         static_cast<long long>(done), static_cast<long long>(total),
                         total > 0 ? static_cast<int>(done * 100 / total) : 100);
            std::fflush(stderr);
        }
        return true;
    };
    const bool ok = to.copyFrom(from, p.value(QStringLiteral("image-root")), progress, &err);
    if (tty)
        std::fprintf(stderr, "\n");
    if (!ok) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    catalog::ImageFilter all;
    const qint64 images = to.countImages(all).value_or(0);
    std::fprintf(
        stderr, "copied %lld images with their tags and history from %s to %s in %.1f s\n",
        static_cast<long long>(images), qPrintable(catalog::CatalogDb::displayAddress(from.path())),
        qPrintable(catalog::CatalogDb::displayAddress(to.path())), clock.elapsed() / 1000.0);
    return 0;
}

}  // namespace vistag::cli

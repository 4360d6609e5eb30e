// vistag-cli download: fetch a model repository from Hugging Face or ModelScope into a folder.
#include <unistd.h>

#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFileInfo>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "cli_util.h"
#include "commands.h"
#include "download/model_download.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli download REPO --to DIR [--source hf|modelscope] [--endpoint URL]\n"
    "                           [--revision REV]\n"
    "\n"
    "Downloads every file of a model repository (e.g. Qwen/Qwen3-VL-2B-Instruct) into DIR.\n"
    "Files arrive in DIR/.vistag-download/ and are moved into place only once complete and\n"
    "verified (size, sha256). Run the same command again to resume after a cut or Ctrl+C;\n"
    "files already present and correct are skipped.\n"
    "\n"
    "  --to DIR          the model folder to fill (created when missing)\n"
    "  --source S        hf (Hugging Face, default) or modelscope\n"
    "  --endpoint URL    server base URL (default: $HF_ENDPOINT for hf, else\n"
    "                    https://huggingface.co; https://www.modelscope.cn for modelscope)\n"
    "  --revision REV    branch, tag or commit (default: main for hf, master for modelscope)\n"
    "  --idle-timeout S  seconds of silence that stop a request (default 60)\n"
    "\nexit codes: 0 done, 1 download failed, 2 usage, 8 cancelled\n";

std::atomic<bool> gCancel{false};
void onSignal(int) {
    gCancel.store(true);
}

QString mb(qint64 n) {
    return QString::number(n / 1e6, 'f', 1);
}

}  // namespace

int runDownload(const QStringList& args) {
    QCommandLineParser p;
    p.addHelpOption();
    p.addPositionalArgument(QStringLiteral("repo"), QStringLiteral("repository"));
    p.addOption({QStringLiteral("to"), QStringLiteral("folder"), QStringLiteral("dir")});
    p.addOption({QStringLiteral("source"), QStringLiteral("source"), QStringLiteral("s"),
                 QStringLiteral("hf")});
    p.addOption({QStringLiteral("endpoint"), QStringLiteral("endpoint"), QStringLiteral("url")});
    p.addOption({QStringLiteral("revision"), QStringLiteral("revision"), QStringLiteral("rev")});
    p.addOption({QStringLiteral("idle-timeout"), QStringLiteral("seconds"), QStringLiteral("s"),
                 QStringLiteral("60")});
    if (int code = parseCommandLine(p, args, kUsage); code >= 0)
        return code;
    const QStringList pos = p.positionalArguments();
    if (pos.size() != 1)
        return usageError(QStringLiteral("download takes one REPO"), kUsage);
    if (!p.isSet(QStringLiteral("to")))
        return usageError(QStringLiteral("--to DIR is required"), kUsage);

    download::Options opt;
    opt.repo = pos.first();
    opt.targetDir = p.value(QStringLiteral("to"));
    const QString source = p.value(QStringLiteral("source")).toLower();
    if (source == QLatin1String("hf") || source == QLatin1String("huggingface"))
        opt.source = download::Source::HuggingFace;
    else if (source == QLatin1String("modelscope") || source == QLatin1String("ms"))
        opt.source = download::Source::ModelScope;
    else
        return usageError(QStringLiteral("--source must be hf or modelscope, not '%1'").arg(source),
                          kUsage);
    opt.endpoint = p.value(QStringLiteral("endpoint"));
    if (opt.endpoint.isEmpty() && opt.source == download::Source::HuggingFace)
        opt.endpoint = qEnvironmentVariable("HF_ENDPOINT");
    opt.revision = p.value(QStringLiteral("revision"));
    bool okNum = false;
    const double idle = p.value(QStringLiteral("idle-timeout")).toDouble(&okNum);
    if (!okNum || idle <= 0 || idle > 3600)
        return usageError(QStringLiteral("--idle-timeout must be 0 < seconds <= 3600"), kUsage);
    opt.idleMs = int(idle * 1000);

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    const bool tty = isatty(STDERR_FILENO);
    bool midLine = false;
    QElapsedTimer sinceDraw;  // terminal redraws at most ~10 per second
    const auto res = download::downloadModel(opt, gCancel, [&](const download::Progress& pr) {
        const QString head = QStringLiteral("[%1/%2] %3").arg(pr.index).arg(pr.count).arg(pr.path);
        if (pr.finished) {
            if (midLine)
                std::fputs("\r\033[K", stderr);
            midLine = false;
            std::fprintf(stderr, "%s: %s (%s MB)\n", qPrintable(head),
                         pr.skipped ? "already present" : "done", qPrintable(mb(pr.fileDone)));
            return;
        }
        if (!tty)
            return;
        if (sinceDraw.isValid() && sinceDraw.elapsed() < 100 && pr.fileDone != pr.fileTotal)
            return;
        sinceDraw.start();
        const QString total = pr.fileTotal >= 0 ? mb(pr.fileTotal) : QStringLiteral("?");
        const int pct = pr.allTotal > 0 ? int(100.0 * pr.allDone / pr.allTotal) : 0;
        std::fprintf(stderr, "\r\033[K%s: %s / %s MB  (all: %d%%)", qPrintable(head),
                     qPrintable(mb(pr.fileDone)), qPrintable(total), pct);
        std::fflush(stderr);
        midLine = true;
    });
    if (midLine)
        std::fputs("\n", stderr);
    if (res.cancelled) {
        std::fprintf(
            stderr,
            "vistag-cli: download cancelled; partial files are kept in %s — run the "
            "same command again to resume\n",
            qPrintable(
                QFileInfo(opt.targetDir + QStringLiteral("/.vistag-download")).absoluteFilePath()));
        return 8;
    }
    if (!res.ok) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(res.error));
        return 1;
    }
    std::fprintf(stderr, "Downloaded %d file(s), %d already present, into %s\n", res.downloaded,
                 res.skipped, qPrintable(opt.targetDir));
    return 0;
}

}  // namespace vistag::cli

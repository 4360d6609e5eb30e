// vistag-cli tag: batch auto-tagging into the catalogue, resumable after a crash.
#include <unistd.h>

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <atomic>
#include <csignal>
#include <cstdio>

#include "backend/local_backend.h"
#include "batch/batch_runner.h"
#include "batch/batch_workers.h"
#include "catalog/catalog_db.h"
#include "catalog/image_scan.h"
#include "cli_util.h"
#include "commands.h"
#include "remote_options.h"
#include "tags/tag_extraction.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli tag (--model DIR | --server URL [--api-key KEY] [--model-name NAME])\n"
    "                      --db FILE|postgresql://… [--image-root DIR] [--taxonomy FILE]\n"
    "                      [--mode untagged|replace|append] [--device auto|cpu|cuda]\n"
    "                      [--dtype ...] [--language zh|en] [--prompt TEXT] [--max-pixels N]\n"
    "                      [--max-new-tokens N] [--threads N] [--concurrency N] [--free-text]\n"
    "                      IMAGES_OR_FOLDERS...\n"
    "Adds the images to the catalogue and suggests tags for them: the model answers the\n"
    "taxonomy's attributes as JSON with only the taxonomy's values (or \"unknown\"), each with a\n"
    "confidence (--free-text: the model answers in its own words and the taxonomy's terms are\n"
    "looked for in them). A batch that was interrupted\n"
    "(killed, crashed, Ctrl+C) resumes when the same command runs again. Exit 0 when every\n"
    "image was processed, 1 when some failed; 2 usage, 3-7 the model (as `ask`), 5 an image\n"
    "or folder is missing, 8 cancelled, 10 the catalogue, 12 the taxonomy.\n";

constexpr int kCatalogueError = 10;  // the catalogue database could not be opened or written
std::atomic<bool> gCancel{false};
extern "C" void onSignal(int) {
    gCancel.store(true);
}

}  // namespace

int runTag(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions(catalogueOptions());
    p.addOptions({{"model", "Model folder.", "DIR"},
                  {"taxonomy", "Taxonomy JSON (default: the built-in apparel taxonomy).", "FILE"},
                  {"mode", "untagged (default), replace or append.", "MODE"},
                  {"device", "auto, cpu or cuda.", "DEVICE"},
                  {"dtype", "auto, float32, bfloat16 or float16.", "DTYPE"},
                  {"language", "Language of the prompt: zh (default) or en.", "LANG"},
                  {"prompt", "Use this prompt instead of the taxonomy's.", "TEXT"},
                  {"max-pixels", "Pixel budget per image (default 512×512).", "N"},
                  {"max-new-tokens", "Most tokens per answer (default 256).", "N"},
                  {"threads", "CPU threads.", "N"},
                  {"concurrency",
                   "Images in flight at once (default 1): with --server, requests "
                   "sent together; with --model, questions decoded together in "
                   "the engine's batch.",
                   "N"},
                  {"free-text",
                   "Free-text answers read leniently instead of the constrained "
                   "JSON (for comparison)."}});
    addRemoteOptions(p);
    auto usage = [&](const QString& why) { return usageError(why, kUsage); };
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    applyCatalogueOptions(p);
    const bool remote = p.isSet(QStringLiteral("server"));
    if (remote && p.isSet(QStringLiteral("model")))
        return usage(QStringLiteral("give either --model or --server, not both"));
    if (!remote && !p.isSet(QStringLiteral("model")))
        return usage(QStringLiteral("--model DIR or --server URL is required"));
    if (!p.isSet(QStringLiteral("db")))
        return usage(QStringLiteral("--db FILE (or a postgresql:// address) is required"));
    if (p.positionalArguments().isEmpty())
        return usage(QStringLiteral("no images or folders given"));
    int concurrency = 1;
    if (p.isSet(QStringLiteral("concurrency"))) {
        bool ok = false;
        concurrency = p.value(QStringLiteral("concurrency")).toInt(&ok);
        if (!ok || concurrency < 1 || concurrency > 256)
            return usage(QStringLiteral("--concurrency must be a number from 1 to 256"));
    }
    QString mode = p.value(QStringLiteral("mode"));
    if (mode.isEmpty())
        mode = QStringLiteral("untagged");
    if (!QStringList{"untagged", "replace", "append"}.contains(mode))
        return usage(QStringLiteral("--mode must be untagged, replace or append"));
    const QString language = p.isSet(QStringLiteral("language"))
                                 ? p.value(QStringLiteral("language"))
                                 : QStringLiteral("zh");
    if (language != QLatin1String("zh") && language != QLatin1String("en"))
        return usage(QStringLiteral("--language must be zh or en"));
    bool ok = true;
    catalog::InferenceParams params;
    params.maxPixels = 512 * 512;
    if (p.isSet(QStringLiteral("max-pixels")))
        params.maxPixels = p.value(QStringLiteral("max-pixels")).toLongLong(&ok);
    if (!ok || params.maxPixels < 1)
        return usage(QStringLiteral("bad --max-pixels"));
    if (p.isSet(QStringLiteral("max-new-tokens")))
        params.maxNewTokens = p.value(QStringLiteral("max-new-tokens")).toInt(&ok);
    if (!ok || params.maxNewTokens < 1)
        return usage(QStringLiteral("bad --max-new-tokens"));
    const int threads = p.value(QStringLiteral("threads")).toInt();

    // Taxonomy and prompt.
    int code = 0;
    const auto taxonomy = taxonomyFromOption(p, &code);
    if (!taxonomy)
        return code;
    catalog::BatchSpec spec = catalog::taggingSpec(*taxonomy, mode, language, params,
                                                   !p.isSet(QStringLiteral("free-text")), remote);
    if (p.isSet(QStringLiteral("prompt")))
        spec.prompt = p.value(QStringLiteral("prompt"));
    if (const QString problem = catalog::taggingSpecProblem(spec); !problem.isEmpty()) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(problem));
        return kTaxonomyExitCode;
    }

    // Images into the catalogue (hash, size), all in one transaction.
    QStringList missing, undecodable;
    const QStringList paths =
        catalog::collectImageFiles(p.positionalArguments(), &missing, &undecodable);
    for (const QString& m : missing)
        std::fprintf(stderr, "vistag-cli: %s: no such file or folder\n", qPrintable(m));
    if (!missing.isEmpty())
        return 5;
    // Names that are not valid UTF-8 cannot be opened: each is said, the others are tagged, and
    // the exit code is 1 as for an unreadable file.
    for (const QString& u : undecodable)
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(u));
    if (paths.isEmpty()) {
        std::fprintf(stderr, "vistag-cli: no images found in the given folders\n");
        return 5;
    }
    catalog::CatalogDb db;
    QString err;
    if (!db.open(p.value(QStringLiteral("db")), &err)) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    QList<catalog::ImageRecord> records;
    int unreadable = static_cast<int>(undecodable.size());
    for (const QString& path : paths) {
        auto r = catalog::describeImageFile(path, &err);
        if (!r) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            ++unreadable;
            continue;
        }
        if (!remote && r->width > 0 && QFileInfo(path).size() > 0) {
            // The local engine cannot decode GIF: said now, not "damaged or truncated" later.
            if (const QString why = catalog::unsupportedImageFile(path); !why.isEmpty()) {
                std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(why));
                ++unreadable;
                continue;
            }
        }
        records << *r;
    }
    auto ids = db.addImages(records, &err);
    if (!ids) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }

    // The model: a local folder or an inference server.
    std::shared_ptr<backend::InferenceBackend> backend;
    std::shared_ptr<backend::RemoteBackend> remoteBackend;
    if (remote) {
        remoteBackend = makeRemoteBackend(p, &code);
        if (!remoteBackend)
            return code;
        backend = remoteBackend;
    } else {
        backend::LocalOptions lo;
        lo.device = p.isSet(QStringLiteral("device")) ? p.value(QStringLiteral("device"))
                                                      : QStringLiteral("auto");
        lo.dtype = p.isSet(QStringLiteral("dtype")) ? p.value(QStringLiteral("dtype"))
                                                    : QStringLiteral("auto");
        lo.threads = threads;
        // Several images in flight: their questions meet in the engine's continuous batch.
        lo.batched = concurrency > 1;
        lo.maxSequences = concurrency > 1 ? concurrency : 0;
        backend = backend::LocalBackend::load(p.value(QStringLiteral("model")), lo, &err, &code);
        if (!backend) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return code ? code : 3;
        }
    }

    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    // Ctrl+C sets gCancel; each worker's request watches it and ends at once, a request waiting
    // on a silent server included (InferenceBackend::ask).
    catalog::BatchRunner runner(db, *backend, *taxonomy);
    // --mode untagged: images that already have tags would only become "skipped" rows of a new
    // batch on every rerun. They are left out; when nothing is left and no unfinished batch of
    // this kind is waiting, no batch is made.
    QList<qint64> toTag = *ids;
    if (mode == QLatin1String("untagged")) {
        toTag.clear();
        for (const qint64 id : std::as_const(*ids)) {
            const auto has = db.hasTags(id, &err);
            if (!has) {
                std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
                return kCatalogueError;
            }
            if (!*has)
                toTag << id;
        }
        if (toTag.isEmpty()) {
            const auto waiting = db.unfinishedBatches(&err);
            if (!waiting) {
                std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
                return kCatalogueError;
            }
            const QString params = spec.params.toJson();
            const bool resumable =
                std::any_of(waiting->begin(), waiting->end(), [&](const catalog::BatchInfo& b) {
                    return b.mode == spec.mode && b.prompt == spec.prompt &&
                           b.modelId == backend->modelId() && b.paramsJson == params;
                });
            if (!resumable) {
                std::printf(
                    "nothing to tag: all %lld images already have tags (--mode replace "
                    "or append tags them again)\n",
                    static_cast<long long>(ids->size()));
                return unreadable == 0 ? 0 : 1;
            }
        }
    }
    bool resumed = false;
    auto batch = runner.resumeOrCreate(spec, toTag, &resumed, &err);
    if (!batch) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    const bool tty = isatty(STDERR_FILENO);
    if (resumed)
        std::fprintf(stderr, "Resuming batch %lld\n", static_cast<long long>(*batch));
    catalog::BatchRunStatus last;
    const auto showProgress = [&](const catalog::BatchRunStatus& s) {
        last = s;
        if (!tty)
            return;
        const auto& pr = s.progress;
        const int width = 30;
        const int filled = pr.total() ? width * pr.finished() / pr.total() : width;
        std::fprintf(
            stderr, "\r[%s%s] %d/%d  failed %d  ETA %s   ", QByteArray(filled, '#').constData(),
            QByteArray(width - filled, '.').constData(), pr.finished(), pr.total(), pr.failed,
            s.etaSeconds < 0 ? "--" : qPrintable(QStringLiteral("%1 s").arg(qRound(s.etaSeconds))));
    };
    // N workers (1 by default), each its own catalogue connection (a queue worker) and, for a
    // server, its own client: at most N requests in flight.
    catalog::BatchWorkersOptions workers;
    workers.catalogue = p.value(QStringLiteral("db"));  // with a password, if it had one
    workers.workers = concurrency;
    workers.backendFor = [&](int index) -> std::shared_ptr<backend::InferenceBackend> {
        if (!remoteBackend || index == 0)
            return backend;
        return std::make_shared<backend::RemoteBackend>(remoteBackend->options());
    };
    // Other processes may join the batch while this one runs and add their images to it after
    // this process's workers found the queue empty, and items of workers that are gone come
    // back to the queue: such items are taken too, pass after pass, until a pass leaves nothing
    // pending (a few passes that finish nothing, 200 ms apart, end it: the items pending then
    // are a live joiner's, about to be taken).
    int cacheHits = 0, modelRuns = 0;
    QString lastError;
    catalog::BatchProgress pr;
    for (int idlePasses = 0;;) {
        const int finishedBefore = pr.finished();
        last = {};
        const bool ran = catalog::runBatchWorkers(*batch, spec, *taxonomy, workers, showProgress,
                                                  &gCancel, &err);
        if (tty)
            std::fputc('\n', stderr);
        if (!ran) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return kCatalogueError;
        }
        cacheHits += last.cacheHits;
        modelRuns += last.modelRuns;
        if (!last.lastError.isEmpty())
            lastError = last.lastError;
        auto now = db.batchProgress(*batch, &err);
        // Items still running are held by other workers (another vistag-cli or window on this
        // catalogue): those of workers that are gone go back to the queue.
        if (now && !gCancel.load() && now->pending == 0 && now->running > 0 &&
            db.resetInterrupted(*batch, &err))
            now = db.batchProgress(*batch, &err);
        if (!now) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return kCatalogueError;
        }
        pr = *now;
        if (gCancel.load() || pr.pending == 0)
            break;
        idlePasses = pr.finished() == finishedBefore ? idlePasses + 1 : 0;
        if (idlePasses >= 5)
            break;
        if (idlePasses > 0)
            QThread::msleep(200);
    }
    // What live workers elsewhere still hold is theirs to finish, not a failure of this run.
    const int heldByOthers = gCancel.load() ? 0 : pr.running;
    std::printf(
        "batch %lld: %d images, %d tagged, %d skipped, %d failed, %d still to do "
        "(%d answers from the cache, %d from the model)\n",
        static_cast<long long>(*batch), pr.total(), pr.done, pr.skipped, pr.failed,
        pr.pending + pr.running, cacheHits, modelRuns);
    if (heldByOthers > 0)
        std::printf("%d being tagged by other workers on this catalogue\n", heldByOthers);
    if (!lastError.isEmpty())
        std::printf("last failure: %s\n", qPrintable(lastError));
    if (gCancel.load()) {
        std::printf("stopped; run the same command again to continue\n");
        return 8;
    }
    return pr.failed == 0 && unreadable == 0 && pr.pending + pr.running - heldByOthers == 0 ? 0 : 1;
}

}  // namespace vistag::cli

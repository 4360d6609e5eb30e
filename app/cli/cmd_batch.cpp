// vistag-cli batch: a JSON Lines file of chat-completion requests in the OpenAI Batch API format
// (the one vLLM's run_batch also reads and writes) run on the local model's continuous batch.
// The input is read lazily and a bounded number of requests is in flight; each result is written
// as one line as soon as it finishes.
#include <unistd.h>

#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QScopeGuard>
#include <QSet>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "backend/local_backend.h"
#include "cli_util.h"
#include "commands.h"
#include "engine_options.h"
#include "server/chat_request.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli batch --model DIR -i REQUESTS.jsonl -o RESULTS.jsonl [--resume]\n"
    "                        [--concurrency N] [--device auto|cpu|cuda]\n"
    "                        [--dtype auto|float32|bfloat16|float16] [--threads N]\n"
    "                        [--max-pixels N] [--max-new-tokens N] [--temperature T]\n"
    "                        [--top-p P] [--top-k K] [--seed S]\n"
    "Runs every line of REQUESTS.jsonl, the OpenAI Batch API format that vLLM's run_batch also\n"
    "reads: {\"custom_id\": \"...\", \"method\": \"POST\", \"url\": \"/v1/chat/completions\",\n"
    "\"body\": {a chat completion request}}. Images are data:image/...;base64 URLs or\n"
    "file:///absolute/path URLs. Sampling values a body leaves out come from the options, then\n"
    "from the model's generation_config.json; max_tokens defaults to 256.\n"
    "  -i FILE            the requests (- = stdin), read as the batch goes\n"
    "  -o FILE            the results (- = stdout), one line per request as it finishes (not\n"
    "                     in input order): {\"id\", \"custom_id\", \"response\": "
    "{\"status_code\":\n"
    "                     200, \"request_id\", \"body\": {a chat.completion}}, \"error\": null}\n"
    "                     A line that cannot run (broken JSON, no custom_id, a repeated\n"
    "                     custom_id, another method or url, a bad body, an image that does not\n"
    "                     decode, longer than the context) gets \"response\": null and \"error\":\n"
    "                     {\"code\", \"message\", \"line\"}; the other lines still run.\n"
    "  --resume           append to -o and skip the custom_ids (and the input lines without\n"
    "                     one) already there, e.g. after Ctrl+C\n"
    "  --concurrency N    requests in flight, also the engine's batch size (default: the\n"
    "                     engine's: 8 on the CPU, sized by GPU memory on a GPU)\n"
    "Ctrl+C or SIGTERM cancels the requests in flight and writes nothing for them (run again\n"
    "with --resume to finish them); every line written is complete. A second Ctrl+C ends the\n"
    "process at once. Progress goes to stderr when it is a terminal; a summary line always.\n"
    "Exit 0 when every line got an answer, 1 when some got error lines, 130 after Ctrl+C (143\n"
    "after SIGTERM), 11 when the input or the output cannot be read or written, 2 usage, 3\n"
    "model folder, 4 weights, 7 device.\n";

constexpr int kFileError = 11;  // the input could not be read or the output written

std::atomic<int> gSignal{0};
static_assert(std::atomic<int>::is_always_lock_free);
extern "C" void onBatchSignal(int sig) {
    gSignal.store(sig);
}

void installSignalHandlers() {
    struct sigaction sa {};
    sa.sa_handler = onBatchSignal;
    sigemptyset(&sa.sa_mask);
    // A second Ctrl+C ends the process at once, the default way.
    sa.sa_flags = SA_RESETHAND;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);
}

QString randomHex() {
    return QString::number(QRandomGenerator::global()->generate64(), 16).rightJustified(16, '0');
}

// Results handed from the engine's batch thread to the main thread.
class Mailbox {
public:
    void push(quint64 id, const backend::AskResult& r) {
        {
            std::lock_guard lock(mutex_);
            done_.emplace_back(id, r);
        }
        cv_.notify_one();
    }
    // Waits up to `timeout` for a result; returns what has arrived (possibly nothing).
    std::deque<std::pair<quint64, backend::AskResult>> take(std::chrono::milliseconds timeout) {
        std::unique_lock lock(mutex_);
        if (done_.empty())
            cv_.wait_for(lock, timeout);
        return std::exchange(done_, {});
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    std::deque<std::pair<quint64, backend::AskResult>> done_;
};

struct InFlight {
    QString customId;
    qint64 line = 0;
    int images = 0;
    backend::AskHandlePtr handle;  // cancelled on Ctrl+C
};

// What --resume finds in an existing output file.
struct Done {
    QSet<QString> customIds;
    QSet<qint64> lines;  // input lines reported without a custom_id
};

// Reads the output file of an earlier run. A last line cut short (the process was killed while
// writing it) is removed, so that the file holds only complete lines.
bool readEarlierResults(const QString& path, Done* done, QString* error) {
    QFile f(path);
    if (!f.exists())
        return true;
    if (!f.open(QIODevice::ReadWrite)) {
        *error = QStringLiteral("%1: %2").arg(path, f.errorString());
        return false;
    }
    qint64 complete = 0;
    while (!f.atEnd()) {
        const QByteArray line = f.readLine();
        if (!line.endsWith('\n'))
            break;
        complete = f.pos();
        const QJsonObject o = QJsonDocument::fromJson(line).object();
        const QString id = o.value(QLatin1String("custom_id")).toString();
        if (!id.isEmpty()) {
            done->customIds.insert(id);
        } else {
            const qint64 n = o.value(QLatin1String("error"))
                                 .toObject()
                                 .value(QLatin1String("line"))
                                 .toInteger(0);
            if (n > 0)
                done->lines.insert(n);
        }
    }
    if (complete < f.size()) {
        std::fprintf(stderr, "vistag-cli: %s: removing an incomplete last line\n",
                     qPrintable(path));
        if (!f.resize(complete)) {
            *error = QStringLiteral("%1: %2").arg(path, f.errorString());
            return false;
        }
    }
    return true;
}

// Lines in a file (for the progress total); -1 for stdin or an unreadable file.
qint64 countLines(const QString& path) {
    if (path == QLatin1String("-"))
        return -1;
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    qint64 lines = 0;
    char last = '\n';
    QByteArray buf;
    while (!(buf = f.read(1 << 20)).isEmpty()) {
        lines += buf.count('\n');
        last = buf.back();
    }
    return lines + (last == '\n' ? 0 : 1);
}

const char* errorCodeFor(inference::ErrorCode c) {
    using inference::ErrorCode;
    switch (c) {
        case ErrorCode::Image:
            return "invalid_image";
        case ErrorCode::Prompt:
            return "invalid_prompt";
        case ErrorCode::Usage:
            return "invalid_request";
        case ErrorCode::Device:
            return "device_error";
        case ErrorCode::Cancelled:
            return "cancelled";
        default:
            return "internal_error";
    }
}

class BatchRun {
public:
    BatchRun(backend::LocalBackend& backend, std::FILE* out, QString model,
             catalog::InferenceParams defaults, server::ChatLimits limits, Done done)
        : backend_(backend),
          out_(out),
          model_(std::move(model)),
          defaults_(std::move(defaults)),
          limits_(limits),
          earlier_(std::move(done)),
          mailbox_(std::make_shared<Mailbox>()),
          generated_(std::make_shared<std::atomic<qint64>>(0)) {}

    // Runs the whole input; returns the exit code.
    int run(QFile& input, int concurrency, qint64 totalLines);

private:
    void handleLine(const QByteArray& raw, qint64 lineNo);
    void submit(server::ChatJob job, const QString& customId, qint64 lineNo);
    void finish(quint64 id, const backend::AskResult& r);
    void writeError(const QString& customId, qint64 lineNo, const char* code,
                    const QString& message);
    void writeLine(const QJsonObject& o);
    void drawProgress(bool final);
    int limit(int concurrency) const;

    backend::LocalBackend& backend_;  // the same seam as the window and the server
    std::FILE* out_;
    QString model_;
    catalog::InferenceParams defaults_;
    server::ChatLimits limits_;
    Done earlier_;
    QSet<QString> seen_;
    std::shared_ptr<Mailbox> mailbox_;
    std::shared_ptr<std::atomic<qint64>> generated_;  // text pieces, counted as they arrive
    std::unordered_map<quint64, InFlight> inFlight_;
    quint64 nextId_ = 1;
    bool writeFailed_ = false;
    int writeErrno_ = 0;
    qint64 ok_ = 0, failed_ = 0, skipped_ = 0, cancelled_ = 0, images_ = 0;
    qint64 completionTokens_ = 0, totalLines_ = -1, linesRead_ = 0;
    QElapsedTimer clock_;
    bool tty_ = false;
};

int BatchRun::limit(int concurrency) const {
    if (concurrency > 0)
        return concurrency;
    // The engine's batch size is known once its first request has been submitted.
    const int kvSlots = backend_.engine().batchStatus().kvSlots;
    return kvSlots > 0 ? kvSlots : 1;
}

void BatchRun::writeLine(const QJsonObject& o) {
    if (writeFailed_)
        return;
    const QByteArray line = QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    if (std::fwrite(line.constData(), 1, static_cast<size_t>(line.size()), out_) !=
            static_cast<size_t>(line.size()) ||
        std::fflush(out_) != 0) {
        writeFailed_ = true;
        writeErrno_ = errno;
    }
}

void BatchRun::writeError(const QString& customId, qint64 lineNo, const char* code,
                          const QString& message) {
    ++failed_;
    const QJsonObject error{{"code", code}, {"message", message}, {"line", lineNo}};
    writeLine({{"id", QStringLiteral("batch_req_") + randomHex()},
               {"custom_id", customId},
               {"response", QJsonValue::Null},
               {"error", error}});
}

void BatchRun::handleLine(const QByteArray& raw, qint64 lineNo) {
    const QByteArray text = raw.trimmed();
    if (text.isEmpty())
        return;
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(text, &pe);
    if (pe.error != QJsonParseError::NoError || !doc.isObject()) {
        if (earlier_.lines.contains(lineNo))
            return void(++skipped_);
        const QString why = pe.error != QJsonParseError::NoError
                                ? QStringLiteral("line %1 is not valid JSON (%2 at byte %3)")
                                      .arg(lineNo)
                                      .arg(pe.errorString())
                                      .arg(pe.offset)
                                : QStringLiteral("line %1 is not a JSON object").arg(lineNo);
        return writeError({}, lineNo, "invalid_json", why);
    }
    const QJsonObject o = doc.object();
    const QJsonValue idValue = o.value(QLatin1String("custom_id"));
    const QString customId = idValue.toString();
    if (customId.isEmpty()) {
        if (earlier_.lines.contains(lineNo))
            return void(++skipped_);
        return writeError(
            {}, lineNo, "missing_custom_id",
            QStringLiteral("line %1 has no custom_id (a non-empty string)").arg(lineNo));
    }
    if (earlier_.customIds.contains(customId))
        return void(++skipped_);
    if (seen_.contains(customId))
        return writeError(customId, lineNo, "duplicate_custom_id",
                          QStringLiteral("custom_id '%1' was already used by an earlier line")
                              .arg(customId.left(200)));
    seen_.insert(customId);
    const QString method = o.value(QLatin1String("method")).toString();
    if (method.compare(QLatin1String("POST"), Qt::CaseInsensitive) != 0)
        return writeError(customId, lineNo, "invalid_method",
                          QStringLiteral("method must be POST, not '%1'").arg(method.left(40)));
    const QString url = o.value(QLatin1String("url")).toString();
    if (url != QLatin1String("/v1/chat/completions") && url != QLatin1String("/chat/completions"))
        return writeError(
            customId, lineNo, "invalid_url",
            QStringLiteral("url must be /v1/chat/completions, not '%1'").arg(url.left(200)));
    const QJsonValue body = o.value(QLatin1String("body"));
    if (!body.isObject())
        return writeError(customId, lineNo, "invalid_request",
                          QStringLiteral("body must be a chat completion request object"));
    server::ChatJob job;
    QString error;
    if (!server::parseChatRequest(body.toObject(), defaults_, limits_, &job, &error))
        return writeError(customId, lineNo, "invalid_request", error);
    submit(std::move(job), customId, lineNo);
}

void BatchRun::submit(server::ChatJob job, const QString& customId, qint64 lineNo) {
    int images = static_cast<int>(job.images.size());
    for (const auto& t : job.history)
        images += static_cast<int>(t.images.size());
    backend::AskRequest request = server::toAskRequest(job);
    job = {};
    const quint64 id = nextId_++;
    // The request goes through backend::LocalBackend::submit like every other: images decoded
    // from memory, a response_format schema compiled once and cached; the callbacks run on the
    // engine's batch thread and only count and hand the result over.
    backend::AskHandlePtr handle =
        backend_.submit(request, [generated = generated_](const QString&) {
            generated->fetch_add(1, std::memory_order_relaxed);
            return true;
        });
    inFlight_.emplace(id, InFlight{customId, lineNo, images, handle});
    handle->addOnFinished(
        [mailbox = mailbox_, id](const backend::AskResult& r) { mailbox->push(id, r); });
}

void BatchRun::finish(quint64 id, const backend::AskResult& r) {
    auto it = inFlight_.find(id);
    if (it == inFlight_.end())
        return;
    const InFlight f = it->second;
    inFlight_.erase(it);
    // A cancelled request is not written: a run with --resume does it again.
    const auto code = static_cast<inference::ErrorCode>(r.errorCode);
    if (!r.ok) {
        if (code == inference::ErrorCode::Cancelled) {
            ++cancelled_;
            return;
        }
        return writeError(f.customId, f.line, errorCodeFor(code), r.error);
    }
    if (r.finishReason == backend::FinishReason::Cancelled) {
        ++cancelled_;
        return;
    }
    ++ok_;
    images_ += f.images;
    const int completion = static_cast<int>(r.tokenIds.size());
    completionTokens_ += completion;
    const QJsonObject body = server::chatCompletion(
        QStringLiteral("chatcmpl-") + randomHex(), QDateTime::currentSecsSinceEpoch(), model_,
        r.text, backend::finishReasonName(r.finishReason), r.promptTokens, completion);
    const QJsonObject response{
        {"status_code", 200}, {"request_id", QStringLiteral("req_") + randomHex()}, {"body", body}};
    writeLine({{"id", QStringLiteral("batch_req_") + randomHex()},
               {"custom_id", f.customId},
               {"response", response},
               {"error", QJsonValue::Null}});
}

void BatchRun::drawProgress(bool final) {
    if (!tty_)
        return;
    const double s = std::max(clock_.nsecsElapsed() / 1e9, 1e-3);
    const qint64 done = ok_ + failed_ + skipped_;
    const QString total = totalLines_ >= 0 ? QString::number(totalLines_) : QStringLiteral("?");
    std::fprintf(stderr,
                 "\r\033[K%lld/%s done, %lld failed, %lld running, %.1f images/s, "
                 "%.1f tokens/s",
                 static_cast<long long>(done), qPrintable(total), static_cast<long long>(failed_),
                 static_cast<long long>(inFlight_.size()), images_ / s,
                 generated_->load(std::memory_order_relaxed) / s);
    if (final)
        std::fputc('\n', stderr);
    std::fflush(stderr);
}

int BatchRun::run(QFile& input, int concurrency, qint64 totalLines) {
    totalLines_ = totalLines;
    tty_ = isatty(STDERR_FILENO);
    clock_.start();
    QElapsedTimer sinceDraw;
    sinceDraw.start();
    bool eof = false;
    bool readFailed = false;
    qint64 lineNo = 0;
    while (!gSignal.load() && !writeFailed_) {
        if (!eof && static_cast<int>(inFlight_.size()) < limit(concurrency)) {
            // (an empty read is the end; a line has at least its newline)
            const QByteArray line = input.readLine();
            if (line.isEmpty()) {
                eof = true;
                readFailed = input.error() != QFileDevice::NoError;
                if (readFailed)
                    break;
                continue;
            }
            handleLine(line, ++lineNo);
        } else if (eof && inFlight_.empty()) {
            break;
        } else {
            for (auto& [id, r] : mailbox_->take(std::chrono::milliseconds(100)))
                finish(id, r);
        }
        // Results that are already there are written before more lines are read.
        for (auto& [id, r] : mailbox_->take(std::chrono::milliseconds(0)))
            finish(id, r);
        if (tty_ && sinceDraw.elapsed() >= 250) {
            drawProgress(false);
            sinceDraw.restart();
        }
    }
    const int sig = gSignal.load();
    if (sig || writeFailed_ || readFailed) {
        // Stop: cancel what is in flight and wait for the engine to hand it back (what finished
        // meanwhile is still written; the cancelled ones are not).
        for (auto& [id, f] : inFlight_)
            f.handle->cancel();
        QElapsedTimer waited;
        waited.start();
        while (!inFlight_.empty() && waited.elapsed() < 30000)
            for (auto& [id, r] : mailbox_->take(std::chrono::milliseconds(100)))
                finish(id, r);
        cancelled_ += static_cast<qint64>(inFlight_.size());
    }
    drawProgress(true);
    const double s = std::max(clock_.nsecsElapsed() / 1e9, 1e-3);
    std::fprintf(stderr,
                 "batch: %lld ok, %lld failed, %lld skipped (already in the output), %.1f s, "
                 "%.2f req/s, %.1f generated tok/s\n",
                 static_cast<long long>(ok_), static_cast<long long>(failed_),
                 static_cast<long long>(skipped_), s, (ok_ + failed_) / s, completionTokens_ / s);
    if (writeFailed_) {
        std::fprintf(stderr, "vistag-cli: cannot write the results: %s\n",
                     std::strerror(writeErrno_));
        return kFileError;
    }
    if (readFailed) {
        std::fprintf(stderr, "vistag-cli: cannot read the requests: %s\n",
                     qPrintable(input.errorString()));
        return kFileError;
    }
    if (sig) {
        std::fprintf(stderr,
                     "vistag-cli: stopped by %s; %lld requests in flight were cancelled and not "
                     "written: run the same command with --resume to finish\n",
                     sig == SIGINT ? "Ctrl+C" : "SIGTERM", static_cast<long long>(cancelled_));
        return 128 + sig;
    }
    return failed_ == 0 ? 0 : 1;
}

}  // namespace

int runBatch(const QStringList& args) {
    QCommandLineParser parser;
    addEngineOptions(parser);
    parser.addOptions({
        {{"i", "input"}, "The requests (JSON Lines; - = stdin).", "FILE"},
        {{"o", "output"}, "The results (JSON Lines; - = stdout).", "FILE"},
        {"concurrency", "Requests in flight (default: the engine's batch size).", "N"},
        {"resume", "Append to the output and skip the custom_ids already there."},
    });
    bool help = false;
    auto a = parseEngineArgs(parser, args, kUsage, /*requirePrompt=*/false, &help);
    if (!a)
        return help ? 0 : 2;
    const auto usage = [](const char* why) { return usageError(QString::fromUtf8(why), kUsage); };
    if (!a->images.isEmpty() || parser.isSet(QStringLiteral("prompt")) ||
        parser.isSet(QStringLiteral("system")))
        return usage(
            "batch takes its requests from -i; --image, --prompt and --system do not "
            "apply");
    const QString inPath = parser.value(QStringLiteral("input"));
    const QString outPath = parser.value(QStringLiteral("output"));
    if (inPath.isEmpty() || outPath.isEmpty())
        return usage("-i REQUESTS.jsonl and -o RESULTS.jsonl are required");
    const bool resume = parser.isSet(QStringLiteral("resume"));
    if (resume && outPath == QLatin1String("-"))
        return usage("--resume needs an output file, not stdout");
    int concurrency = 0;
    if (parser.isSet(QStringLiteral("concurrency"))) {
        bool ok = false;
        concurrency = parser.value(QStringLiteral("concurrency")).toInt(&ok);
        if (!ok || concurrency < 1 || concurrency > 4096)
            return usage("--concurrency must be a number from 1 to 4096");
    }
    a->maxSequences = concurrency;

    // Both files first: a wrong path is reported before the model loads.
    QFile input;
    const bool inOpen = inPath == QLatin1String("-")
                            ? input.open(stdin, QIODevice::ReadOnly)
                            : (input.setFileName(inPath), input.open(QIODevice::ReadOnly));
    if (!inOpen) {
        std::fprintf(stderr, "vistag-cli: %s: %s\n", qPrintable(inPath),
                     qPrintable(input.errorString()));
        return kFileError;
    }
    Done done;
    if (resume) {
        QString error;
        if (!readEarlierResults(outPath, &done, &error)) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(error));
            return kFileError;
        }
    }
    std::FILE* out = outPath == QLatin1String("-")
                         ? stdout
                         : std::fopen(QFile::encodeName(outPath).constData(), resume ? "a" : "w");
    if (!out) {
        std::fprintf(stderr, "vistag-cli: %s: %s\n", qPrintable(outPath), std::strerror(errno));
        return kFileError;
    }
    const auto closeOut = qScopeGuard([out] {
        if (out != stdout)
            std::fclose(out);
    });

    int rc = 0;
    auto engine = loadEngine(*a, &rc);
    if (!engine)
        return rc;
    applyModelDefaults(*a, engine->defaultSampling());
    const qint64 maxPositions = engine->info().maxPositions;
    const auto backend = backend::LocalBackend::fromEngine(std::move(engine), a->model, true);
    server::ChatLimits limits;
    limits.allowFileUrls = true;
    limits.maxTokens = static_cast<int>(std::min<int64_t>(maxPositions, 1 << 30));
    const QString model = QFileInfo(QDir::cleanPath(a->model)).fileName();

    const qint64 total = isatty(STDERR_FILENO) ? countLines(inPath) : -1;
    installSignalHandlers();
    BatchRun run(*backend, out, model, inferenceParams(*a), limits, std::move(done));
    return run.run(input, concurrency, total);
}

}  // namespace vistag::cli

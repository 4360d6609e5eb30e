#include "backend/local_backend.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "backend/engine_request.h"
#include "tags/tag_schema.h"
#include "vistag/inference/engine.h"

namespace vistag::backend {

using namespace vistag::inference;

LocalBackend::LocalBackend(std::unique_ptr<Engine> engine, QString modelId, bool batched)
    : engine_(std::move(engine)), modelId_(std::move(modelId)), batched_(batched) {}
LocalBackend::~LocalBackend() = default;

std::unique_ptr<LocalBackend> LocalBackend::load(const QString& folder, const LocalOptions& options,
                                                 QString* error, int* errorCode) {
    LoadOptions o;
    o.device = options.device.toStdString();
    o.dtype = options.dtype.toStdString();
    o.threads = options.threads;
    o.maxSequences = options.maxSequences;
    if (options.progress)
        o.progress = [&](double f, const std::string& stage) {
            return options.progress(f, QString::fromStdString(stage));
        };
    auto e = Engine::load(folder.toStdString(), o);
    if (!e) {
        if (error)
            *error = QString::fromStdString(e.error().message());
        if (errorCode)
            *errorCode = e.error().exitCode();
        return nullptr;
    }
    const QString id = QFileInfo(QDir::cleanPath(folder)).fileName();
    auto backend =
        std::unique_ptr<LocalBackend>(new LocalBackend(std::move(*e), id, options.batched));
    backend->cacheKey_ = id + QLatin1Char('#') + weightsFingerprint(folder);
    return backend;
}

QString LocalBackend::weightsFingerprint(const QString& folder) {
    // config.json whole, and of every weight file its name, size and three 64 KiB samples of
    // its data: two folders with the same name but other weights (a fine-tune, another size)
    // differ; the same weights copied elsewhere agree. About 200 KB read per file.
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QDir dir(folder);
    if (QFile config(dir.filePath(QStringLiteral("config.json"))); config.open(QIODevice::ReadOnly))
        hash.addData(config.readAll());
    const QStringList shards =
        dir.entryList({QStringLiteral("*.safetensors")}, QDir::Files, QDir::Name);
    for (const QString& name : shards) {
        QFile f(dir.filePath(name));
        if (!f.open(QIODevice::ReadOnly))
            continue;
        const qint64 size = f.size();
        hash.addData(name.toUtf8());
        hash.addData(QByteArray::number(size));
        for (const qint64 at : {size / 4, size / 2, size * 3 / 4}) {
            f.seek(at);
            hash.addData(f.read(64 * 1024));
        }
    }
    return QString::fromLatin1(hash.result().toHex().left(12));
}

std::shared_ptr<const TagGrammar> LocalBackend::grammarFor(const TagSchema& schema,
                                                           QString* error) {
    const QString key = catalog::tagSchemaKey(schema);
    std::lock_guard lk(grammarsLock_);
    if (auto it = grammars_.constFind(key); it != grammars_.constEnd())
        return *it;
    auto g = engine_->compileTags(schema);
    if (!g) {
        *error = QStringLiteral("The taxonomy cannot be used for tagging: %1")
                     .arg(QString::fromStdString(g.error().message()));
        return nullptr;
    }
    grammars_.insert(key, *g);
    return *g;
}

void LocalBackend::cancel() {
    engine_->requestStop();
}

AskResult LocalBackend::ask(const AskRequest& request,
                            const std::function<bool(const QString&)>& onText) {
    AskResult out;
    GenerateRequest req;
    if (!request.system.isEmpty())
        appendMessage(&req, "system", {}, request.system);
    // Each message: its images (read from their files, in order) and then its text.
    const auto addTurn = [&](const char* role, const QStringList& imagePaths, const QString& text) {
        const Status s = appendMessageFromFiles(&req, role, imagePaths, text);
        if (!s) {
            out.error = QString::fromStdString(s.message());
            out.errorCode = s.exitCode();
        }
        return s.isOk();
    };
    for (const ChatTurn& t : request.history) {
        const bool user = t.role != QLatin1String("assistant");
        if (!addTurn(user ? "user" : "assistant", user ? t.imagePaths : QStringList(), t.text))
            return out;
    }
    if (!addTurn("user", request.imagePaths, request.prompt))
        return out;
    applyInferenceParams(request.params, &req);
    req.priority = request.priority;
    if (request.tagSchema) {
        req.tagGrammar = grammarFor(*request.tagSchema, &out.error);
        if (!req.tagGrammar) {
            out.errorCode = static_cast<int>(ErrorCode::Usage);
            return out;
        }
    }

    // Token spans in UTF-16 units of the streamed text, for per-tag confidence.
    QString streamed;
    const auto onToken = [&](int32_t id, std::string_view piece) {
        const QString text = QString::fromUtf8(piece.data(), static_cast<qsizetype>(piece.size()));
        const int begin = static_cast<int>(streamed.size());
        streamed += text;
        if (id >= 0)
            out.tokenSpans.append({begin, static_cast<int>(streamed.size())});
        return !onText || text.isEmpty() || onText(text);
    };
    // Batched: the callback runs on the engine's batch thread while this thread waits.
    auto r = batched_ ? engine_->submit(std::move(req), onToken)->wait()
                      : engine_->generate(req, onToken);
    if (!r) {
        out.error = QString::fromStdString(r.error().message());
        out.errorCode = r.error().exitCode();
        return out;
    }
    out.ok = true;
    out.text = QString::fromStdString(r->text);
    out.finishReason = finishReasonFromName(QString::fromStdString(r->finishReason));
    for (int32_t id : r->tokenIds)
        out.tokenIds << id;
    for (float pr : r->tokenProbs)
        out.tokenProbs << pr;
    // The eos token that ended generation is not streamed: its probability has no span.
    while (out.tokenProbs.size() > out.tokenSpans.size())
        out.tokenProbs.removeLast();
    out.latencyMs = r->timings.totalMs;
    out.ttftMs = r->timings.ttftMs;
    out.promptTokens = static_cast<int>(r->promptTokens);
    if (request.tagSchema) {
        if (r->tags) {
            out.tags = r->tags;
            out.tagProvenance = TagProvenance::Constrained;
        } else {
            out.tagsError = QString::fromStdString(r->tagsError);
        }
    }
    return out;
}

}  // namespace vistag::backend

#include "backend/local_backend.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include "backend/engine_request.h"
#include "tags/tag_schema.h"
#include "vistag/inference/engine.h"
#include "vistag/inference/image_file.h"
#include "vistag/inference/tag_constraint.h"

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
    return fromEngine(std::move(*e), folder, options.batched);
}

std::unique_ptr<LocalBackend> LocalBackend::fromEngine(std::unique_ptr<Engine> engine,
                                                       const QString& folder, bool batched) {
    const QString id = QFileInfo(QDir::cleanPath(folder)).fileName();
    auto backend = std::unique_ptr<LocalBackend>(new LocalBackend(std::move(engine), id, batched));
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

GrammarCache::Grammar GrammarCache::get(const QString& key, const Compile& compile,
                                        QString* error) {
    {
        std::lock_guard lk(lock_);
        if (const auto it = index_.constFind(key); it != index_.constEnd()) {
            lru_.splice(lru_.begin(), lru_, *it);
            ++hits_;
            return lru_.front().grammar;
        }
        ++misses_;
    }
    Grammar g = compile(error);
    if (!g)
        return nullptr;
    const qint64 size = estimateBytes(*g);
    std::lock_guard lk(lock_);
    if (const auto it = index_.constFind(key); it != index_.constEnd()) {
        lru_.splice(lru_.begin(), lru_, *it);  // another thread compiled it meanwhile
        return lru_.front().grammar;
    }
    if (size > limits_.maxBytes || limits_.maxEntries <= 0)
        return g;  // used for this request, not kept
    lru_.push_front(Entry{key, g, size});
    index_.insert(key, lru_.begin());
    bytes_ += size;
    evictLocked();
    return g;
}

void GrammarCache::evictLocked() {
    while (!lru_.empty() &&
           (lru_.size() > static_cast<size_t>(limits_.maxEntries) || bytes_ > limits_.maxBytes)) {
        index_.remove(lru_.back().key);
        bytes_ -= lru_.back().bytes;
        lru_.pop_back();
    }
}

qint64 GrammarCache::estimateBytes(const TagGrammar& grammar) {
    // TagGrammar::Impl (inference/src/constraint/constraint_impl.h) holds the schema, per
    // attribute an AttrInfo (surfaces again, surface → value table, a hash map by surface) and
    // one byte trie of escaped surfaces: at most one TrieNode (24 bytes) plus a child byte and
    // a child index (5 bytes) per surface byte.
    constexpr qint64 kFixed = 4096;
    constexpr qint64 kPerAttribute = 512;
    constexpr qint64 kPerValue = 96;
    constexpr qint64 kPerSurface = 192;     // three std::string headers, a hash node, an index
    constexpr qint64 kPerSurfaceByte = 32;  // the trie (29) and three copies of the text
    qint64 total = kFixed;
    for (const auto& a : grammar.schema().attributes) {
        total += kPerAttribute + 2 * static_cast<qint64>(a.code.size());
        for (const auto& v : a.values) {
            total += kPerValue + static_cast<qint64>(v.code.size());
            for (const std::string& s : v.surfaces)
                total += kPerSurface + kPerSurfaceByte * static_cast<qint64>(s.size());
        }
    }
    return total;
}

int GrammarCache::size() const {
    std::lock_guard lk(lock_);
    return static_cast<int>(lru_.size());
}

qint64 GrammarCache::bytes() const {
    std::lock_guard lk(lock_);
    return bytes_;
}

bool GrammarCache::contains(const QString& key) const {
    std::lock_guard lk(lock_);
    return index_.contains(key);
}

qint64 GrammarCache::hits() const {
    std::lock_guard lk(lock_);
    return hits_;
}

qint64 GrammarCache::misses() const {
    std::lock_guard lk(lock_);
    return misses_;
}

std::shared_ptr<const TagGrammar> LocalBackend::grammarFor(const TagSchema& schema,
                                                           QString* error) {
    return grammars_.get(
        catalog::tagSchemaKey(schema),
        [&](QString* err) -> GrammarCache::Grammar {
            auto g = engine_->compileTags(schema);
            if (!g) {
                *err = QStringLiteral("The taxonomy cannot be used for tagging: %1")
                           .arg(QString::fromStdString(g.error().message()));
                return nullptr;
            }
            return *g;
        },
        error);
}

namespace {

// What one local request keeps while it runs: the streamed text's token spans (for per-tag
// confidence) and the caller's onText, shared by the token callback and the result.
struct LocalRun {
    TextCallback onText;
    QString streamed;
    QList<QPair<int, int>> spans;
    bool tags = false;
};

AskResult toAskResult(const Expected<GenerateResult>& r, LocalRun& run) {
    AskResult out;
    if (!r) {
        out.error = QString::fromStdString(r.error().message());
        out.errorCode = r.error().exitCode();
        return out;
    }
    out.ok = true;
    out.text = QString::fromStdString(r->text);
    out.finishReason = finishReasonFromName(QString::fromStdString(r->finishReason));
    out.tokenSpans = run.spans;
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
    if (run.tags) {
        if (r->tags) {
            out.tags = r->tags;
            out.tagProvenance = TagProvenance::Constrained;
        } else {
            out.tagsError = QString::fromStdString(r->tagsError);
        }
    }
    return out;
}

}  // namespace

AskHandlePtr LocalBackend::submit(const AskRequest& request, TextCallback onText) {
    auto handle = std::make_shared<AskHandle>();
    AskResult failed;
    // What the images cost is known from their headers: a request whose images alone do not fit
    // the model's context is refused before any of them is decoded (an 11,000 × 12,000 PNG of
    // 385 KB decodes to 400 MB).
    {
        qint64 visionTokens = 0;
        int n = 0;
        QList<RequestImage> all;
        for (const ChatTurn& t : request.history)
            all += t.images;
        all += request.images;
        for (const RequestImage& image : all) {
            ++n;
            QByteArray head = image.bytes.left(65536);
            if (!image.inMemory()) {
                QFile f(image.path);
                if (f.open(QIODevice::ReadOnly))
                    head = f.read(65536);
            }
            const std::string label =
                image.path.isEmpty() ? "image " + std::to_string(n) : image.path.toStdString();
            const auto header = inference::readImageHeader(
                std::string_view(head.constData(), static_cast<size_t>(head.size())), label);
            if (!header)
                continue;  // the decoder says what is wrong with it
            const auto tokens =
                engine_->imageTokens(header->width, header->height, request.params.maxPixels);
            if (!tokens) {
                failed.error = QString::fromStdString(label + ": " + tokens.error().message());
                failed.errorCode = tokens.error().exitCode();
                handle->finish(failed);
                return handle;
            }
            visionTokens += tokens->promptTokens;
        }
        const qint64 context = engine_->info().maxPositions;
        if (context > 0 && visionTokens > context) {
            failed.error = QStringLiteral(
                               "the images need %1 tokens, more than the model's context of %2: "
                               "send fewer images or lower the pixel budget")
                               .arg(visionTokens)
                               .arg(context);
            failed.errorCode = static_cast<int>(ErrorCode::Prompt);
            handle->finish(failed);
            return handle;
        }
    }
    auto built = toGenerateRequest(request);
    if (!built) {
        failed.error = QString::fromStdString(built.error().message());
        failed.errorCode = built.error().exitCode();
        handle->finish(failed);
        return handle;
    }
    GenerateRequest req = std::move(*built);
    req.priority = request.priority;
    if (request.tagSchema) {
        req.tagGrammar = grammarFor(*request.tagSchema, &failed.error);
        if (!req.tagGrammar) {
            failed.errorCode = static_cast<int>(ErrorCode::Usage);
            handle->finish(failed);
            return handle;
        }
    }

    auto run = std::make_shared<LocalRun>();
    run->onText = std::move(onText);
    run->tags = request.tagSchema != nullptr;
    // Runs on the engine's batch thread (or the request's own thread below); `stop` says
    // whether this request was cancelled.
    const auto makeOnToken = [run](std::function<bool()> stop) {
        return [run, stop = std::move(stop)](int32_t id, std::string_view piece) {
            const QString text =
                QString::fromUtf8(piece.data(), static_cast<qsizetype>(piece.size()));
            const int begin = static_cast<int>(run->streamed.size());
            run->streamed += text;
            if (id >= 0)
                run->spans.append({begin, static_cast<int>(run->streamed.size())});
            if (stop())
                return false;
            return !run->onText || text.isEmpty() || run->onText(text);
        };
    };
    if (batched_) {
        // The engine's continuous batch: no thread of our own; its handle cancels this request
        // only, and the result arrives on the batch thread. The handle is held weakly there, so
        // the engine never keeps a request the caller let go of.
        std::weak_ptr<AskHandle> weak = handle;
        auto engineHandle = engine_->submit(std::move(req), makeOnToken([weak] {
                                                const auto h = weak.lock();
                                                return !h || h->cancelRequested();
                                            }),
                                            [run, weak](const Expected<GenerateResult>& r) {
                                                if (const auto h = weak.lock())
                                                    h->finish(toAskResult(r, *run));
                                            });
        handle->setOnCancel([engineHandle] { engineHandle->cancel(); });
        return handle;
    }
    // The one-sequence path, on a thread of this request (the handle joins it before it goes,
    // so the raw pointer stays valid).
    AskHandle* self = handle.get();
    handle->runOnThread([this, req = std::move(req), run,
                         onToken = makeOnToken([self] { return self->cancelRequested(); })] {
        return toAskResult(engine_->generate(req, onToken), *run);
    });
    return handle;
}

}  // namespace vistag::backend

// The in-process Qwen3-VL engine behind the InferenceBackend interface.
#pragma once

#include <QHash>
#include <functional>
#include <list>
#include <memory>
#include <mutex>

#include "backend/inference_backend.h"

namespace vistag::inference {
class Engine;
class TagGrammar;
struct TagSchema;
}  // namespace vistag::inference

namespace vistag::backend {

struct LocalOptions {
    QString device = QStringLiteral("auto");
    QString dtype = QStringLiteral("auto");
    int threads = 0;
    // Concurrent ask() calls decode together in the engine's continuous batch, up to this many
    // sequences (LoadOptions::maxSequences; 0 = the engine's own choice). ask() always goes
    // through the batch when `batched` is set; otherwise it runs the one-sequence path.
    bool batched = false;
    int maxSequences = 0;
    // Loading progress 0..1; return false to cancel.
    std::function<bool(double, const QString&)> progress;
};

// Compiled taxonomy grammars by schema key (catalog::tagSchemaKey), the least recently used
// dropped first so that the cache stays within a count and an estimated size: a server's clients
// each sending other schemas cannot grow the process without bound. A grammar larger than the
// whole byte budget is compiled and used but not kept. Thread-safe; compiling runs outside the
// lock (two threads asking for the same new schema may both compile it; one copy is kept).
struct GrammarCacheLimits {
    int maxEntries = 32;
    qint64 maxBytes = 256LL * 1024 * 1024;
};

class GrammarCache {
public:
    using Limits = GrammarCacheLimits;
    using Grammar = std::shared_ptr<const inference::TagGrammar>;
    // Compiles a grammar; nullptr with *error (plain words) when it cannot.
    using Compile = std::function<Grammar(QString* error)>;

    explicit GrammarCache(Limits limits = {}) : limits_(limits) {}
    // The grammar of `key`, from the cache (now the most recently used) or from compile().
    Grammar get(const QString& key, const Compile& compile, QString* error);

    // An estimate of the memory a compiled grammar holds (its schema copy, the surface tries and
    // lookup tables), from its public schema: about 32 bytes per byte of surface plus fixed
    // costs per surface, value and attribute. The shared vocabulary is not counted.
    static qint64 estimateBytes(const inference::TagGrammar& grammar);

    Limits limits() const { return limits_; }
    int size() const;
    qint64 bytes() const;
    bool contains(const QString& key) const;
    qint64 hits() const;
    qint64 misses() const;

private:
    struct Entry {
        QString key;
        Grammar grammar;
        qint64 bytes = 0;
    };
    void evictLocked();

    Limits limits_;
    mutable std::mutex lock_;  // ask() may run on several threads (batched)
    std::list<Entry> lru_;     // most recently used first
    QHash<QString, std::list<Entry>::iterator> index_;
    qint64 bytes_ = 0;
    qint64 hits_ = 0;
    qint64 misses_ = 0;
};

class LocalBackend final : public InferenceBackend {
public:
    // nullptr and *error (plain words) / *errorCode when the folder cannot be loaded.
    static std::unique_ptr<LocalBackend> load(const QString& folder, const LocalOptions& options,
                                              QString* error, int* errorCode = nullptr);
    // An engine already loaded from `folder` (the command line loads it with its own progress
    // and messages), behind the same interface.
    static std::unique_ptr<LocalBackend> fromEngine(std::unique_ptr<inference::Engine> engine,
                                                    const QString& folder, bool batched);
    ~LocalBackend() override;

    QString backendName() const override { return QStringLiteral("local"); }
    QString modelId() const override { return modelId_; }
    // "<folder name>#<12 hex digits of the weights' fingerprint>" (weightsFingerprint).
    QString cacheModelKey() const override { return cacheKey_; }
    static QString weightsFingerprint(const QString& folder);
    // A request with a tagSchema is decoded under that constraint (compiled once per schema and
    // kept in a GrammarCache with the default limits: 32 grammars, 256 MiB); the answer is the
    // compact JSON and result.tags its values with their confidence. Batched (LocalOptions::
    // batched): the request joins the engine's continuous batch and its handle cancels it alone;
    // otherwise it runs the one-sequence path on a thread of its own.
    AskHandlePtr submit(const AskRequest& request, TextCallback onText = {}) override;
    inference::Engine& engine() { return *engine_; }

private:
    LocalBackend(std::unique_ptr<inference::Engine> engine, QString modelId, bool batched);
    // The compiled grammar of a schema, from the cache or compiled now; error in plain words.
    std::shared_ptr<const inference::TagGrammar> grammarFor(const inference::TagSchema& schema,
                                                            QString* error);
    std::unique_ptr<inference::Engine> engine_;
    GrammarCache grammars_;
    QString modelId_;
    QString cacheKey_;
    bool batched_ = false;
};

}  // namespace vistag::backend

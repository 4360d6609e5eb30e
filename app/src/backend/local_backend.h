// The in-process Qwen3-VL engine behind the InferenceBackend interface.
#pragma once

#include <QHash>
#include <memory>
#include <mutex>

#include "backend/inference_backend.h"

namespace vistag::inference {
class Engine;
}

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

class LocalBackend final : public InferenceBackend {
public:
    // nullptr and *error (plain words) / *errorCode when the folder cannot be loaded.
    static std::unique_ptr<LocalBackend> load(const QString& folder, const LocalOptions& options,
                                              QString* error, int* errorCode = nullptr);
    ~LocalBackend() override;

    QString backendName() const override { return QStringLiteral("local"); }
    QString modelId() const override { return modelId_; }
    // "<folder name>#<12 hex digits of the weights' fingerprint>" (weightsFingerprint).
    QString cacheModelKey() const override { return cacheKey_; }
    static QString weightsFingerprint(const QString& folder);
    AskResult ask(const AskRequest& request,
                  const std::function<bool(const QString&)>& onText = {}) override;
    // A request with a tagSchema is decoded under that constraint (compiled once per schema and
    // kept); the answer is the compact JSON and result.tags its values with their confidence.
    // Stops every request (the one-sequence path and the whole batch); a batched caller stops
    // only its own request by returning false from onText.
    void cancel() override;
    inference::Engine& engine() { return *engine_; }

private:
    LocalBackend(std::unique_ptr<inference::Engine> engine, QString modelId, bool batched);
    // The compiled grammar of a schema, from the cache or compiled now; error in plain words.
    std::shared_ptr<const inference::TagGrammar> grammarFor(const inference::TagSchema& schema,
                                                            QString* error);
    std::unique_ptr<inference::Engine> engine_;
    std::mutex grammarsLock_;  // ask() may run on several threads (batched)
    QHash<QString, std::shared_ptr<const inference::TagGrammar>> grammars_;  // tagSchemaKey →
    QString modelId_;
    QString cacheKey_;
    bool batched_ = false;
};

}  // namespace vistag::backend

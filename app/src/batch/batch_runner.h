// Runs a persistent batch of tagging work: each image is asked about (or answered from the result
// cache), the answer is parsed against the taxonomy, and the suggestions are stored — one image
// at a time, each step committed, so a killed process resumes where it stopped. One bad image is
// recorded as failed and the batch goes on.
#pragma once

#include <QHash>
#include <QString>
#include <atomic>
#include <functional>
#include <optional>

#include "backend/inference_backend.h"
#include "catalog/catalog_db.h"
#include "tags/tag_schema.h"
#include "tags/taxonomy.h"

namespace vistag::catalog {

struct BatchRunStatus {
    BatchProgress progress;  // counts per item status, from the database
    QString currentImage;    // the image being worked on ("" between images)
    double etaSeconds = -1;  // -1 until there is something to estimate from
    QString lastError;       // the latest failure, in words
    int cacheHits = 0;
    int modelRuns = 0;
};

struct BatchSpec {
    QString mode = QStringLiteral("untagged");  // untagged | replace | append
    QString prompt;
    InferenceParams params;
    // Constrained tagging (the default of every caller; catalog/tag_schema.h): the answer is the
    // taxonomy's JSON with every value allowed. params.tagSchema must be tagSchemaKey(*tagSchema)
    // so that the result cache tells constrained answers apart. Null: a free answer, parsed
    // leniently (for comparison).
    std::shared_ptr<const inference::TagSchema> tagSchema;
    // How tagSchema was made (surfaces, "unknown", the prompt's language): a taxonomy with a
    // category tree asks an image whose category is already accepted for that category's
    // attributes only, with a schema and prompt made the same way (BatchRunner::categorySpec).
    TagSchemaOptions schemaOptions;
};

// The spec of a tagging batch in `mode` with `params`: the constrained answer over the taxonomy
// (its schema and prompt; every name of a value allowed for the local engine, codes and labels in
// the prompt's language for a server, whose schema enums count against its limits), or with
// `constrained` false the free-text prompt parsed leniently.
BatchSpec taggingSpec(const Taxonomy& taxonomy, const QString& mode, const QString& language,
                      const InferenceParams& params, bool constrained, bool forServer);
// Whether the spec's taxonomy can be decoded at all (names that cannot be told apart, a name over
// the byte budget, ...): checked before any image is run. "" when it can, else the problem in
// words naming the attribute and value.
QString taggingSpecProblem(const BatchSpec& spec);

class BatchRunner {
public:
    // How long a run waits for a team catalogue (PostgreSQL) that went away before it gives up.
    static constexpr int kReconnectWaitMs = 5 * 60 * 1000;
    BatchRunner(CatalogDb& db, backend::InferenceBackend& backend, const Taxonomy& taxonomy)
        : db_(db), backend_(backend), taxonomy_(taxonomy) {}

    // An unfinished batch with the same mode, prompt, model and parameters — to resume, or to
    // work on together with other workers on the same catalogue — or a new one over `imageIds`
    // (CatalogDb::joinOrCreateBatch).
    std::optional<qint64> resumeOrCreate(const BatchSpec& spec, const QList<qint64>& imageIds,
                                         bool* resumed, QString* error);

    // Called (on the running thread) when an item changes: Running when it is taken, then Done,
    // Skipped or Failed; Pending when a cancel put it back.
    void setItemObserver(std::function<void(qint64 imageId, ItemState state)> observer) {
        onItem_ = std::move(observer);
    }

    // Asked before each item: true makes run() return (successfully, nothing lost) so that the
    // thread can do other work first, e.g. a question asked in the window; run() again to go on.
    void setYield(std::function<bool()> yield) { yield_ = std::move(yield); }

    // Works through the batch until it is done, `cancel` becomes true, or the database fails
    // (then false and *error). Items interrupted by a cancel go back to pending.
    bool run(qint64 batchId, const BatchSpec& spec,
             const std::function<void(const BatchRunStatus&)>& onProgress,
             const std::atomic<bool>* cancel, QString* error);

private:
    // One item; returns the state to record (Done, Skipped, Failed; nullopt when cancelled) and
    // fills *message. Database errors are returned through *dbError.
    std::optional<ItemState> processItem(const BatchItem& item, const BatchSpec& spec,
                                         BatchRunStatus& status, const std::atomic<bool>* cancel,
                                         QString* message, QString* dbError);

    CatalogDb& db_;
    backend::InferenceBackend& backend_;
    // The spec for an image of a known category (cached per batch schema and category).
    const BatchSpec& categorySpec(const BatchSpec& spec, const QString& category);

    const Taxonomy& taxonomy_;
    QHash<QString, BatchSpec> categorySpecs_;  // "<schema key>/<category>" → spec
    std::function<void(qint64, ItemState)> onItem_;
    std::function<bool()> yield_;
};

}  // namespace vistag::catalog

#include "batch/batch_runner.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QThread>

#include "tags/tag_extraction.h"
#include "tags/tag_schema.h"

namespace vistag::catalog {

BatchSpec taggingSpec(const Taxonomy& taxonomy, const QString& mode, const QString& language,
                      const InferenceParams& params, bool constrained, bool forServer) {
    BatchSpec spec;
    spec.mode = mode;
    spec.params = params;
    if (!constrained) {
        spec.prompt = buildTaggingPrompt(taxonomy, language);
        spec.params.tagSchema.clear();
        return spec;
    }
    TagSchemaOptions options;
    options.language = language;
    options.surfaces =
        forServer ? TagSchemaOptions::Surfaces::CodesAndLabels : TagSchemaOptions::Surfaces::All;
    options.allowUnknown = forServer;
    spec.schemaOptions = options;
    spec.tagSchema = std::make_shared<const inference::TagSchema>(tagSchemaFor(taxonomy, options));
    spec.params.tagSchema = tagSchemaKey(*spec.tagSchema);
    spec.prompt = buildConstrainedTaggingPrompt(taxonomy, language, options.allowUnknown);
    return spec;
}

QString taggingSpecProblem(const BatchSpec& spec) {
    if (!spec.tagSchema)
        return {};
    auto g = inference::TagGrammar::compile(*spec.tagSchema, nullptr);
    if (g)
        return {};
    return QStringLiteral("The taxonomy cannot be used for tagging: %1")
        .arg(QString::fromStdString(g.error().message()));
}

std::optional<qint64> BatchRunner::resumeOrCreate(const BatchSpec& spec,
                                                  const QList<qint64>& imageIds, bool* resumed,
                                                  QString* error) {
    bool joined = false;
    const auto id = db_.joinOrCreateBatch(spec.mode, spec.prompt, backend_.modelId(),
                                          spec.params.toJson(), imageIds, &joined, error);
    if (!id)
        return std::nullopt;
    // Items a crashed run of this machine (or a worker that is gone) left running come back;
    // those that live workers on other processes or workstations hold stay theirs.
    if (joined && !db_.resetInterrupted(*id, error))
        return std::nullopt;
    if (resumed)
        *resumed = joined;
    return id;
}

const BatchSpec& BatchRunner::categorySpec(const BatchSpec& spec, const QString& category) {
    const QString key = spec.params.tagSchema + QLatin1Char('/') + category;
    auto it = categorySpecs_.find(key);
    if (it != categorySpecs_.end())
        return *it;
    BatchSpec scoped = spec;
    scoped.tagSchema = std::make_shared<const inference::TagSchema>(
        tagSchemaForCategory(taxonomy_, category, spec.schemaOptions));
    scoped.params.tagSchema = tagSchemaKey(*scoped.tagSchema);
    scoped.prompt = buildCategoryTaggingPrompt(taxonomy_, category, spec.schemaOptions.language,
                                               spec.schemaOptions.allowUnknown);
    return *categorySpecs_.insert(key, std::move(scoped));
}

std::optional<ItemState> BatchRunner::processItem(const BatchItem& item, const BatchSpec& batchSpec,
                                                  BatchRunStatus& status,
                                                  const std::atomic<bool>* cancel, QString* message,
                                                  QString* dbError) {
    auto image = db_.imageById(item.imageId, dbError);
    if (!image)
        return std::nullopt;
    status.currentImage = image->path;
    // With a category tree, a category a person (or a product feed) accepted is not asked
    // again: the image gets only that category's attributes. A category alone does not count
    // as "tagged".
    const bool categoryFirst =
        batchSpec.tagSchema && !batchSpec.tagSchema->categoryAttributes.empty();
    QString knownCategory;
    bool tagged = false;
    if (batchSpec.mode == QLatin1String("untagged") || categoryFirst) {
        auto tags = db_.tagsForImage(item.imageId, dbError);
        if (!tags)
            return std::nullopt;
        const QString categoryCode = QString::fromLatin1(Taxonomy::kCategoryAttribute);
        for (const TagRecord& t : *tags) {
            if (categoryFirst && t.attribute == categoryCode) {
                if (t.status == TagStatus::Accepted && taxonomy_.category(t.valueCode))
                    knownCategory = t.valueCode;
            } else {
                tagged = true;
            }
        }
    }
    if (batchSpec.mode == QLatin1String("untagged") && tagged) {
        *message = QStringLiteral("already has tags");
        return ItemState::Skipped;
    }
    const BatchSpec& spec =
        knownCategory.isEmpty() ? batchSpec : categorySpec(batchSpec, knownCategory);
    const QString params = spec.params.toJson();
    QString answer;
    qint64 runId = 0;
    QList<TagSuggestion> suggestions;
    auto cached =
        db_.cachedRun(image->contentHash, spec.prompt, backend_.cacheModelKey(), params, dbError);
    if (!dbError->isEmpty())
        return std::nullopt;
    if (cached) {
        ++status.cacheHits;
        answer = cached->answer;
        runId = cached->id;
        suggestions = spec.tagSchema && !cached->tagsJson.isEmpty()
                          ? suggestionsFromJson(cached->tagsJson)
                          : parseTagAnswer(answer, taxonomy_);
    } else {
        if (!QFileInfo::exists(image->path)) {
            // In a team catalogue the file may be on a share this workstation has not mapped:
            // said per image; the others go on.
            *message = QFileInfo(image->path).isRelative()
                           ? QStringLiteral(
                                 "the image file %1 is in the team's shared image "
                                 "folder, which is not set on this workstation "
                                 "(Settings → Shared image folder, or --image-root)")
                                 .arg(image->path)
                           : QStringLiteral(
                                 "the image file cannot be found on this "
                                 "workstation: %1")
                                 .arg(image->path);
            return ItemState::Failed;
        }
        backend::AskRequest req;
        req.images = {backend::RequestImage::file(image->path)};
        req.prompt = spec.prompt;
        req.params = spec.params;
        req.tagSchema = spec.tagSchema;
        // The batch's cancel ends this request alone, at once even while a server is silent.
        const backend::AskResult r = backend_.ask(req, {}, cancel);
        if (!r.ok) {
            *message = r.error;
            return ItemState::Failed;
        }
        ++status.modelRuns;
        RunRecord run;
        run.imageId = image->id;
        run.backend = backend_.backendName();
        run.modelId = backend_.cacheModelKey();  // the result cache's name of the model
        run.prompt = spec.prompt;
        run.paramsJson = params;
        run.answer = r.text;
        run.finishReason = backend::finishReasonName(r.finishReason);
        run.latencyMs = r.latencyMs;
        if (spec.tagSchema && r.tags) {
            suggestions = suggestionsFromTags(*r.tags);
            run.tagsJson = suggestionsToJson(suggestions);
        }
        auto id = db_.recordRun(run, dbError);  // cancelled runs are logged, never cached
        if (!id)
            return std::nullopt;
        if (r.finishReason == backend::FinishReason::Cancelled)
            return std::nullopt;
        runId = *id;
        answer = r.text;
        if (spec.tagSchema && !r.tags) {
            *message =
                r.tagsError.isEmpty() ? QStringLiteral("the answer held no tags") : r.tagsError;
            return ItemState::Failed;
        }
        if (!spec.tagSchema) {
            suggestions = parseTagAnswer(answer, taxonomy_);
            assignConfidence(suggestions, r.tokenSpans, r.tokenProbs);
        }
    }
    const QString source = QStringLiteral("model:") + backend_.modelId();
    const auto stored =
        spec.mode == QLatin1String("replace")
            ? db_.replaceModelSuggestions(image->id, runId, suggestions, source, dbError)
            : db_.addSuggestions(image->id, runId, suggestions, source, dbError);
    if (!stored)
        return std::nullopt;
    *message = QStringLiteral("%1 suggestions").arg(suggestions.size());
    return ItemState::Done;
}

bool BatchRunner::run(qint64 batchId, const BatchSpec& spec,
                      const std::function<void(const BatchRunStatus&)>& onProgress,
                      const std::atomic<bool>* cancel, QString* error) {
    BatchRunStatus status;
    // The estimate is made from the time real answers took: failed and skipped items come back
    // at once and would make it far too short.
    int answeredHere = 0;
    qint64 answerMs = 0;
    auto report = [&] {
        if (auto p = db_.batchProgress(batchId))
            status.progress = *p;
        const int remaining = status.progress.pending + status.progress.running;
        if (answeredHere > 0)
            status.etaSeconds = answerMs / 1000.0 / answeredHere * remaining;
        if (onProgress)
            onProgress(status);
    };
    report();
    // A team catalogue whose server went away (restarted, network down) is waited for: the
    // connection is made again by itself, the item in flight comes back to the queue (this
    // worker's session ended), and the batch goes on. Anything else ends the run.
    const auto waitForCatalogue = [&](const QString& dbError) {
        if (!db_.isShared() || db_.ping())
            return false;
        status.lastError = dbError;
        if (onProgress)
            onProgress(status);
        QElapsedTimer waited;
        waited.start();
        while (waited.elapsed() < kReconnectWaitMs && !(cancel && cancel->load())) {
            QThread::msleep(500);
            if (db_.ping()) {
                status.lastError.clear();  // shown while waiting; nothing failed in the end
                return true;
            }
        }
        return false;
    };
    while (!(cancel && cancel->load())) {
        if (yield_ && yield_())
            break;
        QString dbError;
        auto item = db_.nextPendingItem(batchId, &dbError);
        if (!item) {
            if (!dbError.isEmpty()) {
                if (waitForCatalogue(dbError))
                    continue;
                if (error)
                    *error = dbError;
                return false;
            }
            break;  // nothing left
        }
        if (onItem_)
            onItem_(item->imageId, ItemState::Running);
        QString message;
        QElapsedTimer itemClock;
        itemClock.start();
        const int runsBefore = status.modelRuns;
        const std::optional<ItemState> result =
            processItem(*item, spec, status, cancel, &message, &dbError);
        if (!dbError.isEmpty()) {
            if (waitForCatalogue(dbError))
                continue;  // the item is asked again (its answer was not stored)
            if (error)
                *error = dbError;
            db_.resetInterrupted(batchId);
            return false;
        }
        if (!result) {  // cancelled in the middle: the item goes back to pending
            db_.resetInterrupted(batchId);
            if (onItem_)
                onItem_(item->imageId, ItemState::Pending);
            break;
        }
        if (*result == ItemState::Failed)
            status.lastError = QStringLiteral("%1: %2").arg(status.currentImage, message);
        if (!db_.finishItem(item->itemId, *result, message, &dbError)) {
            if (waitForCatalogue(dbError))
                continue;
            if (error)
                *error = dbError;
            return false;
        }
        if (onItem_)
            onItem_(item->imageId, *result);
        if (*result == ItemState::Done && status.modelRuns > runsBefore) {  // not a cache hit
            ++answeredHere;
            answerMs += itemClock.elapsed();
        }
        status.currentImage.clear();
        report();
    }
    db_.resetInterrupted(batchId);
    report();
    return true;
}

}  // namespace vistag::catalog

// The GUI's handle on a backend: the backend lives on a worker object moved to a QThread owned
// here (quit + wait on destruction); requests and results cross threads as value structs through
// queued signals; the newest job wins and results of stale jobs are dropped by id; stop() is
// cheap and thread-safe.
#pragma once

#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>

#include "backend/inference_backend.h"
#include "backend/local_backend.h"
#include "backend/remote_backend.h"
#include "catalog/batch_runner.h"
#include "catalog/taxonomy.h"

namespace vistag::backend {

// A persistent batch of the catalogue to work through on the backend's thread (which opens its
// own connection to the catalogue file: one CatalogDb per thread).
struct BatchJob {
    QString dbPath;
    qint64 batchId = 0;
    catalog::BatchSpec spec;
    catalog::Taxonomy taxonomy;
};

class BackendWorker;

class BackendController final : public QObject {
    Q_OBJECT
public:
    explicit BackendController(QObject* parent = nullptr);
    ~BackendController() override;

    // Loads a local model folder on the worker thread (progress through loadProgress; cancel
    // with cancelLoad()). Replaces any backend in use.
    void loadLocalModel(const QString& folder, const QString& device = QStringLiteral("auto"),
                        const QString& dtype = QStringLiteral("auto"));
    void cancelLoad();
    // Uses an OpenAI-compatible server instead; checks it by listing its models first.
    void useRemote(const RemoteOptions& options);
    bool hasModel() const { return hasModel_; }
    QString modelId() const { return modelId_; }

    // Starts a request; returns its job id. A running request is stopped first.
    qint64 ask(const AskRequest& request);
    void stop();
    bool busy() const { return runningJob_ != 0; }

    // Runs a batch of the catalogue on the worker thread, one image after the other (progress
    // through batchProgress / batchItem, the end through batchFinished). A request asked while
    // a batch runs goes first once the current image is done. Returns false when a batch is
    // running already.
    bool runBatch(const BatchJob& job);
    // Stops the batch after the image being worked on is abandoned; its remaining items stay
    // pending in the catalogue (resume them with runBatch).
    void cancelBatch();
    bool batchRunning() const { return batchCancel_ != nullptr; }

signals:
    void loadProgress(double fraction, const QString& stage);
    void modelLoaded(bool ok, const QString& message);
    void answerChunk(qint64 jobId, const QString& text);
    void answerFinished(qint64 jobId, const vistag::backend::AskResult& result);
    void batchProgress(qint64 batchId, const vistag::catalog::BatchRunStatus& status);
    void batchItem(qint64 batchId, qint64 imageId, const QString& status);
    // ok false: the catalogue failed (error says why); cancelled: stopped by cancelBatch().
    void batchFinished(qint64 batchId, bool ok, bool cancelled, const QString& error);

private:
    QThread thread_;
    std::shared_ptr<std::atomic<bool>> batchCancel_;  // set while a batch runs
    BackendWorker* worker_ = nullptr;
    std::shared_ptr<std::atomic<bool>> cancelLoad_;
    std::shared_ptr<std::atomic<InferenceBackend*>> live_;  // for stop() from this thread
    std::shared_ptr<std::atomic<qint64>> cancelledUpTo_;    // jobs with ids ≤ this are stopped
    std::shared_ptr<std::atomic<int>> asksWaiting_;         // posted to the worker, not started
    bool hasModel_ = false;
    QString modelId_;
    qint64 nextJob_ = 1;
    qint64 runningJob_ = 0;
};

// Runs on the worker thread; used only through BackendController.
class BackendWorker final : public QObject {
    Q_OBJECT
public:
    BackendWorker(std::shared_ptr<std::atomic<InferenceBackend*>> live,
                  std::shared_ptr<std::atomic<qint64>> cancelledUpTo,
                  std::shared_ptr<std::atomic<int>> asksWaiting)
        : live_(std::move(live)),
          cancelledUpTo_(std::move(cancelledUpTo)),
          asksWaiting_(std::move(asksWaiting)) {}
    ~BackendWorker() override;

    void load(const QString& folder, const QString& device, const QString& dtype,
              std::shared_ptr<std::atomic<bool>> cancel);
    void run(qint64 jobId, const vistag::backend::AskRequest& request);
    void connectRemote(const RemoteOptions& options);
    // Works on the batch until it is done or cancelled, or until a request is waiting: then it
    // posts itself behind that request (idleRounds counts rounds that made no progress).
    void runBatch(const BatchJob& job, std::shared_ptr<std::atomic<bool>> cancel,
                  int idleRounds = 0);

signals:
    void loadProgress(double fraction, const QString& stage);
    void loaded(bool ok, const QString& message, const QString& modelId);
    void chunk(qint64 jobId, const QString& text);
    void finished(qint64 jobId, const vistag::backend::AskResult& result);
    void batchProgress(qint64 batchId, const vistag::catalog::BatchRunStatus& status);
    void batchItem(qint64 batchId, qint64 imageId, const QString& status);
    void batchFinished(qint64 batchId, bool ok, bool cancelled, const QString& error);

private:
    std::unique_ptr<InferenceBackend> backend_;
    std::shared_ptr<std::atomic<InferenceBackend*>> live_;
    std::shared_ptr<std::atomic<qint64>> cancelledUpTo_;
    std::shared_ptr<std::atomic<int>> asksWaiting_;
};

}  // namespace vistag::backend


Q_DECLARE_METATYPE(vistag::catalog::BatchRunStatus)

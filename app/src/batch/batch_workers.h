// Several items of one batch in flight at once: N workers, each on its own thread with its own
// catalogue connection (a worker of the batch queue: CatalogDb::nextPendingItem hands each item to
// one of them) and its own use of a backend. With the local engine the workers share one
// LocalBackend loaded with `batched`, so their questions decode together in the engine's batch;
// with a server each worker has its own RemoteBackend, so at most N requests are in flight. Every
// finished item is committed on its own as with one worker: a killed process loses only what
// was in flight, and the same command resumes.
#pragma once

#include <QString>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "backend/inference_backend.h"
#include "batch/batch_runner.h"
#include "tasks/background_tasks.h"

namespace vistag::catalog {

struct BatchWorkersOptions {
    QString catalogue;  // the location the batch lives in (file or postgresql:// address)
    int workers = 1;
    // The backend worker `index` (0..workers-1) uses; called on the thread that calls start().
    // May return the same thread-safe backend for every worker.
    std::function<std::shared_ptr<backend::InferenceBackend>(int index)> backendFor;
};

// One run of a batch by N worker threads. The object owns its threads: the destructor cancels
// and joins them, so nothing they point at is gone while they run. Callbacks run on the workers'
// threads, one call at a time: onProgress with the combined status (progress from the
// catalogue, cache hits and model runs summed over the workers, an ETA from the items finished
// so far), onItem with an item's new state, onFinished once, from the last worker to end (ok
// false and the first catalogue error when a worker could not use the catalogue).
class BatchWorkers {
public:
    struct Callbacks {
        std::function<void(const BatchRunStatus&)> onProgress;
        std::function<void(qint64 imageId, ItemState state)> onItem;
        std::function<void(bool ok, bool cancelled, const QString& error)> onFinished;
    };

    BatchWorkers(qint64 batchId, BatchSpec spec, Taxonomy taxonomy, BatchWorkersOptions options);
    ~BatchWorkers();
    BatchWorkers(const BatchWorkers&) = delete;
    BatchWorkers& operator=(const BatchWorkers&) = delete;

    void start(Callbacks callbacks);
    // Any thread: pending items stay pending, the requests in flight stop (their items go back
    // to the queue).
    void cancel();
    bool cancelled() const { return cancel_->load(); }
    bool finished() const { return running_.load() == 0; }
    qint64 batchId() const { return batchId_; }

private:
    void combine(int index, const BatchRunStatus& status);

    qint64 batchId_;
    BatchSpec spec_;
    Taxonomy taxonomy_;
    BatchWorkersOptions options_;
    Callbacks callbacks_;
    std::shared_ptr<std::atomic<bool>> cancel_ = std::make_shared<std::atomic<bool>>(false);
    std::vector<std::shared_ptr<backend::InferenceBackend>> backends_;
    std::atomic<int> running_{0};    // threads not yet done
    std::atomic<int> reporting_{0};  // threads not yet past their catalogue work
    std::mutex lock_;                // guards what follows
    std::vector<BatchRunStatus> statuses_;
    BatchProgress latest_;  // the counts last reported
    QString firstError_;
    qint64 startedMs_ = 0;
    int doneAtStart_ = -1;
    // The worker threads (they share cancel_); last, so they are joined first.
    tasks::BackgroundTasks threads_{nullptr};
};

// The command line's way: runs the batch with options.workers workers and blocks the calling
// thread (it only waits; `cancel`, set by a signal handler, is checked every 50 ms) until no item
// is left, `cancel` becomes true, or the catalogue fails.
bool runBatchWorkers(qint64 batchId, const BatchSpec& spec, const Taxonomy& taxonomy,
                     const BatchWorkersOptions& options,
                     const std::function<void(const BatchRunStatus&)>& onProgress,
                     const std::atomic<bool>* cancel, QString* error);

}  // namespace vistag::catalog

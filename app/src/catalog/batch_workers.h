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

#include "backend/inference_backend.h"
#include "catalog/batch_runner.h"

namespace vistag::catalog {

struct BatchWorkersOptions {
    QString catalogue;  // the location the batch lives in (file or postgresql:// address)
    int workers = 1;
    // The backend worker `index` (0..workers-1) uses; called on the calling thread before the
    // workers start. May return the same thread-safe backend for every worker.
    std::function<std::shared_ptr<backend::InferenceBackend>(int index)> backendFor;
};

// Runs `batchId` until no item is left, `cancel` becomes true, or the catalogue fails; blocks the
// calling thread, which keeps its event loop running (a cancel reaches the backends at once).
// onProgress is called, one call at a time, on the workers' threads with the combined status
// (progress from the catalogue, cache hits and model runs summed over the workers, an ETA from
// the items finished so far). False and *error when a worker could not use the catalogue.
bool runBatchWorkers(qint64 batchId, const BatchSpec& spec, const Taxonomy& taxonomy,
                     const BatchWorkersOptions& options,
                     const std::function<void(const BatchRunStatus&)>& onProgress,
                     const std::atomic<bool>* cancel, QString* error);

}  // namespace vistag::catalog

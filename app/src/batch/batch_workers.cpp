#include "batch/batch_workers.h"

#include <chrono>
#include <thread>

#include <QDateTime>

namespace vistag::catalog {

BatchWorkers::BatchWorkers(qint64 batchId, BatchSpec spec, Taxonomy taxonomy,
                           BatchWorkersOptions options)
    : batchId_(batchId),
      spec_(std::move(spec)),
      taxonomy_(std::move(taxonomy)),
      options_(std::move(options)) {}

BatchWorkers::~BatchWorkers() {
    cancel();  // threads_, the last member, joins the workers first
}

void BatchWorkers::cancel() {
    // Each worker's request watches this flag and ends alone (a server request at once, a local
    // one at its next token); other work sharing the engine goes on.
    cancel_->store(true);
}

void BatchWorkers::combine(int index, const BatchRunStatus& s) {
    std::lock_guard guard(lock_);
    statuses_[index] = s;
    BatchRunStatus all = s;
    // Workers read the counts at different moments: what is reported never goes backwards.
    if (s.progress.finished() < latest_.finished())
        all.progress = latest_;
    latest_ = all.progress;
    all.cacheHits = all.modelRuns = 0;
    for (const BatchRunStatus& w : statuses_) {
        all.cacheHits += w.cacheHits;
        all.modelRuns += w.modelRuns;
        if (!w.lastError.isEmpty())
            all.lastError = w.lastError;
    }
    // The estimate counts answers only (failures and skips are instant).
    if (doneAtStart_ < 0)
        doneAtStart_ = s.progress.done;
    const int answeredHere = s.progress.done - doneAtStart_;
    const int remaining = s.progress.pending + s.progress.running;
    const double seconds = (QDateTime::currentMSecsSinceEpoch() - startedMs_) / 1000.0;
    all.etaSeconds = answeredHere > 0 ? seconds / answeredHere * remaining : -1;
    if (callbacks_.onProgress)
        callbacks_.onProgress(all);
}

void BatchWorkers::start(Callbacks callbacks) {
    callbacks_ = std::move(callbacks);
    const int n = std::max(1, options_.workers);
    for (int i = 0; i < n; ++i)
        backends_.push_back(options_.backendFor(i));
    statuses_.assign(n, {});
    startedMs_ = QDateTime::currentMSecsSinceEpoch();
    running_.store(n);
    reporting_.store(n);
    for (int i = 0; i < n; ++i) {
        threads_.start(
            QStringLiteral("vistag-batch-%1").arg(i), [this, i](const std::atomic<bool>&) {
                QString err;
                CatalogDb db;  // this worker's own connection: its own name in the queue
                bool ok = db.open(options_.catalogue, &err);
                if (ok) {
                    BatchRunner runner(db, *backends_[i], taxonomy_);
                    runner.setItemObserver([this](qint64 imageId, ItemState state) {
                        std::lock_guard guard(lock_);
                        if (callbacks_.onItem)
                            callbacks_.onItem(imageId, state);
                    });
                    ok = runner.run(
                        batchId_, spec_, [this, i](const BatchRunStatus& s) { combine(i, s); },
                        cancel_.get(), &err);
                }
                bool last = false;
                QString error;
                {
                    std::lock_guard guard(lock_);
                    if (!ok && firstError_.isEmpty())
                        firstError_ = err;
                    last = reporting_.fetch_sub(1) == 1;
                    error = firstError_;
                }
                if (last && callbacks_.onFinished)
                    callbacks_.onFinished(error.isEmpty(), cancel_->load(), error);
                running_.fetch_sub(1);  // after the report: finished() means everything was said
            });
    }
}

bool runBatchWorkers(qint64 batchId, const BatchSpec& spec, const Taxonomy& taxonomy,
                     const BatchWorkersOptions& options,
                     const std::function<void(const BatchRunStatus&)>& onProgress,
                     const std::atomic<bool>* cancel, QString* error) {
    bool ok = true;  // before `workers`: they outlive its threads
    QString firstError;
    BatchWorkers workers(batchId, spec, taxonomy, options);
    workers.start({onProgress, {}, [&](bool good, bool, const QString& e) {
                       ok = good;  // the last worker writes these before `finished()` turns true
                       firstError = e;
                   }});
    // The workers report through direct callbacks: this thread only waits (no event loop).
    while (!workers.finished()) {
        if (cancel && cancel->load())
            workers.cancel();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    if (!ok && error)
        *error = firstError;
    return ok;
}

}  // namespace vistag::catalog

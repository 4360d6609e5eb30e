#include "catalog/batch_workers.h"

#include <QElapsedTimer>
#include <QEventLoop>
#include <QThread>
#include <QTimer>
#include <mutex>
#include <vector>

namespace vistag::catalog {

bool runBatchWorkers(qint64 batchId, const BatchSpec& spec, const Taxonomy& taxonomy,
                     const BatchWorkersOptions& options,
                     const std::function<void(const BatchRunStatus&)>& onProgress,
                     const std::atomic<bool>* cancel, QString* error) {
    const int n = std::max(1, options.workers);
    std::vector<std::shared_ptr<backend::InferenceBackend>> backends;
    for (int i = 0; i < n; ++i)
        backends.push_back(options.backendFor(i));

    // What the workers share: their latest statuses, the first catalogue error. Every worker
    // thread ends before this function returns, so references to these locals are safe.
    std::mutex lock;
    std::vector<BatchRunStatus> statuses(n);
    QString firstError;
    QElapsedTimer clock;
    clock.start();
    int doneAtStart = -1;
    const auto combined = [&](int index, const BatchRunStatus& s) {
        std::lock_guard guard(lock);
        statuses[index] = s;
        BatchRunStatus all = s;
        all.cacheHits = all.modelRuns = 0;
        for (const BatchRunStatus& w : statuses) {
            all.cacheHits += w.cacheHits;
            all.modelRuns += w.modelRuns;
            if (!w.lastError.isEmpty())
                all.lastError = w.lastError;
        }
        if (doneAtStart < 0)
            doneAtStart = s.progress.finished();
        const int finishedHere = s.progress.finished() - doneAtStart;
        const int remaining = s.progress.pending + s.progress.running;
        all.etaSeconds =
            finishedHere > 0 ? clock.elapsed() / 1000.0 / finishedHere * remaining : -1;
        if (onProgress)
            onProgress(all);
    };

    std::vector<QThread*> threads;
    std::atomic<int> running{n};
    for (int i = 0; i < n; ++i) {
        std::shared_ptr<backend::InferenceBackend> backend = backends[i];
        threads.push_back(QThread::create([&, i, backend] {
            QString err;
            CatalogDb db;  // this worker's own connection: its own name in the queue
            bool ok = db.open(options.catalogue, &err);
            if (ok) {
                BatchRunner runner(db, *backend, taxonomy);
                ok = runner.run(
                    batchId, spec, [&](const BatchRunStatus& s) { combined(i, s); }, cancel, &err);
            }
            if (!ok) {
                std::lock_guard guard(lock);
                if (firstError.isEmpty())
                    firstError = err;
            }
            --running;
        }));
    }
    for (QThread* t : threads)
        t->start();
    // Wait here with the event loop running: a cancel is passed on to the backends at once (a
    // request waiting on a silent server stops instead of running into its timeout).
    QEventLoop loop;
    QTimer poll;
    bool cancelSent = false;
    QObject::connect(&poll, &QTimer::timeout, &loop, [&] {
        if (cancel && cancel->load() && !cancelSent) {
            cancelSent = true;
            for (const auto& b : backends)
                b->cancel();
        }
        if (running.load() == 0)
            loop.quit();
    });
    poll.start(50);
    if (running.load() > 0)
        loop.exec();
    for (QThread* t : threads) {
        t->wait();
        delete t;
    }
    if (!firstError.isEmpty()) {
        if (error)
            *error = firstError;
        return false;
    }
    return true;
}

}  // namespace vistag::catalog

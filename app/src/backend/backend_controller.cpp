#include "backend/backend_controller.h"

namespace vistag::backend {

BackendWorker::~BackendWorker() { live_->store(nullptr); }

void BackendWorker::load(const QString& folder, const QString& device, const QString& dtype,
                         std::shared_ptr<std::atomic<bool>> cancel) {
    live_->store(nullptr);
    backend_.reset();
    LocalOptions o;
    o.device = device;
    o.dtype = dtype;
    o.progress = [this, cancel](double f, const QString& stage) {
        emit loadProgress(f, stage);
        return !cancel->load();
    };
    QString error;
    backend_ = LocalBackend::load(folder, o, &error);
    if (!backend_) {
        emit loaded(false, error, {});
        return;
    }
    live_->store(backend_.get());
    emit loaded(true, {}, backend_->modelId());
}

void BackendWorker::connectRemote(const RemoteOptions& options) {
    live_->store(nullptr);
    backend_.reset();
    RemoteOptions o = options;
    QString error;
    const auto models = RemoteBackend(o).listModels(&error);  // reachable, key accepted?
    if (!models) {
        emit loaded(false, error, {});
        return;
    }
    if (o.model.isEmpty() && !models->isEmpty()) o.model = models->first();
    backend_ = std::make_unique<RemoteBackend>(o);
    live_->store(backend_.get());
    emit loaded(true, {}, backend_->modelId());
}

void BackendWorker::run(qint64 jobId, const AskRequest& request) {
    asksWaiting_->fetch_sub(1);
    if (!backend_) {
        AskResult r;
        r.error = tr("No model is loaded yet.");
        emit finished(jobId, r);
        return;
    }
    const auto stopped = [&] { return jobId <= cancelledUpTo_->load(); };
    if (stopped()) {
        AskResult r;
        r.ok = true;
        r.finishReason = QStringLiteral("cancelled");
        emit finished(jobId, r);
        return;
    }
    AskResult r = backend_->ask(request, [&](const QString& text) {
        emit chunk(jobId, text);
        return !stopped();
    });
    emit finished(jobId, r);
}

void BackendWorker::runBatch(const BatchJob& job, std::shared_ptr<std::atomic<bool>> cancel,
                             int idleRounds) {
    const qint64 id = job.batchId;
    if (!backend_) {
        emit batchFinished(id, false, false, tr("No model is loaded yet."));
        return;
    }
    catalog::CatalogDb db;  // this thread's own connection to the catalogue file
    QString error;
    if (!db.open(job.dbPath, &error)) {
        emit batchFinished(id, false, false, error);
        return;
    }
    catalog::BatchRunner runner(db, *backend_, job.taxonomy);
    runner.setItemObserver(
        [this, id](qint64 imageId, const QString& status) { emit batchItem(id, imageId, status); });
    runner.setYield([waiting = asksWaiting_] { return waiting->load() > 0; });
    const auto progress = [this, id](const catalog::BatchRunStatus& s) { emit batchProgress(id, s); };
    const auto before = db.batchProgress(id);
    if (!runner.run(id, job.spec, progress, cancel.get(), &error)) {
        emit batchFinished(id, false, false, error);
        return;
    }
    if (cancel->load()) {
        emit batchFinished(id, true, true, {});
        return;
    }
    const auto after = db.batchProgress(id, &error);
    if (!after) {
        emit batchFinished(id, false, false, error);
        return;
    }
    if (after->pending + after->running == 0) {
        emit batchFinished(id, true, false, {});
        return;
    }
    // Not done: a request is waiting (it goes first), or a Stop in the ask pane cancelled the
    // engine's current generation, which the runner took for a cancel (the image went back to
    // the queue). Go on, unless round after round makes no progress.
    const bool moved = before && after->finished() > before->finished();
    idleRounds = moved || asksWaiting_->load() > 0 ? 0 : idleRounds + 1;
    if (idleRounds >= 3) {
        emit batchFinished(id, false, false,
                           tr("The model keeps stopping before it answers; the remaining images "
                              "stay queued."));
        return;
    }
    QMetaObject::invokeMethod(
        this, [this, job, cancel, idleRounds] { runBatch(job, cancel, idleRounds); },
        Qt::QueuedConnection);
}

BackendController::BackendController(QObject* parent)
    : QObject(parent),
      cancelLoad_(std::make_shared<std::atomic<bool>>(false)),
      live_(std::make_shared<std::atomic<InferenceBackend*>>(nullptr)),
      cancelledUpTo_(std::make_shared<std::atomic<qint64>>(0)),
      asksWaiting_(std::make_shared<std::atomic<int>>(0)) {
    qRegisterMetaType<AskResult>();
    qRegisterMetaType<catalog::BatchRunStatus>();
    worker_ = new BackendWorker(live_, cancelledUpTo_, asksWaiting_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &BackendWorker::loadProgress, this, &BackendController::loadProgress);
    connect(worker_, &BackendWorker::loaded, this,
            [this](bool ok, const QString& message, const QString& modelId) {
                hasModel_ = ok;
                modelId_ = modelId;
                emit modelLoaded(ok, message);
            });
    connect(worker_, &BackendWorker::chunk, this, [this](qint64 job, const QString& text) {
        if (job == runningJob_) emit answerChunk(job, text);  // stale jobs are dropped
    });
    connect(worker_, &BackendWorker::finished, this, [this](qint64 job, const AskResult& r) {
        if (job != runningJob_) return;
        runningJob_ = 0;
        emit answerFinished(job, r);
    });
    connect(worker_, &BackendWorker::batchProgress, this, &BackendController::batchProgress);
    connect(worker_, &BackendWorker::batchItem, this, &BackendController::batchItem);
    connect(worker_, &BackendWorker::batchFinished, this,
            [this](qint64 id, bool ok, bool cancelled, const QString& error) {
                batchCancel_.reset();
                emit batchFinished(id, ok, cancelled, error);
            });
    thread_.setObjectName(QStringLiteral("vistag-backend"));
    thread_.start();
}

BackendController::~BackendController() {
    cancelLoad_->store(true);
    cancelBatch();
    stop();
    thread_.quit();
    thread_.wait();
}

void BackendController::loadLocalModel(const QString& folder, const QString& device,
                                       const QString& dtype) {
    stop();
    cancelLoad_->store(true);  // an earlier load still running gives up
    cancelLoad_ = std::make_shared<std::atomic<bool>>(false);
    hasModel_ = false;
    QMetaObject::invokeMethod(
        worker_, [w = worker_, folder, device, dtype, flag = cancelLoad_] {
            w->load(folder, device, dtype, flag);
        },
        Qt::QueuedConnection);
}

void BackendController::cancelLoad() { cancelLoad_->store(true); }

void BackendController::useRemote(const RemoteOptions& options) {
    stop();
    hasModel_ = false;
    QMetaObject::invokeMethod(
        worker_, [w = worker_, options] { w->connectRemote(options); }, Qt::QueuedConnection);
}

qint64 BackendController::ask(const AskRequest& request) {
    stop();
    runningJob_ = nextJob_++;
    asksWaiting_->fetch_add(1);  // a batch running on the worker lets it go first
    QMetaObject::invokeMethod(
        worker_, [w = worker_, job = runningJob_, request] { w->run(job, request); },
        Qt::QueuedConnection);
    return runningJob_;
}

void BackendController::stop() {
    if (runningJob_ == 0) return;
    // Jobs up to the running one are cancelled even if the worker has not started them yet
    // (the engine clears its own stop flag when a generation starts).
    cancelledUpTo_->store(runningJob_);
    if (InferenceBackend* b = live_->load()) b->cancel();
}

bool BackendController::runBatch(const BatchJob& job) {
    if (batchCancel_) return false;
    batchCancel_ = std::make_shared<std::atomic<bool>>(false);
    QMetaObject::invokeMethod(
        worker_, [w = worker_, job, flag = batchCancel_] { w->runBatch(job, flag); },
        Qt::QueuedConnection);
    return true;
}

void BackendController::cancelBatch() {
    if (!batchCancel_) return;
    batchCancel_->store(true);
    // The generation in progress stops at its next token (the runner puts the item back).
    if (InferenceBackend* b = live_->load()) b->cancel();
}

}  // namespace vistag::backend

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

BackendController::BackendController(QObject* parent)
    : QObject(parent),
      cancelLoad_(std::make_shared<std::atomic<bool>>(false)),
      live_(std::make_shared<std::atomic<InferenceBackend*>>(nullptr)),
      cancelledUpTo_(std::make_shared<std::atomic<qint64>>(0)) {
    qRegisterMetaType<AskResult>();
    worker_ = new BackendWorker(live_, cancelledUpTo_);
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
    thread_.setObjectName(QStringLiteral("vistag-backend"));
    thread_.start();
}

BackendController::~BackendController() {
    cancelLoad_->store(true);
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

}  // namespace vistag::backend

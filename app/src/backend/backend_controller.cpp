#include "backend/backend_controller.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <utility>

#include "backend/logged_backend.h"
#include "logging/app_log.h"
#include "server/api_server.h"
#include "vistag/inference/engine.h"
#include "vistag/inference/status.h"

namespace vistag::backend {

BackendWorker::~BackendWorker() { release(); }

void BackendWorker::release() {
    live_->store(nullptr);
    backend_.reset();
    QMutexLocker lock(&loadedEngine_->mutex);
    loadedEngine_->engine.reset();
}

void BackendWorker::load(const QString& folder, const QString& device, const QString& dtype,
                         std::shared_ptr<std::atomic<bool>> cancel, qint64 setupId) {
    release();
    const int cancelledCode = static_cast<int>(inference::ErrorCode::Cancelled);
    if (cancel->load()) {  // cancelled before it started
        emit loaded(false, QCoreApplication::translate("vistag::backend::BackendWorker",
                                                     "Loading the model was cancelled."), {}, cancelledCode, setupId);
        return;
    }
    logging::info(QStringLiteral("loading model %1 (device %2, dtype %3)").arg(folder, device, dtype));
    QElapsedTimer clock;
    clock.start();
    LocalOptions o;
    o.device = device;
    o.dtype = dtype;
    o.progress = [this, cancel](double f, const QString& stage) {
        emit loadProgress(f, stage);
        return !cancel->load();
    };
    QString error;
    int code = 0;
    std::unique_ptr<LocalBackend> local = LocalBackend::load(folder, o, &error, &code);
    if (!local) {
        logging::warn(QStringLiteral("loading model %1 failed: %2").arg(folder, error));
        emit loaded(false, error, {}, code ? code : static_cast<int>(inference::ErrorCode::Internal),
                    setupId);
        return;
    }
    const inference::SamplingParams d = local->engine().defaultSampling();
    const inference::ModelInfo& info = local->engine().info();
    logging::info(QStringLiteral("model %1 loaded on %2 (%3) in %4 ms")
                      .arg(local->modelId(), QString::fromStdString(info.device),
                           QString::fromStdString(info.dtype))
                      .arg(clock.elapsed()));
    auto shared = std::make_shared<SharedEngine>(std::shared_ptr<InferenceBackend>(std::move(local)));
    {
        QMutexLocker lock(&loadedEngine_->mutex);
        loadedEngine_->engine = shared;
        loadedEngine_->defaults = {};
        loadedEngine_->defaults.temperature = d.temperature;
        loadedEngine_->defaults.topP = d.topP;
        loadedEngine_->defaults.topK = d.topK;
    }
    backend_ = std::make_unique<SharedEngineClient>(shared);
    live_->store(backend_.get());
    emit loaded(true, {}, backend_->modelId(), 0, setupId);
}

void BackendWorker::connectRemote(const RemoteOptions& options, qint64 setupId) {
    release();
    RemoteOptions o = options;
    QString error;
    const auto models = RemoteBackend(o).listModels(&error);  // reachable, key accepted?
    if (!models) {
        logging::warn(QStringLiteral("server %1: %2").arg(o.baseUrl, error));
        emit loaded(false, error, {}, RemoteBackend::kServerError, setupId);
        return;
    }
    if (o.model.isEmpty() && !models->isEmpty()) o.model = models->first();
    auto remote = std::make_unique<RemoteBackend>(o);
    RemoteBackend* r = remote.get();
    backend_ = std::move(remote);
    live_->store(backend_.get());
    logging::info(QStringLiteral("using server %1, model %2").arg(o.baseUrl, o.model));
    emit loaded(true, {}, backend_->modelId(), 0, setupId);
    // One short request (cached per server and model): does the server enforce a schema?
    // Requests posted meanwhile wait behind it; stop() cancels it like an answer.
    const TagSchemaProbe probe = r->probeTagSchema();
    logging::info(
        QStringLiteral("server %1: %2 (%3)").arg(o.baseUrl, probe.summary(), probe.detail));
    emit tagSchemaProbed(probe, setupId);
}

void BackendWorker::run(qint64 jobId, const AskRequest& request) {
    asksWaiting_->fetch_sub(1);
    if (!backend_) {
        AskResult r;
        r.error = QCoreApplication::translate("vistag::backend::BackendWorker",
                                             "No model is loaded yet.");
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
    AskResult r = LoggedBackend(*backend_).ask(request, [&](const QString& text) {
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
    LoggedBackend logged(*backend_);  // every image's answer goes to the log too
    catalog::BatchRunner runner(db, logged, job.taxonomy);
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
      loadedEngine_(std::make_shared<LoadedEngine>()),
      asksWaiting_(std::make_shared<std::atomic<int>>(0)) {
    qRegisterMetaType<AskResult>();
    qRegisterMetaType<catalog::BatchRunStatus>();
    qRegisterMetaType<TagSchemaProbe>();
    worker_ = new BackendWorker(live_, cancelledUpTo_, loadedEngine_, asksWaiting_);
    worker_->moveToThread(&thread_);
    connect(&thread_, &QThread::finished, worker_, &QObject::deleteLater);
    connect(worker_, &BackendWorker::loadProgress, this, [this](double f, const QString& stage) {
        if (loading_) emit loadProgress(f, stage);
    });
    connect(worker_, &BackendWorker::loaded, this,
            [this](bool ok, const QString& message, const QString& modelId, int code, qint64 id) {
                if (id != setupId_) return;  // replaced by a newer load or connection
                loading_ = false;
                hasModel_ = ok;
                modelId_ = modelId;
                lastErrorCode_ = code;
                emit modelLoaded(ok, message);
            });
    connect(worker_, &BackendWorker::tagSchemaProbed, this,
            [this](const TagSchemaProbe& probe, qint64 id) {
                if (id != setupId_) return;  // a newer load or connection replaced that server
                tagSchemaProbe_ = probe;
                emit tagSchemaProbed(probe);
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
    if (server_) {  // the server's worker ends before the engine it shares goes
        server::ApiServer* srv = std::exchange(server_, nullptr);
        QMetaObject::invokeMethod(srv, [srv] { delete srv; }, Qt::BlockingQueuedConnection);
    }
    serverThread_.quit();
    serverThread_.wait();
    thread_.quit();
    thread_.wait();
}

void BackendController::loadLocalModel(const QString& folder, const QString& device,
                                       const QString& dtype) {
    stop();
    stopSharing();
    cancelLoad_->store(true);  // an earlier load still running gives up
    cancelLoad_ = std::make_shared<std::atomic<bool>>(false);
    hasModel_ = false;
    tagSchemaProbe_.reset();
    usesServer_ = false;
    loading_ = true;
    QMetaObject::invokeMethod(
        worker_, [w = worker_, folder, device, dtype, flag = cancelLoad_, id = ++setupId_] {
            w->load(folder, device, dtype, flag, id);
        },
        Qt::QueuedConnection);
}

void BackendController::cancelLoad() {
    cancelLoad_->store(true);
    if (loading_) logging::info(QStringLiteral("loading the model: cancel requested"));
}

void BackendController::useRemote(const RemoteOptions& options) {
    stop();
    stopSharing();
    cancelLoad_->store(true);  // a load still running gives up
    hasModel_ = false;
    tagSchemaProbe_.reset();
    usesServer_ = true;
    loading_ = false;
    QMetaObject::invokeMethod(
        worker_, [w = worker_, options, id = ++setupId_] { w->connectRemote(options, id); },
        Qt::QueuedConnection);
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

bool BackendController::startSharing(const server::ServerOptions& options, QString* error) {
    stopSharing();
    std::shared_ptr<SharedEngine> engine;
    catalog::InferenceParams defaults;
    {
        QMutexLocker lock(&loadedEngine_->mutex);
        engine = loadedEngine_->engine;
        defaults = loadedEngine_->defaults;
    }
    if (!engine || loading_) {
        *error = QCoreApplication::translate(
            "vistag::backend::BackendController",
            "Load a local model first: only a model running on this computer can be shared.");
        return false;
    }
    server::ServerOptions o = options;
    if (o.defaults.maxNewTokens <= 0) o.defaults.maxNewTokens = 1024;
    if (o.defaults.temperature == 0 && o.defaults.topP == 1 && o.defaults.topK == 0) {
        o.defaults.temperature = defaults.temperature;
        o.defaults.topP = defaults.topP;
        o.defaults.topK = defaults.topK;
    }
    if (!o.log) o.log = [](const QString& line) { logging::info(line); };
    if (!serverThread_.isRunning()) {
        serverThread_.setObjectName(QStringLiteral("vistag-share"));
        serverThread_.start();
    }
    auto* srv = new server::ApiServer(o, std::make_shared<SharedEngineClient>(engine));
    srv->moveToThread(&serverThread_);
    // Binding takes no time: the window waits for the answer.
    bool listening = false;
    quint16 port = 0;
    QMetaObject::invokeMethod(
        srv,
        [&] {
            listening = srv->listen(error);
            port = srv->port();
        },
        Qt::BlockingQueuedConnection);
    if (!listening) {
        QMetaObject::invokeMethod(srv, [srv] { delete srv; }, Qt::BlockingQueuedConnection);
        logging::warn(QStringLiteral("sharing the model on %1:%2 failed: %3")
                          .arg(o.host.toString())
                          .arg(o.port)
                          .arg(*error));
        return false;
    }
    const QString host = o.host.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + o.host.toString() + QLatin1Char(']')
                             : o.host.toString();
    sharingUrl_ = QStringLiteral("http://%1:%2/v1").arg(host).arg(port);
    server_ = srv;
    logging::info(QStringLiteral("sharing model %1 at %2%3%4")
                      .arg(modelId_, sharingUrl_,
                           o.apiKey.isEmpty() ? QStringLiteral(" (no API key)") : QString(),
                           o.allow.isEmpty() ? QString() : QStringLiteral(" (allow-list)")));
    emit sharingChanged(true, sharingUrl_);
    return true;
}

void BackendController::stopSharing() {
    if (!server_) return;
    // On its own thread: closes the port, stops its running generation, joins its worker.
    server::ApiServer* srv = std::exchange(server_, nullptr);
    QMetaObject::invokeMethod(srv, [srv] { delete srv; }, Qt::BlockingQueuedConnection);
    logging::info(QStringLiteral("stopped sharing at %1").arg(sharingUrl_));
    sharingUrl_.clear();
    emit sharingChanged(false, {});
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

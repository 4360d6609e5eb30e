#include "scheduler/backend_controller.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <utility>

#include "backend/engine_request.h"
#include "backend/logged_backend.h"
#include "batch/batch_workers.h"
#include "logging/app_log.h"
#include "server/api_server.h"
#include "vistag/inference/engine.h"
#include "vistag/inference/status.h"

namespace vistag::backend {
namespace {

QString trController(const char* text) {
    return QCoreApplication::translate("vistag::backend::BackendController", text);
}

}  // namespace

BackendController::BackendController(QObject* parent)
    : QObject(parent), cancelLoad_(std::make_shared<std::atomic<bool>>(false)) {
    qRegisterMetaType<AskResult>();
    qRegisterMetaType<catalog::BatchRunStatus>();
    qRegisterMetaType<catalog::ItemState>();
    qRegisterMetaType<TagSchemaProbe>();
}

BackendController::~BackendController() {
    // Every job is told to stop, then joined: no thread of this controller outlives it.
    cancelLoad_->store(true);
    stop();
    if (askHandle_)  // its callbacks post to this object: let it end first
        askHandle_->wait();
    if (batch_)
        batch_->cancel();
    stopSharing();
    serverThread_.quit();
    serverThread_.wait();
    batch_.reset();
    // threads_ (the last member) joins the question, load and connection threads as it goes.
}

std::shared_ptr<InferenceBackend> BackendController::backendForJob() const {
    if (remote_)  // a client per job: its requests and its cancel are its own
        return std::make_shared<RemoteBackend>(*remote_);
    return local_;
}

void BackendController::releaseBackend() {
    stop();
    if (batch_)
        batch_->cancel();  // its items in flight go back to the queue
    stopSharing();
    local_.reset();  // freed by the last job still using it
    remote_.reset();
    hasModel_ = false;
    tagSchemaProbe_.reset();
}

void BackendController::loadLocalModel(const QString& folder, const QString& device,
                                       const QString& dtype) {
    std::weak_ptr<InferenceBackend> previous = local_;
    releaseBackend();
    cancelLoad_->store(true);  // an earlier load still running gives up
    usesServer_ = false;
    loading_ = true;
    const qint64 id = ++setupId_;
    cancelLoad_ = threads_.start(
        QStringLiteral("vistag-load"),
        [this, folder, device, dtype, id, previous](const std::atomic<bool>& cancel) {
            const int cancelledCode = static_cast<int>(inference::ErrorCode::Cancelled);
            const auto report = [this, id](bool ok, const QString& message,
                                           std::shared_ptr<InferenceBackend> backend,
                                           catalog::InferenceParams defaults, int code) {
                QMetaObject::invokeMethod(
                    this,
                    [this, id, ok, message, backend = std::move(backend), defaults, code] {
                        onLoaded(id, ok, message, backend, defaults, code);
                    },
                    Qt::QueuedConnection);
            };
            // Never two copies of the weights: the jobs cancelled above let go of the old engine
            // at their next token.
            while (!previous.expired() && !cancel.load())
                QThread::msleep(20);
            if (cancel.load()) {
                report(false, trController("Loading the model was cancelled."), nullptr, {},
                       cancelledCode);
                return;
            }
            logging::info(QStringLiteral("loading model %1 (device %2, dtype %3)")
                              .arg(folder, device, dtype));
            QElapsedTimer clock;
            clock.start();
            LocalOptions o;
            o.device = device;
            o.dtype = dtype;
            o.batched = true;  // questions, batch items and shared-server requests decode together
            o.progress = [this, &cancel](double f, const QString& stage) {
                QMetaObject::invokeMethod(
                    this,
                    [this, f, stage] {
                        if (loading_)
                            emit loadProgress(f, stage);
                    },
                    Qt::QueuedConnection);
                return !cancel.load();
            };
            QString error;
            int code = 0;
            std::unique_ptr<LocalBackend> local = LocalBackend::load(folder, o, &error, &code);
            if (!local) {
                logging::warn(QStringLiteral("loading model %1 failed: %2").arg(folder, error));
                report(false, error, nullptr, {},
                       code ? code : static_cast<int>(inference::ErrorCode::Internal));
                return;
            }
            const inference::SamplingParams d = local->engine().defaultSampling();
            const inference::ModelInfo& info = local->engine().info();
            logging::info(QStringLiteral("model %1 loaded on %2 (%3) in %4 ms")
                              .arg(local->modelId(), QString::fromStdString(info.device),
                                   QString::fromStdString(info.dtype))
                              .arg(clock.elapsed()));
            const catalog::InferenceParams defaults = inferenceParamsFrom(d);
            report(true, {}, std::shared_ptr<InferenceBackend>(std::move(local)), defaults, 0);
        });
}

void BackendController::onLoaded(qint64 setupId, bool ok, const QString& message,
                                 std::shared_ptr<InferenceBackend> backend,
                                 const catalog::InferenceParams& defaults, int errorCode) {
    if (setupId != setupId_)
        return;  // replaced by a newer load or connection (the backend goes with this call)
    loading_ = false;
    hasModel_ = ok;
    local_ = std::move(backend);
    localDefaults_ = defaults;
    modelId_ = local_ ? local_->modelId() : QString();
    cacheModelKey_ = local_ ? local_->cacheModelKey() : QString();
    lastErrorCode_ = errorCode;
    emit modelLoaded(ok, message);
}

void BackendController::cancelLoad() {
    cancelLoad_->store(true);
    if (loading_)
        logging::info(QStringLiteral("loading the model: cancel requested"));
}

void BackendController::useRemote(const RemoteOptions& options) {
    releaseBackend();
    cancelLoad_->store(true);  // a load still running gives up
    usesServer_ = true;
    loading_ = false;
    const qint64 id = ++setupId_;
    threads_.start(QStringLiteral("vistag-connect"), [this, options, id](const std::atomic<bool>&) {
        RemoteOptions o = options;
        QString error;
        const auto models = RemoteBackend(o).listModels(&error);  // reachable, key accepted?
        if (!models) {
            logging::warn(QStringLiteral("server %1: %2").arg(o.baseUrl, error));
            QMetaObject::invokeMethod(
                this,
                [this, id, error] {
                    if (id != setupId_)
                        return;
                    lastErrorCode_ = RemoteBackend::kServerError;
                    modelId_.clear();
                    cacheModelKey_.clear();
                    emit modelLoaded(false, error);
                },
                Qt::QueuedConnection);
            return;
        }
        if (o.model.isEmpty() && !models->isEmpty())
            o.model = models->first();
        RemoteBackend client(o);
        const QString modelId = client.modelId();
        const QString cacheKey = client.cacheModelKey();
        logging::info(QStringLiteral("using server %1, model %2").arg(o.baseUrl, o.model));
        QMetaObject::invokeMethod(
            this,
            [this, id, o, modelId, cacheKey] {
                if (id != setupId_)
                    return;
                remote_ = o;
                hasModel_ = true;
                modelId_ = modelId;
                cacheModelKey_ = cacheKey;
                lastErrorCode_ = 0;
                emit modelLoaded(true, {});
            },
            Qt::QueuedConnection);
        // One short request (cached per server and model): does the server enforce a schema?
        const TagSchemaProbe probe = client.probeTagSchema();
        logging::info(
            QStringLiteral("server %1: %2 (%3)").arg(o.baseUrl, probe.summary(), probe.detail));
        QMetaObject::invokeMethod(
            this,
            [this, id, probe] {
                if (id != setupId_)
                    return;  // a newer load or connection replaced that server
                tagSchemaProbe_ = probe;
                emit tagSchemaProbed(probe);
            },
            Qt::QueuedConnection);
    });
}

qint64 BackendController::ask(const AskRequest& request) {
    stop();
    const qint64 job = nextJob_++;
    runningJob_ = job;
    const std::shared_ptr<InferenceBackend> backend = hasModel_ ? backendForJob() : nullptr;
    if (!backend) {
        QMetaObject::invokeMethod(
            this,
            [this, job] {
                if (job != runningJob_)
                    return;
                runningJob_ = 0;
                AskResult r;
                r.error = trController("No model is loaded yet.");
                emit answerFinished(job, r);
            },
            Qt::QueuedConnection);
        return job;
    }
    askBackend_ = backend;  // a server's client lives as long as its question
    AskRequest req = request;
    req.priority = 1;  // ahead of batch items in the engine's batch
    // No thread of our own: the request runs in the engine's batch (or on a server client's
    // request thread); text and the result come back here by queued calls, as values.
    askHandle_ = LoggedBackend(*backend).submit(req, [this, job](const QString& text) {
        QMetaObject::invokeMethod(
            this,
            [this, job, text] {
                if (job == runningJob_)
                    emit answerChunk(job, text);
            },
            Qt::QueuedConnection);
        return true;
    });
    askHandle_->addOnFinished([this, job, handle = askHandle_.get()](const AskResult& result) {
        AskResult r = result;
        if (handle->cancelRequested()) {  // Stop: what came so far, never an error
            r.ok = true;
            r.error.clear();
            r.finishReason = backend::FinishReason::Cancelled;
        }
        QMetaObject::invokeMethod(
            this,
            [this, job, r] {
                if (job != runningJob_)
                    return;  // stopped and replaced: its answer is not shown
                runningJob_ = 0;
                askHandle_.reset();
                askBackend_.reset();
                emit answerFinished(job, r);
            },
            Qt::QueuedConnection);
    });
    return job;
}

void BackendController::stop() {
    // This question only: a server request is aborted at once, a local one ends at its next
    // token; the other requests in the engine's batch go on.
    if (askHandle_)
        askHandle_->cancel();
    // The job's own end (its partial answer, finish reason "cancelled") is reported as usual;
    // a question asked meanwhile replaces it and its end is dropped.
}

bool BackendController::startSharing(const server::ServerOptions& options, QString* error) {
    stopSharing();
    if (!local_ || loading_) {
        *error = trController(
            "Load a local model first: only a model running on this computer can be shared.");
        return false;
    }
    server::ServerOptions o = options;
    // The window passes Settings → Generation (every field, penalties included); with no
    // defaults at all, the model's own (generation_config.json).
    if (o.defaults.maxNewTokens <= 0) {
        o.defaults = localDefaults_;
        o.defaults.maxNewTokens = 1024;
    }
    // Clients' requests decode in the engine's batch beside the window's work; a client that
    // leaves stops its own request (with one inference thread the server would stop the whole
    // engine instead).
    o.maxBatch = std::max(o.maxBatch, 2);
    if (!o.log)
        o.log = [](const QString& line) { logging::info(line); };
    if (!serverThread_.isRunning()) {
        serverThread_.setObjectName(QStringLiteral("vistag-share"));
        serverThread_.start();
    }
    auto* srv = new server::ApiServer(o, local_);
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
        QMetaObject::invokeMethod(
            srv, [srv] { delete srv; }, Qt::BlockingQueuedConnection);
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
    if (!server_)
        return;
    // On its own thread: closes the port, stops its running generations, joins its workers.
    server::ApiServer* srv = std::exchange(server_, nullptr);
    QMetaObject::invokeMethod(
        srv, [srv] { delete srv; }, Qt::BlockingQueuedConnection);
    logging::info(QStringLiteral("stopped sharing at %1").arg(sharingUrl_));
    sharingUrl_.clear();
    emit sharingChanged(false, {});
}

bool BackendController::runBatch(const BatchJob& job) {
    if (batch_)
        return false;
    const qint64 id = job.batchId;
    if (!hasModel_) {
        QMetaObject::invokeMethod(
            this,
            [this, id] {
                emit batchFinished(id, false, false, trController("No model is loaded yet."));
            },
            Qt::QueuedConnection);
        return true;
    }
    catalog::BatchWorkersOptions o;
    o.catalogue = job.dbPath;
    o.workers = requestsInFlight_;
    o.backendFor = [this](int) -> std::shared_ptr<InferenceBackend> {
        // Every image's answer goes to the log too.
        return std::make_shared<OwningLoggedBackend>(backendForJob());
    };
    batch_ = std::make_unique<catalog::BatchWorkers>(id, job.spec, job.taxonomy, o);
    catalog::BatchWorkers::Callbacks callbacks;
    callbacks.onProgress = [this, id](const catalog::BatchRunStatus& s) {
        QMetaObject::invokeMethod(
            this, [this, id, s] { emit batchProgress(id, s); }, Qt::QueuedConnection);
    };
    callbacks.onItem = [this, id](qint64 imageId, catalog::ItemState state) {
        QMetaObject::invokeMethod(
            this, [this, id, imageId, state] { emit batchItem(id, imageId, state); },
            Qt::QueuedConnection);
    };
    callbacks.onFinished = [this, id](bool ok, bool cancelled, const QString& error) {
        QMetaObject::invokeMethod(
            this,
            [this, id, ok, cancelled, error] {
                batch_.reset();  // joins its threads, which are ending
                emit batchFinished(id, ok, cancelled, error);
            },
            Qt::QueuedConnection);
    };
    batch_->start(std::move(callbacks));
    return true;
}

void BackendController::cancelBatch() {
    if (batch_)
        batch_->cancel();
}

}  // namespace vistag::backend

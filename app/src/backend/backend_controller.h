// The GUI's handle on a backend: the backend lives on a worker object moved to a QThread owned
// here (quit + wait on destruction); requests and results cross threads as value structs through
// queued signals; the newest job wins and results of stale jobs are dropped by id; stop() is
// cheap and thread-safe.
#pragma once

#include <QMutex>
#include <QObject>
#include <QPointer>
#include <QThread>
#include <atomic>
#include <memory>
#include <optional>

#include "backend/inference_backend.h"
#include "backend/local_backend.h"
#include "backend/remote_backend.h"
#include "backend/shared_engine.h"

namespace vistag::server {
class ApiServer;
struct ServerOptions;
}
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

// The local engine the worker loaded, for "share this model" (guarded by mutex).
struct LoadedEngine {
    QMutex mutex;
    std::shared_ptr<SharedEngine> engine;  // null while no local model is loaded
    catalog::InferenceParams defaults;     // the model's generation_config sampling
};

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
    bool loading() const { return loading_; }
    // The inference::ErrorCode of the last failed load or connection (0 when it worked).
    int lastErrorCode() const { return lastErrorCode_; }
    // Uses an OpenAI-compatible server instead; checks it by listing its models first. Once
    // connected, the worker probes whether the server enforces a tag schema
    // (RemoteBackend::probeTagSchema): tagSchemaProbed() says what it found.
    void useRemote(const RemoteOptions& options);
    // The probe's result for the server in use; nullopt while it runs or with a local model.
    std::optional<TagSchemaProbe> tagSchemaProbe() const { return tagSchemaProbe_; }
    bool hasModel() const { return hasModel_; }
    QString modelId() const { return modelId_; }
    // The model in use (or being connected) is an inference server, not a local folder.
    bool usesServer() const { return usesServer_; }

    // Starts a request; returns its job id. A running request is stopped first.
    qint64 ask(const AskRequest& request);
    void stop();
    bool busy() const { return runningJob_ != 0; }

    // "Share this model": Vistag's OpenAI-compatible server (the one of `vistag-cli serve`) on
    // the loaded local model, in this process. The server's jobs run on the same engine as the
    // window's questions, taking turns, so the model is not loaded twice. options.defaults are
    // filled in from the model where left at zero. false and *error (plain words) when no local
    // model is loaded or the address cannot be used. Loading another model or connecting to a
    // server stops sharing.
    bool startSharing(const server::ServerOptions& options, QString* error);
    void stopSharing();
    bool sharing() const { return server_ != nullptr; }
    QString sharingUrl() const { return sharingUrl_; }  // http://HOST:PORT/v1 while sharing
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
    void sharingChanged(bool on, const QString& url);
    void tagSchemaProbed(const vistag::backend::TagSchemaProbe& probe);
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
    std::shared_ptr<LoadedEngine> loadedEngine_;
    std::shared_ptr<std::atomic<int>> asksWaiting_;         // posted to the worker, not started
    bool hasModel_ = false;
    bool usesServer_ = false;
    bool loading_ = false;
    int lastErrorCode_ = 0;
    qint64 setupId_ = 0;  // the newest load or connection; older answers are dropped
    std::optional<TagSchemaProbe> tagSchemaProbe_;
    QString modelId_;
    qint64 nextJob_ = 1;
    qint64 runningJob_ = 0;
    // "Share this model": the server lives on its own thread, so that receiving and decoding
    // requests (bodies up to 64 MB) never holds up the window.
    QThread serverThread_;
    server::ApiServer* server_ = nullptr;  // owned; deleted on serverThread_
    QString sharingUrl_;
};

// Runs on the worker thread; used only through BackendController.
class BackendWorker final : public QObject {
    Q_OBJECT
public:
    BackendWorker(std::shared_ptr<std::atomic<InferenceBackend*>> live,
                  std::shared_ptr<std::atomic<qint64>> cancelledUpTo,
                  std::shared_ptr<LoadedEngine> loadedEngine,
                  std::shared_ptr<std::atomic<int>> asksWaiting)
        : live_(std::move(live)),
          cancelledUpTo_(std::move(cancelledUpTo)),
          loadedEngine_(std::move(loadedEngine)),
          asksWaiting_(std::move(asksWaiting)) {}
    ~BackendWorker() override;

    // setupId: handed back with loaded(), so that the controller can drop the answer of a load
    // or connection it has replaced since.
    void load(const QString& folder, const QString& device, const QString& dtype,
              std::shared_ptr<std::atomic<bool>> cancel, qint64 setupId = 0);
    void run(qint64 jobId, const vistag::backend::AskRequest& request);
    void connectRemote(const RemoteOptions& options, qint64 setupId = 0);
    // Works on the batch until it is done or cancelled, or until a request is waiting: then it
    // posts itself behind that request (idleRounds counts rounds that made no progress).
    void runBatch(const BatchJob& job, std::shared_ptr<std::atomic<bool>> cancel,
                  int idleRounds = 0);

signals:
    void loadProgress(double fraction, const QString& stage);
    void loaded(bool ok, const QString& message, const QString& modelId, int errorCode,
                qint64 setupId);
    void tagSchemaProbed(const vistag::backend::TagSchemaProbe& probe, qint64 setupId);
    void chunk(qint64 jobId, const QString& text);
    void finished(qint64 jobId, const vistag::backend::AskResult& result);
    void batchProgress(qint64 batchId, const vistag::catalog::BatchRunStatus& status);
    void batchItem(qint64 batchId, qint64 imageId, const QString& status);
    void batchFinished(qint64 batchId, bool ok, bool cancelled, const QString& error);

private:
    void release();  // drops the backend in use

    std::unique_ptr<InferenceBackend> backend_;
    std::shared_ptr<std::atomic<InferenceBackend*>> live_;
    std::shared_ptr<std::atomic<qint64>> cancelledUpTo_;
    std::shared_ptr<LoadedEngine> loadedEngine_;
    std::shared_ptr<std::atomic<int>> asksWaiting_;
};

}  // namespace vistag::backend


Q_DECLARE_METATYPE(vistag::catalog::BatchRunStatus)
Q_DECLARE_METATYPE(vistag::backend::TagSchemaProbe)

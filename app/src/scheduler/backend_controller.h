// The window's scheduler of inference work. Every job — a question, the items of a batch, a
// model load, a server connection — runs on a thread of its own with its own cancel token, and
// holds its own reference to the backend it uses, so that:
//   - a question asked during a batch is answered at once: with the local engine it joins the
//     engine's continuous batch ahead of the batch items (priority), with a server it is a
//     request of its own;
//   - Stop in the ask pane stops that question only; cancelling the batch stops the batch only;
//   - the batch keeps "requests in flight" items going at once (BatchWorkers: one catalogue
//     connection per worker, each item committed on its own);
//   - loading a model or connecting to a server starts at once: it cancels the running jobs,
//     which end at their next token or network poll, and a model load waits until they have let
//     go of the old engine (never two copies of the weights). The old backend is freed by the
//     last job that used it — no job is left holding a deleted backend.
// Results cross back to the controller's thread as value structs through queued calls; the
// destructor cancels and joins every thread it started, so none outlives it. No job thread runs
// an event loop others post to: a request's own network wait is the only loop on it.
#pragma once

#include <QObject>
#include <QThread>
#include <atomic>
#include <memory>
#include <optional>

#include "backend/inference_backend.h"
#include "backend/local_backend.h"
#include "backend/remote_backend.h"
#include "batch/batch_runner.h"
#include "tags/taxonomy.h"
#include "tasks/background_tasks.h"

namespace vistag::server {
class ApiServer;
struct ServerOptions;
}  // namespace vistag::server

namespace vistag::catalog {
class BatchWorkers;
}

namespace vistag::backend {

// A persistent batch of the catalogue; its workers open their own connections to the catalogue
// (one CatalogDb per thread).
struct BatchJob {
    QString dbPath;
    qint64 batchId = 0;
    catalog::BatchSpec spec;
    catalog::Taxonomy taxonomy;
};

class BackendController final : public QObject {
    Q_OBJECT
public:
    explicit BackendController(QObject* parent = nullptr);
    ~BackendController() override;

    // Loads a local model folder (progress through loadProgress; cancel with cancelLoad()).
    // Replaces any backend in use: running questions and the batch are cancelled (the batch's
    // remaining items stay queued), and the load starts as soon as they let go of the old model.
    void loadLocalModel(const QString& folder, const QString& device = QStringLiteral("auto"),
                        const QString& dtype = QStringLiteral("auto"));
    void cancelLoad();
    bool loading() const { return loading_; }
    // The inference::ErrorCode of the last failed load or connection (0 when it worked).
    int lastErrorCode() const { return lastErrorCode_; }
    // Uses an OpenAI-compatible server instead; checks it by listing its models first. Once
    // connected, probes whether the server enforces a tag schema (RemoteBackend::
    // probeTagSchema): tagSchemaProbed() says what it found.
    void useRemote(const RemoteOptions& options);
    // The probe's result for the server in use; nullopt while it runs or with a local model.
    std::optional<TagSchemaProbe> tagSchemaProbe() const { return tagSchemaProbe_; }
    bool hasModel() const { return hasModel_; }
    QString modelId() const { return modelId_; }
    // What the result cache names the model by (InferenceBackend::cacheModelKey).
    QString cacheModelKey() const { return cacheModelKey_; }
    // The model in use (or being connected) is an inference server, not a local folder.
    bool usesServer() const { return usesServer_; }

    // Starts a question; returns its job id. A question still running is stopped first; a batch
    // is not touched.
    qint64 ask(const AskRequest& request);
    // Stops the running question (only it).
    void stop();
    bool busy() const { return runningJob_ != 0; }

    // "Share this model": Vistag's OpenAI-compatible server (the one of `vistag-cli serve`) on
    // the loaded local model, in this process. Its clients' requests join the same engine batch
    // as the window's questions and batch items, so the model is not loaded twice. options.
    // defaults are filled in from the model where left at zero. false and *error (plain words)
    // when no local model is loaded or the address cannot be used. Loading another model or
    // connecting to a server stops sharing.
    bool startSharing(const server::ServerOptions& options, QString* error);
    void stopSharing();
    bool sharing() const { return server_ != nullptr; }
    QString sharingUrl() const { return sharingUrl_; }  // http://HOST:PORT/v1 while sharing

    // How many batch items are worked on at once (Settings → Generation → Requests in flight):
    // with a server, requests sent together; with the local engine, items decoded together.
    // Applies to the next batch.
    void setRequestsInFlight(int n) { requestsInFlight_ = std::max(1, n); }
    int requestsInFlight() const { return requestsInFlight_; }
    // Runs a batch of the catalogue (progress through batchProgress / batchItem, the end through
    // batchFinished). Questions asked meanwhile are answered alongside. Returns false when a
    // batch is running already.
    bool runBatch(const BatchJob& job);
    // Stops the batch: the items in flight go back to the queue, the rest stay pending (resume
    // them with runBatch).
    void cancelBatch();
    bool batchRunning() const { return batch_ != nullptr; }

signals:
    void loadProgress(double fraction, const QString& stage);
    void modelLoaded(bool ok, const QString& message);
    void answerChunk(qint64 jobId, const QString& text);
    void answerFinished(qint64 jobId, const vistag::backend::AskResult& result);
    void sharingChanged(bool on, const QString& url);
    void tagSchemaProbed(const vistag::backend::TagSchemaProbe& probe);
    void batchProgress(qint64 batchId, const vistag::catalog::BatchRunStatus& status);
    void batchItem(qint64 batchId, qint64 imageId, vistag::catalog::ItemState state);
    // ok false: the catalogue failed (error says why); cancelled: stopped by cancelBatch().
    void batchFinished(qint64 batchId, bool ok, bool cancelled, const QString& error);

private:
    // The backend a new job uses: the shared local engine, or a client of its own for a server.
    std::shared_ptr<InferenceBackend> backendForJob() const;
    // Cancels the question and the batch and forgets the backend (a load or connection).
    void releaseBackend();
    void onLoaded(qint64 setupId, bool ok, const QString& message,
                  std::shared_ptr<InferenceBackend> backend,
                  const catalog::InferenceParams& defaults, int errorCode);

    // The backend in use: the local engine (shared by every job) or the server's options (each
    // job makes its own client).
    std::shared_ptr<InferenceBackend> local_;
    std::optional<RemoteOptions> remote_;
    catalog::InferenceParams localDefaults_;  // the model's generation_config sampling
    bool hasModel_ = false;
    bool usesServer_ = false;
    bool loading_ = false;
    int lastErrorCode_ = 0;
    qint64 setupId_ = 0;  // the newest load or connection; answers of older ones are dropped
    std::shared_ptr<std::atomic<bool>> cancelLoad_;
    std::optional<TagSchemaProbe> tagSchemaProbe_;
    QString modelId_;
    QString cacheModelKey_;

    // The running question.
    qint64 nextJob_ = 1;
    qint64 runningJob_ = 0;
    backend::AskHandlePtr askHandle_;               // the running question
    std::shared_ptr<InferenceBackend> askBackend_;  // the backend it runs on, kept alive

    // The running batch.
    int requestsInFlight_ = 4;
    std::unique_ptr<catalog::BatchWorkers> batch_;

    // "Share this model": the server lives on its own thread, so that receiving and decoding
    // requests (bodies up to 64 MB) never holds up the window.
    QThread serverThread_;
    server::ApiServer* server_ = nullptr;  // owned; deleted on serverThread_
    QString sharingUrl_;

    // The question, load and connection threads; last, so they are joined first.
    tasks::BackgroundTasks threads_{this};
};

}  // namespace vistag::backend

Q_DECLARE_METATYPE(vistag::catalog::BatchRunStatus)
Q_DECLARE_METATYPE(vistag::backend::TagSchemaProbe)

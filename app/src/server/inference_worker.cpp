#include "server/inference_worker.h"

#include "backend/logged_backend.h"
#include "vistag/inference/status.h"

namespace vistag::server {

InferenceWorker::InferenceWorker(std::shared_ptr<backend::InferenceBackend> backend)
    : backend_(std::move(backend)) {}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::cancel(quint64 id) {
    cancelled_.store(id);
    std::lock_guard lk(lock_);
    if (handle_ && running_.load() == id)
        handle_->cancel();
}

void InferenceWorker::run(quint64 id, const ChatJob& job) {
    running_.store(id);
    backend::AskResult result;
    if (cancelled_.load() == id) {
        result.error = QStringLiteral("cancelled");
        result.errorCode = static_cast<int>(inference::ErrorCode::Cancelled);
        running_.store(0);
        emit finished(id, result);
        return;
    }
    // The uploaded images go to the engine as they are, in memory (never through a file).
    const backend::AskRequest req = toAskRequest(job);
    {
        backend::LoggedBackend logged(*backend_, QStringLiteral("shared-server"));
        // Streamed text arrives on the backend's thread; signals queue it to the server.
        backend::AskHandlePtr handle = logged.submit(req, [this, id](const QString& text) {
            if (cancelled_.load() == id)
                return false;
            emit delta(id, text);
            return true;
        });
        {
            std::lock_guard lk(lock_);
            handle_ = handle;
        }
        if (cancelled_.load() == id)  // cancelled between submit and now
            handle->cancel();
        result = handle->wait();
        {
            std::lock_guard lk(lock_);
            handle_.reset();
        }
        if (result.ok && cancelled_.load() == id)
            result.finishReason = backend::FinishReason::Cancelled;
    }
    running_.store(0);
    emit finished(id, result);
}

}  // namespace vistag::server

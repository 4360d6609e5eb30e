#include "server/inference_worker.h"

#include <QFile>
#include <QTemporaryDir>

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
    // The backend reads image files: the request's images go to a private temporary folder
    // that disappears with this call.
    QTemporaryDir dir;
    backend::AskRequest req;
    req.prompt = job.prompt;
    req.system = job.system;
    req.params = job.params;
    req.tagSchema = job.tagSchema;
    bool ok = dir.isValid();
    int written = 0;
    const auto writeImages = [&](const QList<ChatImage>& images, QStringList* paths) {
        for (int i = 0; ok && i < images.size(); ++i, ++written) {
            const QString path =
                dir.filePath(QStringLiteral("image%1.%2").arg(written).arg(images[i].suffix));
            QFile f(path);
            ok = f.open(QIODevice::WriteOnly) && f.write(images[i].bytes) == images[i].bytes.size();
            *paths << path;
        }
    };
    for (const ChatJobTurn& t : job.history) {
        backend::ChatTurn turn{t.role, t.text, {}};
        writeImages(t.images, &turn.imagePaths);
        req.history.append(std::move(turn));
    }
    writeImages(job.images, &req.imagePaths);
    if (!ok) {
        result.error = QStringLiteral("cannot write the request's images to a temporary folder");
        result.errorCode = static_cast<int>(inference::ErrorCode::Internal);
    } else {
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

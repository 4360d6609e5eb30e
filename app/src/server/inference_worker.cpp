#include "server/inference_worker.h"

#include <QFile>
#include <QTemporaryDir>

#include "backend/logged_backend.h"
#include "vistag/inference/status.h"

namespace vistag::server {

InferenceWorker::InferenceWorker(std::shared_ptr<backend::InferenceBackend> backend,
                                 bool cancelBackend)
    : backend_(std::move(backend)), cancelBackend_(cancelBackend) {}

InferenceWorker::~InferenceWorker() = default;

void InferenceWorker::cancel(quint64 id) {
    cancelled_.store(id);
    if (cancelBackend_ && running_.load() == id)
        backend_->cancel();
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
        result = logged.ask(req, [&](const QString& text) {
            if (cancelled_.load() == id)
                return false;
            emit delta(id, text);
            return true;
        });
        if (result.ok && cancelled_.load() == id)
            result.finishReason = backend::FinishReason::Cancelled;
    }
    running_.store(0);
    emit finished(id, result);
}

}  // namespace vistag::server

// One of the server's inference threads: runs one job at a time on the backend it shares (the
// local engine; in the GUI the same batched engine the window uses). Text
// goes back to the server (main thread) through queued signals.
#pragma once

#include <QObject>
#include <atomic>
#include <memory>
#include <mutex>

#include "backend/inference_backend.h"
#include "server/chat_request.h"

namespace vistag::server {

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    explicit InferenceWorker(std::shared_ptr<backend::InferenceBackend> backend);
    ~InferenceWorker() override;

    // Any thread: stop job `id` if it is the one running (or about to run); only its own request
    // ends, whatever else the backend is doing.
    void cancel(quint64 id);

public slots:
    // Runs on the worker thread. Emits delta() for streamed text, then finished().
    void run(quint64 id, const vistag::server::ChatJob& job);

signals:
    void delta(quint64 id, const QString& text);
    void finished(quint64 id, const vistag::backend::AskResult& result);

private:
    std::shared_ptr<backend::InferenceBackend> backend_;
    std::mutex lock_;               // guards handle_
    backend::AskHandlePtr handle_;  // the running job's request
    std::atomic<quint64> running_{0};
    std::atomic<quint64> cancelled_{0};
};

}  // namespace vistag::server

Q_DECLARE_METATYPE(vistag::server::ChatJob)

// The server's one inference thread: owns the local backend and runs one job at a time. Text
// goes back to the server (main thread) through queued signals.
#pragma once

#include <QObject>
#include <atomic>
#include <memory>

#include "backend/local_backend.h"
#include "server/chat_request.h"

namespace vistag::server {

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    explicit InferenceWorker(std::unique_ptr<backend::LocalBackend> backend);
    ~InferenceWorker() override;

    // Any thread: stop job `id` if it is the one running (or about to run).
    void cancel(quint64 id);

public slots:
    // Runs on the worker thread. Emits delta() for streamed text, then finished().
    void run(quint64 id, const vistag::server::ChatJob& job);

signals:
    void delta(quint64 id, const QString& text);
    void finished(quint64 id, const vistag::backend::AskResult& result);

private:
    std::unique_ptr<backend::LocalBackend> backend_;
    std::atomic<quint64> running_{0};
    std::atomic<quint64> cancelled_{0};
};

}  // namespace vistag::server

Q_DECLARE_METATYPE(vistag::server::ChatJob)

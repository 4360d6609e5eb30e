// One of the server's inference threads: runs one job at a time on the backend it shares (the
// local engine; in the GUI the same batched engine the window uses). Text
// goes back to the server (main thread) through queued signals.
#pragma once

#include <QObject>
#include <atomic>
#include <memory>

#include "backend/inference_backend.h"
#include "server/chat_request.h"

namespace vistag::server {

class InferenceWorker : public QObject {
    Q_OBJECT
public:
    // cancelBackend: cancel() also calls the backend's cancel() (one worker per backend); off
    // when several workers share a backend, where that would stop the others' requests too.
    InferenceWorker(std::shared_ptr<backend::InferenceBackend> backend, bool cancelBackend = true);
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
    std::shared_ptr<backend::InferenceBackend> backend_;
    bool cancelBackend_ = true;
    std::atomic<quint64> running_{0};
    std::atomic<quint64> cancelled_{0};
};

}  // namespace vistag::server

Q_DECLARE_METATYPE(vistag::server::ChatJob)

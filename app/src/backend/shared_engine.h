// One loaded local engine used by two clients — the window's own questions and the "share this
// model" server — without loading the model twice. Each client gets its own SharedEngineClient;
// their ask() calls take turns on one mutex (the engine runs one generation at a time), and a
// client's cancel() stops the engine only while that client's generation is the one running.
#pragma once

#include <memory>
#include <mutex>

#include "backend/inference_backend.h"

namespace vistag::backend {

class SharedEngine {
public:
    explicit SharedEngine(std::shared_ptr<InferenceBackend> backend)
        : backend_(std::move(backend)) {}
    InferenceBackend& backend() { return *backend_; }

private:
    friend class SharedEngineClient;
    std::shared_ptr<InferenceBackend> backend_;
    std::mutex turn_;        // held for a whole generation
    std::mutex ownerMutex_;  // guards owner_
    const void* owner_ = nullptr;
};

class SharedEngineClient final : public InferenceBackend {
public:
    explicit SharedEngineClient(std::shared_ptr<SharedEngine> engine)
        : engine_(std::move(engine)) {}

    QString backendName() const override { return engine_->backend_->backendName(); }
    QString modelId() const override { return engine_->backend_->modelId(); }
    AskResult ask(const AskRequest& request,
                  const std::function<bool(const QString&)>& onText = {}) override {
        {
            std::lock_guard lock(engine_->ownerMutex_);
            cancelledWhileWaiting_ = false;
        }
        std::lock_guard turn(engine_->turn_);
        {
            std::lock_guard lock(engine_->ownerMutex_);
            if (cancelledWhileWaiting_) {  // stopped while the other client had the engine
                AskResult r;
                r.ok = true;
                r.finishReason = QStringLiteral("cancelled");
                return r;
            }
            engine_->owner_ = this;
        }
        AskResult r = engine_->backend_->ask(request, onText);
        {
            std::lock_guard lock(engine_->ownerMutex_);
            engine_->owner_ = nullptr;
        }
        return r;
    }
    // Any thread. A stop left over from an earlier generation is harmless: the engine clears
    // its stop flag when a generation starts.
    void cancel() override {
        std::lock_guard lock(engine_->ownerMutex_);
        if (engine_->owner_ == this)
            engine_->backend_->cancel();
        else
            cancelledWhileWaiting_ = true;  // honoured if ask() is waiting for its turn
    }
    const std::shared_ptr<SharedEngine>& shared() const { return engine_; }

private:
    std::shared_ptr<SharedEngine> engine_;
    bool cancelledWhileWaiting_ = false;  // guarded by engine_->ownerMutex_
};

}  // namespace vistag::backend

#include "backend/inference_backend.h"

#include <chrono>

namespace vistag::backend {

AskHandle::~AskHandle() {
    if (thread_.joinable())
        thread_.join();
}

void AskHandle::cancel() {
    cancel_.store(true);
    std::function<void()> fn;
    {
        std::lock_guard lk(lock_);
        fn = onCancel_;
    }
    if (fn)
        fn();
}

bool AskHandle::finished() const {
    std::lock_guard lk(lock_);
    return result_.has_value();
}

AskResult AskHandle::wait() {
    std::unique_lock lk(lock_);
    done_.wait(lk, [this] { return result_.has_value(); });
    return *result_;
}

bool AskHandle::waitFor(int ms) {
    std::unique_lock lk(lock_);
    return done_.wait_for(lk, std::chrono::milliseconds(ms),
                          [this] { return result_.has_value(); });
}

void AskHandle::setOnCancel(std::function<void()> fn) {
    bool call = false;
    {
        std::lock_guard lk(lock_);
        onCancel_ = std::move(fn);
        call = cancel_.load() && onCancel_;
    }
    if (call)  // cancelled before the backend could say how
        onCancel_();
}

void AskHandle::finish(AskResult result) {
    std::vector<std::function<void(const AskResult&)>> then;
    {
        std::lock_guard lk(lock_);
        if (result_ || finishing_)
            return;
        finishing_ = true;
        then = std::move(onFinished_);
        onFinished_.clear();
    }
    // Before waiters wake: a log line precedes what the caller does next.
    for (const auto& fn : then)
        fn(result);
    {
        std::lock_guard lk(lock_);
        result_ = std::move(result);
    }
    done_.notify_all();
}

void AskHandle::addOnFinished(std::function<void(const AskResult&)> fn) {
    std::unique_lock lk(lock_);
    if (!result_ && !finishing_) {
        onFinished_.push_back(std::move(fn));
        return;
    }
    // Finished, or being finished on another thread right now (its callbacks are running).
    done_.wait(lk, [this] { return result_.has_value(); });
    const AskResult r = *result_;
    lk.unlock();
    fn(r);
}

void AskHandle::runOnThread(std::function<AskResult()> work) {
    thread_ = std::thread([this, work = std::move(work)] { finish(work()); });
}

AskResult InferenceBackend::ask(const AskRequest& request, const TextCallback& onText,
                                const std::atomic<bool>* cancel) {
    const AskHandlePtr handle = submit(request, onText);
    if (cancel) {
        // A plain wait with a short period: no event loop on this thread.
        while (!handle->waitFor(50))
            if (cancel->load() && !handle->cancelRequested())
                handle->cancel();
    }
    return handle->wait();
}

}  // namespace vistag::backend

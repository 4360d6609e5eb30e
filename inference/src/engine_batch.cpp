// The batch's queue and thread: submitting, the loop that admits and steps, delivering results,
// and Engine's batch API. The rest of the batch is in batch_admit.cpp, batch_prefill.cpp and
// batch_step.cpp (see batch_loop.h).
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <c10/cuda/CUDAGuard.h>

#include <algorithm>
#include <cstdlib>

#include "batch_loop.h"

namespace vistag::inference {

GenerateResult cancelledResult(int64_t vocab) {
    GenerateResult r;
    r.finishReason = "cancelled";
    r.vocabSize = vocab;
    return r;
}

// ---- RequestHandle -------------------------------------------------------------------------

RequestHandle::RequestHandle(std::shared_ptr<State> state) : state_(std::move(state)) {}

void RequestHandle::cancel() {
    state_->cancel.store(true);
}
bool RequestHandle::cancelled() const {
    return state_->cancel.load();
}
bool RequestHandle::finished() const {
    return state_->done.load();
}

const Expected<GenerateResult>& RequestHandle::wait() {
    std::unique_lock lk(state_->m);
    state_->cv.wait(lk, [&] { return state_->result.has_value(); });
    return *state_->result;
}

// ---- the loop ------------------------------------------------------------------------------

BatchLoop::BatchLoop(Engine::Impl& e) : e_(e) {
    const char* poison = std::getenv("VISTAG_DEBUG_POISON_FREED_SLOTS");
    poisonFreed_ = poison && *poison && std::string(poison) != "0";
    thread_ = std::thread([this] { main(); });
}

BatchLoop::~BatchLoop() {
    {
        std::lock_guard lk(m_);
        stopping_ = true;
    }
    cv_.notify_all();
    thread_.join();
}

std::shared_ptr<RequestHandle> BatchLoop::submit(GenerateRequest req, TokenCallback onToken,
                                                 DoneCallback onDone) {
    auto st = std::make_shared<RequestHandle::State>();
    auto handle = std::make_shared<RequestHandle>(st);
    {
        std::lock_guard lk(m_);
        if (!stopping_) {
            waiting_.push_back({std::move(req), std::move(onToken), std::move(onDone), st,
                                nextSeq_++, Clock::now()});
            live_.insert(st.get());
            ++status_.waiting;
            cv_.notify_all();
            return handle;
        }
    }
    // The engine is going away (a callback submitting during shutdown): cancelled at once.
    Expected<GenerateResult> result(cancelledResult(e_.cfg.dims.text.vocab));
    if (onDone)
        onDone(result);
    {
        std::lock_guard lk(st->m);
        st->result = std::move(result);
    }
    st->done.store(true);
    st->cv.notify_all();
    return handle;
}

void BatchLoop::cancelAll() {
    std::lock_guard lk(m_);
    for (RequestHandle::State* st : live_)
        st->cancel.store(true);
}

BatchStatus BatchLoop::status() const {
    std::lock_guard lk(m_);
    return status_;
}

int32_t BatchLoop::runningCount() const {
    int32_t n = 0;
    for (const auto& r : rows_)
        n += r.has_value();
    return n;
}
void BatchLoop::publish() {
    std::lock_guard lk(m_);
    status_.running = runningCount();
    status_.waiting = static_cast<int32_t>(waiting_.size());
}

void BatchLoop::main() {
    // OpenMP's thread count belongs to each thread: without this the batch would run its matrix
    // products on one core.
    at::set_num_threads(e_.threads);
    // Kernels of this thread go to the engine's GPU (cuda:1 too), not the default device.
    std::optional<c10::cuda::CUDAGuard> onDevice;
    if (e_.device.is_cuda())
        onDevice.emplace(e_.device.index());
    {
        std::lock_guard compute(e_.compute);
        allocate();
    }
    for (;;) {
        std::vector<Waiting> candidates;
        std::vector<Waiting> cancelled;
        bool stop = false;
        {
            std::unique_lock lk(m_);
            if (runningCount() == 0) {
                // Idle: an earlier out-of-memory limit no longer applies.
                admitCap_ = std::numeric_limits<int32_t>::max();
                cv_.wait(lk, [&] { return stopping_ || !waiting_.empty(); });
            }
            stop = stopping_;
            // Requests cancelled before admission end here; then the highest priority first.
            for (auto it = waiting_.begin(); it != waiting_.end();) {
                if (stop || it->state->cancel.load()) {
                    cancelled.push_back(std::move(*it));
                    it = waiting_.erase(it);
                } else {
                    ++it;
                }
            }
            std::stable_sort(
                waiting_.begin(), waiting_.end(),
                [](const Waiting& a, const Waiting& b) { return a.req.priority > b.req.priority; });
            int32_t free = 0;
            for (const auto& r : rows_)
                free += !r.has_value();
            if (allocError_)
                free = static_cast<int32_t>(waiting_.size());  // each gets the error
            const int32_t room = std::max(0, std::min(free, admitCap_ - runningCount()));
            while (!waiting_.empty() && static_cast<int32_t>(candidates.size()) < room) {
                candidates.push_back(std::move(waiting_.front()));
                waiting_.pop_front();
            }
            status_.waiting = static_cast<int32_t>(waiting_.size());
        }
        for (auto& w : cancelled)
            outcomes_.push_back({std::move(w), cancelledResult(e_.cfg.dims.text.vocab)});
        if (stop) {  // every waiting request is among `cancelled`; end the running ones too
            for (size_t s = 0; s < rows_.size(); ++s)
                if (rows_[s])
                    retire(static_cast<int64_t>(s), "cancelled");
            publish();
            deliver();
            return;
        }
        {
            std::lock_guard compute(e_.compute);
            at::NoGradGuard noGrad;
            try {
                if (!candidates.empty())
                    admit(std::move(candidates));
                if (runningCount() > 0)
                    decodeStep();
            } catch (const std::exception& ex) {
                // Never let an error end this thread (and the process): the running requests
                // end with it, and the batch goes on with the next ones.
                for (size_t s = 0; s < rows_.size(); ++s)
                    failRow(static_cast<int64_t>(s),
                            Status(ErrorCode::Internal,
                                   std::string("generation failed: ") + ex.what()));
            }
        }
        publish();
        deliver();
    }
}

void BatchLoop::deliver() {
    std::vector<Outcome> out;
    out.swap(outcomes_);
    for (Outcome& o : out) {
        RequestHandle::State& st = *o.w.state;
        {
            std::lock_guard lk(m_);
            live_.erase(&st);
        }
        if (o.w.onDone)
            o.w.onDone(*o.result);
        {
            std::lock_guard lk(st.m);
            st.result = std::move(o.result);
        }
        st.done.store(true);
        st.cv.notify_all();
    }
}

// ---- Engine --------------------------------------------------------------------------------

Engine::Impl::Impl() = default;
Engine::Impl::~Impl() {
    batch.reset();
}  // the batch thread ends before the model goes

std::shared_ptr<RequestHandle> Engine::submit(GenerateRequest request, TokenCallback onToken,
                                              DoneCallback onDone) {
    {
        std::lock_guard lk(impl_->batchStart);
        if (!impl_->batch)
            impl_->batch = std::make_unique<BatchLoop>(*impl_);
    }
    return impl_->batch->submit(std::move(request), std::move(onToken), std::move(onDone));
}

void Engine::cancelAll() {
    std::lock_guard lk(impl_->batchStart);
    if (impl_->batch)
        impl_->batch->cancelAll();
}

BatchStatus Engine::batchStatus() const {
    std::lock_guard lk(impl_->batchStart);
    return impl_->batch ? impl_->batch->status() : BatchStatus{};
}

}  // namespace vistag::inference

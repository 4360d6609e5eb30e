// The continuous batch behind Engine::submit(): a thread of the engine's own admits waiting
// requests between decode steps (vision for the admitted images in one call, then a prefill per
// sequence into its KV slot), decodes every running sequence in one forward
// (model/batch_decode.h), samples each row with its own parameters, and retires sequences that
// stop, are cancelled or reach their token limit, freeing their slot for the next request.
#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <deque>
#include <limits>
#include <optional>
#include <thread>
#include <unordered_set>

#include <unistd.h>

#include "engine_impl.h"
#include "model/batch_decode.h"
#include "model/sampler.h"

namespace vistag::inference {
namespace {

using Clock = std::chrono::steady_clock;
double msBetween(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

// Prompt tokens prefilled per admission round: new requests join without stalling the running
// ones for long (at least one request is always admitted).
constexpr int64_t kAdmitTokenBudget = 8192;
constexpr int32_t kMaxAutoSequencesGpu = 64;
constexpr int32_t kMaxAutoSequencesCpu = 8;
constexpr int64_t kDefaultSlotLength = 4096;

// What a request that never ran, or ran until a cancel, answers.
GenerateResult cancelledResult(int64_t vocab) {
    GenerateResult r;
    r.finishReason = "cancelled";
    r.vocabSize = vocab;
    return r;
}

}  // namespace

// ---- RequestHandle -------------------------------------------------------------------------

struct RequestHandle::State {
    std::atomic<bool> cancel{false};
    std::atomic<bool> done{false};
    std::mutex m;
    std::condition_variable cv;
    std::optional<Expected<GenerateResult>> result;
};

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

// ---- the batch -----------------------------------------------------------------------------

class BatchLoop {
public:
    explicit BatchLoop(Engine::Impl& e) : e_(e) {
        const char* poison = std::getenv("VISTAG_DEBUG_POISON_FREED_SLOTS");
        poisonFreed_ = poison && *poison && std::string(poison) != "0";
        thread_ = std::thread([this] { main(); });
    }
    ~BatchLoop() {
        {
            std::lock_guard lk(m_);
            stopping_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

    std::shared_ptr<RequestHandle> submit(GenerateRequest req, TokenCallback onToken,
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

    void cancelAll() {
        std::lock_guard lk(m_);
        for (RequestHandle::State* st : live_)
            st->cancel.store(true);
    }

    BatchStatus status() const {
        std::lock_guard lk(m_);
        return status_;
    }

private:
    struct Waiting {
        GenerateRequest req;
        TokenCallback onToken;
        DoneCallback onDone;
        std::shared_ptr<RequestHandle::State> state;
        uint64_t seq = 0;
        Clock::time_point submitted;
    };
    struct Row {
        Waiting w;
        PreparedRequest prep;
        int64_t length = 0;  // cache positions filled
        int64_t ropeDelta = 0;
        std::vector<int32_t> context;
        std::unique_ptr<model::Sampler> sampler;
        std::optional<TagDecoding> tags;  // a constrained request
        std::unique_ptr<StreamDecoder> stream;
        GenerateResult result;
        Clock::time_point firstToken;
        bool finished = false;
        std::vector<at::Tensor> keptLogits;  // keepLogits: each step's row, on the host
    };
    struct Outcome {
        Waiting w;
        std::optional<Expected<GenerateResult>> result;
    };

    void main();
    bool allocate();
    void admit(std::vector<Waiting> candidates);
    void decodeStep();
    // A request longer than a slot: the one-sequence path, on this thread.
    void runAlone(Waiting& w);
    // The row's next token from its logits [vocab] (its sampler, and its tag constraint if any).
    int64_t choose(Row& row, const at::Tensor& logits, float* prob);
    // Appends the chosen token to the row; finishes it on eos, cancel or the token limit.
    void accept(Row& row, int64_t next, float prob);
    void retire(int64_t slot, const std::string& reason);
    void failRow(int64_t slot, Status s);
    void deliver();
    int32_t runningCount() const {
        int32_t n = 0;
        for (const auto& r : rows_)
            n += r.has_value();
        return n;
    }
    void publish() {
        std::lock_guard lk(m_);
        status_.running = runningCount();
        status_.waiting = static_cast<int32_t>(waiting_.size());
    }

    Engine::Impl& e_;
    std::thread thread_;
    mutable std::mutex m_;  // guards waiting_, live_, stopping_, status_
    std::condition_variable cv_;
    std::deque<Waiting> waiting_;
    // Every request submitted and not yet delivered, wherever it is (waiting, being admitted,
    // running): what cancelAll() reaches. Each is kept alive by its Waiting or Row.
    std::unordered_set<RequestHandle::State*> live_;
    bool stopping_ = false;
    uint64_t nextSeq_ = 0;
    BatchStatus status_;

    // Batch thread only.
    model::SlotCache cache_;
    model::BatchDecodeRunner decoder_;
    std::vector<std::optional<Row>> rows_;  // index = slot
    std::vector<Outcome> outcomes_;         // finished, to deliver outside the compute lock
    std::optional<Status> allocError_;
    int32_t admitCap_ = std::numeric_limits<int32_t>::max();  // lowered after out-of-memory
    bool poisonFreed_ = false;
};

bool BatchLoop::allocate() {
    if (cache_.allocated())
        return true;
    if (allocError_)
        return false;
    const LoadOptions& o = e_.options;
    const model::TextDims& d = e_.cfg.dims.text;
    int64_t length = o.maxSequenceLength > 0
                         ? o.maxSequenceLength
                         : std::min<int64_t>(e_.cfg.maxPositions, kDefaultSlotLength);
    length = std::min<int64_t>(length, e_.cfg.maxPositions);
    const uint64_t perSlot = model::SlotCache::slotBytes(d, length, e_.dtype);
    int64_t slots = o.maxSequences;
    if (slots <= 0) {
        uint64_t budget = 0;
        int64_t cap = kMaxAutoSequencesCpu;
        if (e_.device.is_cuda()) {
            size_t freeBytes = 0, total = 0;
            c10::cuda::CUDAGuard guard(e_.device.index());
            cudaMemGetInfo(&freeBytes, &total);
            budget = static_cast<uint64_t>(freeBytes * 0.6);  // the rest: activations, graphs
            cap = kMaxAutoSequencesGpu;
        } else {
            const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
            budget = pages > 0 && page > 0 ? static_cast<uint64_t>(pages) * page / 4 : 0;
        }
        slots = std::clamp<int64_t>(static_cast<int64_t>(budget / std::max<uint64_t>(perSlot, 1)),
                                    1, cap);
    }
    try {
        cache_.allocate(d, slots, length, e_.dtype, e_.device);
    } catch (const c10::OutOfMemoryError&) {
        if (e_.device.is_cuda())
            c10::cuda::CUDACachingAllocator::emptyCache();
        allocError_ = Status(ErrorCode::Device,
                             "not enough memory for the batch's cache (" + std::to_string(slots) +
                                 " sequences of " + std::to_string(length) + " positions need " +
                                 std::to_string(perSlot * slots / 1048576) +
                                 " MiB); ask for fewer requests at once or shorter sequences");
        return false;
    } catch (const std::exception& ex) {
        allocError_ = Status(ErrorCode::Internal,
                             std::string("the batch's cache could not be allocated: ") + ex.what());
        return false;
    }
    rows_.clear();
    rows_.resize(static_cast<size_t>(slots));
    std::lock_guard lk(m_);
    status_.kvSlots = static_cast<int32_t>(slots);
    status_.slotLength = length;
    status_.cacheBytes = cache_.bytes();
    return true;
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

void BatchLoop::admit(std::vector<Waiting> candidates) {
    if (!allocate()) {
        for (auto& w : candidates)
            outcomes_.push_back({std::move(w), *allocError_});
        return;
    }
    // Prepare (tokenise, preprocess images) and check each against a slot.
    std::vector<Row> rows;
    int64_t tokens = 0;
    for (size_t i = 0; i < candidates.size(); ++i) {
        Waiting& w = candidates[i];
        if (tokens >= kAdmitTokenBudget) {  // the rest waits for the next round, in order
            std::lock_guard lk(m_);
            for (size_t j = candidates.size(); j-- > i;)
                waiting_.push_front(std::move(candidates[j]));
            break;
        }
        std::optional<Expected<PreparedRequest>> prepared;
        try {
            prepared = e_.prepare(w.req, e_.cfg.maxPositions, "the model's context");
        } catch (const std::exception& ex) {
            prepared = Status(ErrorCode::Internal,
                              std::string("preparing the request failed: ") + ex.what());
        }
        Expected<PreparedRequest>& prep = *prepared;
        if (!prep) {
            outcomes_.push_back({std::move(w), prep.error()});
            continue;
        }
        const auto promptLength = static_cast<int64_t>(prep->promptIds.size());
        if (w.req.tagGrammar && promptLength + prep->maxNewTokens > cache_.length() &&
            promptLength + std::min<int64_t>(prep->maxNewTokens, 256) <= cache_.length()) {
            // A constrained answer's bound is far above what answers take: a slot serves.
            prep->maxNewTokens = static_cast<int32_t>(cache_.length() - promptLength);
        }
        if (promptLength + prep->maxNewTokens > cache_.length()) {
            // Longer than a slot but within the model's context: it runs alone through the
            // one-sequence path (the batch waits meanwhile) rather than failing.
            runAlone(w);
            continue;
        }
        Row row;
        tokens += static_cast<int64_t>(prep->promptIds.size());
        row.prep = std::move(*prep);
        row.w = std::move(w);
        row.w.req.images.clear();  // the preprocessed pixels are all that is needed now
        rows.push_back(std::move(row));
    }
    if (rows.empty())
        return;

    // Vision for every admitted image in one call; attention stays within each image.
    const auto tVision = Clock::now();
    std::vector<at::Tensor> pixels;
    std::vector<model::GridTHW> grids;
    for (const Row& r : rows)
        if (!r.prep.images.grids.empty()) {
            pixels.push_back(r.prep.images.pixelValues);
            grids.insert(grids.end(), r.prep.images.grids.begin(), r.prep.images.grids.end());
        }
    std::optional<model::VisionOutput> vision;
    if (!grids.empty()) {
        try {
            vision = e_.vision->forward(at::cat(pixels, 0), grids);
        } catch (const std::exception&) {
            // Out of memory with too many images at once, or one bad image: each request takes
            // its own vision call below, where an error ends only that request.
            if (e_.device.is_cuda())
                c10::cuda::CUDACachingAllocator::emptyCache();
        }
    }
    const double visionMs = msBetween(tVision, Clock::now());
    const int64_t m2 = e_.cfg.dims.vision.merge * e_.cfg.dims.vision.merge;

    int64_t visionRow = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
        Row& row = rows[i];
        int64_t imageTokens = 0;
        for (const auto& g : row.prep.images.grids)
            imageTokens += g.patches() / m2;
        const int64_t myVisionRow = visionRow;
        visionRow += imageTokens;
        int64_t slot = -1;
        for (size_t s = 0; s < rows_.size(); ++s)
            if (!rows_[s]) {
                slot = static_cast<int64_t>(s);
                break;
            }
        if (slot < 0) {  // cannot happen (room was counted), but never lose a request
            std::lock_guard lk(m_);
            waiting_.push_front(std::move(row.w));
            continue;
        }
        const auto t0 = Clock::now();
        try {
            const std::vector<int32_t>& ids32 = row.prep.promptIds;
            const auto L = static_cast<int64_t>(ids32.size());
            at::Tensor ids =
                at::from_blob(const_cast<int32_t*>(ids32.data()), {L}, at::kInt).to(at::kLong);
            std::optional<model::VisionOutput> own;
            const model::VisionOutput* v = nullptr;
            int64_t from = 0;
            if (imageTokens > 0) {
                if (vision) {
                    v = &*vision;
                    from = myVisionRow;
                } else {
                    own = e_.vision->forward(row.prep.images.pixelValues, row.prep.images.grids);
                    v = &*own;
                }
            }
            std::string ropeError;
            model::RopePositions rope =
                model::ropeIndex(ids32, row.prep.images.grids, e_.cfg.dims.imageTokenId,
                                 e_.cfg.dims.vision.merge, &ropeError);
            if (!ropeError.empty()) {
                outcomes_.push_back({std::move(row.w), Status(ErrorCode::Prompt, ropeError)});
                continue;
            }
            cache_.fill(slot, 0.0);  // masked keys must hold numbers (see SlotCache::fill)
            model::KVCache view = cache_.slot(slot);
            auto [x, deepstack] = e_.embedPrompt(ids, v, from);
            at::Tensor hidden = e_.text->forward(x, rope.positions, view,
                                                 deepstack.features.empty() ? nullptr : &deepstack);
            at::Tensor last = e_.text->logits(hidden.select(1, L - 1)).squeeze(0).to(at::kFloat);

            row.length = L;
            row.ropeDelta = rope.delta;
            row.context = ids32;
            row.sampler = std::make_unique<model::Sampler>(row.w.req.sampling);
            auto tags = e_.tagDecoding(row.w.req);
            if (!tags) {
                outcomes_.push_back({std::move(row.w), tags.error()});
                continue;
            }
            row.tags = std::move(*tags);
            row.stream = std::make_unique<StreamDecoder>(*e_.tokenizer, /*skipSpecial=*/true);
            row.result.promptTokens = L;
            row.result.vocabSize = e_.cfg.dims.text.vocab;
            row.result.timings.preprocessMs = row.prep.preprocessMs;
            row.result.timings.visionMs = imageTokens > 0 ? visionMs : 0;
            row.prep.images = {};  // pixels no longer needed
            if (row.w.req.keepLogits)
                row.keptLogits.push_back(last.to(at::kCPU));
            float prob = 0;
            const int64_t next = choose(row, last, &prob);
            const auto now = Clock::now();
            row.result.timings.prefillMs = msBetween(t0, now);
            row.result.timings.ttftMs = msBetween(row.w.submitted, now);
            row.firstToken = now;
            rows_[slot] = std::move(row);
            accept(*rows_[slot], next, prob);
            if (rows_[slot]->finished)
                retire(slot, rows_[slot]->result.finishReason);
        } catch (const c10::OutOfMemoryError&) {
            const Status oom = e_.outOfMemory();
            if (rows_[slot])
                rows_[slot].reset();
            const int32_t running = runningCount();
            if (running == 0) {
                outcomes_.push_back({std::move(row.w), oom});
            } else {
                // Admit no more than run now; this request waits for a free turn.
                admitCap_ = running;
                std::lock_guard lk(m_);
                waiting_.push_front(std::move(row.w));
            }
        } catch (const std::exception& ex) {
            if (rows_[slot])
                rows_[slot].reset();
            outcomes_.push_back(
                {std::move(row.w),
                 Status(ErrorCode::Internal, std::string("generation failed: ") + ex.what())});
        }
    }
}

void BatchLoop::runAlone(Waiting& w) {
    const auto state = w.state;
    const TokenCallback& user = w.onToken;
    TokenCallback onToken = [&user, state](int32_t id, std::string_view text) {
        return (!user || user(id, text)) && !state->cancel.load();
    };
    auto r = e_.runGuarded(w.req, onToken);  // the compute lock is held: this is generate()
    if (r)
        r->timings.ttftMs += msBetween(w.submitted, Clock::now()) - r->timings.totalMs;
    outcomes_.push_back({std::move(w), std::move(r)});
}

int64_t BatchLoop::choose(Row& row, const at::Tensor& logits, float* prob) {
    // The prompt's length marks where the generated part of the context begins.
    const size_t generatedStart = row.prep.promptIds.size();
    if (!row.tags) {
        const int64_t next = row.sampler->next(logits, row.context, generatedStart);
        *prob = row.sampler->lastProbability(next);
        return next;
    }
    bool forced = false;
    const int64_t next =
        row.tags->choose(logits, *row.sampler, row.context, generatedStart, prob, &forced);
    row.result.forcedTokens += forced;
    return next;
}

void BatchLoop::accept(Row& row, int64_t next, float prob) {
    GenerateResult& r = row.result;
    r.tokenIds.push_back(static_cast<int32_t>(next));
    r.tokenProbs.push_back(prob);
    row.context.push_back(static_cast<int32_t>(next));
    if (e_.isEos(next)) {
        r.finishReason = "stop";
        row.finished = true;
        return;
    }
    const std::string piece = row.stream->push(static_cast<int32_t>(next));
    if ((row.w.onToken && !row.w.onToken(static_cast<int32_t>(next), piece)) ||
        row.w.state->cancel.load()) {
        r.finishReason = "cancelled";
        row.finished = true;
        return;
    }
    if (static_cast<int32_t>(r.tokenIds.size()) >= row.prep.maxNewTokens) {
        r.finishReason = "length";
        row.finished = true;
    }
}

void BatchLoop::decodeStep() {
    int64_t last = -1;
    for (size_t s = 0; s < rows_.size(); ++s) {
        // A request cancelled from outside since the last step stops here.
        if (rows_[s] && rows_[s]->w.state->cancel.load())
            retire(static_cast<int64_t>(s), "cancelled");
        if (rows_[s])
            last = static_cast<int64_t>(s);
    }
    if (last < 0)
        return;
    const int64_t R = model::BatchDecodeRunner::rowBucket(last + 1, cache_.slots());
    std::vector<int64_t> tokens(R, 0), positions(R, 0), write(R, 0);
    bool anyGreedy = false;
    int32_t active = 0;
    for (int64_t s = 0; s < R; ++s) {
        if (!rows_[s])
            continue;  // an idle slot: token 0 at position 0 of its own slot
        const Row& row = *rows_[s];
        tokens[s] = row.context.back();
        positions[s] = row.length + row.ropeDelta;
        write[s] = row.length;
        anyGreedy = anyGreedy || (!row.tags && model::Sampler::plainGreedy(row.w.req.sampling));
        ++active;
    }
    at::Tensor logits;
    try {
        logits = decoder_.step(*e_.text, cache_, tokens, positions, write, e_.device);
    } catch (const c10::OutOfMemoryError&) {
        if (e_.device.is_cuda())
            c10::cuda::CUDACachingAllocator::emptyCache();
        // Give up the newest sequence and admit no more than remain.
        int64_t newest = -1;
        uint64_t seq = 0;
        for (int64_t s = 0; s < R; ++s)
            if (rows_[s] && (newest < 0 || rows_[s]->w.seq > seq)) {
                newest = s;
                seq = rows_[s]->w.seq;
            }
        failRow(newest, Status(ErrorCode::Device,
                               "the GPU ran out of memory while this request was answered "
                               "together with others; try again, or ask for fewer at once"));
        admitCap_ = std::max(1, runningCount());
        return;
    } catch (const std::exception& ex) {
        for (int64_t s = 0; s < R; ++s)
            if (rows_[s])
                failRow(
                    s, Status(ErrorCode::Internal, std::string("generation failed: ") + ex.what()));
        return;
    }
    {
        std::lock_guard lk(m_);
        ++status_.steps;
        status_.rowsDecoded += static_cast<uint64_t>(active);
    }
    for (int64_t s = 0; s < R; ++s)
        if (rows_[s])
            ++rows_[s]->length;

    // Greedy rows: every argmax and its probability in one pass on the device, one copy back.
    std::vector<int64_t> greedyIds;
    std::vector<double> greedyProbs;
    if (anyGreedy) {
        at::Tensor id = logits.argmax(1);
        at::Tensor prob =
            at::exp(logits.gather(1, id.view({-1, 1})).squeeze(1) - at::logsumexp(logits, 1));
        at::Tensor both = at::stack({id.to(at::kDouble), prob.to(at::kDouble)}).to(at::kCPU);
        auto a = both.accessor<double, 2>();
        for (int64_t s = 0; s < R; ++s) {
            greedyIds.push_back(static_cast<int64_t>(a[0][s]));
            greedyProbs.push_back(a[1][s]);
        }
    }
    for (int64_t s = 0; s < R; ++s) {
        if (!rows_[s])
            continue;
        Row& row = *rows_[s];
        if (row.w.req.keepLogits)
            row.keptLogits.push_back(logits[s].to(at::kCPU).clone());
        int64_t next;
        float prob;
        if (!row.tags && model::Sampler::plainGreedy(row.w.req.sampling)) {
            next = greedyIds[s];
            prob = static_cast<float>(greedyProbs[s]);
        } else {
            try {
                next = choose(row, logits[s], &prob);
            } catch (const std::exception& ex) {  // ends this row only
                failRow(s, Status(ErrorCode::Internal,
                                  std::string("choosing the next token failed: ") + ex.what()));
                continue;
            }
        }
        accept(row, next, prob);
        if (row.finished)
            retire(s, row.result.finishReason);
    }
}

void BatchLoop::retire(int64_t slot, const std::string& reason) {
    Row& row = *rows_[slot];
    GenerateResult& r = row.result;
    r.finishReason = reason;
    if (row.stream) {
        const std::string tail = row.stream->flush();
        if (row.w.onToken && !tail.empty())
            row.w.onToken(-1, tail);
    }
    std::vector<int32_t> textIds = r.tokenIds;
    if (!textIds.empty() && e_.isEos(textIds.back()))
        textIds.pop_back();
    r.text = e_.tokenizer->decode(textIds, /*skipSpecial=*/true);
    finishTags(row.tags, r);
    const auto now = Clock::now();
    if (!r.tokenIds.empty()) {
        r.timings.decodeMs = msBetween(row.firstToken, now);
        const size_t decoded = r.tokenIds.size() > 1 ? r.tokenIds.size() - 1 : 0;
        r.timings.decodeTokensPerSecond =
            r.timings.decodeMs > 0 ? decoded * 1000.0 / r.timings.decodeMs : 0.0;
    }
    r.timings.totalMs = msBetween(row.w.submitted, now);
    if (!row.keptLogits.empty()) {
        at::Tensor all = at::stack(row.keptLogits).contiguous();
        r.logits.assign(all.data_ptr<float>(), all.data_ptr<float>() + all.numel());
    }
    if (poisonFreed_)
        cache_.fill(slot, std::numeric_limits<double>::quiet_NaN());
    outcomes_.push_back({std::move(row.w), std::move(r)});
    rows_[slot].reset();
}

void BatchLoop::failRow(int64_t slot, Status s) {
    if (slot < 0 || !rows_[slot])
        return;
    if (poisonFreed_)
        cache_.fill(slot, std::numeric_limits<double>::quiet_NaN());
    outcomes_.push_back({std::move(rows_[slot]->w), std::move(s)});
    rows_[slot].reset();
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

// Admission into the batch: the cache's slots (allocated on first use), preparing the waiting
// requests, vision for every admitted image in one call, and a request longer than a slot run
// alone through the one-sequence path. See batch_loop.h.
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/util/Exception.h>

#include <algorithm>

#include <unistd.h>

#include "batch_loop.h"

namespace vistag::inference {
namespace {

// Prompt tokens prefilled per admission round: new requests join without stalling the running
// ones for long (at least one request is always admitted).
constexpr int64_t kAdmitTokenBudget = 8192;
constexpr int32_t kMaxAutoSequencesGpu = 64;
constexpr int32_t kMaxAutoSequencesCpu = 8;
constexpr int64_t kDefaultSlotLength = 4096;

}  // namespace

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
    for (Row& row : rows) {
        int64_t imageTokens = 0;
        for (const auto& g : row.prep.images.grids)
            imageTokens += g.patches() / m2;
        const int64_t from = visionRow;
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
        prefill(std::move(row), slot, vision ? &*vision : nullptr, from, imageTokens, visionMs);
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

}  // namespace vistag::inference

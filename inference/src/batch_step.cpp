// The batch's decode step over every running row, and retirement of the rows that finish.
// See batch_loop.h.
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/util/Exception.h>

#include <algorithm>
#include <limits>

#include "batch_loop.h"

namespace vistag::inference {

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
        tokens[s] = row.seq->lastToken();
        positions[s] = row.length + row.ropeDelta;
        write[s] = row.length;
        anyGreedy = anyGreedy || row.seq->plainGreedy();
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
        row.seq->keep(logits[s]);
        int64_t next;
        float prob;
        if (row.seq->plainGreedy()) {
            next = greedyIds[s];
            prob = static_cast<float>(greedyProbs[s]);
        } else {
            try {
                next = row.seq->choose(logits[s], &prob);
            } catch (const std::exception& ex) {  // ends this row only
                failRow(s, Status(ErrorCode::Internal,
                                  std::string("choosing the next token failed: ") + ex.what()));
                continue;
            }
        }
        row.seq->accept(next, prob);
        if (row.seq->finished())
            retire(s, {});
    }
}

void BatchLoop::retire(int64_t slot, const std::string& reason) {
    Row& row = *rows_[slot];
    const auto now = Clock::now();
    GenerateResult r = row.seq->finish(reason, row.firstToken, now);
    r.timings.totalMs = msBetween(row.w.submitted, now);
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

}  // namespace vistag::inference

// The prefill of one admitted request into its slot of the batch's cache, and its first token.
// See batch_loop.h.
#include <c10/util/Exception.h>

#include "batch_loop.h"
#include "model/rope.h"

namespace vistag::inference {

void BatchLoop::prefill(Row row, int64_t slot, const model::VisionOutput* vision,
                        int64_t visionFrom, int64_t imageTokens, double visionMs) {
    const auto t0 = Clock::now();
    // Where the request is when something fails: still in `row`, or already in its slot.
    auto takeBack = [&]() -> Waiting {
        if (rows_[slot]) {
            Waiting w = std::move(rows_[slot]->w);
            rows_[slot].reset();
            return w;
        }
        return std::move(row.w);
    };
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
                v = vision;
                from = visionFrom;
            } else {  // the joint vision call failed: this request's own
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
            return;
        }
        cache_.fill(slot, 0.0);  // masked keys must hold numbers (see SlotCache::fill)
        model::KVCache view = cache_.slot(slot);
        auto [x, deepstack] = e_.embedPrompt(ids, v, from);
        at::Tensor hidden = e_.text->forward(x, rope.positions, view,
                                             deepstack.features.empty() ? nullptr : &deepstack);
        at::Tensor last = e_.text->logits(hidden.select(1, L - 1)).squeeze(0).to(at::kFloat);

        auto seq = Sequence::start(e_, row.w.req, row.prep.promptIds, row.prep.maxNewTokens,
                                   row.w.onToken, &row.w.state->cancel);
        if (!seq) {
            outcomes_.push_back({std::move(row.w), seq.error()});
            return;
        }
        GenerateResult& r = seq->result();
        r.timings.preprocessMs = row.prep.preprocessMs;
        r.timings.visionMs = imageTokens > 0 ? visionMs : 0;
        row.length = L;
        row.ropeDelta = rope.delta;
        row.prep = {};  // the prompt is in the sequence; the pixels are no longer needed
        row.seq.emplace(std::move(*seq));
        rows_[slot] = std::move(row);
        Row& mine = *rows_[slot];
        mine.seq->keep(last);
        float prob = 0;
        const int64_t next = mine.seq->choose(last, &prob);
        const auto now = Clock::now();
        mine.seq->result().timings.prefillMs = msBetween(t0, now);
        mine.seq->result().timings.ttftMs = msBetween(mine.w.submitted, now);
        mine.firstToken = now;
        mine.seq->accept(next, prob);
        if (mine.seq->finished())
            retire(slot, {});
    } catch (const c10::OutOfMemoryError&) {
        const Status oom = e_.outOfMemory();
        Waiting w = takeBack();
        const int32_t running = runningCount();
        if (running == 0) {
            outcomes_.push_back({std::move(w), oom});
        } else {
            // Admit no more than run now; this request waits for a free turn.
            admitCap_ = running;
            std::lock_guard lk(m_);
            waiting_.push_front(std::move(w));
        }
    } catch (const std::exception& ex) {
        outcomes_.push_back({takeBack(), Status(ErrorCode::Internal,
                                                std::string("generation failed: ") + ex.what())});
    }
}

}  // namespace vistag::inference

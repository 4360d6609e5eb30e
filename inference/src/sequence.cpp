#include "sequence.h"

#include "engine_impl.h"

namespace vistag::inference {

Expected<Sequence> Sequence::start(const Engine::Impl& engine, const GenerateRequest& req,
                                   std::vector<int32_t> promptIds, int32_t maxNewTokens,
                                   TokenCallback onToken, const std::atomic<bool>* cancel) {
    auto tags = engine.tagDecoding(req);
    if (!tags)
        return tags.error();
    Sequence s;
    s.engine_ = &engine;
    s.sampling_ = req.sampling;
    s.sampler_ = std::make_unique<model::Sampler>(req.sampling);
    s.tags_ = std::move(*tags);
    s.stream_ = std::make_unique<StreamDecoder>(*engine.tokenizer, /*skipSpecial=*/true);
    s.onToken_ = std::move(onToken);
    s.cancel_ = cancel;
    s.generatedStart_ = promptIds.size();
    s.context_ = std::move(promptIds);
    s.maxNewTokens_ = maxNewTokens;
    s.keepLogits_ = req.keepLogits;
    s.result_.promptTokens = static_cast<int64_t>(s.generatedStart_);
    s.result_.vocabSize = engine.cfg.dims.text.vocab;
    s.result_.finishReason = "length";
    return s;
}

void Sequence::keep(const at::Tensor& logits) {
    if (keepLogits_)
        keptLogits_.push_back(logits.to(at::kCPU).clone());
}

int64_t Sequence::choose(const at::Tensor& logits, float* prob) {
    if (!tags_) {
        const int64_t next = sampler_->next(logits, context_, generatedStart_);
        *prob = sampler_->lastProbability(next);
        return next;
    }
    bool forced = false;
    const int64_t next = tags_->choose(logits, *sampler_, context_, generatedStart_, prob, &forced);
    result_.forcedTokens += forced;
    return next;
}

void Sequence::accept(int64_t next, float prob) {
    const auto id = static_cast<int32_t>(next);
    result_.tokenIds.push_back(id);
    result_.tokenProbs.push_back(prob);
    context_.push_back(id);
    if (engine_->isEos(next)) {
        result_.finishReason = "stop";
        finished_ = true;
        return;
    }
    const std::string piece = stream_->push(id);
    if ((onToken_ && !onToken_(id, piece)) || (cancel_ && cancel_->load())) {
        result_.finishReason = "cancelled";
        finished_ = true;
        return;
    }
    if (static_cast<int32_t>(result_.tokenIds.size()) >= maxNewTokens_) {
        result_.finishReason = "length";
        finished_ = true;
    }
}

GenerateResult Sequence::finish(const std::string& reason, Clock::time_point firstToken,
                                Clock::time_point now) {
    GenerateResult& r = result_;
    if (!reason.empty())
        r.finishReason = reason;
    const std::string tail = stream_->flush();
    if (onToken_ && !tail.empty())
        onToken_(-1, tail);
    std::vector<int32_t> textIds = r.tokenIds;
    if (!textIds.empty() && engine_->isEos(textIds.back()))
        textIds.pop_back();
    r.text = engine_->tokenizer->decode(textIds, /*skipSpecial=*/true);
    if (tags_) {
        auto tagResult = tags_->result();
        if (tagResult)
            r.tags = std::move(*tagResult);
        else
            r.tagsError = r.finishReason == "cancelled" ? "the answer was cancelled"
                          : r.finishReason == "length"
                              ? "the answer ran out of tokens before the tags were complete"
                              : tagResult.error().message();
    }
    if (!r.tokenIds.empty()) {
        r.timings.decodeMs = std::chrono::duration<double, std::milli>(now - firstToken).count();
        const size_t decoded = r.tokenIds.size() > 1 ? r.tokenIds.size() - 1 : 0;
        r.timings.decodeTokensPerSecond =
            r.timings.decodeMs > 0 ? decoded * 1000.0 / r.timings.decodeMs : 0.0;
    }
    if (!keptLogits_.empty()) {
        at::Tensor all = at::stack(keptLogits_).contiguous();
        r.logits.assign(all.data_ptr<float>(), all.data_ptr<float>() + all.numel());
        keptLogits_.clear();
    }
    finished_ = true;
    return std::move(r);
}

}  // namespace vistag::inference

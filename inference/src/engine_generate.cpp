// One request: prompt rendering, image preprocessing, vision encoding, prefill and the decode
// loop with streaming.
#include <ATen/cuda/CUDAContext.h>

#include <algorithm>
#include <chrono>

#include "engine_impl.h"
#include "model/rope.h"
#include "model/sampler.h"
#include "model/tensor_io.h"
#include "sequence.h"

namespace vistag::inference {
namespace {

using Clock = std::chrono::steady_clock;
double msBetween(Clock::time_point a, Clock::time_point b) {
    return std::chrono::duration<double, std::milli>(b - a).count();
}

void syncDevice(const at::Device& d) {
    if (d.is_cuda())
        at::cuda::getCurrentCUDAStream(d.index()).synchronize();
}

}  // namespace

Expected<PreparedRequest> Engine::Impl::prepare(const GenerateRequest& req, int64_t contextLimit,
                                                const char* contextName) const {
    const auto t0 = Clock::now();
    const model::ModelDims& dims = cfg.dims;
    PreparedRequest out;
    size_t imageParts = 0;
    for (const auto& m : req.messages)
        for (const auto& p : m.content)
            imageParts += p.kind == ChatPart::Kind::Image;
    if (imageParts != req.images.size())
        return Status(ErrorCode::Usage, "the conversation refers to " + std::to_string(imageParts) +
                                            " images but " + std::to_string(req.images.size()) +
                                            " were given");
    if (req.sampling.maxNewTokens <= 0)
        return Status(ErrorCode::Usage, "the number of new tokens must be at least 1");

    model::ImageProcessorSettings ips = cfg.image;
    if (req.maxPixels > 0) {
        ips.maxPixels = std::min(ips.maxPixels, req.maxPixels);
        ips.minPixels = std::min(ips.minPixels, ips.maxPixels);
    }
    std::vector<const RgbImage*> imagePtrs;
    for (const auto& im : req.images)
        imagePtrs.push_back(&im);
    std::string why;
    if (!model::preprocessImages(imagePtrs, ips, &out.images, &why))
        return Status(ErrorCode::Image, why);

    const std::string prompt = chatTemplate.render(req.messages, /*addGenerationPrompt=*/true);
    const std::vector<int32_t> raw = tokenizer->encode(prompt);
    size_t img = 0;
    const int64_t m2 = dims.vision.merge * dims.vision.merge;
    for (int32_t id : raw) {
        if (id != dims.imageTokenId) {
            out.promptIds.push_back(id);
            continue;
        }
        if (img >= out.images.grids.size())
            return Status(ErrorCode::Prompt,
                          "the prompt contains the image placeholder text <|image_pad|>; "
                          "remove it from the question");
        out.promptIds.insert(out.promptIds.end(), out.images.grids[img++].patches() / m2, id);
    }
    if (img != out.images.grids.size())
        return Status(ErrorCode::Prompt, "the prompt lost an image placeholder");
    const auto L = static_cast<int64_t>(out.promptIds.size());
    out.maxNewTokens = req.sampling.maxNewTokens;
    if (req.tagGrammar) {
        // A constrained answer may need up to the grammar's bound; real answers are far shorter,
        // so within the context whatever room is left serves (a truncated answer is reported).
        const auto bound = static_cast<int64_t>(req.tagGrammar->maxTokens());
        out.maxNewTokens =
            static_cast<int32_t>(std::max<int64_t>(1, std::min(bound, contextLimit - L)));
    }
    if (L + out.maxNewTokens > contextLimit)
        return Status(ErrorCode::Prompt,
                      "the prompt (" + std::to_string(L) + " tokens) plus " +
                          std::to_string(out.maxNewTokens) + " new tokens is longer than " +
                          contextName + " of " + std::to_string(contextLimit) +
                          " tokens; use fewer or smaller images (a lower pixel budget) or "
                          "fewer new tokens");
    out.preprocessMs = msBetween(t0, Clock::now());
    return out;
}

std::pair<at::Tensor, model::DeepstackInput> Engine::Impl::embedPrompt(const at::Tensor& ids,
                                                                       const model::VisionOutput* v,
                                                                       int64_t visionRows) const {
    at::Tensor x = text->embed(ids);  // [1, L, hidden]
    model::DeepstackInput deepstack;
    if (!v)
        return {x, deepstack};
    at::Tensor visualIndex = (ids == cfg.dims.imageTokenId).nonzero().squeeze(1).to(device);
    const int64_t n = visualIndex.numel();
    TORCH_CHECK(visionRows + n <= v->embeds.size(0), "vision token count mismatch");
    x = x.index_copy(1, visualIndex,
                     v->embeds.narrow(0, visionRows, n).to(x.scalar_type()).unsqueeze(0));
    deepstack.visualIndex = visualIndex;
    for (const at::Tensor& f : v->deepstack)
        deepstack.features.push_back(f.narrow(0, visionRows, n));
    return {x, deepstack};
}

bool Engine::Impl::isEos(int64_t id) const {
    return std::find(cfg.eosIds.begin(), cfg.eosIds.end(), id) != cfg.eosIds.end();
}

Expected<std::optional<TagDecoding>> Engine::Impl::tagDecoding(const GenerateRequest& req) const {
    if (!req.tagGrammar)
        return std::optional<TagDecoding>();
    const TokenVocabulary* mine = nullptr;
    {
        std::lock_guard lk(vocabularyLock);
        mine = vocabulary.get();
    }
    if (!req.tagGrammar->hasVocabulary() || mine != &req.tagGrammar->vocabulary())
        return Status(ErrorCode::Usage,
                      "the tag grammar was compiled for another model; compile it with this "
                      "engine's compileTags()");
    auto m = TagMatcher::create(req.tagGrammar, cfg.eosIds);
    if (!m)
        return m.error();
    return std::optional<TagDecoding>(TagDecoding(std::move(*m)));
}

Expected<GenerateResult> Engine::Impl::run(const GenerateRequest& req,
                                           const TokenCallback& onToken) {
    const auto t0 = Clock::now();
    const model::ModelDims& dims = cfg.dims;
    GenerateResult result;
    result.vocabSize = dims.text.vocab;
    auto prepared =
        prepare(req, req.preprocessOnly ? INT64_MAX : cfg.maxPositions, "the model's context");
    if (!prepared)
        return prepared.error();
    const std::vector<int32_t>& promptIds = prepared->promptIds;
    const model::ProcessedImages& images = prepared->images;
    const auto L = static_cast<int64_t>(promptIds.size());
    result.promptTokens = L;
    const auto t1 = Clock::now();
    result.timings.preprocessMs = msBetween(t0, t1);

    std::vector<std::pair<std::string, at::Tensor>> dump;
    const bool dumping = !req.dumpPath.empty();
    at::Tensor ids =
        at::from_blob(const_cast<int32_t*>(promptIds.data()), {L}, at::kInt).to(at::kLong);
    auto dumpInputs = [&] {
        dump.emplace_back("input_ids", ids);
        if (images.grids.empty())
            return;
        dump.emplace_back("pixel_values", images.pixelValues);
        std::vector<int64_t> g;
        for (const auto& gr : images.grids)
            g.insert(g.end(), {gr.t, gr.h, gr.w});
        dump.emplace_back("image_grid_thw", at::tensor(g, at::kLong).view({-1, 3}));
    };
    if (dumping)
        dumpInputs();
    if (req.preprocessOnly) {
        std::string err;
        if (dumping && !model::writeSafetensors(req.dumpPath, dump, &err))
            return Status(ErrorCode::Internal, err);
        result.finishReason = "length";
        return result;
    }

    // ---- vision ----------------------------------------------------------------------------
    model::VisionOutput v;
    if (!images.grids.empty())
        v = vision->forward(images.pixelValues, images.grids);
    auto [x, deepstack] = embedPrompt(ids, images.grids.empty() ? nullptr : &v, 0);
    if (dumping && !images.grids.empty()) {
        dump.emplace_back("vision_embeds", v.embeds.to(at::kFloat));
        for (size_t k = 0; k < v.deepstack.size(); ++k)
            dump.emplace_back("deepstack_" + std::to_string(k), v.deepstack[k].to(at::kFloat));
    }
    syncDevice(device);
    const auto t2 = Clock::now();
    result.timings.visionMs = msBetween(t1, t2);

    // ---- prefill ---------------------------------------------------------------------------
    std::string ropeError;
    model::RopePositions rope =
        model::ropeIndex(promptIds, images.grids, dims.imageTokenId, dims.vision.merge, &ropeError);
    if (!ropeError.empty())
        return Status(ErrorCode::Prompt, ropeError);
    // On CUDA the cache only grows, in steps of 1024 positions, so that captured decode graphs
    // (which hold its addresses) serve later requests too.
    int64_t capacity = L + prepared->maxNewTokens;
    if (device.is_cuda())
        capacity = std::max(cache.capacity(), (capacity + 1023) / 1024 * 1024);
    cache.allocate(dims.text, capacity, dtype, device);
    at::Tensor hidden =
        text->forward(x, rope.positions, cache, deepstack.features.empty() ? nullptr : &deepstack);
    at::Tensor lastLogits;
    if (dumping) {
        at::Tensor all = text->logits(hidden).squeeze(0).to(at::kFloat);
        dump.emplace_back("position_ids", rope.positions);
        dump.emplace_back("prompt_logits", all);
        lastLogits = all[L - 1];
    } else {
        lastLogits = text->logits(hidden.select(1, L - 1)).squeeze(0).to(at::kFloat);
    }

    // ---- decode ----------------------------------------------------------------------------
    auto seqOr = Sequence::start(*this, req, promptIds, prepared->maxNewTokens, onToken, &stop);
    if (!seqOr)
        return seqOr.error();
    Sequence& seq = *seqOr;
    seq.result().timings = result.timings;
    Clock::time_point tFirst = t2;
    for (int32_t step = 0; !seq.finished(); ++step) {
        if (step > 0) {
            // One token through the decoder at position cache length + rope delta (all axes);
            // on CUDA a replayed graph (model/decode_graph.h).
            lastLogits =
                decoder.step(*text, cache, seq.lastToken(), cache.length() + rope.delta, device);
        }
        seq.keep(lastLogits);
        float prob = 0;
        const int64_t next = seq.choose(lastLogits, &prob);
        if (step == 0)
            tFirst = Clock::now();
        seq.accept(next, prob);
    }
    const auto tEnd = Clock::now();
    result = seq.finish({}, tFirst, tEnd);
    result.timings.prefillMs = msBetween(t2, tFirst);
    result.timings.ttftMs = msBetween(t0, tFirst);
    result.timings.totalMs = msBetween(t0, tEnd);
    if (dumping) {
        dump.emplace_back("generated_ids", at::tensor(std::vector<int64_t>(result.tokenIds.begin(),
                                                                           result.tokenIds.end()),
                                                      at::kLong));
        std::string err;
        if (!model::writeSafetensors(req.dumpPath, dump, &err))
            return Status(ErrorCode::Internal, err);
    }
    return result;
}

}  // namespace vistag::inference

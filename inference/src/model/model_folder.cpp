#include "model/model_folder.h"

#include <cstdint>

#include "vistag/inference/model_config.h"
#include "vistag/inference/safetensors.h"

namespace vistag::inference::model {
namespace {

ModelDims dimsFrom(const ModelConfig& c) {
    ModelDims d;
    d.text.vocab = c.text.vocabSize;
    d.text.hidden = c.text.hiddenSize;
    d.text.intermediate = c.text.intermediateSize;
    d.text.layers = c.text.numHiddenLayers;
    d.text.heads = c.text.numAttentionHeads;
    d.text.kvHeads = c.text.numKeyValueHeads;
    d.text.headDim = c.text.headDim;
    d.text.rmsEps = c.text.rmsNormEps;
    d.text.ropeTheta = c.text.ropeTheta;
    d.text.mropeSection = c.text.mropeSection;
    d.text.tied = c.tieWordEmbeddings;
    d.vision.depth = c.vision.depth;
    d.vision.hidden = c.vision.hiddenSize;
    d.vision.heads = c.vision.numHeads;
    d.vision.intermediate = c.vision.intermediateSize;
    d.vision.outHidden = c.vision.outHiddenSize;
    d.vision.numPositionEmbeddings = c.vision.numPositionEmbeddings;
    d.vision.patch = c.vision.patchSize;
    d.vision.temporalPatch = c.vision.temporalPatchSize;
    d.vision.merge = c.vision.spatialMergeSize;
    d.vision.inChannels = c.vision.inChannels;
    d.vision.deepstackIndexes = c.vision.deepstackVisualIndexes;
    d.vision.tanhGelu = c.vision.hiddenAct != "gelu";
    d.imageTokenId = c.imageTokenId;
    d.videoTokenId = c.videoTokenId;
    d.visionStartTokenId = c.visionStartTokenId;
    d.visionEndTokenId = c.visionEndTokenId;
    return d;
}

at::ScalarType scalarType(DType t) {
    switch (t) {
        case DType::F32:
            return at::kFloat;
        case DType::BF16:
            return at::kBFloat16;
        case DType::F16:
            return at::kHalf;
        default:
            return at::kFloat;  // verifyWeights admits only the three above
    }
}

}  // namespace

Expected<FolderConfigs> readFolderConfigs(const std::string& folder) {
    auto mc = ModelConfig::loadFolder(folder);
    if (!mc)
        return mc.error();
    auto gc = GenerationConfig::loadFolder(folder, &*mc);
    if (!gc)
        return gc.error();
    auto pc = PreprocessorConfig::loadFolder(folder);
    if (!pc)
        return pc.error();
    if (pc->patchSize != mc->vision.patchSize || pc->mergeSize != mc->vision.spatialMergeSize ||
        pc->temporalPatchSize != mc->vision.temporalPatchSize || pc->imageMean.size() != 3 ||
        pc->imageStd.size() != 3)
        return Status(ErrorCode::ModelFolder, folder + ": the image processor settings (" +
                                                  pc->source +
                                                  ") do not fit the vision model in config.json");

    FolderConfigs out;
    out.model = *mc;
    out.dims = dimsFrom(*mc);
    out.maxPositions = mc->text.maxPositionEmbeddings;
    ImageProcessorSettings& s = out.image;
    s.minPixels = pc->minPixels;
    s.maxPixels = pc->maxPixels;
    s.patch = pc->patchSize;
    s.temporalPatch = pc->temporalPatchSize;
    s.merge = pc->mergeSize;
    for (int i = 0; i < 3; ++i) {
        s.mean[i] = pc->imageMean[i];
        s.std[i] = pc->imageStd[i];
    }
    s.rescale = pc->rescaleFactor;
    s.doResize = pc->doResize;
    s.doRescale = pc->doRescale;
    s.doNormalize = pc->doNormalize;

    SamplingParams& p = out.sampling;
    if (gc->doSample) {
        p.temperature = static_cast<float>(gc->temperature);
        p.topP = static_cast<float>(gc->topP);
        p.topK = static_cast<int32_t>(gc->topK);
    } else {
        p.temperature = 0.0f;  // greedy
    }
    p.repetitionPenalty = static_cast<float>(gc->repetitionPenalty);
    p.presencePenalty = static_cast<float>(gc->presencePenalty.value_or(0.0));
    for (int64_t id : gc->eosTokenIds)
        out.eosIds.push_back(static_cast<int32_t>(id));
    if (out.eosIds.empty() && mc->text.eosTokenId)
        out.eosIds.push_back(static_cast<int32_t>(*mc->text.eosTokenId));
    return out;
}

Expected<std::shared_ptr<LoadedWeights>> loadWeights(const std::string& folder,
                                                     const ModelConfig& config,
                                                     at::ScalarType dtype, const at::Device& device,
                                                     const std::function<bool(double)>& progress) {
    auto store = WeightStore::openFolder(folder);
    if (!store)
        return store.error();
    if (Status s = verifyWeights(*store, config); !s)
        return s;

    auto out = std::make_shared<LoadedWeights>();
    out->store = std::make_shared<WeightStore>(std::move(*store));
    out->bytesOnDisk = out->store->totalBytes();
    const auto expected = expectedTensors(config);
    uint64_t done = 0, total = 0;
    for (const auto& e : expected)
        total += out->store->find(e.name)->nbytes;
    bool anyOnTheMap = false;  // a tensor that is a view on the memory map
    for (const auto& e : expected) {
        const TensorView* v = out->store->find(e.name);
        const at::ScalarType st = scalarType(v->dtype);
        // A view on the memory map; never written to. Unaligned data is copied first.
        at::Tensor t =
            at::from_blob(const_cast<std::byte*>(v->data), v->shape, at::TensorOptions().dtype(st));
        const bool aligned = reinterpret_cast<uintptr_t>(v->data) % t.element_size() == 0;
        if (!aligned)
            t = t.clone();
        if (st != dtype || !device.is_cpu())
            t = t.to(device, dtype);
        else if (aligned)
            anyOnTheMap = true;
        out->parameters += t.numel();
        out->tensors.put(e.name, std::move(t));
        done += v->nbytes;
        if (progress && !progress(total ? static_cast<double>(done) / total : 1.0))
            return Status(ErrorCode::Cancelled, "loading the model was cancelled");
    }
    // Every tensor was copied (onto the GPU, or into another dtype): unmap the files, so that
    // the pages read while copying no longer count against this process (an 8B model on a GPU
    // otherwise keeps ~17 GB of host memory).
    if (!anyOnTheMap)
        out->store.reset();
    return out;
}

}  // namespace vistag::inference::model

#include "vistag/inference/engine.h"

#include <ATen/Parallel.h>
#include <ATen/core/grad_mode.h>
#include <ATen/cuda/CUDAContext.h>
#include <c10/cuda/CUDACachingAllocator.h>
#include <c10/util/Exception.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include <sys/resource.h>

#include "engine_impl.h"
#include "model/tensor_io.h"
#include "vistag/inference/build_info.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::inference {
namespace {

Status parseDevice(const std::string& want, at::Device* out) {
    const bool cudaOk = buildInfo().cudaAvailable;
    if (want == "auto") {
        *out = cudaOk ? at::Device(at::kCUDA, 0) : at::Device(at::kCPU);
        return {};
    }
    if (want == "cpu") {
        *out = at::kCPU;
        return {};
    }
    if (want.rfind("cuda", 0) == 0) {
        if (!cudaOk)
            return {ErrorCode::Device,
                    "no usable NVIDIA GPU was found; choose the CPU (--device cpu) instead"};
        int index = 0;
        if (want.size() > 5 && want[4] == ':')
            index = std::atoi(want.c_str() + 5);
        if (index < 0 || index >= buildInfo().cudaDeviceCount)
            return {ErrorCode::Device, "there is no GPU number " + std::to_string(index)};
        *out = at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(index));
        return {};
    }
    return {ErrorCode::Usage, "unknown device '" + want + "' (use auto, cpu or cuda)"};
}

Status parseDtype(const std::string& want, const at::Device& device, at::ScalarType* out) {
    if (want == "auto") {
        *out = device.is_cuda() ? at::kBFloat16 : at::kFloat;
    } else if (want == "float32" || want == "fp32") {
        *out = at::kFloat;
    } else if (want == "bfloat16" || want == "bf16") {
        *out = at::kBFloat16;
    } else if (want == "float16" || want == "fp16") {
        *out = at::kHalf;
    } else {
        return {ErrorCode::Usage,
                "unknown dtype '" + want + "' (use auto, float32, bfloat16 or float16)"};
    }
    return {};
}

const char* dtypeLabel(at::ScalarType t) {
    return t == at::kFloat ? "float32" : t == at::kBFloat16 ? "bfloat16" : "float16";
}

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
const ModelInfo& Engine::info() const {
    return impl_->info;
}
const Tokenizer& Engine::tokenizer() const {
    return *impl_->tokenizer;
}
SamplingParams Engine::defaultSampling() const {
    return impl_->cfg.sampling;
}

Expected<VisionTokenEstimate> Engine::imageTokens(int64_t width, int64_t height,
                                                  int64_t maxPixels) const {
    const model::ImageProcessorSettings& s = impl_->cfg.image;
    PreprocessorConfig c;
    c.patchSize = s.patch;
    c.temporalPatchSize = s.temporalPatch;
    c.mergeSize = s.merge;
    c.minPixels = s.minPixels;
    c.maxPixels = s.maxPixels;
    c.doResize = s.doResize;
    return estimateVisionTokens(width, height, c, maxPixels);
}
Expected<std::shared_ptr<const TokenVocabulary>> Engine::tokenVocabulary() const {
    std::lock_guard lk(impl_->vocabularyLock);
    if (!impl_->vocabulary) {
        auto v = TokenVocabulary::build(*impl_->tokenizer,
                                        static_cast<size_t>(impl_->cfg.dims.text.vocab));
        if (!v)
            return v.error();
        impl_->vocabulary = *v;
    }
    return impl_->vocabulary;
}
Expected<std::shared_ptr<const TagGrammar>> Engine::compileTags(const TagSchema& schema) const {
    auto vocab = tokenVocabulary();
    if (!vocab)
        return vocab.error();
    return TagGrammar::compile(schema, *vocab);
}
void Engine::requestStop() {
    impl_->stop.store(true);
    cancelAll();
}

Status Engine::writeLogits(const std::string& path, const GenerateResult& r) const {
    const auto n = static_cast<int64_t>(r.tokenIds.size());
    if (r.logits.size() != static_cast<size_t>(n * r.vocabSize))
        return {ErrorCode::Usage, "the result holds no logits (keepLogits was off)"};
    at::Tensor t = at::from_blob(const_cast<float*>(r.logits.data()), {n, r.vocabSize}, at::kFloat);
    std::string err;
    if (!model::writeSafetensors(path, {{"logits", t}}, &err))
        return {ErrorCode::Internal, err};
    return {};
}

MemoryUse Engine::memoryUse() const {
    MemoryUse m;
    struct rusage ru {};
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        m.peakRssBytes = static_cast<uint64_t>(ru.ru_maxrss) * 1024;
    if (impl_->device.is_cuda()) {
        const auto stats = c10::cuda::CUDACachingAllocator::getDeviceStats(impl_->device.index());
        m.peakGpuBytes = static_cast<uint64_t>(
            stats.allocated_bytes[static_cast<size_t>(c10::CachingAllocator::StatType::AGGREGATE)]
                .peak);
    }
    return m;
}

Expected<std::unique_ptr<Engine>> Engine::load(const std::string& folder,
                                               const LoadOptions& options) {
    const auto started = std::chrono::steady_clock::now();
    auto impl = std::make_unique<Impl>();
    impl->folder = folder;
    impl->options = options;
    impl->options.progress = nullptr;
    auto report = [&](double f, const std::string& stage) {
        return !options.progress || options.progress(f, stage);
    };
    const Status cancelled(ErrorCode::Cancelled, "loading the model was cancelled");
    try {
        if (!report(0.0, "reading the model configuration"))
            return cancelled;
        auto cfg = model::readFolderConfigs(folder);
        if (!cfg)
            return cfg.error();
        impl->cfg = std::move(*cfg);

        auto tok = Tokenizer::fromFolder(folder);
        if (!tok)
            return tok.error();
        impl->tokenizer = std::make_unique<Tokenizer>(std::move(*tok));
        auto tmpl = ChatTemplate::fromFolder(folder);
        if (!tmpl)
            return tmpl.error();
        impl->chatTemplate = std::move(*tmpl);

        if (Status s = parseDevice(options.device, &impl->device); !s)
            return s;
        if (Status s = parseDtype(options.dtype, impl->device, &impl->dtype); !s)
            return s;
        // Unset: OMP_NUM_THREADS when the environment gives it (as torch itself reads it), else
        // every core.
        const char* omp = std::getenv("OMP_NUM_THREADS");
        const int fromEnv = omp ? std::atoi(omp) : 0;
        impl->threads =
            options.threads > 0
                ? options.threads
                : (fromEnv > 0
                       ? fromEnv
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
        at::set_num_threads(impl->threads);

        if (!report(0.02, "opening the weights"))
            return cancelled;
        auto w = model::loadWeights(
            folder, impl->cfg.model, impl->dtype, impl->device,
            [&](double f) { return report(0.02 + 0.97 * f, "loading weights"); });
        if (!w)
            return w.error();
        impl->weights = std::move(*w);
        impl->vision =
            std::make_unique<model::VisionEncoder>(impl->cfg.dims.vision, impl->weights->tensors);
        impl->text =
            std::make_unique<model::TextDecoder>(impl->cfg.dims.text, impl->weights->tensors);

        ModelInfo& info = impl->info;
        info.folder = folder;
        info.device = impl->device.is_cuda()
                          ? "cuda:" + std::to_string(impl->device.index()) + " (" +
                                at::cuda::getDeviceProperties(impl->device.index())->name + ")"
                          : "cpu";
        info.dtype = dtypeLabel(impl->dtype);
        info.parameters = impl->weights->parameters;
        info.weightBytes = impl->weights->bytesOnDisk;
        info.vocabSize = impl->cfg.dims.text.vocab;
        info.maxPositions = impl->cfg.maxPositions;
        info.templateIsQwen3VL = impl->chatTemplate.isQwen3VL();
        info.templateWarning = impl->chatTemplate.warning();
        info.defaultMaxPixels = impl->cfg.image.maxPixels;
        info.loadMs =
            std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started)
                .count();
        report(1.0, "ready");
        return std::unique_ptr<Engine>(new Engine(std::move(impl)));
    } catch (const c10::OutOfMemoryError&) {
        return Status(ErrorCode::Device,
                      "not enough memory to load this model on the chosen device; try the CPU, "
                      "bfloat16, or a smaller model");
    } catch (const std::exception& e) {
        return Status(ErrorCode::Internal, std::string("loading the model failed: ") + e.what());
    }
}

Expected<GenerateResult> Engine::generate(const GenerateRequest& request,
                                          const TokenCallback& onToken) {
    std::lock_guard compute(impl_->compute);  // not while a batch step runs
    return impl_->runGuarded(request, onToken);
}

Expected<GenerateResult> Engine::Impl::runGuarded(const GenerateRequest& request,
                                                  const TokenCallback& onToken) {
    stop.store(false);
    try {
        at::NoGradGuard noGrad;
        return run(request, onToken);
    } catch (const c10::OutOfMemoryError&) {
        return outOfMemory();
    } catch (const std::exception& e) {
        return Status(ErrorCode::Internal, std::string("generation failed: ") + e.what());
    }
}

Status Engine::Impl::outOfMemory() const {
    if (device.is_cuda())
        c10::cuda::CUDACachingAllocator::emptyCache();
    return Status(ErrorCode::Device,
                  "the GPU ran out of memory for this request; try a smaller pixel budget, "
                  "fewer images, fewer new tokens, the CPU, or a smaller model");
}

}  // namespace vistag::inference

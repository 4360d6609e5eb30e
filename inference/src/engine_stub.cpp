// The engine of a build without libtorch (VISTAG_WITH_TORCH=OFF): the same interface, but no
// model folder can be loaded, so every caller gets one plain error that says to use a server.
// Nothing else here can run, because no Engine object can exist in this build.
#include "vistag/inference/build_info.h"
#include "vistag/inference/engine.h"

#include <cstdlib>

namespace vistag::inference {

namespace {
const char* const kNoEngine =
    "this build of Vistag has no local engine (built without libtorch) and talks to servers "
    "only: use --server URL (or a server in the window's settings), or install the full "
    "'vistag' package to run a model folder on this computer";
}  // namespace

BuildInfo buildInfo() {
    BuildInfo info;
    info.localEngine = false;
    return info;
}

struct Engine::Impl {};
struct RequestHandle::State {};

RequestHandle::RequestHandle(std::shared_ptr<State> state) : state_(std::move(state)) {}
void RequestHandle::cancel() {}
bool RequestHandle::cancelled() const {
    return true;
}
bool RequestHandle::finished() const {
    return true;
}
const Expected<GenerateResult>& RequestHandle::wait() {
    static const Expected<GenerateResult> none(Status(ErrorCode::Device, kNoEngine));
    return none;
}

Expected<std::unique_ptr<Engine>> Engine::load(const std::string&, const LoadOptions&) {
    return Status(ErrorCode::Device, kNoEngine);
}
Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;
const ModelInfo& Engine::info() const {
    static const ModelInfo none;
    return none;
}
const Tokenizer& Engine::tokenizer() const {
    // Unreachable: load() never returns an engine in this build.
    std::abort();
}
SamplingParams Engine::defaultSampling() const {
    return {};
}
Expected<VisionTokenEstimate> Engine::imageTokens(int64_t, int64_t, int64_t) const {
    return Status(ErrorCode::Device, kNoEngine);
}
Expected<std::shared_ptr<const TokenVocabulary>> Engine::tokenVocabulary() const {
    return Status(ErrorCode::Device, kNoEngine);
}
Expected<std::shared_ptr<const TagGrammar>> Engine::compileTags(const TagSchema&) const {
    return Status(ErrorCode::Device, kNoEngine);
}
Expected<GenerateResult> Engine::generate(const GenerateRequest&, const TokenCallback&) {
    return Status(ErrorCode::Device, kNoEngine);
}
void Engine::requestStop() {}
std::shared_ptr<RequestHandle> Engine::submit(GenerateRequest, TokenCallback, DoneCallback onDone) {
    auto handle = std::make_shared<RequestHandle>(std::make_shared<RequestHandle::State>());
    if (onDone)
        onDone(Expected<GenerateResult>(Status(ErrorCode::Device, kNoEngine)));
    return handle;
}
void Engine::cancelAll() {}
BatchStatus Engine::batchStatus() const {
    return {};
}
Status Engine::writeLogits(const std::string&, const GenerateResult&) const {
    return Status(ErrorCode::Device, kNoEngine);
}
MemoryUse Engine::memoryUse() const {
    return {};
}

}  // namespace vistag::inference

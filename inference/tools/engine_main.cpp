// vistag-engine: the engine on its own, with no Qt and no image decoder — for a GPU box that has
// only libtorch (benchmarks and parity checks against transformers there), and for scripts.
// Images come as raw 8-bit RGB files (width × height × 3 bytes), so nothing but the engine runs.
//
//   vistag-engine --model DIR [--image-rgb FILE:WxH ...] [--prompt TEXT] [--device D]
//                 [--dtype T] [--max-new-tokens N] [--max-pixels N] [--runs N] [--threads N]
//                 [--dump FILE] [--logits FILE]
//
// Prints one JSON object per run (after one warm-up when --runs > 1) and a summary object last.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "vistag/inference/engine.h"

namespace {

using namespace vistag::inference;

const char kUsage[] =
    "usage: vistag-engine --model DIR [--image-rgb FILE:WxH ...] [--prompt TEXT]\n"
    "                     [--device auto|cpu|cuda] [--dtype auto|float32|bfloat16|float16]\n"
    "                     [--max-new-tokens N] [--max-pixels N] [--runs N] [--threads N]\n"
    "                     [--dump FILE] [--logits FILE]\n"
    "Greedy generation with the Qt-free engine. --image-rgb takes raw RGB bytes (W*H*3).\n"
    "--runs N > 1 adds one warm-up run first; the last line is a JSON summary with medians.\n";

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

bool readRgb(const std::string& spec, RgbImage* out, std::string* error) {
    const auto colon = spec.rfind(':');
    const auto x = spec.rfind('x');
    if (colon == std::string::npos || x == std::string::npos || x < colon) {
        *error = "--image-rgb wants FILE:WxH, got '" + spec + "'";
        return false;
    }
    const std::string path = spec.substr(0, colon);
    out->width = std::atoi(spec.substr(colon + 1, x - colon - 1).c_str());
    out->height = std::atoi(spec.substr(x + 1).c_str());
    if (out->width <= 0 || out->height <= 0 || out->width > 20000 || out->height > 20000) {
        *error = "bad image size in '" + spec + "'";
        return false;
    }
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        *error = "cannot open " + path;
        return false;
    }
    out->pixels.assign(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
    const size_t want = size_t(out->width) * size_t(out->height) * 3;
    if (out->pixels.size() != want) {
        *error = path + " has " + std::to_string(out->pixels.size()) + " bytes, " +
                 std::to_string(out->width) + "x" + std::to_string(out->height) + " RGB needs " +
                 std::to_string(want);
        return false;
    }
    out->label = path;
    return true;
}

int fail(const std::string& message, int code = 2) {
    std::fprintf(stderr, "vistag-engine: %s\n", message.c_str());
    return code;
}

}  // namespace

int main(int argc, char** argv) {
    std::string model, prompt = "Describe this image.", dump, logitsPath;
    LoadOptions load;
    GenerateRequest req;
    req.sampling.maxNewTokens = 64;
    req.sampling.temperature = 0;
    int runs = 1;
    std::vector<std::string> imageSpecs;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        auto value = [&]() -> std::string {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "vistag-engine: %s needs a value\n\n%s", a.c_str(), kUsage);
                std::exit(2);
            }
            return argv[++i];
        };
        if (a == "--help" || a == "-h") {
            std::fputs(kUsage, stdout);
            return 0;
        } else if (a == "--model") model = value();
        else if (a == "--image-rgb") imageSpecs.push_back(value());
        else if (a == "--prompt") prompt = value();
        else if (a == "--device") load.device = value();
        else if (a == "--dtype") load.dtype = value();
        else if (a == "--threads") load.threads = std::atoi(value().c_str());
        else if (a == "--max-new-tokens") req.sampling.maxNewTokens = std::atoi(value().c_str());
        else if (a == "--max-pixels") req.maxPixels = std::atoll(value().c_str());
        else if (a == "--runs") runs = std::atoi(value().c_str());
        else if (a == "--dump") dump = value();
        else if (a == "--logits") logitsPath = value();
        else return fail("unknown option " + a + "\n\n" + kUsage);
    }
    if (model.empty()) return fail(std::string("--model is required\n\n") + kUsage);
    if (runs < 1 || runs > 1000) return fail("--runs must be between 1 and 1000");
    if (req.sampling.maxNewTokens < 1) return fail("--max-new-tokens must be at least 1");

    for (const auto& spec : imageSpecs) {
        RgbImage img;
        std::string err;
        if (!readRgb(spec, &img, &err)) return fail(err);
        req.images.push_back(std::move(img));
    }
    ChatMessage user{"user", {}};
    for (size_t i = 0; i < req.images.size(); ++i)
        user.content.push_back({ChatPart::Kind::Image, {}});
    user.content.push_back({ChatPart::Kind::Text, prompt});
    req.messages.push_back(std::move(user));

    auto engine = Engine::load(model, load);
    if (!engine) return fail(engine.error().message(), engine.error().exitCode());
    const auto& info = (*engine)->info();

    std::vector<double> ttft, tps, total, prefill, vision, preprocess;
    nlohmann::json last;
    const int warmups = runs > 1 ? 1 : 0;
    for (int i = 0; i < warmups + runs; ++i) {
        const bool measured = i >= warmups;
        const bool lastRun = i + 1 == warmups + runs;
        GenerateRequest r = req;
        r.dumpPath = lastRun ? dump : std::string();
        r.keepLogits = lastRun && !logitsPath.empty();
        auto res = (*engine)->generate(r);
        if (!res) return fail(res.error().message(), res.error().exitCode());
        if (r.keepLogits) {
            if (auto st = (*engine)->writeLogits(logitsPath, *res); !st)
                return fail(st.message(), st.exitCode());
        }
        if (!measured) continue;
        const auto& t = res->timings;
        ttft.push_back(t.ttftMs);
        tps.push_back(t.decodeTokensPerSecond);
        total.push_back(t.totalMs);
        prefill.push_back(t.prefillMs);
        vision.push_back(t.visionMs);
        preprocess.push_back(t.preprocessMs);
        last = {{"text", res->text},
                {"token_ids", res->tokenIds},
                {"prompt_tokens", res->promptTokens},
                {"finish_reason", res->finishReason},
                {"timings",
                 {{"preprocess_ms", t.preprocessMs}, {"vision_ms", t.visionMs},
                  {"prefill_ms", t.prefillMs}, {"ttft_ms", t.ttftMs}, {"decode_ms", t.decodeMs},
                  {"total_ms", t.totalMs}, {"decode_tokens_per_s", t.decodeTokensPerSecond}}}};
        std::printf("%s\n", last.dump().c_str());
        std::fflush(stdout);
    }
    const auto mem = (*engine)->memoryUse();
    nlohmann::json summary = {
        {"summary", true},
        {"device", info.device},
        {"dtype", info.dtype},
        {"parameters", info.parameters},
        {"load_ms", info.loadMs},
        {"runs", runs},
        {"new_tokens", last["token_ids"].size()},
        {"prompt_tokens", last["prompt_tokens"]},
        {"token_ids", last["token_ids"]},
        {"preprocess_ms", median(preprocess)},
        {"vision_ms", median(vision)},
        {"prefill_ms", median(prefill)},
        {"ttft_ms", median(ttft)},
        {"decode_tokens_per_s", median(tps)},
        {"total_ms", median(total)},
        {"peak_rss_mb", mem.peakRssBytes / 1048576.0},
        {"peak_gpu_mb", mem.peakGpuBytes / 1048576.0},
    };
    std::printf("%s\n", summary.dump().c_str());
    return 0;
}

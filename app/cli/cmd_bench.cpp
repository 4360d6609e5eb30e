// vistag-cli bench: warm-up, then median timings over several greedy runs, and peak memory.
#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "engine_options.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli bench --model DIR [--image PATH ...] [--prompt TEXT] [--max-new-tokens N]\n"
    "                        [--runs N] [--device auto|cpu|cuda] [--dtype ...] [--max-pixels N]\n"
    "                        [--threads N] [--json]\n"
    "Runs one warm-up and then N greedy generations (default 3, 64 new tokens unless the model\n"
    "stops earlier) and prints median figures.\n";

double median(std::vector<double> v) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    const size_t n = v.size();
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace

int runBench(const QStringList& args) {
    QCommandLineParser parser;
    addEngineOptions(parser);
    parser.addOptions({
        {"runs", "Measured runs after one warm-up (default 3).", "N"},
        {"json", "Print the figures as one JSON object."},
    });
    bool help = false;
    auto a = parseEngineArgs(parser, args, kUsage, /*requirePrompt=*/false, &help);
    if (!a) return help ? 0 : 2;
    int runs = 3;
    if (parser.isSet(QStringLiteral("runs"))) {
        bool ok = false;
        runs = parser.value(QStringLiteral("runs")).toInt(&ok);
        if (!ok || runs < 1 || runs > 1000) {
            std::fprintf(stderr, "vistag-cli: --runs must be between 1 and 1000\n\n%s", kUsage);
            return 2;
        }
    }
    if (a->prompt.isEmpty()) a->prompt = QStringLiteral("Describe this image.");
    if (!parser.isSet(QStringLiteral("max-new-tokens"))) a->sampling.maxNewTokens = 64;
    a->sampling.temperature = 0;  // greedy: every run does the same work

    int rc = 0;
    auto images = loadImages(a->images, &rc);
    if (!images) return rc;
    auto engine = loadEngine(*a, &rc);
    if (!engine) return rc;

    inference::GenerateRequest req;
    req.messages = buildMessages(*a, images->size());
    req.images = std::move(*images);
    req.sampling = a->sampling;
    req.maxPixels = a->maxPixels;

    std::vector<double> ttft, tps, total, prefill, vision;
    size_t tokens = 0;
    for (int i = 0; i <= runs; ++i) {
        auto r = engine->generate(req);
        if (!r) {
            printError(r.error());
            return r.error().exitCode();
        }
        if (i == 0) continue;  // warm-up
        ttft.push_back(r->timings.ttftMs);
        tps.push_back(r->timings.decodeTokensPerSecond);
        total.push_back(r->timings.totalMs);
        prefill.push_back(r->timings.prefillMs);
        vision.push_back(r->timings.visionMs);
        tokens = r->tokenIds.size();
    }
    const auto mem = engine->memoryUse();
    const auto& info = engine->info();
    nlohmann::json out = {
        {"device", info.device},        {"dtype", info.dtype},
        {"runs", runs},                 {"new_tokens", tokens},
        {"load_ms", info.loadMs},       {"ttft_ms", median(ttft)},
        {"vision_ms", median(vision)},  {"prefill_ms", median(prefill)},
        {"decode_tokens_per_s", median(tps)}, {"total_ms", median(total)},
        {"peak_rss_mb", mem.peakRssBytes / 1048576.0},
        {"peak_gpu_mb", mem.peakGpuBytes / 1048576.0},
        {"parameters", info.parameters},
    };
    if (parser.isSet(QStringLiteral("json"))) {
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("model      %s (%s, %s, %.1f M parameters)\n", qPrintable(a->model),
                info.device.c_str(), info.dtype.c_str(), info.parameters / 1e6);
    std::printf("runs       %d after one warm-up, %zu new tokens each\n", runs, tokens);
    std::printf("load       %.1f ms\n", info.loadMs);
    std::printf("ttft       %.1f ms (median; vision %.1f ms, prefill %.1f ms)\n", median(ttft),
                median(vision), median(prefill));
    std::printf("decode     %.1f tokens/s (median)\n", median(tps));
    std::printf("total      %.1f ms (median)\n", median(total));
    std::printf("peak RSS   %.1f MiB\n", mem.peakRssBytes / 1048576.0);
    if (mem.peakGpuBytes) std::printf("peak GPU   %.1f MiB\n", mem.peakGpuBytes / 1048576.0);
    return 0;
}

}  // namespace vistag::cli

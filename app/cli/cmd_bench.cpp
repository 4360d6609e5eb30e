// vistag-cli bench: warm-up, then median timings over several greedy runs, and peak memory.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>

#include "commands.h"
#include "engine_options.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli bench --model DIR [--image PATH ...] [--prompt TEXT] [--max-new-tokens N]\n"
    "                        [--runs N] [--device auto|cpu|cuda] [--dtype ...] [--max-pixels N]\n"
    "                        [--threads N] [--concurrency N[,N...]] [--requests N] [--json]\n"
    "Runs one warm-up and then N greedy generations (default 3, 64 new tokens unless the model\n"
    "stops earlier) and prints median figures.\n"
    "With --concurrency N (or a list, e.g. 1,8,32): the same --requests (default 2 x the largest\n"
    "N) run one at a time through generate() and then with N in flight in the continuous batch,\n"
    "side by side in this run; prints requests/s, generated tokens/s, median time to first token\n"
    "and the ratio to one at a time. Several --image rotate over the requests.\n";

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point t) {
    return std::chrono::duration<double>(Clock::now() - t).count();
}

struct Throughput {
    int concurrency = 0;  // 0 = one at a time through generate()
    double seconds = 0;
    size_t requests = 0, tokens = 0;
    double ttftMedianMs = 0, meanRows = 0;
};

double median(std::vector<double> v);

// Runs `reqs` with at most `concurrency` in flight in the engine's batch (a new one submitted as
// each finishes), or one after another through generate() when concurrency is 0.
int measure(inference::Engine& engine, const std::vector<inference::GenerateRequest>& reqs,
            int concurrency, Throughput* out) {
    out->concurrency = concurrency;
    std::vector<double> ttft;
    const auto before = engine.batchStatus();
    const auto t0 = Clock::now();
    std::optional<inference::Status> error;
    if (concurrency == 0) {
        for (const auto& r : reqs) {
            auto g = engine.generate(r);
            if (!g) {
                error = g.error();
                break;
            }
            out->tokens += g->tokenIds.size();
            ttft.push_back(g->timings.ttftMs);
        }
    } else {
        std::mutex m;
        std::condition_variable cv;
        size_t inFlight = 0, next = 0, finished = 0;
        std::unique_lock lk(m);
        while (finished < reqs.size() && !error) {
            while (inFlight < static_cast<size_t>(concurrency) && next < reqs.size()) {
                ++inFlight;
                engine.submit(reqs[next++], {},
                              [&](const inference::Expected<inference::GenerateResult>& g) {
                                  std::lock_guard done(m);
                                  --inFlight;
                                  ++finished;
                                  if (!g) {
                                      error = g.error();
                                  } else {
                                      out->tokens += g->tokenIds.size();
                                      ttft.push_back(g->timings.ttftMs);
                                  }
                                  cv.notify_all();
                              });
            }
            cv.wait(lk);
        }
        if (error)
            engine.cancelAll();
        cv.wait(lk, [&] { return inFlight == 0; });
    }
    if (error) {
        printError(*error);
        return error->exitCode();
    }
    out->seconds = secondsSince(t0);
    out->requests = reqs.size();
    out->ttftMedianMs = median(ttft);
    const auto after = engine.batchStatus();
    if (after.steps > before.steps)
        out->meanRows = static_cast<double>(after.rowsDecoded - before.rowsDecoded) /
                        static_cast<double>(after.steps - before.steps);
    return 0;
}

// One at a time, then each concurrency in turn, side by side in this run.
int compareConcurrency(inference::Engine& engine,
                       const std::vector<inference::GenerateRequest>& reqs,
                       const std::vector<int>& levels, bool json) {
    // Warm-up of both paths (allocations, the batch's KV cache, graphs on a GPU).
    Throughput warm;
    const std::vector<inference::GenerateRequest> one(reqs.begin(), reqs.begin() + 1);
    if (int rc = measure(engine, one, 0, &warm))
        return rc;
    if (int rc = measure(engine, one, 1, &warm))
        return rc;
    std::vector<Throughput> rows(1);
    if (int rc = measure(engine, reqs, 0, &rows[0]))
        return rc;
    for (int n : levels) {
        rows.emplace_back();
        if (int rc = measure(engine, reqs, n, &rows.back()))
            return rc;
    }
    const auto& info = engine.info();
    const double base = rows[0].requests / rows[0].seconds;
    if (json) {
        nlohmann::json list = nlohmann::json::array();
        for (const Throughput& t : rows)
            list.push_back({{"concurrency", t.concurrency},
                            {"seconds", t.seconds},
                            {"requests_per_s", t.requests / t.seconds},
                            {"tokens_per_s", t.tokens / t.seconds},
                            {"ttft_median_ms", t.ttftMedianMs},
                            {"mean_rows_per_step", t.meanRows},
                            {"ratio", t.requests / t.seconds / base}});
        nlohmann::json out = {{"device", info.device},
                              {"dtype", info.dtype},
                              {"parameters", info.parameters},
                              {"requests", reqs.size()},
                              {"kv_slots", engine.batchStatus().kvSlots},
                              {"runs", list}};
        std::printf("%s\n", out.dump().c_str());
        return 0;
    }
    std::printf("model      %s, %s, %.1f M parameters; %zu requests per row, %d KV slots\n",
                info.device.c_str(), info.dtype.c_str(), info.parameters / 1e6, reqs.size(),
                engine.batchStatus().kvSlots);
    std::printf("%-14s %9s %12s %10s %10s %9s %7s\n", "in flight", "seconds", "requests/s",
                "tokens/s", "TTFT ms", "rows/step", "ratio");
    for (const Throughput& t : rows)
        std::printf("%-14s %9.2f %12.3f %10.1f %10.1f %9.1f %6.2fx\n",
                    t.concurrency ? std::to_string(t.concurrency).c_str() : "one at a time",
                    t.seconds, t.requests / t.seconds, t.tokens / t.seconds, t.ttftMedianMs,
                    t.meanRows, t.requests / t.seconds / base);
    return 0;
}

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
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
        {"concurrency", "Compare one at a time with N requests in flight (a list: 1,8,32).", "N"},
        {"requests", "Requests per measurement with --concurrency (default 2 x N).", "N"},
        {"json", "Print the figures as one JSON object."},
    });
    bool help = false;
    auto a = parseEngineArgs(parser, args, kUsage, /*requirePrompt=*/false, &help);
    if (!a)
        return help ? 0 : 2;
    int runs = 3;
    if (parser.isSet(QStringLiteral("runs"))) {
        bool ok = false;
        runs = parser.value(QStringLiteral("runs")).toInt(&ok);
        if (!ok || runs < 1 || runs > 1000) {
            std::fprintf(stderr, "vistag-cli: --runs must be between 1 and 1000\n\n%s", kUsage);
            return 2;
        }
    }
    std::vector<int> levels;
    int requests = 0;
    auto badNumber = [&](const char* name) {
        std::fprintf(stderr, "vistag-cli: --%s wants numbers between 1 and 4096\n\n%s", name,
                     kUsage);
        return 2;
    };
    if (parser.isSet(QStringLiteral("concurrency")))
        for (const QString& part :
             parser.value(QStringLiteral("concurrency")).split(QLatin1Char(','))) {
            bool ok = false;
            const int n = part.trimmed().toInt(&ok);
            if (!ok || n < 1 || n > 4096)
                return badNumber("concurrency");
            levels.push_back(n);
        }
    if (parser.isSet(QStringLiteral("requests"))) {
        bool ok = false;
        requests = parser.value(QStringLiteral("requests")).toInt(&ok);
        if (!ok || requests < 1 || requests > 4096)
            return badNumber("requests");
    }
    if (!levels.empty()) {
        const int most = *std::max_element(levels.begin(), levels.end());
        if (a->maxSequences == 0)
            a->maxSequences = most;
        if (requests == 0)
            requests = 2 * most;
    }
    if (a->prompt.isEmpty())
        a->prompt = QStringLiteral("Describe this image.");
    if (!parser.isSet(QStringLiteral("max-new-tokens")))
        a->sampling.maxNewTokens = 64;
    a->sampling.temperature = 0;  // greedy: every run does the same work

    int rc = 0;
    auto images = loadImages(a->images, &rc);
    if (!images)
        return rc;
    auto engine = loadEngine(*a, &rc);
    if (!engine)
        return rc;

    if (!levels.empty()) {
        // One image per request, rotating over --image (none: text only).
        std::vector<inference::GenerateRequest> reqs;
        for (int i = 0; i < requests; ++i) {
            inference::GenerateRequest r;
            r.messages = buildMessages(*a, images->empty() ? 0 : 1);
            if (!images->empty())
                r.images = {(*images)[i % images->size()]};
            r.sampling = a->sampling;
            r.maxPixels = a->maxPixels;
            reqs.push_back(std::move(r));
        }
        return compareConcurrency(*engine, reqs, levels, parser.isSet(QStringLiteral("json")));
    }

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
        if (i == 0)
            continue;  // warm-up
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
        {"device", info.device},
        {"dtype", info.dtype},
        {"runs", runs},
        {"new_tokens", tokens},
        {"load_ms", info.loadMs},
        {"ttft_ms", median(ttft)},
        {"vision_ms", median(vision)},
        {"prefill_ms", median(prefill)},
        {"decode_tokens_per_s", median(tps)},
        {"total_ms", median(total)},
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
    if (mem.peakGpuBytes)
        std::printf("peak GPU   %.1f MiB\n", mem.peakGpuBytes / 1048576.0);
    return 0;
}

}  // namespace vistag::cli

// vistag-engine: the engine on its own, with no Qt and no image decoder — for a GPU box that has
// only libtorch (benchmarks and parity checks against transformers there), and for scripts.
// Images come as raw 8-bit RGB files (width × height × 3 bytes), so nothing but the engine runs.
//
//   vistag-engine --model DIR [--image-rgb FILE:WxH ...] [--prompt TEXT] [--device D]
//                 [--dtype T] [--max-new-tokens N] [--max-pixels N] [--runs N] [--threads N]
//                 [--dump FILE] [--logits FILE]
//                 [--concurrency N [--requests R] [--single-requests K]
//                  [--max-sequence-length L]]
//
// Prints one JSON object per run (after one warm-up when --runs > 1) and a summary object last.
//
// With --concurrency N the continuous batch is measured instead (Engine::submit, maxSequences =
// N): R requests (default 2N), one image each (rotating over the --image-rgb images), run (a) one
// at a time with generate() and (b) all submitted at once, each after a warm-up; one JSON object
// with requests/s, generated tokens/s, median time to first token of both sides, the ratio, the
// mean rows per batched decode step and the peak memory. With --logits FILE, a further pass of
// two tokens per request (keepLogits) writes FILE as safetensors: single_first / batched_first
// (the logits of the first token, [requests, vocab] float32) and single_second / batched_second
// (of the second: for the batch, the first batched decode step).
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <utility>
#include <vector>

#include "vistag/inference/engine.h"

namespace {

using namespace vistag::inference;

const char kUsage[] =
    "usage: vistag-engine --model DIR [--image-rgb FILE:WxH ...] [--prompt TEXT]\n"
    "                     [--device auto|cpu|cuda] [--dtype auto|float32|bfloat16|float16]\n"
    "                     [--max-new-tokens N] [--max-pixels N] [--runs N] [--threads N]\n"
    "                     [--dump FILE] [--logits FILE]\n"
    "                     [--concurrency N [--requests R] [--single-requests K]\n"
    "                      [--max-sequence-length L]]\n"
    "Greedy generation with the Qt-free engine. --image-rgb takes raw RGB bytes (W*H*3).\n"
    "--runs N > 1 adds one warm-up run first; the last line is a JSON summary with medians.\n"
    "--concurrency N measures the continuous batch (N sequences decode together): R requests\n"
    "(default 2N), one image each, one at a time (the first K of them, default R; 0 = skip)\n"
    "against all submitted at once; prints one JSON object. --logits FILE then writes the\n"
    "first- and second-token logits of every request of both sides as safetensors.\n"
    "--max-sequence-length L: positions per batch slot (default: the engine's).\n";

double median(std::vector<double> v) {
    if (v.empty())
        return 0;
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

// ---- --concurrency: the continuous batch against one request at a time ----------------------

using Clock = std::chrono::steady_clock;

double msSince(Clock::time_point t0) {
    return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

struct Failure {
    std::string message;
    int code = 1;
};

struct SideRun {
    std::vector<GenerateResult> results;
    double wallMs = 0;
    uint64_t steps = 0;        // batched decode steps (batch side only)
    uint64_t rowsDecoded = 0;  // rows over those steps
};

GenerateResult take(const Expected<GenerateResult>& r, const char* side, size_t i) {
    if (!r)
        throw Failure{
            std::string(side) + " request " + std::to_string(i) + ": " + r.error().message(),
            r.error().exitCode()};
    return *r;
}

// One generate() after another, over requests[0, count).
SideRun runSingle(Engine& engine, const std::vector<GenerateRequest>& requests, size_t count) {
    SideRun run;
    const auto t0 = Clock::now();
    for (size_t i = 0; i < count; ++i)
        run.results.push_back(take(engine.generate(requests[i]), "one-at-a-time", i));
    run.wallMs = msSince(t0);
    return run;
}

// Every request submitted at once. A gate request is submitted first and holds the batch
// thread in its done callback until all of them are queued, so that the batch admits them
// together (as many as fit a round) and not the first alone: the same composition every run,
// which the graph-against-eager comparison needs. The clock starts when the gate holds.
SideRun runBatched(Engine& engine, std::vector<GenerateRequest> requests) {
    struct Gate {
        std::mutex m;
        std::condition_variable cv;
        bool holding = false, released = false;
    };
    auto gate = std::make_shared<Gate>();
    GenerateRequest g;
    g.messages.push_back({"user", {{ChatPart::Kind::Text, "gate"}}});
    g.sampling.maxNewTokens = 1;
    g.sampling.temperature = 0;
    auto gateHandle = engine.submit(std::move(g), {}, [gate](const Expected<GenerateResult>&) {
        std::unique_lock lk(gate->m);
        gate->holding = true;
        gate->cv.notify_all();
        gate->cv.wait(lk, [&] { return gate->released; });
    });
    {
        std::unique_lock lk(gate->m);
        while (!gate->holding && !gateHandle->finished())
            gate->cv.wait_for(lk, std::chrono::milliseconds(50));
    }
    SideRun run;
    const BatchStatus before = engine.batchStatus();
    const auto t0 = Clock::now();
    std::vector<std::shared_ptr<RequestHandle>> handles;
    handles.reserve(requests.size());
    for (auto& r : requests)
        handles.push_back(engine.submit(std::move(r)));
    {
        std::lock_guard lk(gate->m);
        gate->released = true;
    }
    gate->cv.notify_all();
    for (size_t i = 0; i < handles.size(); ++i)
        run.results.push_back(take(handles[i]->wait(), "batched", i));
    run.wallMs = msSince(t0);
    gateHandle->wait();
    const BatchStatus after = engine.batchStatus();
    run.steps = after.steps - before.steps;
    run.rowsDecoded = after.rowsDecoded - before.rowsDecoded;
    return run;
}

nlohmann::json sideJson(const SideRun& run) {
    std::vector<double> ttft;
    uint64_t tokens = 0;
    nlohmann::json finish = nlohmann::json::object();
    for (const auto& r : run.results) {
        ttft.push_back(r.timings.ttftMs);
        tokens += r.tokenIds.size();
        finish[r.finishReason] = finish.value(r.finishReason, 0) + 1;
    }
    const double s = run.wallMs / 1000.0;
    const size_t n = run.results.size();
    return {{"requests", n},
            {"wall_ms", run.wallMs},
            {"requests_per_s", s > 0 ? n / s : 0.0},
            {"generated_tokens", tokens},
            {"tokens_per_s", s > 0 ? tokens / s : 0.0},
            {"ttft_ms_median", median(ttft)},
            {"ttft_ms_max", ttft.empty() ? 0.0 : *std::max_element(ttft.begin(), ttft.end())},
            {"finish_reasons", finish}};
}

nlohmann::json tokenIds(const SideRun& run) {
    nlohmann::json ids = nlohmann::json::array();
    for (const auto& r : run.results)
        ids.push_back(r.tokenIds);
    return ids;
}

struct Matrix {
    std::string name;
    int64_t rows = 0, cols = 0;
    std::vector<float> data;
};

// Row `step` of each result's kept logits ([requests, vocab]); NaN where a request stopped
// before that step.
Matrix logitsRows(const std::string& name, const SideRun& run, size_t step, int64_t vocab) {
    Matrix m{name, static_cast<int64_t>(run.results.size()), vocab, {}};
    m.data.assign(static_cast<size_t>(m.rows * m.cols), std::numeric_limits<float>::quiet_NaN());
    for (size_t i = 0; i < run.results.size(); ++i) {
        const auto& r = run.results[i];
        const size_t v = static_cast<size_t>(vocab);
        if (r.logits.size() >= (step + 1) * v)
            std::copy(r.logits.begin() + step * v, r.logits.begin() + (step + 1) * v,
                      m.data.begin() + i * v);
    }
    return m;
}

// A safetensors file of float32 matrices (little-endian host).
void writeMatrices(const std::string& path, const std::vector<Matrix>& ms) {
    nlohmann::json header = nlohmann::json::object();
    uint64_t offset = 0;
    for (const auto& m : ms) {
        const uint64_t bytes = m.data.size() * sizeof(float);
        header[m.name] = {{"dtype", "F32"},
                          {"shape", {m.rows, m.cols}},
                          {"data_offsets", {offset, offset + bytes}}};
        offset += bytes;
    }
    std::string h = header.dump();
    h.append((8 - h.size() % 8) % 8, ' ');
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    const uint64_t n = h.size();
    unsigned char len[8];
    for (int i = 0; i < 8; ++i)
        len[i] = static_cast<unsigned char>(n >> (8 * i));
    f.write(reinterpret_cast<const char*>(len), 8);
    f.write(h.data(), static_cast<std::streamsize>(h.size()));
    for (const auto& m : ms)
        f.write(reinterpret_cast<const char*>(m.data.data()),
                static_cast<std::streamsize>(m.data.size() * sizeof(float)));
    if (!f)
        throw Failure{"cannot write " + path, 1};
}

struct BatchOptions {
    int concurrency = 0;
    int requests = -1;        // -1 = 2 × concurrency
    int singleRequests = -1;  // -1 = requests
};

int runBatchMode(const std::string& model, LoadOptions load, const GenerateRequest& base,
                 const std::vector<RgbImage>& images, const std::string& prompt,
                 const BatchOptions& opt, const std::string& logitsPath) {
    const size_t R = static_cast<size_t>(opt.requests < 0 ? 2 * opt.concurrency : opt.requests);
    const size_t K = opt.singleRequests < 0 ? R : std::min<size_t>(R, opt.singleRequests);
    load.maxSequences = opt.concurrency;
    auto loaded = Engine::load(model, load);
    if (!loaded)
        return fail(loaded.error().message(), loaded.error().exitCode());
    Engine& engine = **loaded;
    const auto& info = engine.info();

    // Request i: image i mod |images| (its content depends on that index alone).
    const size_t nImages = images.size();
    std::vector<GenerateRequest> requests;
    for (size_t i = 0; i < R; ++i) {
        GenerateRequest r;
        r.sampling = base.sampling;
        r.maxPixels = base.maxPixels;
        ChatMessage user{"user", {}};
        if (nImages > 0) {
            r.images.push_back(images[i % nImages]);
            user.content.push_back({ChatPart::Kind::Image, {}});
        }
        user.content.push_back({ChatPart::Kind::Text, prompt});
        r.messages.push_back(std::move(user));
        requests.push_back(std::move(r));
    }
    auto firstK = [&](size_t k) {
        return std::vector<GenerateRequest>(requests.begin(), requests.begin() + k);
    };

    try {
        // (a) one at a time, after a warm-up of one request.
        SideRun single;
        if (K > 0) {
            runSingle(engine, requests, 1);
            single = runSingle(engine, requests, K);
        }
        // (b) all at once, after a warm-up of one full batch (captures the decode graphs).
        runBatched(engine, firstK(std::min<size_t>(R, opt.concurrency)));
        SideRun batched = runBatched(engine, requests);

        nlohmann::json imageOf = nlohmann::json::array(), singleRowOf = nlohmann::json::array();
        for (size_t i = 0; i < R; ++i) {
            imageOf.push_back(nImages ? static_cast<int64_t>(i % nImages) : -1);
            // The one-at-a-time result with the same content: itself, or the first request
            // with the same image.
            const size_t j = i < K ? i : (nImages && nImages <= K ? i % nImages : R);
            singleRowOf.push_back(j < K ? static_cast<int64_t>(j) : -1);
        }
        const auto mem = engine.memoryUse();
        const auto status = engine.batchStatus();
        nlohmann::json out = {
            {"batch", true},
            {"device", info.device},
            {"dtype", info.dtype},
            {"parameters", info.parameters},
            {"load_ms", info.loadMs},
            {"concurrency", opt.concurrency},
            {"requests", R},
            {"single_requests", K},
            {"images", nImages},
            {"max_new_tokens", base.sampling.maxNewTokens},
            {"prompt_tokens", batched.results.empty() ? 0 : batched.results[0].promptTokens},
            {"batched", sideJson(batched)},
            {"kv_slots", status.kvSlots},
            {"slot_length", status.slotLength},
            {"cache_mb", status.cacheBytes / 1048576.0},
            {"image_of", imageOf},
            {"single_row_of", singleRowOf},
            {"batched_token_ids", tokenIds(batched)},
        };
        out["batched"]["steps"] = batched.steps;
        out["batched"]["rows_decoded"] = batched.rowsDecoded;
        out["batched"]["mean_rows_per_step"] =
            batched.steps ? double(batched.rowsDecoded) / double(batched.steps) : 0.0;
        if (K > 0) {
            out["single"] = sideJson(single);
            out["single_token_ids"] = tokenIds(single);
            const double a = out["single"]["requests_per_s"], b = out["batched"]["requests_per_s"];
            const double ta = out["single"]["tokens_per_s"], tb = out["batched"]["tokens_per_s"];
            out["ratio_requests_per_s"] = a > 0 ? b / a : 0.0;
            out["ratio_tokens_per_s"] = ta > 0 ? tb / ta : 0.0;
        } else {
            out["single"] = nullptr;
            out["single_token_ids"] = nlohmann::json::array();
            out["ratio_requests_per_s"] = nullptr;
            out["ratio_tokens_per_s"] = nullptr;
        }

        if (!logitsPath.empty()) {
            // Two tokens per request, keeping their logits: the first comes from each request's
            // prefill, the second (in the batch) from the first batched decode step.
            for (auto& r : requests) {
                r.keepLogits = true;
                r.sampling.maxNewTokens = std::min(2, base.sampling.maxNewTokens);
            }
            const int64_t vocab = info.vocabSize;
            std::vector<Matrix> ms;
            SideRun ls, lb = runBatched(engine, requests);
            if (K > 0)
                ls = runSingle(engine, requests, K);
            for (size_t step = 0;
                 step < static_cast<size_t>(std::min(2, base.sampling.maxNewTokens)); ++step) {
                const char* which = step == 0 ? "first" : "second";
                if (K > 0)
                    ms.push_back(logitsRows(std::string("single_") + which, ls, step, vocab));
                ms.push_back(logitsRows(std::string("batched_") + which, lb, step, vocab));
            }
            writeMatrices(logitsPath, ms);
            out["logits_file"] = logitsPath;
            out["logits_vocab"] = vocab;
            out["logits_single_token_ids"] = tokenIds(ls);
            out["logits_batched_token_ids"] = tokenIds(lb);
        }
        const auto memAll = engine.memoryUse();
        out["peak_gpu_mb"] = mem.peakGpuBytes / 1048576.0;
        out["peak_rss_mb"] = mem.peakRssBytes / 1048576.0;
        out["peak_gpu_mb_with_logits"] = memAll.peakGpuBytes / 1048576.0;
        std::printf("%s\n", out.dump().c_str());
        std::fflush(stdout);
    } catch (const Failure& f) {
        return fail(f.message, f.code);
    }
    return 0;
}

}  // namespace

int main(int argc, char** argv) {
    std::string model, prompt = "Describe this image.", dump, logitsPath;
    LoadOptions load;
    GenerateRequest req;
    req.sampling.maxNewTokens = 64;
    req.sampling.temperature = 0;
    int runs = 1;
    BatchOptions batch;
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
        } else if (a == "--model")
            model = value();
        else if (a == "--image-rgb")
            imageSpecs.push_back(value());
        else if (a == "--prompt")
            prompt = value();
        else if (a == "--device")
            load.device = value();
        else if (a == "--dtype")
            load.dtype = value();
        else if (a == "--threads")
            load.threads = std::atoi(value().c_str());
        else if (a == "--max-new-tokens")
            req.sampling.maxNewTokens = std::atoi(value().c_str());
        else if (a == "--max-pixels")
            req.maxPixels = std::atoll(value().c_str());
        else if (a == "--runs")
            runs = std::atoi(value().c_str());
        else if (a == "--dump")
            dump = value();
        else if (a == "--logits")
            logitsPath = value();
        else if (a == "--concurrency")
            batch.concurrency = std::atoi(value().c_str());
        else if (a == "--requests")
            batch.requests = std::atoi(value().c_str());
        else if (a == "--single-requests")
            batch.singleRequests = std::atoi(value().c_str());
        else if (a == "--max-sequence-length")
            load.maxSequenceLength = std::atoll(value().c_str());
        else
            return fail("unknown option " + a + "\n\n" + kUsage);
    }
    if (model.empty())
        return fail(std::string("--model is required\n\n") + kUsage);
    if (runs < 1 || runs > 1000)
        return fail("--runs must be between 1 and 1000");
    if (req.sampling.maxNewTokens < 1)
        return fail("--max-new-tokens must be at least 1");
    if (batch.concurrency < 0 || batch.concurrency > 1024)
        return fail("--concurrency must be between 1 and 1024");
    if (batch.concurrency == 0 && (batch.requests >= 0 || batch.singleRequests >= 0))
        return fail("--requests and --single-requests go with --concurrency");
    if (batch.concurrency > 0 && batch.requests != -1 &&
        (batch.requests < 1 || batch.requests > 100000))
        return fail("--requests must be between 1 and 100000");
    if (batch.singleRequests < -1)
        return fail("--single-requests must be 0 or more");
    if (batch.concurrency > 0 && !dump.empty())
        return fail("--dump does not go with --concurrency");

    for (const auto& spec : imageSpecs) {
        RgbImage img;
        std::string err;
        if (!readRgb(spec, &img, &err))
            return fail(err);
        req.images.push_back(std::move(img));
    }
    if (batch.concurrency > 0)
        return runBatchMode(model, load, req, req.images, prompt, batch, logitsPath);
    ChatMessage user{"user", {}};
    for (size_t i = 0; i < req.images.size(); ++i)
        user.content.push_back({ChatPart::Kind::Image, {}});
    user.content.push_back({ChatPart::Kind::Text, prompt});
    req.messages.push_back(std::move(user));

    auto engine = Engine::load(model, load);
    if (!engine)
        return fail(engine.error().message(), engine.error().exitCode());
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
        if (!res)
            return fail(res.error().message(), res.error().exitCode());
        if (r.keepLogits) {
            if (auto st = (*engine)->writeLogits(logitsPath, *res); !st)
                return fail(st.message(), st.exitCode());
        }
        if (!measured)
            continue;
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
                 {{"preprocess_ms", t.preprocessMs},
                  {"vision_ms", t.visionMs},
                  {"prefill_ms", t.prefillMs},
                  {"ttft_ms", t.ttftMs},
                  {"decode_ms", t.decodeMs},
                  {"total_ms", t.totalMs},
                  {"decode_tokens_per_s", t.decodeTokensPerSecond}}}};
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

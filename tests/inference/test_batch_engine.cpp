// The continuous batch (Engine::submit) against the one-sequence path (Engine::generate) on the
// same engine: greedy float32 on the CPU must give the same tokens for every request, whatever
// else runs beside it. Driven by tests/parity/test_batch_engine.py, which builds a random model
// with transformers and passes its folder in VISTAG_TEST_MODEL (this binary is not a CTest test
// by itself).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <future>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vistag/inference/engine.h"

namespace vi = vistag::inference;

namespace {

std::string modelFolder() {
    const char* m = std::getenv("VISTAG_TEST_MODEL");
    return m ? m : "";
}

vi::RgbImage picture(int w, int h, int seed) {
    vi::RgbImage im;
    im.width = w;
    im.height = h;
    im.label = "synthetic-" + std::to_string(seed);
    im.pixels.resize(static_cast<size_t>(w) * h * 3);
    uint32_t state = 2463534242u + seed * 7919u;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            uint8_t* p = &im.pixels[(static_cast<size_t>(y) * w + x) * 3];
            p[0] = static_cast<uint8_t>(x * 255 / std::max(w - 1, 1) + (state & 31));
            p[1] = static_cast<uint8_t>(y * 255 / std::max(h - 1, 1) + ((state >> 8) & 31));
            p[2] = static_cast<uint8_t>((x + y) * 3 + seed * 40);
        }
    return im;
}

vi::GenerateRequest request(std::vector<vi::RgbImage> images, const std::string& prompt,
                            int maxNew) {
    vi::GenerateRequest r;
    vi::ChatMessage user{"user", {}};
    for (size_t i = 0; i < images.size(); ++i)
        user.content.push_back({vi::ChatPart::Kind::Image, ""});
    user.content.push_back({vi::ChatPart::Kind::Text, prompt});
    r.messages = {user};
    r.images = std::move(images);
    r.sampling.maxNewTokens = maxNew;
    r.sampling.temperature = 0;
    return r;
}

// Requests of different images (two in one), prompts, lengths, stop points and samplers.
std::vector<vi::GenerateRequest> mixedRequests() {
    std::vector<vi::GenerateRequest> v;
    v.push_back(request({picture(200, 150, 1)}, "Describe this product.", 40));
    v.push_back(request({picture(97, 251, 2), picture(64, 64, 3)}, "这两件衣服有什么不同？", 25));
    v.push_back(request({}, "Write a short product title for a red wool coat.", 60));
    v.push_back(request({picture(128, 96, 4)}, "Colour?", 7));
    v.push_back(
        request({picture(200, 150, 1)}, "Which season is this for? Answer in one word.", 33));
    auto penalised = request({picture(80, 120, 5)}, "List the materials.", 30);
    penalised.sampling.repetitionPenalty = 1.3f;
    penalised.sampling.presencePenalty = 0.5f;
    v.push_back(penalised);
    auto sampled = request({picture(160, 160, 6)}, "Tag this image.", 30);
    sampled.sampling.temperature = 0.8f;
    sampled.sampling.topP = 0.9f;
    sampled.sampling.topK = 50;
    sampled.sampling.seed = 1234;
    v.push_back(sampled);
    v.push_back(request({picture(300, 40, 7)}, "What is written on the banner?", 12));
    return v;
}

std::unique_ptr<vi::Engine> load(int maxSequences, int64_t maxSequenceLength = 0) {
    vi::LoadOptions o;
    o.device = "cpu";
    o.dtype = "float32";
    o.threads = 2;
    o.maxSequences = maxSequences;
    o.maxSequenceLength = maxSequenceLength;
    auto e = vi::Engine::load(modelFolder(), o);
    if (!e)
        ADD_FAILURE() << e.error().message();
    return e ? std::move(*e) : nullptr;
}

std::vector<vi::GenerateResult> oneAtATime(vi::Engine& e,
                                           const std::vector<vi::GenerateRequest>& reqs) {
    std::vector<vi::GenerateResult> out;
    for (const auto& r : reqs) {
        auto g = e.generate(r);
        EXPECT_TRUE(g) << g.error().message();
        out.push_back(g ? *g : vi::GenerateResult{});
    }
    return out;
}

void expectSame(const vi::GenerateResult& batched, const vi::GenerateResult& single,
                const std::string& what) {
    EXPECT_EQ(batched.tokenIds, single.tokenIds) << what;
    EXPECT_EQ(batched.finishReason, single.finishReason) << what;
    EXPECT_EQ(batched.text, single.text) << what;
    EXPECT_EQ(batched.promptTokens, single.promptTokens) << what;
    ASSERT_EQ(batched.tokenProbs.size(), single.tokenProbs.size()) << what;
    for (size_t i = 0; i < batched.tokenProbs.size(); ++i) {
        EXPECT_FALSE(std::isnan(batched.tokenProbs[i])) << what << " token " << i;
        EXPECT_NEAR(batched.tokenProbs[i], single.tokenProbs[i], 1e-4) << what << " token " << i;
    }
}

// Submits every request at once and holds each answer to the one-at-a-time one.
void expectBatchMatches(vi::Engine& e, const std::vector<vi::GenerateRequest>& reqs,
                        const std::vector<vi::GenerateResult>& oracle, const std::string& label) {
    std::vector<std::shared_ptr<vi::RequestHandle>> hs;
    for (const auto& r : reqs)
        hs.push_back(e.submit(r));
    for (size_t i = 0; i < hs.size(); ++i) {
        const auto& got = hs[i]->wait();
        ASSERT_TRUE(got) << got.error().message();
        expectSame(*got, oracle[i], label + "request " + std::to_string(i));
    }
}

class BatchEngine : public ::testing::Test {
protected:
    void SetUp() override {
        if (modelFolder().empty())
            GTEST_FAIL() << "VISTAG_TEST_MODEL is not set (run tests/parity/test_batch_engine.py)";
    }
};

}  // namespace

TEST_F(BatchEngine, MixedRequestsMatchOneAtATimeForEveryBatchSize) {
    const auto reqs = mixedRequests();
    std::vector<vi::GenerateResult> oracle;
    for (int slots : {1, 3, 8}) {
        auto e = load(slots);
        ASSERT_TRUE(e);
        if (oracle.empty()) {
            oracle = oneAtATime(*e, reqs);
            for (size_t i = 0; i < oracle.size(); ++i)
                std::printf("request %zu: %lld prompt tokens, %zu new tokens, %s\n", i,
                            static_cast<long long>(oracle[i].promptTokens),
                            oracle[i].tokenIds.size(), oracle[i].finishReason.c_str());
        }
        expectBatchMatches(*e, reqs, oracle, std::to_string(slots) + " slots, ");
        const vi::BatchStatus st = e->batchStatus();
        EXPECT_EQ(st.kvSlots, slots);
        EXPECT_EQ(st.running, 0);
        EXPECT_EQ(st.waiting, 0);
        if (slots > 1) {
            EXPECT_GT(st.rowsDecoded, st.steps) << "no step decoded two sequences";
        }
    }
}

TEST_F(BatchEngine, OrderDoesNotMatterAndARerunIsBitIdentical) {
    auto reqs = mixedRequests();
    auto e = load(4);
    ASSERT_TRUE(e);
    // Bit-identical reruns need the same batch composition, so every request must be queued
    // before the first admission: a one-token gate request holds the batch thread in its done
    // callback until all are submitted.
    auto runAll = [&](const std::vector<vi::GenerateRequest>& rs) {
        std::promise<void> allSubmitted;
        std::shared_future<void> released = allSubmitted.get_future().share();
        auto gate =
            e->submit(request({}, "gate", 1), {},
                      [released](const vi::Expected<vi::GenerateResult>&) { released.wait(); });
        std::vector<std::shared_ptr<vi::RequestHandle>> hs;
        for (const auto& r : rs)
            hs.push_back(e->submit(r));
        allSubmitted.set_value();
        EXPECT_TRUE(gate->wait());
        std::vector<vi::GenerateResult> out;
        for (auto& h : hs) {
            EXPECT_TRUE(h->wait());
            out.push_back(h->wait() ? *h->wait() : vi::GenerateResult{});
        }
        return out;
    };
    const auto first = runAll(reqs);
    const auto again = runAll(reqs);
    for (size_t i = 0; i < reqs.size(); ++i) {
        EXPECT_EQ(first[i].tokenIds, again[i].tokenIds);
        EXPECT_EQ(first[i].tokenProbs, again[i].tokenProbs) << "rerun not bit-identical, " << i;
    }
    std::vector<vi::GenerateRequest> reversed(reqs.rbegin(), reqs.rend());
    const auto back = runAll(reversed);
    for (size_t i = 0; i < reqs.size(); ++i)
        EXPECT_EQ(back[reqs.size() - 1 - i].tokenIds, first[i].tokenIds) << "request " << i;
}

TEST_F(BatchEngine, RequestsAdmittedWhileOthersDecode) {
    auto reqs = mixedRequests();
    auto e = load(8);
    ASSERT_TRUE(e);
    const auto oracle = oneAtATime(*e, reqs);
    // The longest-answering request first; the others join once it has produced tokens.
    size_t longest = 0;
    for (size_t i = 0; i < oracle.size(); ++i)
        if (oracle[i].tokenIds.size() > oracle[longest].tokenIds.size())
            longest = i;
    ASSERT_GE(oracle[longest].tokenIds.size(), 6u) << "the random model answers too briefly";
    std::atomic<int> produced{0};
    auto first = e->submit(reqs[longest], [&](int32_t, std::string_view) {
        ++produced;
        return true;
    });
    while (produced.load() < 3 && !first->finished())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_FALSE(first->finished());
    std::vector<std::shared_ptr<vi::RequestHandle>> hs(reqs.size());
    for (size_t i = 0; i < reqs.size(); ++i)
        if (i != longest)
            hs[i] = e->submit(reqs[i]);
    hs[longest] = first;
    for (size_t i = 0; i < reqs.size(); ++i) {
        const auto& got = hs[i]->wait();
        ASSERT_TRUE(got) << got.error().message();
        expectSame(*got, oracle[i], "request " + std::to_string(i));
    }
    EXPECT_GT(e->batchStatus().rowsDecoded, e->batchStatus().steps);
}

TEST_F(BatchEngine, CancellingOneLeavesTheOthersUnchanged) {
    auto reqs = mixedRequests();
    auto e = load(8);
    ASSERT_TRUE(e);
    const auto oracle = oneAtATime(*e, reqs);
    // Request 0 stops itself from its callback after 3 tokens; request 2 is cancelled from this
    // thread through its handle once it has produced 4.
    std::atomic<int> produced2{0};
    std::vector<std::shared_ptr<vi::RequestHandle>> hs;
    for (size_t i = 0; i < reqs.size(); ++i) {
        vi::TokenCallback cb;
        if (i == 0) {
            auto n = std::make_shared<int>(0);
            cb = [n](int32_t, std::string_view) { return ++*n < 3; };
        } else if (i == 2) {
            cb = [&](int32_t, std::string_view) {
                ++produced2;
                return true;
            };
        }
        hs.push_back(e->submit(reqs[i], cb));
    }
    while (produced2.load() < 4 && !hs[2]->finished())
        std::this_thread::sleep_for(std::chrono::microseconds(200));
    hs[2]->cancel();
    for (size_t i = 0; i < reqs.size(); ++i) {
        const auto& got = hs[i]->wait();
        ASSERT_TRUE(got) << got.error().message();
        if (i == 0 || i == 2) {
            const auto& full = oracle[i].tokenIds;
            const auto& part = got->tokenIds;
            ASSERT_LE(part.size(), full.size());
            EXPECT_TRUE(std::equal(part.begin(), part.end(), full.begin())) << "request " << i;
            if (part.size() < full.size()) {
                EXPECT_EQ(got->finishReason, "cancelled");
            }
            if (i == 0 && full.size() > 3) {
                EXPECT_EQ(part.size(), 3u);
            }
        } else {
            expectSame(*got, oracle[i], "request " + std::to_string(i));
        }
    }
}

TEST_F(BatchEngine, FreedSlotsFilledWithNaNLeakIntoNothing) {
    setenv("VISTAG_DEBUG_POISON_FREED_SLOTS", "1", 1);
    auto reqs = mixedRequests();
    auto e = load(3);  // eight requests through three slots: every slot is reused
    unsetenv("VISTAG_DEBUG_POISON_FREED_SLOTS");
    ASSERT_TRUE(e);
    const auto oracle = oneAtATime(*e, reqs);
    for (int round = 0; round < 2; ++round) {
        expectBatchMatches(*e, reqs, oracle, "round " + std::to_string(round) + ", ");
    }
}

TEST_F(BatchEngine, ABadRequestFailsAloneWithAClearError) {
    auto e = load(4, /*maxSequenceLength=*/256);
    ASSERT_TRUE(e);
    auto good = request({picture(96, 96, 9)}, "Describe.", 20);
    auto oracle = e->generate(good);
    ASSERT_TRUE(oracle);
    auto tooLong = request({picture(96, 96, 9)}, "Describe.", 5000);  // past the model's 4096
    // Longer than a slot (256) but within the model's context: runs alone, answered as usual.
    auto longerThanASlot = request({picture(96, 96, 9)}, "Describe in detail.", 200);
    auto longOracle = e->generate(longerThanASlot);
    ASSERT_TRUE(longOracle);
    auto wrongImages = request({picture(96, 96, 9)}, "Describe.", 5);
    wrongImages.images.push_back(picture(32, 32, 1));                 // two images, one placeholder
    auto hugeImage = request({picture(2000, 9, 3)}, "Describe.", 5);  // aspect ratio over 200
    auto h1 = e->submit(tooLong);
    auto h2 = e->submit(good);
    auto h3 = e->submit(wrongImages);
    auto h4 = e->submit(hugeImage);
    auto h5 = e->submit(longerThanASlot);
    ASSERT_FALSE(h1->wait());
    EXPECT_EQ(h1->wait().error().code(), vi::ErrorCode::Prompt);
    EXPECT_NE(h1->wait().error().message().find("context"), std::string::npos)
        << h1->wait().error().message();
    ASSERT_TRUE(h5->wait()) << h5->wait().error().message();
    expectSame(*h5->wait(), *longOracle, "the request longer than a slot");
    ASSERT_FALSE(h3->wait());
    EXPECT_EQ(h3->wait().error().code(), vi::ErrorCode::Usage);
    ASSERT_FALSE(h4->wait());
    EXPECT_EQ(h4->wait().error().code(), vi::ErrorCode::Image);
    ASSERT_TRUE(h2->wait()) << h2->wait().error().message();
    expectSame(*h2->wait(), *oracle, "the good request");
}

TEST_F(BatchEngine, PriorityGoesFirstAndDestroyingTheEngineEndsEverything) {
    auto e = load(1);
    ASSERT_TRUE(e);
    auto slow = request({}, "Write a long story about a coat.", 200);
    std::vector<std::string> order;
    std::mutex m;
    auto note = [&](const std::string& name) {
        return [&, name](const vi::Expected<vi::GenerateResult>&) {
            std::lock_guard lk(m);
            order.push_back(name);
        };
    };
    auto running = e->submit(slow, {}, note("running"));
    while (e->batchStatus().running == 0 && !running->finished())
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    auto low = e->submit(request({}, "low", 3), {}, note("low"));
    auto q = request({}, "high", 3);
    q.priority = 10;
    auto high = e->submit(q, {}, note("high"));
    running->cancel();
    ASSERT_TRUE(low->wait());
    ASSERT_TRUE(high->wait());
    {
        std::lock_guard lk(m);
        ASSERT_EQ(order.size(), 3u);
        EXPECT_EQ(order[1], "high");
        EXPECT_EQ(order[2], "low");
    }
    std::vector<std::shared_ptr<vi::RequestHandle>> left;
    for (int i = 0; i < 4; ++i)
        left.push_back(e->submit(slow));
    e.reset();  // the batch thread cancels what is left and ends
    for (auto& h : left) {
        ASSERT_TRUE(h->finished());
        ASSERT_TRUE(h->wait());
        EXPECT_TRUE(h->wait()->finishReason == "cancelled" || h->wait()->finishReason == "stop" ||
                    h->wait()->finishReason == "length");
    }
}

// The logits each token was chosen from, batched against one at a time: float32 on the CPU holds
// 1e-5 of the largest logit (different matrix shapes sum in a different order; nothing more).
TEST_F(BatchEngine, BatchedLogitsMatchOneAtATime) {
    auto reqs = mixedRequests();
    reqs.resize(4);
    for (auto& r : reqs)
        r.keepLogits = true;
    auto e = load(4);
    ASSERT_TRUE(e);
    const auto oracle = oneAtATime(*e, reqs);
    std::vector<std::shared_ptr<vi::RequestHandle>> hs;
    for (const auto& r : reqs)
        hs.push_back(e->submit(r));
    double worst = 0;
    for (size_t i = 0; i < reqs.size(); ++i) {
        const auto& got = hs[i]->wait();
        ASSERT_TRUE(got) << got.error().message();
        ASSERT_EQ(got->logits.size(), oracle[i].logits.size()) << "request " << i;
        ASSERT_EQ(got->logits.size(), got->tokenIds.size() * static_cast<size_t>(got->vocabSize));
        double err = 0, scale = 0;
        for (size_t k = 0; k < got->logits.size(); ++k) {
            err =
                std::max(err, static_cast<double>(std::fabs(got->logits[k] - oracle[i].logits[k])));
            scale = std::max(scale, static_cast<double>(std::fabs(oracle[i].logits[k])));
        }
        EXPECT_LE(err, 1e-5 * scale + 1e-6) << "request " << i;
        worst = std::max(worst, err / std::max(scale, 1e-30));
    }
    std::printf("batched vs one at a time: largest logit error %.3e of max |logit|\n", worst);
}

// cancelAll() reaches every request wherever it is: waiting, being admitted, or decoding.
TEST_F(BatchEngine, CancelAllReachesEveryRequestWhereverItIs) {
    auto e = load(2);
    ASSERT_TRUE(e);
    for (int delayMs : {0, 1, 3, 10, 30}) {
        std::vector<std::shared_ptr<vi::RequestHandle>> hs;
        for (int i = 0; i < 6; ++i)
            hs.push_back(e->submit(request({picture(64, 64, i)}, "Tell a long story.", 400)));
        std::this_thread::sleep_for(std::chrono::milliseconds(delayMs));
        e->cancelAll();
        for (auto& h : hs) {
            const auto& got = h->wait();
            ASSERT_TRUE(got) << got.error().message();
            EXPECT_EQ(got->finishReason, "cancelled") << "delay " << delayMs << " ms";
            EXPECT_LT(got->tokenIds.size(), 400u);
        }
    }
}

// ---- taxonomy-constrained answers ----------------------------------------------------------

namespace {

vi::TagSchema tagSchema(bool allowUnknown) {
    vi::TagSchema s;
    auto single = [&](std::string code, std::vector<vi::TagSchemaValue> values) {
        vi::TagSchemaAttribute a;
        a.code = std::move(code);
        a.values = std::move(values);
        a.allowUnknown = allowUnknown;
        return a;
    };
    s.attributes.push_back(single("category", {{"dress", {"dress", "连衣裙", "Dress"}},
                                               {"coat", {"coat", "大衣"}},
                                               {"tshirt", {"T-shirt", "tee"}}}));
    vi::TagSchemaAttribute colour = single(
        "colour", {{"red", {"red", "红色"}}, {"blue", {"blue"}}, {"blue-green", {"blue-green"}}});
    colour.kind = vi::AttributeKind::Multi;
    colour.maxItems = 2;
    s.attributes.push_back(colour);
    vi::TagSchemaAttribute note;
    note.code = "note";
    note.kind = vi::AttributeKind::Free;
    note.maxFreeBytes = 16;
    s.attributes.push_back(note);
    return s;
}

}  // namespace

// Every constrained answer — one at a time and in the batch, greedy and sampled — is JSON over
// the schema with its values mapped back to codes; the batch gives the same tokens as one at a
// time; and the mask is minimally invasive: wherever the model's own first choice was allowed,
// that is the token taken (so an answer the model would write anyway comes out unchanged).
TEST_F(BatchEngine, ConstrainedAnswersAreValidAndMinimallyInvasive) {
    auto e = load(4);
    ASSERT_TRUE(e);
    for (const bool allowUnknown : {true, false}) {
        auto grammar = e->compileTags(tagSchema(allowUnknown));
        ASSERT_TRUE(grammar) << grammar.error().message();
        std::vector<vi::GenerateRequest> reqs;
        for (int i = 0; i < 5; ++i) {
            auto r = request(i % 2 ? std::vector<vi::RgbImage>{picture(120, 90, 20 + i)}
                                   : std::vector<vi::RgbImage>{},
                             "Tag this product as JSON.", 4);  // the grammar's bound applies
            r.tagGrammar = *grammar;
            r.keepLogits = true;
            if (i == 3) {
                r.sampling.temperature = 0.9f;
                r.sampling.seed = 77;
            }
            reqs.push_back(std::move(r));
        }
        const auto oracle = oneAtATime(*e, reqs);
        std::vector<std::shared_ptr<vi::RequestHandle>> hs;
        for (const auto& r : reqs)
            hs.push_back(e->submit(r));
        for (size_t i = 0; i < reqs.size(); ++i) {
            const vi::GenerateResult& one = oracle[i];
            ASSERT_EQ(one.finishReason, "stop") << i;
            ASSERT_TRUE(one.tags.has_value()) << one.tagsError;
            auto parsed = (*grammar)->parse(one.text);
            ASSERT_TRUE(parsed) << one.text << ": " << parsed.error().message();
            EXPECT_EQ(one.text.front(), '{');
            EXPECT_GT(one.forcedTokens, 0);
            for (const auto& a : one.tags->attributes) {
                EXPECT_TRUE(allowUnknown || !a.unknown || a.kind == vi::AttributeKind::Free);
                for (const auto& v : a.values) {
                    EXPECT_TRUE(v.confidence > 0 && v.confidence <= 1.0 + 1e-6) << v.confidence;
                    EXPECT_TRUE(std::isnan(v.allowedMass) ||
                                (v.allowedMass > 0 && v.allowedMass <= 1.0 + 1e-6));
                }
            }
            const auto& batched = hs[i]->wait();
            ASSERT_TRUE(batched) << batched.error().message();
            EXPECT_EQ(batched->tokenIds, one.tokenIds) << "request " << i;
            EXPECT_EQ(batched->text, one.text);

            // Replay: at every sampled greedy step, the model's own argmax is taken if allowed.
            if (reqs[i].sampling.temperature > 0)
                continue;
            auto m = vi::TagMatcher::create(*grammar, {one.tokenIds.back()}).value();
            const auto& voc = (*grammar)->vocabulary();
            std::vector<uint32_t> bits(voc.maskWords());
            const int64_t V = one.vocabSize;
            int sampled = 0, ownChoice = 0;
            for (size_t k = 0; k < one.tokenIds.size(); ++k) {
                const int32_t t = one.tokenIds[k];
                const auto forced = m.forcedTokens();
                if (!forced.empty()) {
                    EXPECT_EQ(t, forced.front()) << "step " << k;
                    ASSERT_TRUE(m.accept(t));
                    continue;
                }
                m.fillMask(bits.data());
                const float* row = one.logits.data() + k * V;
                const int64_t argmax = std::max_element(row, row + V) - row;
                ++sampled;
                if ((bits[argmax / 32] >> (argmax % 32)) & 1u) {
                    EXPECT_EQ(t, argmax)
                        << "step " << k << ": the allowed first choice was not taken";
                    ++ownChoice;
                }
                ASSERT_TRUE((bits[t / 32] >> (t % 32)) & 1u) << "step " << k;
                ASSERT_TRUE(m.accept(t));
            }
            EXPECT_TRUE(m.isDone());
            std::printf(
                "request %zu: %zu tokens, %d forced, %d sampled (%d the model's own "
                "first choice): %s\n",
                i, one.tokenIds.size(), one.forcedTokens, sampled, ownChoice, one.text.c_str());
        }
    }
    // A grammar compiled for another vocabulary is refused with a clear error.
    auto other = vi::TagGrammar::compile(tagSchema(true), nullptr).value();
    auto r = request({}, "x", 4);
    r.tagGrammar = other;
    auto g = e->generate(r);
    ASSERT_FALSE(g);
    EXPECT_NE(g.error().message().find("compileTags"), std::string::npos) << g.error().message();
}

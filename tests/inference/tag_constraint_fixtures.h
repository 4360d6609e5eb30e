// The fixtures of the constraint tests (test_tag_constraint.cpp): the synthetic and the real
// Qwen vocabulary, fixture taxonomies, and an independent JSON check of decoded answers.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "vistag/inference/tag_constraint.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::test::constraint {

using namespace vistag::inference;
using Clock = std::chrono::steady_clock;

struct Vocab {
    std::string name;
    Tokenizer tok;
    std::shared_ptr<const TokenVocabulary> voc;
    std::vector<int32_t> eos;
    double buildMs = 0;
};

double msSince(Clock::time_point t0);
std::string bc(const std::string& bytes);
Vocab& syntheticVocab();
Vocab* qwenVocab();
std::vector<Vocab*> vocabs();
TagSchemaAttribute single(std::string code, std::vector<TagSchemaValue> values);
TagSchemaAttribute multi(std::string code, int maxItems, std::vector<TagSchemaValue> values);
TagSchemaAttribute freeText(std::string code, int maxBytes);
TagSchemaAttribute sizes(int n);
TagSchemaAttribute colors();
TagSchemaAttribute styles();
// Category first (TagSchema::categoryAttributes): five categories, one without attributes.
TagSchema categorySchema();
std::vector<std::pair<std::string, TagSchema>> fixtureSchemas();
std::string esc(const std::string& s);
std::string checkOutput(const TagSchema& schema, const std::string& out);
std::vector<int32_t> maskIds(const std::vector<uint32_t>& bits);

// Random and adversarial decoding: token classes a sampler may favour.
enum Bias { Uniform, Eos, Space, Quote, Backslash, Disallowed, Long, kBiases };
// Per token: which adversarial class it belongs to.
std::vector<uint8_t> classes(const Vocab& V);
struct RunResult {
    int sequences = 0;
    int steps = 0;
    std::vector<double> maskUs;
    // Sampled steps are accepted with these probabilities (a row's distribution, logits width)
    // when not empty: the confidence bookkeeping then runs as in the engine.
    std::vector<float> probs;
    std::vector<double> acceptUs;  // accept() of sampled steps
};
// Decodes `n` sequences with sampling biases from `seed`; checks each output (gtest
// assertions) and records the mask times.
void decodeMany(const Vocab& V, const TagSchema& schema, int n, uint64_t seed, RunResult& r);

// Accepts `tokens` one by one, checking each is in the mask first.
// (checkMask false: accept() alone, which runs the same byte automaton; free-text masks walk
// the whole vocabulary and would make the reachability test slow.)
::testing::AssertionResult acceptAll(TagMatcher& m, const std::vector<int32_t>& tokens,
                                     const TokenVocabulary& voc, bool checkMask = true);

}  // namespace vistag::test::constraint

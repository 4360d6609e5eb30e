// Test driver for tests/parity/test_constraint_oracle.py (not a test by itself).
//
//   vistag-constraint-dump REQUEST.json MASKS.bin
// REQUEST: {"tokenizer_dir", "width", "eos": [ids], "schema": {"attributes": [{"code", "kind":
//   "single"|"multi"|"free", "values": [{"code", "surfaces": [..]}], "max_items",
//   "max_free_bytes"}]}, "prefixes": N, "seed": S}
// Walks random constrained sequences (uniform among allowed tokens, or biased to long tokens, to
// quotes/backslashes, or to the forced tokens) and records N prefixes with our mask at each:
// stdout {"json_schema": "...", "max_tokens": n, "prefixes": [[ids]...], "forced": [[ids]...]};
// MASKS.bin: for each prefix, ceil(width / 32) little-endian uint32 words.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>

#include <nlohmann/json.hpp>

#include "vistag/inference/tag_constraint.h"
#include "vistag/inference/tokenizer.h"

using namespace vistag::inference;

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: vistag-constraint-dump REQUEST.json MASKS.bin\n");
        return 2;
    }
    std::ifstream in(argv[1], std::ios::binary);
    const nlohmann::json req = nlohmann::json::parse(in);
    auto tok = Tokenizer::fromFolder(req.at("tokenizer_dir").get<std::string>());
    if (!tok) {
        std::fprintf(stderr, "%s\n", tok.error().message().c_str());
        return 3;
    }
    const size_t width = req.at("width").get<size_t>();
    auto vocab = TokenVocabulary::build(*tok, width);
    if (!vocab) {
        std::fprintf(stderr, "%s\n", vocab.error().message().c_str());
        return 3;
    }
    TagSchema schema;
    for (const auto& a : req.at("schema").at("attributes")) {
        TagSchemaAttribute at;
        at.code = a.at("code").get<std::string>();
        const std::string kind = a.at("kind").get<std::string>();
        at.kind = kind == "multi"  ? AttributeKind::Multi
                  : kind == "free" ? AttributeKind::Free
                                   : AttributeKind::Single;
        at.maxItems = a.value("max_items", 3);
        at.maxFreeBytes = a.value("max_free_bytes", 64);
        for (const auto& v : a.value("values", nlohmann::json::array()))
            at.values.push_back({v.at("code").get<std::string>(),
                                 v.at("surfaces").get<std::vector<std::string>>()});
        schema.attributes.push_back(std::move(at));
    }
    auto grammar = TagGrammar::compile(schema, *vocab);
    if (!grammar) {
        std::fprintf(stderr, "%s\n", grammar.error().message().c_str());
        return 4;
    }
    const auto eos = req.at("eos").get<std::vector<int32_t>>();
    auto fresh = TagMatcher::create(*grammar, eos);
    if (!fresh) {
        std::fprintf(stderr, "%s\n", fresh.error().message().c_str());
        return 4;
    }
    const size_t want = req.value("prefixes", 1000);
    std::mt19937_64 rng(req.value("seed", 1));
    std::ofstream masks(argv[2], std::ios::binary);
    nlohmann::json prefixes = nlohmann::json::array();
    nlohmann::json forced = nlohmann::json::array();
    std::vector<uint32_t> bits((*vocab)->maskWords());
    while (prefixes.size() < want) {
        TagMatcher m = *fresh;
        std::vector<int32_t> ids;
        const int mode = static_cast<int>(rng() % 4);
        while (!m.eosAccepted() && prefixes.size() < want) {
            m.fillMask(bits.data());
            // Record this prefix with probability 1/3 (so prefixes spread over the answer).
            if (rng() % 3 == 0) {
                prefixes.push_back(ids);
                forced.push_back(m.forcedTokens());
                masks.write(reinterpret_cast<const char*>(bits.data()),
                            static_cast<std::streamsize>(bits.size() * 4));
            }
            if (mode == 3) {
                const auto f = m.forcedTokens();
                if (!f.empty()) {
                    for (int32_t t : f) {
                        m.accept(t);
                        ids.push_back(t);
                    }
                    continue;
                }
            }
            std::vector<int32_t> allowed;
            for (size_t w = 0; w < bits.size(); ++w)
                for (uint32_t x = bits[w]; x; x &= x - 1)
                    allowed.push_back(static_cast<int32_t>(w * 32 + __builtin_ctz(x)));
            if (allowed.empty()) {
                std::fprintf(stderr, "empty mask after %zu tokens: %s\n", ids.size(),
                             m.output().c_str());
                return 5;
            }
            int32_t pick = allowed[rng() % allowed.size()];
            if (mode == 1) {  // prefer long tokens (they cross boundaries)
                for (int k = 0; k < 8; ++k) {
                    const int32_t c = allowed[rng() % allowed.size()];
                    if ((*vocab)->tokenBytes(c).size() > (*vocab)->tokenBytes(pick).size())
                        pick = c;
                }
            } else if (mode == 2) {  // prefer quotes and backslashes
                for (int k = 0; k < 16; ++k) {
                    const int32_t c = allowed[rng() % allowed.size()];
                    const auto b = (*vocab)->tokenBytes(c);
                    if (b.find('"') != std::string_view::npos ||
                        b.find('\\') != std::string_view::npos) {
                        pick = c;
                        break;
                    }
                }
            }
            if (!m.accept(pick)) {
                std::fprintf(stderr, "allowed token %d refused\n", pick);
                return 5;
            }
            ids.push_back(pick);
        }
    }
    nlohmann::json outj = {{"json_schema", (*grammar)->jsonSchema()},
                           {"max_tokens", (*grammar)->maxTokens()},
                           {"prefixes", prefixes},
                           {"forced", forced}};
    std::cout << outj.dump() << "\n";
    return 0;
}

// Taxonomy-constrained JSON decoding: the model is forced to write a compact JSON object whose
// keys are a taxonomy's attribute codes (in order) and whose values are allowed values (or
// "unknown"). Torch-free and Qt-free; works on token bytes, so it is independent of how the
// engine samples.
//
// ## The output language (exactly what the mask admits)
//   {"<code1>":<v1>,"<code2>":<v2>,...}   then only EOS ids; no whitespace anywhere.
//   Category first (TagSchema::categoryAttributes): {"category":"<c>","<a1>":<v1>,...} where
//   a1, a2, ... are the attributes of the category c that was written.
//   Single: "<surface>" | "unknown"
//   Multi:  ["<s1>",...,"<sn>"] with 1 <= n <= maxItems and no two items naming the same value
//           (two surfaces of one value count as the same value) | "unknown"
//   Free:   "<text>" where <text> is valid UTF-8 without control characters (< 0x20, 0x7F), `"`
//   written
//           as \" and `\` as \\, and no other escape; at most maxFreeBytes bytes as written
//           (an escape counts 2). "" is allowed.
// Surfaces are JSON-escaped the same way (`"` → \", `\` → \\); non-ASCII stays raw UTF-8; \u
// escapes are never produced nor accepted by the mask. A surface must be non-empty valid UTF-8
// without control characters, and "unknown" is reserved (it cannot be a surface).
// The JSON schema that describes the same language for servers is jsonSchema(); it cannot say
// "no repeated value" (uniqueItems is not in OpenAI's strict subset) nor "bytes" (maxLength counts
// characters), so parse() checks those on the client.
//
// ## Mask
// A token is allowed iff its bytes keep the output a prefix of some valid output: tokens may run
// across a value's closing quote into the forced continuation and across several structural
// pieces (`red","size":"M`). Special and added tokens are never allowed, except the EOS ids
// (given to TagMatcher) once the final `}` is written; ids at or beyond the tokenizer's size
// (logits padding) are never allowed. Decided on bytes, so tokens that cut a UTF-8 character work.
//
// ## Forced tokens and healing
// forcedTokens() is the tokenization of the longest byte string that is fully determined from
// the current state (one allowed byte at a time). It is tokenized with Tokenizer::encode when that
// round-trips to the same bytes without added tokens, else by greedy longest match over the
// vocabulary. Healing: the list stops before the first token that starts at an offset where some
// allowed vocabulary token covers the rest of the determined bytes and extends past them into the
// undetermined part (so the model can still pick `":"re` if such a token existed).
//
// ## Confidence (per value slot)
// A slot is one Single/Free value, or one item of a Multi array. Item 0 of a Multi attribute
// begins at the attribute's first byte (the "unknown"-or-`[` choice); item k > 0 begins right after
// item k-1's closing quote (the `,`-or-`]` choice, `]` being the pseudo-value "end of list").
// Each accept(token, probs) is a sampled step; its target slot is the slot its start state is in,
// or, when it starts inside a literal (key, separator), the next slot — if the token leaves the
// literal; a token wholly inside a literal, forced tokens (accepted without probs) and EOS carry
// no information and are ignored. For a counted step let Z = sum of probs over the allowed tokens
// and p(t) = probs[t] / Z. The decision of a token t for the target slot is value v if every
// valid output that begins with the text so far plus t has v in that slot (as far as the surface
// trie can tell: values already used in the same array are not subtracted), else "open".
//   - If the step's start state already decides the slot: the step is ignored.
//   - If the chosen token decides v: factor = sum of p(t) over allowed t that decide v (so
//     synonyms and both languages of v, and every tokenization that commits to v, are summed).
//   - Otherwise: factor = p(chosen) (a step with a single allowed token gives 1).
// confidence = product of the factors; allowedMass = Z at the slot's first counted step (NaN if
// the slot had none, e.g. every byte was forced or decided by a token counted for the previous
// slot). Free-text slots get allowedMass only; their confidence is NaN.
//
// Thread safety: TokenVocabulary and TagGrammar are immutable and shared; a TagMatcher is per
// request (one thread at a time) and cheap to create and copy.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vistag/inference/status.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::inference {

enum class AttributeKind { Single, Multi, Free };

struct TagSchemaValue {
    std::string code;                   // the value's code, returned in results
    std::vector<std::string> surfaces;  // what the model may write for it (UTF-8, unescaped)
};

struct TagSchemaAttribute {
    std::string code;  // ASCII [A-Za-z0-9_.-], unique; the JSON key
    AttributeKind kind = AttributeKind::Single;
    std::vector<TagSchemaValue> values;  // Single/Multi: at least one; Free: none
    int maxItems = 3;                    // Multi: 1..64
    int maxFreeBytes = 64;               // Free: 0..limits.maxFreeBytes
    // Single/Multi: whether "unknown" may be written. Off, the model must name a value and its
    // confidence says how sure it is (zero-shot models are poor at abstaining; a threshold on the
    // confidence decides "unknown" better — structured-tags.md §2). The JSON schema and parse()
    // follow it.
    bool allowUnknown = true;
};

struct TagSchema {
    std::vector<TagSchemaAttribute> attributes;
    // Category first. Empty: the answer holds every attribute, in order. Otherwise attributes[0]
    // is the category (Single, one value per category, "unknown" not allowed) and the answer is
    // {"<attributes[0].code>":<category c>, then only the attributes categoryAttributes[c]
    // (indices into attributes, each >= 1, no repeats, in this order)}: the mask switches to the
    // chosen category's attributes as soon as its value is complete. One entry per category.
    std::vector<std::vector<uint32_t>> categoryAttributes{};
    // Category first, optional: per category the index of its parent category (-1 for a root).
    // The grammar does not use it; a client whose server cannot take every category in one
    // enum asks level by level down the tree with it.
    std::vector<int32_t> categoryParents{};
};

struct TagLimits {
    size_t maxSurfaceBytes = 128;  // escaped bytes of one surface (a token bound too: a token
                                   // holds at least one byte)
    size_t maxFreeBytes = 4096;
    size_t maxAttributes = 256;  // in one answer (per category when category first)
    size_t maxValuesPerAttribute = 10000;
    // Category first: the attributes of the whole schema and the categories.
    size_t maxSchemaAttributes = 10000;
    size_t maxCategories = 100000;
};

// The vocabulary as bytes, built once per model. logitsWidth >= 1: the width of a logits row
// (Qwen3-VL: 151936, wider than the tokenizer).
class TokenVocabulary {
public:
    static Expected<std::shared_ptr<const TokenVocabulary>> build(const Tokenizer& tokenizer,
                                                                  size_t logitsWidth);
    ~TokenVocabulary();
    TokenVocabulary(const TokenVocabulary&) = delete;
    TokenVocabulary& operator=(const TokenVocabulary&) = delete;

    size_t logitsWidth() const;
    size_t maskWords() const { return (logitsWidth() + 31) / 32; }  // uint32_t words of a mask
    const Tokenizer& tokenizer() const;
    // Bytes of a token that can appear in constrained output ("" for special/added/padding ids).
    std::string_view tokenBytes(int32_t id) const;
    size_t trieNodes() const;

    struct Impl;
    const Impl& impl() const { return *impl_; }

private:
    TokenVocabulary();
    std::unique_ptr<Impl> impl_;
};

// One attribute of a result.
struct TagValueResult {
    std::string code;          // value code
    std::string surface;       // the surface as written (unescaped)
    double confidence = 1.0;   // see "Confidence" above; NaN from parse()
    double allowedMass = 0.0;  // NaN when not measured
    int sampledSteps = 0;      // counted steps of the slot
};

struct TagAttributeResult {
    std::string code;
    AttributeKind kind = AttributeKind::Single;
    bool unknown = false;                // the model wrote "unknown"
    std::vector<TagValueResult> values;  // Single: 0 or 1 (0 when unknown); Multi: 1..maxItems
    std::string freeText;                // Free: the text (unescaped)
    // Of the attribute's first slot (Single/Free: the value; Multi: item 0); for "unknown" the
    // confidence of having written "unknown".
    double confidence = 1.0;
    double allowedMass = 0.0;
};

struct TagResult {
    std::vector<TagAttributeResult> attributes;  // in schema order
};

class TagGrammar {
public:
    // Errors (ErrorCode::Usage) name the attribute and value: duplicate attribute codes, bad
    // codes, a value without surfaces, an empty surface, invalid UTF-8 or control characters, the
    // reserved surface "unknown", two values of one attribute sharing a surface (exact bytes), a
    // surface over limits.maxSurfaceBytes, bad maxItems/maxFreeBytes.
    // vocab may be null: a grammar for jsonSchema() and parse() only (a server decodes, not us);
    // TagMatcher::create refuses such a grammar.
    static Expected<std::shared_ptr<const TagGrammar>> compile(
        const TagSchema& schema, std::shared_ptr<const TokenVocabulary> vocab,
        const TagLimits& limits = {});
    ~TagGrammar();
    TagGrammar(const TagGrammar&) = delete;
    TagGrammar& operator=(const TagGrammar&) = delete;

    const TagSchema& schema() const;
    bool hasVocabulary() const;
    const TokenVocabulary& vocabulary() const;  // only when hasVocabulary()
    // Upper bound on the tokens of a whole answer, final EOS included (every token holds >= 1
    // byte: the longest valid output's bytes + 1).
    size_t maxTokens() const;
    size_t maxOutputBytes() const;
    // JSON schema (OpenAI strict: all keys required, additionalProperties false; Single → enum of
    // surfaces + "unknown"; Multi → anyOf [array of enum, minItems 1, maxItems], enum ["unknown"];
    // Free → string with maxLength = maxFreeBytes). Compact, keys in order.
    std::string jsonSchema() const;
    // Validates a JSON answer (any whitespace, any key order, standard JSON escapes) against the
    // schema: exactly the attribute keys, values among the surfaces or "unknown", arrays of
    // 1..maxItems distinct values, free text within maxFreeBytes (counted as the mask does) and
    // without control characters. Confidence fields are NaN. ErrorCode::Usage names the problem.
    Expected<TagResult> parse(std::string_view json) const;

    struct Impl;
    const Impl& impl() const { return *impl_; }

private:
    TagGrammar();
    std::unique_ptr<Impl> impl_;
};

class TagMatcher {
public:
    // eosIds: the ids allowed after the final `}` (must be < logits width).
    static Expected<TagMatcher> create(std::shared_ptr<const TagGrammar> grammar,
                                       std::vector<int32_t> eosIds);
    TagMatcher(const TagMatcher&);
    TagMatcher& operator=(const TagMatcher&);
    TagMatcher(TagMatcher&&) noexcept;
    TagMatcher& operator=(TagMatcher&&) noexcept;
    ~TagMatcher();

    // bits: maskWords() words; bit i (bits[i / 32] >> (i % 32) & 1) set = token i allowed.
    void fillMask(uint32_t* bits);
    // Appends `token` if allowed (else returns false and changes nothing). probs, when given, is
    // the row's distribution before masking (logitsWidth floats, after temperature etc.): the
    // step is then a sampled step for confidence. Forced tokens are accepted without probs.
    bool accept(int32_t token, const float* probs = nullptr);
    // Tokens to append without sampling (see "Forced tokens and healing"); empty when nothing is
    // determined or the output is complete.
    std::vector<int32_t> forcedTokens() const;
    // The determined bytes from the current state (before tokenization and healing).
    std::string forcedBytes() const;
    bool isDone() const;                // the final `}` is written: only EOS is allowed now
    bool eosAccepted() const;           // an EOS id was accepted after it
    size_t maxTokens() const;           // TagGrammar::maxTokens()
    const std::string& output() const;  // bytes written so far
    size_t tokensAccepted() const;
    // Values (mapped back to codes) with their confidence; Usage error until isDone().
    Expected<TagResult> result() const;

    // Tests: masks computed with (true, the default) or without the free-text shortcut (a
    // precomputed set of plain-content tokens instead of walking them); the masks are the same.
    static void setFastPathsForTesting(bool on);

    struct State;

private:
    TagMatcher();
    std::unique_ptr<State> s_;
};

}  // namespace vistag::inference

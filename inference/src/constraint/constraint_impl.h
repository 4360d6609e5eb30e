// Internal data of the taxonomy constraint (tag_constraint.h): the vocabulary byte trie, the
// compiled grammar (a program of literals and value slots, one byte trie of escaped surfaces per
// attribute) and the byte-stepping automaton shared by the mask, forcing and accepting.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include "vistag/inference/tag_constraint.h"

namespace vistag::inference {

// Vocabulary trie: children of a node are contiguous and sorted by byte.
struct VocabNode {
    uint32_t firstChild = 0;
    uint32_t nChildren = 0;
    int32_t token = -1;  // token whose bytes end here (-1: none)
    uint8_t byte = 0;
};

struct TokenVocabulary::Impl {
    Tokenizer tokenizer;
    size_t width = 0;
    std::vector<VocabNode> nodes;            // 0 = root
    std::vector<std::string> bytes;          // per id < width; "" if not usable
    std::vector<std::vector<int32_t>> more;  // node → further ids with the same bytes (rare)
    std::unordered_map<uint32_t, uint32_t> moreIndex;
    size_t maxTokenBytes = 0;
    // Free-text fast path. A "plain" token is valid free-text content on its own: complete UTF-8
    // without `"`, `\` or control characters. From a free-text state at a character boundary
    // with R bytes of budget left, a plain token is allowed iff it has at most R bytes, so the
    // mask starts from these precomputed sets and walks only subtrees that hold other tokens.
    std::vector<uint32_t> plainMask;     // mask words: every plain token
    std::vector<int32_t> plainBySize;    // plain token ids, shortest first
    std::vector<uint32_t> plainSizeEnd;  // [n]: end in plainBySize of the tokens of <= n bytes
    std::vector<uint8_t> otherBelow;     // per node: its subtree holds a token that is not plain
};

// Tests: whether masks may use the shortcuts above (off: the plain walk of the whole trie).
bool constraintFastPaths();

namespace constraint {

constexpr int32_t kUnknown = -1;   // the value "unknown"
constexpr int32_t kOpen = -2;      // not decided
constexpr int32_t kEndItems = -3;  // `]`: no further item
constexpr int32_t kNoValue = -4;

struct TrieNode {
    uint32_t childBegin = 0;  // index into childByte/childNode
    uint32_t nChildren = 0;
    int32_t value = kNoValue;  // value index (or kUnknown) whose escaped surface ends here
    int32_t unique = kOpen;    // the only value reachable from here, or kOpen
    int32_t surface = -1;      // index of the surface ending here (into AttrInfo::surfaces)
    uint32_t nValues = 0;      // distinct values (not "unknown") reachable from here
};

enum class SegKind : uint8_t { Lit, Slot, End };
struct Seg {
    SegKind kind = SegKind::Lit;
    uint32_t litBegin = 0, litLen = 0;
    int attr = -1;
    // The category slot of a category-first grammar: after its value v the program goes on at
    // TagGrammar::Impl::categoryStart[v] instead of the next segment.
    bool categorySwitch = false;
};

struct AttrInfo {
    AttributeKind kind = AttributeKind::Single;
    uint32_t root = 0;
    int maxItems = 1;
    int nValues = 0;
    int maxFreeBytes = 0;
    bool allowUnknown = true;           // Single/Multi: "unknown" may be written
    size_t maxSurfaceBytes = 0;         // escaped, longest (incl. "unknown" for Single)
    std::vector<std::string> surfaces;  // unescaped, by surface index
    std::vector<int32_t> surfaceValue;  // surface index → value index (kUnknown for "unknown")
    std::unordered_map<std::string, int32_t> bySurface;  // unescaped surface → value index
};

enum Phase : uint8_t {
    kLit,
    kSOpen,   // Single: expect "
    kSVal,    // Single: in the trie
    kMOpen,   // Multi: " (unknown) or [
    kMUnk,    // Multi: in `unknown"`, node = position
    kMIOpen,  // Multi: expect " of an item
    kMVal,    // Multi: in the trie
    kMAfter,  // Multi: , or ]
    kFOpen,   // Free: expect "
    kFBody,   // Free: node = bytes used
    kFEsc,    // Free: after a backslash
    kEnd,
};

struct GState {
    uint32_t node = 0;
    uint32_t seg = 0;
    uint8_t phase = kLit;
    uint8_t u8need = 0;
    uint8_t u8lo = 0x80, u8hi = 0xBF;
    uint16_t items = 0;    // Multi: items closed in this attribute
    uint16_t nCloses = 0;  // closes recorded in the walk's buffer (see Walk)
};

struct Close {
    uint32_t seg;
    uint16_t item;
    int32_t value;  // value index, kUnknown, kEndItems (Multi `]`), kNoValue (Free)
};

}  // namespace constraint

struct TagGrammar::Impl {
    TagSchema schema;
    std::shared_ptr<const TokenVocabulary> vocab;
    std::vector<constraint::TrieNode> nodes;
    std::vector<uint8_t> childByte;
    std::vector<uint32_t> childNode;
    std::string lits;
    std::vector<constraint::Seg> segs;
    std::vector<constraint::AttrInfo> attrs;
    size_t maxOutputBytes = 0;
    // Category first (TagSchema::categoryAttributes): per category value, the first segment of
    // its program (its attributes, the closing brace, End); empty for a flat grammar.
    std::vector<uint32_t> categoryStart;

    // The segment after `seg` once its slot closed with value `v`.
    uint32_t nextSeg(uint32_t seg, int32_t v) const {
        return segs[seg].categorySwitch && v >= 0 ? categoryStart[static_cast<size_t>(v)] : seg + 1;
    }
    // The slot segments of a complete answer, in order, when its category value is `category`
    // (ignored for a flat grammar): what result attribute i was written in.
    std::vector<uint32_t> slotSegs(int32_t category) const {
        std::vector<uint32_t> out;
        uint32_t seg = 0;
        while (segs[seg].kind != constraint::SegKind::End) {
            if (segs[seg].kind == constraint::SegKind::Slot) {
                out.push_back(seg);
                seg = nextSeg(seg, category);
            } else {
                ++seg;
            }
        }
        return out;
    }

    uint32_t child(uint32_t node, uint8_t b) const {
        const constraint::TrieNode& n = nodes[node];
        const uint8_t* cb = childByte.data() + n.childBegin;
        uint32_t lo = 0, hi = n.nChildren;
        while (lo < hi) {
            const uint32_t mid = (lo + hi) / 2;
            if (cb[mid] < b) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < n.nChildren && cb[lo] == b)
            return childNode[n.childBegin + lo];
        return UINT32_MAX;
    }
};

namespace constraint {

constexpr size_t kMaxCloses = 64;

// A byte walk: the committed values of the current Multi attribute plus a buffer of the closes
// made along the walk (a DFS overwrites siblings' entries: GState::nCloses says how many are
// valid for a state).
struct Walk {
    const TagGrammar::Impl* g = nullptr;
    uint32_t usedSeg = UINT32_MAX;  // the Multi attribute `used` belongs to
    const std::vector<int32_t>* used = nullptr;
    std::array<Close, kMaxCloses> closes{};

    bool isUsed(const GState& s, int32_t v) const {
        if (used && s.seg == usedSeg) {
            for (int32_t u : *used)
                if (u == v)
                    return true;
        }
        for (uint16_t i = 0; i < s.nCloses; ++i)
            if (closes[i].seg == s.seg && closes[i].value == v)
                return true;
        return false;
    }

    // Whether the Multi trie node leads to a value not yet used in this array (so that no
    // prefix the mask admits is a dead end).
    bool hasUnused(const GState& s, uint32_t node) const {
        if (g->nodes[node].nValues > s.items)
            return true;  // fewer values used than reachable
        const TrieNode& n = g->nodes[node];
        if (n.value >= 0 && !isUsed(s, n.value))
            return true;
        for (uint32_t k = 0; k < n.nChildren; ++k)
            if (hasUnused(s, g->childNode[n.childBegin + k]))
                return true;
        return false;
    }

    bool addClose(GState& s, uint16_t item, int32_t value) {
        if (s.nCloses >= kMaxCloses)
            return false;
        closes[s.nCloses++] = Close{s.seg, item, value};
        return true;
    }

    void enterSeg(GState& s, uint32_t seg) const {
        s.seg = seg;
        s.node = 0;
        s.items = 0;
        const Seg& sg = g->segs[seg];
        if (sg.kind == SegKind::Lit) {
            s.phase = kLit;
        } else if (sg.kind == SegKind::End) {
            s.phase = kEnd;
        } else {
            switch (g->attrs[sg.attr].kind) {
                case AttributeKind::Single:
                    s.phase = kSOpen;
                    break;
                case AttributeKind::Multi:
                    s.phase = kMOpen;
                    break;
                case AttributeKind::Free:
                    s.phase = kFOpen;
                    break;
            }
        }
    }

    // Advances s by one byte; false if the byte is not allowed (s is then unspecified).
    bool step(GState& s, uint8_t b) {
        switch (s.phase) {
            case kLit: {
                const Seg& sg = g->segs[s.seg];
                if (static_cast<uint8_t>(g->lits[sg.litBegin + s.node]) != b)
                    return false;
                if (++s.node == sg.litLen)
                    enterSeg(s, s.seg + 1);
                return true;
            }
            case kSOpen:
                if (b != '"')
                    return false;
                s.phase = kSVal;
                s.node = g->attrs[g->segs[s.seg].attr].root;
                return true;
            case kSVal: {
                // A `"` child exists only after an escaping backslash; otherwise `"` closes.
                if (const uint32_t c = g->child(s.node, b); c != UINT32_MAX) {
                    s.node = c;
                    return true;
                }
                if (b == '"') {
                    const int32_t v = g->nodes[s.node].value;
                    if (v == kNoValue || !addClose(s, 0, v))
                        return false;
                    enterSeg(s, g->nextSeg(s.seg, v));
                    return true;
                }
                return false;
            }
            case kMOpen:
                if (b == '"' && g->attrs[g->segs[s.seg].attr].allowUnknown) {
                    s.phase = kMUnk;
                    s.node = 0;
                    return true;
                }
                if (b == '[') {
                    s.phase = kMIOpen;
                    return true;
                }
                return false;
            case kMUnk: {
                static constexpr char kTail[] = "unknown\"";
                if (static_cast<uint8_t>(kTail[s.node]) != b)
                    return false;
                if (++s.node == sizeof(kTail) - 1) {
                    if (!addClose(s, 0, kUnknown))
                        return false;
                    enterSeg(s, s.seg + 1);
                }
                return true;
            }
            case kMIOpen:
                if (b != '"')
                    return false;
                s.phase = kMVal;
                s.node = g->attrs[g->segs[s.seg].attr].root;
                return true;
            case kMVal: {
                if (const uint32_t c = g->child(s.node, b); c != UINT32_MAX) {
                    if (!hasUnused(s, c))
                        return false;
                    s.node = c;
                    return true;
                }
                if (b == '"') {
                    const int32_t v = g->nodes[s.node].value;
                    if (v < 0 || isUsed(s, v) || !addClose(s, s.items, v))
                        return false;
                    ++s.items;
                    s.phase = kMAfter;
                    return true;
                }
                return false;
            }
            case kMAfter:
                if (b == ']') {
                    if (!addClose(s, s.items, kEndItems))
                        return false;
                    enterSeg(s, s.seg + 1);
                    return true;
                }
                // Another item only while one is allowed and some value is still unused.
                if (b == ',' && s.items < g->attrs[g->segs[s.seg].attr].maxItems &&
                    s.items < g->attrs[g->segs[s.seg].attr].nValues) {
                    s.phase = kMIOpen;
                    return true;
                }
                return false;
            case kFOpen:
                if (b != '"')
                    return false;
                s.phase = kFBody;
                s.node = 0;
                s.u8need = 0;
                return true;
            case kFBody: {
                const uint32_t limit =
                    static_cast<uint32_t>(g->attrs[g->segs[s.seg].attr].maxFreeBytes);
                if (s.u8need) {
                    if (b < s.u8lo || b > s.u8hi)
                        return false;
                    --s.u8need;
                    s.u8lo = 0x80;
                    s.u8hi = 0xBF;
                    return true;
                }
                if (b == '"') {
                    if (!addClose(s, 0, kNoValue))
                        return false;
                    enterSeg(s, s.seg + 1);
                    return true;
                }
                if (b == '\\') {
                    if (s.node + 2 > limit)
                        return false;
                    s.node += 2;
                    s.phase = kFEsc;
                    return true;
                }
                uint32_t len = 1;
                if (b < 0x20 || b == 0x7F) {
                    return false;
                } else if (b < 0x80) {
                    len = 1;
                } else if (b >= 0xC2 && b <= 0xDF) {
                    len = 2;
                } else if (b >= 0xE0 && b <= 0xEF) {
                    len = 3;
                    if (b == 0xE0)
                        s.u8lo = 0xA0;
                    if (b == 0xED)
                        s.u8hi = 0x9F;
                } else if (b >= 0xF0 && b <= 0xF4) {
                    len = 4;
                    if (b == 0xF0)
                        s.u8lo = 0x90;
                    if (b == 0xF4)
                        s.u8hi = 0x8F;
                } else {
                    return false;
                }
                if (s.node + len > limit)
                    return false;
                s.node += len;
                s.u8need = static_cast<uint8_t>(len - 1);
                return true;
            }
            case kFEsc:
                if (b != '"' && b != '\\')
                    return false;
                s.phase = kFBody;
                return true;
            case kEnd:
            default:
                return false;
        }
    }
};

}  // namespace constraint
}  // namespace vistag::inference

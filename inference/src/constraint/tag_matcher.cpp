// TagMatcher: the per-request state; mask = DFS of the vocabulary trie driven by the byte
// automaton of constraint_impl.h; forcing with healing; confidence bookkeeping.
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <limits>

#include "constraint/constraint_impl.h"
#include "unicode_text.h"

namespace vistag::inference {

using namespace constraint;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

struct SlotId {
    int64_t seg = -1;
    int item = 0;
    bool valid() const { return seg >= 0; }
};

struct SlotConf {
    int64_t seg = 0;
    int item = 0;
    double confidence = 1.0;
    double allowedMass = kNaN;
    int steps = 0;
};

}  // namespace

namespace {
std::atomic<bool> gFastPaths{true};
}  // namespace

bool constraintFastPaths() {
    return gFastPaths.load(std::memory_order_relaxed);
}

void TagMatcher::setFastPathsForTesting(bool on) {
    gFastPaths.store(on);
}

struct TagMatcher::State {
    std::shared_ptr<const TagGrammar> grammar;
    const TagGrammar::Impl* g = nullptr;
    const TokenVocabulary::Impl* v = nullptr;
    std::vector<int32_t> eos;
    GState cur;
    uint32_t usedSeg = UINT32_MAX;
    std::vector<int32_t> used;  // values of the Multi attribute usedSeg already written
    std::string out;
    size_t nTokens = 0;
    bool eosDone = false;
    std::vector<SlotConf> slots;
    std::vector<uint32_t> mask;  // cache of the mask of `cur`
    bool maskValid = false;
    Walk walk;                // scratch
    bool prunePlain = false;  // computeMask: plain-only subtrees of a free-text slot are done

    Walk& freshWalk() {
        walk.g = g;
        walk.usedSeg = usedSeg;
        walk.used = &used;
        return walk;
    }

    // Child of vocabulary node `node` with byte b, or UINT32_MAX.
    uint32_t vchild(uint32_t node, uint8_t b) const {
        const VocabNode& n = v->nodes[node];
        uint32_t lo = n.firstChild, hi = n.firstChild + n.nChildren;
        while (lo < hi) {
            const uint32_t mid = (lo + hi) / 2;
            if (v->nodes[mid].byte < b) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo < n.firstChild + n.nChildren && v->nodes[lo].byte == b)
            return lo;
        return UINT32_MAX;
    }

    template <class F>
    void visitToken(uint32_t node, const GState& t, F& f) const {
        const VocabNode& n = v->nodes[node];
        if (n.token < 0)
            return;
        f(n.token, t);
        if (!v->moreIndex.empty()) {
            auto it = v->moreIndex.find(node);
            if (it != v->moreIndex.end())
                for (int32_t id : v->more[it->second])
                    f(id, t);
        }
    }

    // Visits every vocabulary token under `node` whose bytes are accepted from s: f(id, end
    // state). f returns nothing; `stop` (if set by f) ends the walk early.
    template <class F>
    void dfs(Walk& w, uint32_t node, const GState& s, F& f, bool& stop) const {
        const VocabNode& n = v->nodes[node];
        if (n.nChildren == 0 || stop)
            return;
        auto tryByte = [&](uint32_t ci) {
            GState t = s;
            if (!w.step(t, v->nodes[ci].byte))
                return;
            visitToken(ci, t, f);
            if (!stop)
                dfs(w, ci, t, f, stop);
        };
        auto tryOne = [&](uint8_t b) {
            const uint32_t ci = vchild(node, b);
            if (ci != UINT32_MAX)
                tryByte(ci);
        };
        switch (s.phase) {
            case kLit:
                tryOne(static_cast<uint8_t>(g->lits[g->segs[s.seg].litBegin + s.node]));
                break;
            case kSOpen:
            case kMIOpen:
            case kFOpen:
                tryOne('"');
                break;
            case kMOpen:
                if (g->attrs[g->segs[s.seg].attr].allowUnknown)
                    tryOne('"');
                tryOne('[');
                break;
            case kMUnk:
                tryOne(static_cast<uint8_t>("unknown\""[s.node]));
                break;
            case kMAfter:
                tryOne(',');
                tryOne(']');
                break;
            case kFEsc:
                tryOne('"');
                tryOne('\\');
                break;
            case kSVal:
            case kMVal: {
                const TrieNode& tn = g->nodes[s.node];
                if (tn.nChildren * 4 < n.nChildren) {
                    bool quoteChild = false;
                    for (uint32_t k = 0; k < tn.nChildren && !stop; ++k) {
                        const uint8_t b = g->childByte[tn.childBegin + k];
                        quoteChild = quoteChild || b == '"';
                        tryOne(b);
                    }
                    if (tn.value != kNoValue && !quoteChild && !stop)
                        tryOne('"');
                } else {
                    for (uint32_t k = 0; k < n.nChildren && !stop; ++k)
                        tryByte(n.firstChild + k);
                }
                break;
            }
            case kFBody:
                // (With prunePlain the walk started in this slot at a character boundary: a
                // subtree of plain tokens only is in the mask already.)
                for (uint32_t k = 0; k < n.nChildren && !stop; ++k)
                    if (!prunePlain || v->otherBelow[n.firstChild + k])
                        tryByte(n.firstChild + k);
                break;
            case kEnd:
            default:
                break;
        }
    }

    void computeMask(uint32_t* bits) {
        const size_t words = (v->width + 31) / 32;
        std::memset(bits, 0, words * sizeof(uint32_t));
        if (eosDone)
            return;
        if (cur.phase == kEnd) {
            for (int32_t id : eos)
                bits[id / 32] |= 1u << (id % 32);
            return;
        }
        Walk& w = freshWalk();
        GState s = cur;
        s.nCloses = 0;
        bool stop = false;
        auto set = [&](int32_t id, const GState&) { bits[id / 32] |= 1u << (id % 32); };
        prunePlain = cur.phase == kFBody && cur.u8need == 0 && constraintFastPaths();
        if (prunePlain) {
            // Plain tokens of at most `left` bytes: from the full set minus the longer ones, or
            // from nothing plus the shorter ones, whichever touches fewer ids.
            const uint32_t limit =
                static_cast<uint32_t>(g->attrs[g->segs[cur.seg].attr].maxFreeBytes);
            const size_t left = std::min<size_t>(limit - cur.node, v->maxTokenBytes);
            const uint32_t upTo = v->plainSizeEnd[left];
            const auto total = static_cast<uint32_t>(v->plainBySize.size());
            if (total - upTo < upTo) {
                std::memcpy(bits, v->plainMask.data(), words * sizeof(uint32_t));
                for (uint32_t i = upTo; i < total; ++i) {
                    const int32_t id = v->plainBySize[i];
                    bits[id / 32] &= ~(1u << (id % 32));
                }
            } else {
                for (uint32_t i = 0; i < upTo; ++i) {
                    const int32_t id = v->plainBySize[i];
                    bits[id / 32] |= 1u << (id % 32);
                }
            }
        }
        dfs(w, 0, s, set, stop);
        prunePlain = false;
    }

    const std::vector<uint32_t>& cachedMask() {
        if (!maskValid) {
            mask.resize((v->width + 31) / 32);
            computeMask(mask.data());
            maskValid = true;
        }
        return mask;
    }

    bool allowed(int32_t id) {
        if (id < 0 || static_cast<size_t>(id) >= v->width)
            return false;
        return (cachedMask()[static_cast<size_t>(id) / 32] >> (id % 32)) & 1u;
    }

    // Slot a step starting at s targets (see the header).
    SlotId targetSlot(const GState& s) const {
        switch (s.phase) {
            case kLit:
                if (g->segs[s.seg + 1].kind == SegKind::Slot)
                    return {s.seg + 1, 0};
                return {};
            case kMIOpen:
            case kMVal:
            case kMAfter:
                return {s.seg, s.items};
            case kEnd:
                return {};
            default:
                return {s.seg, 0};
        }
    }

    // The value an end state (with the closes of its walk) decides for slot `id`.
    int32_t decision(const Walk& w, const GState& t, SlotId id) const {
        for (uint16_t i = 0; i < t.nCloses; ++i) {
            const Close& c = w.closes[i];
            if (c.seg == id.seg && c.item == id.item)
                return c.value == kNoValue ? kOpen : c.value;
        }
        if (t.seg != id.seg)
            return kOpen;
        switch (t.phase) {
            case kSVal:
                return g->nodes[t.node].unique;
            case kMUnk:
                return id.item == 0 ? kUnknown : kOpen;
            case kMVal:
                return t.items == id.item ? g->nodes[t.node].unique : kOpen;
            default:
                return kOpen;
        }
    }

    // Steps cur through the bytes; false (cur unchanged) if a byte is refused.
    bool advance(std::string_view bytes) {
        Walk& w = freshWalk();
        GState s = cur;
        s.nCloses = 0;
        for (char ch : bytes)
            if (!w.step(s, static_cast<uint8_t>(ch)))
                return false;
        for (uint16_t i = 0; i < s.nCloses; ++i) {
            const Close& c = w.closes[i];
            if (c.seg != usedSeg) {
                used.clear();
                usedSeg = c.seg;
            }
            if (c.value >= 0)
                used.push_back(c.value);
        }
        s.nCloses = 0;
        cur = s;
        if (cur.seg != usedSeg) {
            used.clear();
            usedSeg = cur.seg;
        }
        out.append(bytes);
        maskValid = false;
        return true;
    }

    SlotConf& slot(SlotId id) {
        for (SlotConf& c : slots)
            if (c.seg == id.seg && c.item == id.item)
                return c;
        slots.push_back(SlotConf{id.seg, id.item});
        return slots.back();
    }

    void recordStep(int32_t token, const float* probs) {
        const SlotId target = targetSlot(cur);
        if (!target.valid())
            return;
        const std::string_view tb = v->bytes[static_cast<size_t>(token)];
        Walk& w = freshWalk();
        GState start = cur;
        start.nCloses = 0;
        if (decision(w, start, target) != kOpen)
            return;  // the slot's value is already decided
        GState end = start;
        for (char ch : tb)
            w.step(end, static_cast<uint8_t>(ch));
        if (cur.phase == kLit && tb.size() <= g->segs[cur.seg].litLen - cur.node)
            return;  // no byte of the slot: structure only
        const int32_t chosen = decision(w, end, target);
        const std::vector<uint32_t>& m = cachedMask();
        double z = 0.0;
        for (size_t wi = 0; wi < m.size(); ++wi) {
            uint32_t word = m[wi];
            while (word) {
                const int bit = __builtin_ctz(word);
                word &= word - 1;
                z += static_cast<double>(probs[wi * 32 + static_cast<size_t>(bit)]);
            }
        }
        double factor = 1.0;
        if (z > 0.0) {
            if (chosen == kOpen) {
                factor = static_cast<double>(probs[token]) / z;
            } else {
                double mass = 0.0;
                bool stop = false;
                auto sum = [&](int32_t id, const GState& t) {
                    if (decision(w, t, target) == chosen)
                        mass += static_cast<double>(probs[id]);
                };
                GState s = start;
                dfs(w, 0, s, sum, stop);
                factor = mass / z;
            }
        }
        SlotConf& sc = slot(target);
        if (sc.steps == 0)
            sc.allowedMass = z;
        sc.confidence *= factor;
        ++sc.steps;
    }
};

TagMatcher::TagMatcher() : s_(std::make_unique<State>()) {}
TagMatcher::TagMatcher(const TagMatcher& o) : s_(std::make_unique<State>(*o.s_)) {}
TagMatcher& TagMatcher::operator=(const TagMatcher& o) {
    if (this != &o)
        s_ = std::make_unique<State>(*o.s_);
    return *this;
}
TagMatcher::TagMatcher(TagMatcher&&) noexcept = default;
TagMatcher& TagMatcher::operator=(TagMatcher&&) noexcept = default;
TagMatcher::~TagMatcher() = default;

Expected<TagMatcher> TagMatcher::create(std::shared_ptr<const TagGrammar> grammar,
                                        std::vector<int32_t> eosIds) {
    if (!grammar)
        return Status(ErrorCode::Usage, "TagMatcher: no grammar");
    if (!grammar->hasVocabulary())
        return Status(ErrorCode::Usage,
                      "TagMatcher: the grammar was compiled without a vocabulary (for checking "
                      "answers only); compile it with the model's vocabulary to decode with it");
    const size_t width = grammar->vocabulary().logitsWidth();
    if (eosIds.empty())
        return Status(ErrorCode::Usage, "TagMatcher: no EOS ids");
    for (int32_t id : eosIds)
        if (id < 0 || static_cast<size_t>(id) >= width)
            return Status(ErrorCode::Usage, "TagMatcher: EOS id " + std::to_string(id) +
                                                " is outside the logits width " +
                                                std::to_string(width));
    TagMatcher m;
    State& s = *m.s_;
    s.g = &grammar->impl();
    s.v = &grammar->vocabulary().impl();
    s.grammar = std::move(grammar);
    s.eos = std::move(eosIds);
    s.freshWalk().enterSeg(s.cur, 0);
    return m;
}

void TagMatcher::fillMask(uint32_t* bits) {
    const std::vector<uint32_t>& m = s_->cachedMask();
    std::memcpy(bits, m.data(), m.size() * sizeof(uint32_t));
}

bool TagMatcher::accept(int32_t token, const float* probs) {
    State& s = *s_;
    if (s.eosDone || token < 0 || static_cast<size_t>(token) >= s.v->width)
        return false;
    if (s.cur.phase == kEnd) {
        if (std::find(s.eos.begin(), s.eos.end(), token) == s.eos.end())
            return false;
        s.eosDone = true;
        ++s.nTokens;
        s.maskValid = false;
        return true;
    }
    const std::string_view tb = s.v->bytes[static_cast<size_t>(token)];
    if (tb.empty())
        return false;
    if (probs) {
        if (!s.allowed(token))
            return false;
        s.recordStep(token, probs);
    }
    if (!s.advance(tb))
        return false;
    ++s.nTokens;
    return true;
}

std::string TagMatcher::forcedBytes() const {
    State& s = *s_;
    std::string f;
    if (s.eosDone)
        return f;
    Walk& w = s.freshWalk();
    GState st = s.cur;
    st.nCloses = 0;
    while (st.phase != kEnd && f.size() < 4096) {
        int n = 0;
        GState only;
        uint8_t ob = 0;
        for (int b = 0; b < 256 && n < 2; ++b) {
            GState t = st;
            if (w.step(t, static_cast<uint8_t>(b))) {
                ++n;
                only = t;
                ob = static_cast<uint8_t>(b);
            }
        }
        if (n != 1)
            break;
        f += static_cast<char>(ob);
        st = only;
    }
    return f;
}

std::vector<int32_t> TagMatcher::forcedTokens() const {
    State& s = *s_;
    const std::string f = forcedBytes();
    if (f.empty())
        return {};
    // States at every offset (for the healing check).
    Walk& w = s.freshWalk();
    std::vector<GState> states(f.size() + 1);
    states[0] = s.cur;
    states[0].nCloses = 0;
    for (size_t i = 0; i < f.size(); ++i) {
        states[i + 1] = states[i];
        w.step(states[i + 1], static_cast<uint8_t>(f[i]));
    }
    // Tokenize: the tokenizer's own encode when it round-trips without added tokens.
    std::vector<int32_t> toks;
    if (text::isValidUtf8(f)) {
        toks = s.v->tokenizer.encode(f);
        std::string joined;
        for (int32_t id : toks) {
            if (id < 0 || static_cast<size_t>(id) >= s.v->width ||
                s.v->bytes[static_cast<size_t>(id)].empty()) {
                joined.clear();
                break;
            }
            joined += s.v->bytes[static_cast<size_t>(id)];
        }
        if (joined != f)
            toks.clear();
    }
    if (toks.empty()) {  // greedy longest match
        for (size_t p = 0; p < f.size();) {
            uint32_t node = 0;
            int32_t best = -1;
            size_t bestLen = 0;
            for (size_t q = p; q < f.size(); ++q) {
                node = s.vchild(node, static_cast<uint8_t>(f[q]));
                if (node == UINT32_MAX)
                    break;
                if (s.v->nodes[node].token >= 0) {
                    best = s.v->nodes[node].token;
                    bestLen = q + 1 - p;
                }
            }
            if (best < 0)
                break;
            toks.push_back(best);
            p += bestLen;
        }
    }
    // Healing: stop before the first token at whose start some allowed vocabulary token covers
    // the rest of f and goes on past it.
    const GState& endState = states[f.size()];
    size_t offset = 0;
    for (size_t j = 0; j < toks.size(); ++j) {
        uint32_t node = 0;
        for (size_t q = offset; q < f.size() && node != UINT32_MAX; ++q)
            node = s.vchild(node, static_cast<uint8_t>(f[q]));
        if (node != UINT32_MAX) {
            bool found = false;
            auto any = [&](int32_t, const GState&) { found = true; };
            GState e = endState;
            s.dfs(w, node, e, any, found);
            if (found) {
                toks.resize(j);
                break;
            }
        }
        offset += s.v->bytes[static_cast<size_t>(toks[j])].size();
    }
    return toks;
}

bool TagMatcher::isDone() const {
    return s_->cur.phase == kEnd;
}
bool TagMatcher::eosAccepted() const {
    return s_->eosDone;
}
size_t TagMatcher::maxTokens() const {
    return s_->grammar->maxTokens();
}
const std::string& TagMatcher::output() const {
    return s_->out;
}
size_t TagMatcher::tokensAccepted() const {
    return s_->nTokens;
}

Expected<TagResult> TagMatcher::result() const {
    const State& s = *s_;
    if (!isDone())
        return Status(ErrorCode::Usage, "TagMatcher: the answer is not complete");
    auto parsed = s.grammar->parse(s.out);
    if (!parsed)
        return Status(ErrorCode::Internal,
                      "TagMatcher: own output does not validate: " + parsed.error().message());
    TagResult r = std::move(parsed.value());
    int32_t category = -1;
    if (!s.g->categoryStart.empty() && !r.attributes.empty() && !r.attributes[0].values.empty()) {
        const auto& values = s.g->schema.attributes[0].values;
        for (size_t c = 0; c < values.size(); ++c)
            if (values[c].code == r.attributes[0].values[0].code)
                category = static_cast<int32_t>(c);
    }
    const std::vector<uint32_t> segs = s.g->slotSegs(category);
    for (size_t ai = 0; ai < r.attributes.size() && ai < segs.size(); ++ai) {
        TagAttributeResult& a = r.attributes[ai];
        const int64_t seg = segs[ai];
        auto find = [&](int item) -> const SlotConf* {
            for (const SlotConf& c : s.slots)
                if (c.seg == seg && c.item == item)
                    return &c;
            return nullptr;
        };
        const SlotConf* first = find(0);
        a.allowedMass = first ? first->allowedMass : kNaN;
        a.confidence = a.kind == AttributeKind::Free ? kNaN : (first ? first->confidence : 1.0);
        for (size_t k = 0; k < a.values.size(); ++k) {
            const SlotConf* c = find(static_cast<int>(k));
            a.values[k].confidence = c ? c->confidence : 1.0;
            a.values[k].allowedMass = c ? c->allowedMass : kNaN;
            a.values[k].sampledSteps = c ? c->steps : 0;
        }
    }
    return r;
}

}  // namespace vistag::inference

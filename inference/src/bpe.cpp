// BPE merging and the pieces around it (added-token matcher, word cache).
#include <algorithm>
#include <queue>

#include "byte_level.h"
#include "tokenizer_data.h"

namespace vistag::inference {

void AddedTokenMatcher::add(const std::string& content, int32_t id) {
    if (content.empty())
        return;
    auto& bucket = byFirst_[static_cast<uint8_t>(content[0])];
    bucket.emplace_back(content, id);
    std::stable_sort(bucket.begin(), bucket.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
    ++count_;
}

AddedTokenMatcher::Match AddedTokenMatcher::find(std::string_view text, size_t from) const {
    if (count_ == 0)
        return {};
    for (size_t i = from; i < text.size(); ++i) {
        const auto& bucket = byFirst_[static_cast<uint8_t>(text[i])];
        for (const auto& [content, id] : bucket) {
            if (text.size() - i >= content.size() &&
                text.compare(i, content.size(), content) == 0) {
                return {i, content.size(), id};
            }
        }
    }
    return {};
}

bool WordCache::get(std::string_view word, std::vector<int32_t>& out) const {
    if (word.size() > kMaxWordBytes)
        return false;
    std::lock_guard<std::mutex> lock(mu_);
    auto it = map_.find(std::string(word));
    if (it == map_.end())
        return false;
    out.insert(out.end(), it->second.begin(), it->second.end());
    return true;
}

void WordCache::put(std::string_view word, const std::vector<int32_t>& ids) const {
    if (word.size() > kMaxWordBytes)
        return;
    std::lock_guard<std::mutex> lock(mu_);
    if (map_.size() >= kCapacity)
        return;
    map_.emplace(std::string(word), ids);
}

std::string TokenizerData::finish() {
    int32_t maxId = -1;
    for (const auto& [tok, id] : vocab)
        maxId = std::max(maxId, id);
    for (const AddedToken& a : added)
        maxId = std::max(maxId, a.id);
    idToToken.assign(static_cast<size_t>(maxId + 1), std::string());
    idToBytes.assign(static_cast<size_t>(maxId + 1), std::string());
    std::vector<bool> used(static_cast<size_t>(maxId + 1), false);
    for (const auto& [tok, id] : vocab) {
        idToToken[id] = tok;
        idToBytes[id] = text::byteLevelDecode(tok);
        used[id] = true;
    }
    addedById.clear();
    addedByContent.clear();
    rawMatcher = {};
    normMatcher = {};
    for (size_t i = 0; i < added.size(); ++i) {
        const AddedToken& a = added[i];
        addedById[a.id] = i;
        addedByContent[a.content] = a.id;
        (a.normalized ? normMatcher : rawMatcher).add(a.content, a.id);
        used[a.id] = true;
    }
    distinctIds = static_cast<size_t>(std::count(used.begin(), used.end(), true));
    const auto& strings = text::byteLevelStrings();
    for (int b = 0; b < 256; ++b) {
        auto it = vocab.find(strings[b]);
        byteIds[b] = it == vocab.end() ? -1 : it->second;
    }
    return {};
}

void TokenizerData::encodeWord(std::string_view word, std::vector<int32_t>& out) const {
    if (word.empty())
        return;
    if (ignoreMerges) {
        std::string mapped;
        for (char c : word)
            mapped += text::byteLevelStrings()[static_cast<uint8_t>(c)];
        auto it = vocab.find(mapped);
        if (it != vocab.end()) {
            out.push_back(it->second);
            return;
        }
    }
    if (cache.get(word, out))
        return;

    // Symbols in a linked list over their original positions; a heap holds candidate merges
    // ordered by (rank, position), like tokenizers' Word::merge_all.
    struct Symbol {
        int32_t id;
        int32_t prev;
        int32_t next;
    };
    std::vector<Symbol> sym;
    sym.reserve(word.size());
    for (char c : word) {
        const int32_t id = byteIds[static_cast<uint8_t>(c)];
        if (id < 0)
            continue;  // no unknown token: HF drops characters missing from the vocabulary
        const auto n = static_cast<int32_t>(sym.size());
        sym.push_back({id, n - 1, n + 1});
    }
    if (sym.empty())
        return;
    sym.back().next = -1;

    struct Candidate {
        int32_t rank;
        int32_t pos;
        int32_t newId;
        bool operator>(const Candidate& o) const {
            return rank != o.rank ? rank > o.rank : pos > o.pos;
        }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<Candidate>> heap;
    const auto consider = [&](int32_t pos) {
        const int32_t next = sym[pos].next;
        if (next < 0)
            return;
        auto it = merges.find(pairKey(sym[pos].id, sym[next].id));
        if (it != merges.end())
            heap.push({it->second.rank, pos, it->second.id});
    };
    for (int32_t i = 0; i + 1 < static_cast<int32_t>(sym.size()); ++i)
        consider(i);

    std::vector<bool> dead(sym.size(), false);
    while (!heap.empty()) {
        const Candidate top = heap.top();
        heap.pop();
        if (dead[top.pos])
            continue;
        const int32_t next = sym[top.pos].next;
        if (next < 0)
            continue;
        auto it = merges.find(pairKey(sym[top.pos].id, sym[next].id));
        if (it == merges.end() || it->second.id != top.newId)
            continue;  // stale candidate
        sym[top.pos].id = top.newId;
        dead[next] = true;
        sym[top.pos].next = sym[next].next;
        if (sym[next].next >= 0)
            sym[sym[next].next].prev = top.pos;
        if (sym[top.pos].prev >= 0)
            consider(sym[top.pos].prev);
        consider(top.pos);
    }

    const size_t first = out.size();
    for (int32_t i = 0; i >= 0; i = sym[i].next)
        out.push_back(sym[i].id);
    if (word.size() <= 256) {
        cache.put(word, std::vector<int32_t>(out.begin() + static_cast<std::ptrdiff_t>(first),
                                             out.end()));
    }
}

}  // namespace vistag::inference

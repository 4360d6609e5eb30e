// TokenVocabulary: the byte trie of every ordinary token (added and special tokens excluded).
#include <algorithm>
#include <numeric>

#include "constraint/constraint_impl.h"
#include "unicode_text.h"

namespace vistag::inference {

TokenVocabulary::TokenVocabulary() : impl_(std::make_unique<Impl>()) {}
TokenVocabulary::~TokenVocabulary() = default;

size_t TokenVocabulary::logitsWidth() const {
    return impl_->width;
}
const Tokenizer& TokenVocabulary::tokenizer() const {
    return impl_->tokenizer;
}
size_t TokenVocabulary::trieNodes() const {
    return impl_->nodes.size();
}

std::string_view TokenVocabulary::tokenBytes(int32_t id) const {
    if (id < 0 || static_cast<size_t>(id) >= impl_->bytes.size())
        return {};
    return impl_->bytes[static_cast<size_t>(id)];
}

namespace {

// Valid free-text content by itself: complete UTF-8 without `"`, `\` or control characters.
bool isPlainText(std::string_view s) {
    for (const char ch : s) {
        const auto b = static_cast<unsigned char>(ch);
        if (b < 0x20 || b == 0x7F || b == '"' || b == '\\')
            return false;
    }
    return text::isValidUtf8(s);
}

// Builds the children of `parent` from the sorted ids [lo, hi) that share `depth` bytes.
void buildChildren(TokenVocabulary::Impl& v, const std::vector<int32_t>& ids, size_t lo, size_t hi,
                   size_t depth, uint32_t parent) {
    // Ids whose bytes end at this depth belong to the parent (they sort first).
    while (lo < hi && v.bytes[static_cast<size_t>(ids[lo])].size() == depth) {
        VocabNode& p = v.nodes[parent];
        if (p.token < 0) {
            p.token = ids[lo];
        } else {
            auto [it, fresh] =
                v.moreIndex.try_emplace(parent, static_cast<uint32_t>(v.more.size()));
            if (fresh)
                v.more.emplace_back();
            v.more[it->second].push_back(ids[lo]);
        }
        ++lo;
    }
    // Group the rest by their byte at `depth`.
    std::vector<std::pair<size_t, size_t>> groups;
    for (size_t i = lo; i < hi;) {
        const uint8_t b = static_cast<uint8_t>(v.bytes[static_cast<size_t>(ids[i])][depth]);
        size_t j = i + 1;
        while (j < hi && static_cast<uint8_t>(v.bytes[static_cast<size_t>(ids[j])][depth]) == b)
            ++j;
        groups.emplace_back(i, j);
        i = j;
    }
    const auto first = static_cast<uint32_t>(v.nodes.size());
    v.nodes[parent].firstChild = first;
    v.nodes[parent].nChildren = static_cast<uint32_t>(groups.size());
    for (const auto& [a, b] : groups) {
        VocabNode n;
        n.byte = static_cast<uint8_t>(v.bytes[static_cast<size_t>(ids[a])][depth]);
        v.nodes.push_back(n);
    }
    for (size_t k = 0; k < groups.size(); ++k)
        buildChildren(v, ids, groups[k].first, groups[k].second, depth + 1,
                      first + static_cast<uint32_t>(k));
}

}  // namespace

Expected<std::shared_ptr<const TokenVocabulary>> TokenVocabulary::build(const Tokenizer& tokenizer,
                                                                        size_t logitsWidth) {
    if (logitsWidth == 0 || logitsWidth > (size_t{1} << 30))
        return Status(ErrorCode::Usage, "TokenVocabulary: logits width " +
                                            std::to_string(logitsWidth) + " is out of range");
    if (tokenizer.size() == 0)
        return Status(ErrorCode::Usage, "TokenVocabulary: the tokenizer is empty");
    std::shared_ptr<TokenVocabulary> voc(new TokenVocabulary());
    Impl& v = *voc->impl_;
    v.tokenizer = tokenizer;
    v.width = logitsWidth;
    v.bytes.resize(logitsWidth);
    const size_t n = std::min(logitsWidth, tokenizer.size());
    std::vector<int32_t> ids;
    ids.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        const auto id = static_cast<int32_t>(i);
        if (tokenizer.isAdded(id) || tokenizer.isSpecial(id))
            continue;
        const std::string_view b = tokenizer.tokenBytes(id);
        if (b.empty())
            continue;
        v.bytes[i] = std::string(b);
        v.maxTokenBytes = std::max(v.maxTokenBytes, b.size());
        ids.push_back(id);
    }
    std::sort(ids.begin(), ids.end(), [&](int32_t a, int32_t b) {
        const std::string& x = v.bytes[static_cast<size_t>(a)];
        const std::string& y = v.bytes[static_cast<size_t>(b)];
        return x != y ? x < y : a < b;
    });
    v.nodes.reserve(ids.size() * 2 + 1);
    v.nodes.emplace_back();  // root
    buildChildren(v, ids, 0, ids.size(), 0, 0);

    // Free-text fast path (constraint_impl.h): plain tokens by size, and which subtrees hold
    // any other token (children come after their parent, so a reverse pass is post-order).
    v.plainMask.assign((logitsWidth + 31) / 32, 0);
    std::vector<uint8_t> plain(logitsWidth, 0);
    for (int32_t id : ids)
        if (isPlainText(v.bytes[static_cast<size_t>(id)])) {
            plain[static_cast<size_t>(id)] = 1;
            v.plainMask[static_cast<size_t>(id) / 32] |= 1u << (id % 32);
            v.plainBySize.push_back(id);
        }
    std::stable_sort(v.plainBySize.begin(), v.plainBySize.end(), [&](int32_t a, int32_t b) {
        return v.bytes[static_cast<size_t>(a)].size() < v.bytes[static_cast<size_t>(b)].size();
    });
    v.plainSizeEnd.assign(v.maxTokenBytes + 1, 0);
    for (size_t i = 0, n = 0; n <= v.maxTokenBytes; ++n) {
        while (i < v.plainBySize.size() &&
               v.bytes[static_cast<size_t>(v.plainBySize[i])].size() <= n)
            ++i;
        v.plainSizeEnd[n] = static_cast<uint32_t>(i);
    }
    v.otherBelow.assign(v.nodes.size(), 0);
    for (size_t i = v.nodes.size(); i-- > 0;) {
        const VocabNode& node = v.nodes[i];
        uint8_t other = node.token >= 0 && !plain[static_cast<size_t>(node.token)];
        for (uint32_t k = 0; k < node.nChildren && !other; ++k)
            other = v.otherBelow[node.firstChild + k];
        v.otherBelow[i] = other;  // (ids sharing a node's bytes are all plain or all not)
    }
    return std::shared_ptr<const TokenVocabulary>(std::move(voc));
}

}  // namespace vistag::inference

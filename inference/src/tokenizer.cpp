#include "vistag/inference/tokenizer.h"

#include "tokenizer_data.h"
#include "unicode_text.h"

namespace vistag::inference {
namespace {

// Calls `onText` for the text between added tokens and `onToken` for each added token found by
// `matcher` in `s`.
template <typename OnText, typename OnToken>
void splitAdded(const AddedTokenMatcher& matcher, std::string_view s, OnText onText,
                OnToken onToken) {
    size_t pos = 0;
    while (pos < s.size()) {
        const AddedTokenMatcher::Match m = matcher.find(s, pos);
        if (m.pos == std::string_view::npos)
            break;
        if (m.pos > pos)
            onText(s.substr(pos, m.pos - pos));
        onToken(m.id);
        pos = m.pos + m.len;
    }
    if (pos < s.size())
        onText(s.substr(pos));
}

}  // namespace

std::vector<int32_t> Tokenizer::encode(std::string_view input) const {
    std::vector<int32_t> ids;
    if (!d_ || input.empty())
        return ids;
    const TokenizerData& d = *d_;
    std::string repaired;
    std::string_view textView = input;
    if (!text::isValidUtf8(input)) {
        repaired = text::toValidUtf8(input);
        textView = repaired;
    }
    ids.reserve(textView.size() / 3 + 4);
    std::vector<std::string_view> pieces;
    const auto pushId = [&](int32_t id) { ids.push_back(id); };
    const auto encodeNormalized = [&](std::string_view s) {
        pieces.clear();
        d.pre.split(s, pieces);
        for (std::string_view w : pieces)
            d.encodeWord(w, ids);
    };
    const auto encodeRaw = [&](std::string_view s) {
        const std::string normalized = d.nfc ? text::nfc(s) : std::string(s);
        splitAdded(d.normMatcher, normalized, encodeNormalized, pushId);
    };
    splitAdded(d.rawMatcher, textView, encodeRaw, pushId);
    return ids;
}

std::string Tokenizer::decode(const std::vector<int32_t>& ids, bool skipSpecial) const {
    std::string out;
    if (!d_)
        return out;
    const TokenizerData& d = *d_;
    std::string bytes;  // byte-level run since the last added token
    for (int32_t id : ids) {
        auto added = d.addedById.find(id);
        if (added != d.addedById.end()) {
            const AddedToken& a = d.added[added->second];
            if (skipSpecial && a.special)
                continue;
            text::appendUtf8Lossy(bytes, out, true);
            bytes.clear();
            out += a.content;
        } else if (id >= 0 && static_cast<size_t>(id) < d.idToToken.size() &&
                   !d.idToToken[id].empty()) {
            bytes += d.idToBytes[id];
        }
    }
    text::appendUtf8Lossy(bytes, out, true);
    return out;
}

int32_t Tokenizer::tokenId(std::string_view token) const {
    if (!d_)
        return -1;
    const std::string key(token);
    if (auto it = d_->addedByContent.find(key); it != d_->addedByContent.end())
        return it->second;
    if (auto it = d_->vocab.find(key); it != d_->vocab.end())
        return it->second;
    return -1;
}

std::string Tokenizer::tokenText(int32_t id) const {
    if (!d_)
        return {};
    if (auto it = d_->addedById.find(id); it != d_->addedById.end()) {
        return d_->added[it->second].content;
    }
    if (id >= 0 && static_cast<size_t>(id) < d_->idToToken.size())
        return d_->idToToken[id];
    return {};
}

std::string_view Tokenizer::tokenBytes(int32_t id) const {
    if (!d_)
        return {};
    if (auto it = d_->addedById.find(id); it != d_->addedById.end()) {
        return d_->added[it->second].content;
    }
    if (id >= 0 && static_cast<size_t>(id) < d_->idToBytes.size())
        return d_->idToBytes[id];
    return {};
}

bool Tokenizer::isAdded(int32_t id) const {
    return d_ && d_->addedById.count(id) > 0;
}

bool Tokenizer::isSpecial(int32_t id) const {
    if (!d_)
        return false;
    auto it = d_->addedById.find(id);
    return it != d_->addedById.end() && d_->added[it->second].special;
}

size_t Tokenizer::size() const {
    return d_ ? d_->distinctIds : 0;
}

StreamDecoder::StreamDecoder(const Tokenizer& tok, bool skipSpecial)
    : tok_(&tok), skipSpecial_(skipSpecial) {}

std::string StreamDecoder::push(int32_t id) {
    std::string out;
    if (tok_->isAdded(id)) {
        if (skipSpecial_ && tok_->isSpecial(id))
            return out;
        // Like decode(): an added token ends the byte run before it.
        text::appendUtf8Lossy(pending_, out, true);
        pending_.clear();
        out += tok_->tokenBytes(id);
        return out;
    }
    pending_ += tok_->tokenBytes(id);
    const size_t used = text::appendUtf8Lossy(pending_, out, false);
    pending_.erase(0, used);
    return out;
}

std::string StreamDecoder::flush() {
    std::string out;
    text::appendUtf8Lossy(pending_, out, true);
    pending_.clear();
    return out;
}

}  // namespace vistag::inference

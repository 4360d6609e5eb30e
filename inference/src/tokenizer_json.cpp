#include "tokenizer_json.h"

namespace vistag::inference {
namespace {

using nlohmann::json;

class Sax {
public:
    using number_integer_t = json::number_integer_t;
    using number_unsigned_t = json::number_unsigned_t;
    using number_float_t = json::number_float_t;
    using string_t = json::string_t;
    using binary_t = json::binary_t;

    Sax(TokenizerJsonParts& parts, int64_t maxId)
        : p_(parts), dom_(parts.rest, false), maxId_(maxId) {}

    const std::string& error() const { return error_; }

    bool null() { return mode_ == Mode::Dom ? domScalar() && dom_.null() : bad("null"); }
    bool boolean(bool v) {
        return mode_ == Mode::Dom ? domScalar() && dom_.boolean(v) : bad("a boolean");
    }
    bool number_integer(number_integer_t v) {
        return mode_ == Mode::Dom ? domScalar() && dom_.number_integer(v) : vocabId(v);
    }
    bool number_unsigned(number_unsigned_t v) {
        if (mode_ == Mode::Dom)
            return domScalar() && dom_.number_unsigned(v);
        return vocabId(v > static_cast<number_unsigned_t>(INT64_MAX) ? -1
                                                                     : static_cast<int64_t>(v));
    }
    bool number_float(number_float_t v, const string_t& s) {
        return mode_ == Mode::Dom ? domScalar() && dom_.number_float(v, s)
                                  : bad("a fractional number");
    }
    bool binary(binary_t& v) {
        return mode_ == Mode::Dom ? domScalar() && dom_.binary(v) : bad("binary data");
    }

    bool string(string_t& v) {
        if (mode_ == Mode::Dom)
            return domScalar() && dom_.string(v);
        if (mode_ == Mode::Merges && depth_ == 1)
            return mergeString(v);
        if (mode_ == Mode::Merges && depth_ == 2) {
            pair_.push_back(std::move(v));
            return true;
        }
        return bad("a string");
    }

    bool start_object(std::size_t n) {
        if (mode_ == Mode::Dom) {
            if (pending_ == Mode::Vocab)
                return enter(Mode::Vocab);
            if (pending_ == Mode::Merges)
                return fail("model.merges is not an array");
            path_.emplace_back();
            return dom_.start_object(n);
        }
        return bad("an object");
    }
    bool key(string_t& k) {
        if (mode_ == Mode::Vocab) {
            key_ = std::move(k);
            return true;
        }
        if (mode_ != Mode::Dom)
            return bad("a key");
        path_.back() = k;
        if (path_.size() == 2 && path_[0] == "model" && (k == "vocab" || k == "merges")) {
            // The DOM gets null here; the value itself is streamed into `parts`.
            pending_ = k == "vocab" ? Mode::Vocab : Mode::Merges;
            return dom_.key(k) && dom_.null();
        }
        return dom_.key(k);
    }
    bool end_object() {
        if (mode_ == Mode::Vocab && depth_ == 1)
            return leave();
        if (mode_ != Mode::Dom)
            return bad("an object");
        path_.pop_back();
        return dom_.end_object();
    }
    bool start_array(std::size_t n) {
        if (mode_ == Mode::Dom) {
            if (pending_ == Mode::Merges)
                return enter(Mode::Merges);
            if (pending_ == Mode::Vocab)
                return fail("model.vocab is not an object");
            path_.emplace_back();
            return dom_.start_array(n);
        }
        if (mode_ == Mode::Merges && depth_ == 1) {
            ++depth_;
            pair_.clear();
            return true;
        }
        return bad("an array");
    }
    bool end_array() {
        if (mode_ == Mode::Merges && depth_ == 2) {
            --depth_;
            if (pair_.size() != 2)
                return fail(mergeName() + " is neither \"a b\" nor [\"a\", \"b\"]");
            p_.merges.emplace_back(std::move(pair_[0]), std::move(pair_[1]));
            return true;
        }
        if (mode_ == Mode::Merges && depth_ == 1)
            return leave();
        if (mode_ != Mode::Dom)
            return bad("an array");
        path_.pop_back();
        return dom_.end_array();
    }

    template <class Exception>
    bool parse_error(std::size_t, const std::string&, const Exception& ex) {
        if (error_.empty())
            error_ = std::string("malformed JSON (") + ex.what() + ")";
        return false;
    }

private:
    enum class Mode { Dom, Vocab, Merges };

    // A scalar in the DOM part: model.vocab / model.merges must not be one.
    bool domScalar() {
        if (pending_ == Mode::Vocab)
            return fail("model.vocab is not an object");
        if (pending_ == Mode::Merges)
            return fail("model.merges is not an array");
        return true;
    }
    bool fail(std::string what) {
        if (error_.empty())
            error_ = std::move(what);
        return false;
    }
    // Any value where the vocabulary or merge list has no place for it.
    bool bad(const char* what) {
        if (mode_ == Mode::Vocab) {
            return fail(depth_ == 1 ? "vocab entry \"" + key_ + "\" is not an integer id"
                                    : std::string("model.vocab holds ") + what);
        }
        return fail(mergeName() + " is neither \"a b\" nor [\"a\", \"b\"]");
    }
    std::string mergeName() const { return "merge " + std::to_string(p_.merges.size()); }

    bool enter(Mode m) {
        mode_ = m;
        pending_ = Mode::Dom;
        depth_ = 1;
        if (m == Mode::Vocab) {
            p_.hasVocab = true;
            p_.vocab.reserve(1 << 18);
        } else {
            p_.hasMerges = true;
            p_.merges.reserve(1 << 18);
        }
        return true;
    }
    bool leave() {
        mode_ = Mode::Dom;
        depth_ = 0;
        return true;
    }

    bool vocabId(int64_t id) {
        if (mode_ != Mode::Vocab || depth_ != 1)
            return bad("a number");
        if (id < 0 || id >= maxId_) {
            return fail("vocab entry \"" + key_ + "\" has an out-of-range id " +
                        std::to_string(id));
        }
        p_.vocab.emplace(std::move(key_), static_cast<int32_t>(id));
        return true;
    }

    bool mergeString(const std::string& s) {
        const size_t sp = s.find(' ');
        if (sp == std::string::npos || sp == 0 || sp + 1 >= s.size() ||
            s.find(' ', sp + 1) != std::string::npos) {
            return fail(mergeName() + " (\"" + s + "\") is not two tokens separated by one space");
        }
        p_.merges.emplace_back(s.substr(0, sp), s.substr(sp + 1));
        return true;
    }

    TokenizerJsonParts& p_;
    nlohmann::detail::json_sax_dom_parser<json> dom_;
    int64_t maxId_;
    Mode mode_ = Mode::Dom;
    Mode pending_ = Mode::Dom;       // model.vocab / model.merges announced by its key
    int depth_ = 0;                  // nesting inside vocab / merges
    std::vector<std::string> path_;  // keys of the open DOM containers ("" for arrays)
    std::string key_;
    std::vector<std::string> pair_;
    std::string error_;
};

}  // namespace

std::string parseTokenizerJson(std::string_view text, int64_t maxId, TokenizerJsonParts& parts) {
    Sax sax(parts, maxId);
    const bool ok = json::sax_parse(text.begin(), text.end(), &sax);
    if (!ok)
        return sax.error().empty() ? "malformed JSON" : sax.error();
    return {};
}

}  // namespace vistag::inference

// Loading a tokenizer from a Hugging Face model folder: tokenizer.json, or vocab.json +
// merges.txt (+ tokenizer_config.json's added tokens). Every problem becomes a Status naming the
// file; nothing throws out of here.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tokenizer_data.h"
#include "tokenizer_json.h"
#include "vistag/inference/tokenizer.h"

namespace vistag::inference {

using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr int64_t kMaxId = 16 * 1024 * 1024;  // far beyond any real vocabulary

struct LoadError {
    std::string message;
};

// A message quotes bytes of the files (token strings, types, merge lines): NUL and the other C0
// controls are written as \0 and \xNN, so that a message printed with %s is not cut at a NUL
// and no escape sequence reaches the terminal (tracker issue 21, defect 19).
std::string printable(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (const char c : text) {
        const auto b = static_cast<unsigned char>(c);
        if (b == 0) {
            out += "\\0";
        } else if (b < 0x20 || b == 0x7f) {
            static const char hex[] = "0123456789abcdef";
            out += "\\x";
            out += hex[b >> 4];
            out += hex[b & 15];
        } else {
            out += c;
        }
    }
    return out;
}

[[noreturn]] void fail(const std::string& file, const std::string& what) {
    throw LoadError{file + ": " + printable(what)};
}

std::string readFile(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        fail(path.string(), "cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad())
        fail(path.string(), "read error");
    return std::move(ss).str();
}

json parseJson(std::string_view text, const std::string& name) {
    try {
        return json::parse(text);
    } catch (const json::parse_error& e) {
        fail(name, std::string("malformed JSON (") + e.what() + ")");
    }
}

int32_t idValue(const json& v, const std::string& file, const std::string& what) {
    if (!v.is_number_integer())
        fail(file, what + " is not an integer id");
    const int64_t id = v.get<int64_t>();
    if (id < 0 || id >= kMaxId)
        fail(file, what + " has an out-of-range id " + std::to_string(id));
    return static_cast<int32_t>(id);
}

void readVocab(TokenizerData& d, const json& vocab, const std::string& file) {
    if (!vocab.is_object())
        fail(file, "model.vocab is missing or not an object");
    if (vocab.empty())
        fail(file, "model.vocab is empty");
    d.vocab.reserve(vocab.size());
    for (auto it = vocab.begin(); it != vocab.end(); ++it) {
        d.vocab.emplace(it.key(), idValue(it.value(), file, "vocab entry \"" + it.key() + "\""));
    }
}

// A merge "a b" or ["a", "b"] at `index`.
void addMerge(TokenizerData& d, std::string_view a, std::string_view b, size_t index,
              const std::string& file) {
    const auto where = [&] {
        return "merge " + std::to_string(index) + " (\"" + std::string(a) + " " + std::string(b) +
               "\")";
    };
    auto ia = d.vocab.find(std::string(a));
    auto ib = d.vocab.find(std::string(b));
    if (ia == d.vocab.end() || ib == d.vocab.end())
        fail(file, where() + " uses a token not in the vocabulary");
    std::string joined;
    joined.reserve(a.size() + b.size());
    joined.append(a).append(b);
    auto ij = d.vocab.find(joined);
    if (ij == d.vocab.end())
        fail(file, where() + " makes a token not in the vocabulary");
    d.merges[TokenizerData::pairKey(ia->second, ib->second)] = {static_cast<int32_t>(index),
                                                                ij->second};
}

void splitMergeString(TokenizerData& d, std::string_view line, size_t index,
                      const std::string& file) {
    const size_t sp = line.find(' ');
    if (sp == std::string_view::npos || sp == 0 || sp + 1 >= line.size() ||
        line.find(' ', sp + 1) != std::string_view::npos) {
        fail(file, "merge " + std::to_string(index) + " (\"" + std::string(line) +
                       "\") is not two tokens separated by one space");
    }
    addMerge(d, line.substr(0, sp), line.substr(sp + 1), index, file);
}

AddedToken readAddedToken(const json& t, int32_t id, const std::string& file,
                          const std::string& what) {
    if (!t.is_object())
        fail(file, what + " is not an object");
    auto content = t.find("content");
    if (content == t.end() || !content->is_string() ||
        content->get_ref<const std::string&>().empty()) {
        fail(file, what + " has no content");
    }
    AddedToken a;
    a.id = id;
    a.content = content->get<std::string>();
    a.special = t.value("special", false);
    a.normalized = t.value("normalized", !a.special);
    for (const char* flag : {"lstrip", "rstrip", "single_word"}) {
        if (t.value(flag, false))
            fail(file, what + " uses " + flag + ", which Vistag does not support");
    }
    return a;
}

void checkNormalizer(TokenizerData& d, const json& n, const std::string& file) {
    if (n.is_null()) {
        d.nfc = false;
        return;
    }
    const std::string type = n.is_object() ? n.value("type", "") : "";
    if (type == "NFC") {
        d.nfc = true;
    } else if (type == "Sequence" && n.contains("normalizers") && n["normalizers"].is_array() &&
               n["normalizers"].size() <= 1) {
        d.nfc = false;
        if (n["normalizers"].size() == 1)
            checkNormalizer(d, n["normalizers"][0], file);
    } else {
        fail(file, "unsupported normalizer " + (type.empty() ? n.dump() : type) +
                       " (Vistag supports NFC)");
    }
}

void checkByteLevel(const json& b, const std::string& file, bool& useRegex) {
    if (b.value("add_prefix_space", false))
        fail(file, "ByteLevel add_prefix_space is not supported");
    useRegex = b.value("use_regex", true);
}

void readPreTokenizer(TokenizerData& d, const json& p, const std::string& file) {
    std::string pattern;
    bool byteLevel = false;
    const auto one = [&](const json& s) {
        const std::string type = s.is_object() ? s.value("type", "") : "";
        if (type == "Split") {
            const json& pat = s.value("pattern", json::object());
            if (!pat.is_object() || !pat.contains("Regex") || !pat["Regex"].is_string()) {
                fail(file, "Split pre-tokenizer without a Regex pattern is not supported");
            }
            if (s.value("behavior", "") != "Isolated" || s.value("invert", false)) {
                fail(file, "Split pre-tokenizer must be behavior Isolated, invert false");
            }
            if (!pattern.empty())
                fail(file, "more than one Split pre-tokenizer is not supported");
            pattern = pat["Regex"].get<std::string>();
        } else if (type == "ByteLevel") {
            bool useRegex = false;
            checkByteLevel(s, file, useRegex);
            if (useRegex) {
                if (!pattern.empty())
                    fail(file, "Split followed by ByteLevel(use_regex) is not supported");
                pattern = text::kGpt2Pattern;
            }
            byteLevel = true;
        } else {
            fail(file, "unsupported pre-tokenizer " + (type.empty() ? s.dump() : type));
        }
    };
    if (p.is_null())
        fail(file, "pre_tokenizer is missing (a byte-level BPE needs one)");
    if (p.value("type", "") == "Sequence") {
        if (!p.contains("pretokenizers") || !p["pretokenizers"].is_array()) {
            fail(file, "pre_tokenizer Sequence has no pretokenizers array");
        }
        for (const json& s : p["pretokenizers"])
            one(s);
    } else {
        one(p);
    }
    if (!byteLevel)
        fail(file, "pre_tokenizer has no ByteLevel step (only byte-level BPE is supported)");
    std::string error;
    if (!pattern.empty() && !d.pre.compile(pattern, error))
        fail(file, "pre_tokenizer " + error);
}

void checkModel(const json& model, const std::string& file, TokenizerData& d) {
    if (!model.is_object())
        fail(file, "\"model\" is missing or not an object");
    const std::string type = model.value("type", "BPE");
    if (type != "BPE")
        fail(file, "model type " + type + " is not supported (BPE only)");
    const auto nonEmpty = [&](const char* key) {
        auto it = model.find(key);
        return it != model.end() && !it->is_null() &&
               !(it->is_string() && it->get_ref<const std::string&>().empty());
    };
    if (nonEmpty("unk_token"))
        fail(file, "BPE unk_token is not supported");
    if (nonEmpty("continuing_subword_prefix") || nonEmpty("end_of_word_suffix")) {
        fail(file, "BPE subword prefixes/suffixes are not supported");
    }
    if (model.value("byte_fallback", false))
        fail(file, "BPE byte_fallback is not supported");
    auto dropout = model.find("dropout");
    if (dropout != model.end() && dropout->is_number() && dropout->get<double>() > 0.0) {
        fail(file, "BPE dropout is not supported");
    }
    d.ignoreMerges = model.value("ignore_merges", false);
}

}  // namespace

class TokenizerBuilder {
public:
    static Tokenizer make(std::shared_ptr<TokenizerData> d) { return Tokenizer(std::move(d)); }

    static std::shared_ptr<TokenizerData> fromJson(std::string_view text, const std::string& file) {
        TokenizerJsonParts parts;
        const std::string error = parseTokenizerJson(text, kMaxId, parts);
        if (!error.empty())
            fail(file, error);
        const json& root = parts.rest;
        if (!root.is_object())
            fail(file, "top level is not a JSON object");
        auto d = std::make_shared<TokenizerData>();
        static const json kNull;
        static const json kEmpty = json::array();
        const auto member = [](const json& obj, const char* key) -> const json& {
            if (!obj.is_object())
                return kNull;
            auto it = obj.find(key);
            return it == obj.end() ? kNull : *it;
        };
        const json& model = member(root, "model");
        checkModel(model, file, *d);
        if (!parts.hasVocab)
            fail(file, "model.vocab is missing or not an object");
        if (parts.vocab.empty())
            fail(file, "model.vocab is empty");
        d->vocab = std::move(parts.vocab);
        if (!parts.hasMerges)
            fail(file, "model.merges is missing or not an array");
        d->merges.reserve(parts.merges.size());
        for (size_t i = 0; i < parts.merges.size(); ++i) {
            addMerge(*d, parts.merges[i].first, parts.merges[i].second, i, file);
        }
        parts.merges = {};
        checkNormalizer(*d, member(root, "normalizer"), file);
        readPreTokenizer(*d, member(root, "pre_tokenizer"), file);
        if (root.contains("decoder") && !root["decoder"].is_null()) {
            const std::string type = root["decoder"].value("type", "");
            if (type != "ByteLevel")
                fail(file, "unsupported decoder " + type + " (ByteLevel only)");
        }
        const json& added = root.contains("added_tokens") ? member(root, "added_tokens") : kEmpty;
        if (!added.is_array())
            fail(file, "added_tokens is not an array");
        for (size_t i = 0; i < added.size(); ++i) {
            const std::string what = "added_tokens[" + std::to_string(i) + "]";
            if (!added[i].is_object() || !added[i].contains("id"))
                fail(file, what + " has no id");
            d->added.push_back(
                readAddedToken(added[i], idValue(added[i]["id"], file, what), file, what));
        }
        finish(*d, file);
        return d;
    }

    static std::shared_ptr<TokenizerData> fromVocabMerges(const fs::path& dir) {
        auto d = std::make_shared<TokenizerData>();
        const std::string vocabFile = (dir / "vocab.json").string();
        readVocab(*d, parseJson(readFile(vocabFile), vocabFile), vocabFile);
        const std::string mergesFile = (dir / "merges.txt").string();
        const std::string merges = readFile(mergesFile);
        size_t index = 0;
        size_t lineNo = 0;
        for (size_t pos = 0; pos < merges.size();) {
            size_t end = merges.find('\n', pos);
            if (end == std::string::npos)
                end = merges.size();
            std::string_view line(merges.data() + pos, end - pos);
            pos = end + 1;
            ++lineNo;
            if (!line.empty() && line.back() == '\r')
                line.remove_suffix(1);
            if (line.empty() || (lineNo == 1 && line.rfind("#version", 0) == 0))
                continue;
            splitMergeString(*d, line, index++, mergesFile);
        }
        d->nfc = true;
        std::string error;
        if (!d->pre.compile(text::kQwenPattern, error))
            fail(mergesFile, error);
        const fs::path configPath = dir / "tokenizer_config.json";
        if (fs::exists(configPath)) {
            const std::string configFile = configPath.string();
            const json config = parseJson(readFile(configPath), configFile);
            const json& decoder =
                config.is_object() ? config.value("added_tokens_decoder", json()) : json();
            if (!decoder.is_null() && !decoder.is_object()) {
                fail(configFile, "added_tokens_decoder is not an object");
            }
            for (auto it = decoder.begin(); !decoder.is_null() && it != decoder.end(); ++it) {
                const std::string what = "added_tokens_decoder[\"" + it.key() + "\"]";
                char* end = nullptr;
                const long long id = std::strtoll(it.key().c_str(), &end, 10);
                if (it.key().empty() || *end != '\0' || id < 0 || id >= kMaxId) {
                    fail(configFile, what + " is not a valid id");
                }
                d->added.push_back(
                    readAddedToken(it.value(), static_cast<int32_t>(id), configFile, what));
            }
        }
        finish(*d, mergesFile);
        return d;
    }

private:
    static void finish(TokenizerData& d, const std::string& file) {
        std::unordered_map<int32_t, std::string> seen;
        for (const AddedToken& a : d.added) {
            auto [it, fresh] = seen.emplace(a.id, a.content);
            if (!fresh && it->second != a.content) {
                fail(file, "added token id " + std::to_string(a.id) + " is used twice");
            }
        }
        const std::string error = d.finish();
        if (!error.empty())
            fail(file, error);
    }
};

Expected<Tokenizer> Tokenizer::fromTokenizerJson(std::string_view text, const std::string& name) {
    try {
        return TokenizerBuilder::make(TokenizerBuilder::fromJson(text, name));
    } catch (const LoadError& e) {
        return Status(ErrorCode::ModelFolder, e.message);
    } catch (const std::exception& e) {
        return Status(ErrorCode::ModelFolder, name + ": " + e.what());
    }
}

Expected<Tokenizer> Tokenizer::fromFolder(const std::string& dir) {
    try {
        const fs::path folder(dir);
        std::error_code ec;
        if (!fs::is_directory(folder, ec)) {
            return Status(ErrorCode::ModelFolder, dir + ": not a folder");
        }
        const fs::path json = folder / "tokenizer.json";
        if (fs::exists(json, ec))
            return fromTokenizerJson(readFile(json), json.string());
        if (fs::exists(folder / "vocab.json", ec) && fs::exists(folder / "merges.txt", ec)) {
            return TokenizerBuilder::make(TokenizerBuilder::fromVocabMerges(folder));
        }
        return Status(ErrorCode::ModelFolder,
                      json.string() + ": missing (and no vocab.json + merges.txt beside it)");
    } catch (const LoadError& e) {
        return Status(ErrorCode::ModelFolder, e.message);
    } catch (const std::exception& e) {
        return Status(ErrorCode::ModelFolder, dir + ": " + e.what());
    }
}

}  // namespace vistag::inference

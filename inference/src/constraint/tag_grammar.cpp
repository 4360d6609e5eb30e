// TagGrammar: compiles a taxonomy into literals + per-attribute surface tries; the JSON schema;
// validation of a JSON answer.
#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <nlohmann/json.hpp>

#include "constraint/constraint_impl.h"
#include "json_util.h"
#include "unicode_text.h"

namespace vistag::inference {

using namespace constraint;

TagGrammar::TagGrammar() : impl_(std::make_unique<Impl>()) {}
TagGrammar::~TagGrammar() = default;

const TagSchema& TagGrammar::schema() const {
    return impl_->schema;
}
const TokenVocabulary& TagGrammar::vocabulary() const {
    return *impl_->vocab;
}
bool TagGrammar::hasVocabulary() const {
    return impl_->vocab != nullptr;
}
size_t TagGrammar::maxOutputBytes() const {
    return impl_->maxOutputBytes;
}
size_t TagGrammar::maxTokens() const {
    return impl_->maxOutputBytes + 1;
}

namespace {

Status usage(std::string msg) {
    return Status(ErrorCode::Usage, std::move(msg));
}

// A string for messages: printable ASCII kept, the rest as \xNN (valid UTF-8 kept raw).
std::string quoteForMessage(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size() && i < 80; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20 || c == 0x7F) {
            static const char* hex = "0123456789abcdef";
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    if (s.size() > 80)
        out += "...";
    return out + "\"";
}

std::string textProblem(std::string_view s) {
    for (const char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7F)
            return "holds a control character";
    }
    if (!text::isValidUtf8(s))
        return "is not valid UTF-8";
    return {};
}

std::string escapeSurface(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out;
}

size_t escapedSize(std::string_view s) {
    size_t n = s.size();
    for (char c : s)
        n += (c == '"' || c == '\\') ? 1 : 0;
    return n;
}

bool validCode(std::string_view c) {
    if (c.empty() || c.size() > 128)
        return false;
    for (char ch : c) {
        const bool ok = (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
                        (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' || ch == '-';
        if (!ok)
            return false;
    }
    return true;
}

const char* kindName(AttributeKind k) {
    switch (k) {
        case AttributeKind::Single:
            return "single";
        case AttributeKind::Multi:
            return "multi";
        case AttributeKind::Free:
            return "free";
    }
    return "?";
}

// The category-first parts of a schema (TagSchema::categoryAttributes).
Status checkCategories(const TagSchema& schema, const TagLimits& limits) {
    if (schema.attributes.empty())
        return usage("taxonomy: category first, but there is no category attribute");
    const TagSchemaAttribute& c = schema.attributes[0];
    const std::string cn = "the category attribute " + quoteForMessage(c.code);
    if (c.kind != AttributeKind::Single || c.allowUnknown)
        return usage(cn + " must take exactly one value, without \"unknown\"");
    if (schema.categoryAttributes.size() != c.values.size())
        return usage(cn + " has " + std::to_string(c.values.size()) + " values but " +
                     std::to_string(schema.categoryAttributes.size()) +
                     " lists of attributes were given");
    std::vector<uint32_t> seen(schema.attributes.size(), UINT32_MAX);
    for (size_t ci = 0; ci < schema.categoryAttributes.size(); ++ci) {
        const std::vector<uint32_t>& own = schema.categoryAttributes[ci];
        const std::string name = "category " + quoteForMessage(c.values[ci].code);
        if (own.size() > limits.maxAttributes)
            return usage(name + ": " + std::to_string(own.size()) +
                         " attributes, more than the limit of " +
                         std::to_string(limits.maxAttributes));
        for (uint32_t ai : own) {
            if (ai == 0 || ai >= schema.attributes.size())
                return usage(name + ": attribute index " + std::to_string(ai) +
                             " is not an attribute of the schema");
            if (seen[ai] == ci)
                return usage(name + ": the attribute " +
                             quoteForMessage(schema.attributes[ai].code) + " is listed twice");
            seen[ai] = static_cast<uint32_t>(ci);
        }
    }
    return Status::ok();
}

// A temporary trie with map children, flattened into the grammar's arrays.
struct BuildNode {
    std::map<uint8_t, uint32_t> children;
    uint32_t parent = UINT32_MAX;
    uint32_t nValues = 0;
    int32_t stamp = kNoValue;
    int32_t value = kNoValue;
    int32_t surface = -1;
};

}  // namespace

Expected<std::shared_ptr<const TagGrammar>> TagGrammar::compile(
    const TagSchema& schema, std::shared_ptr<const TokenVocabulary> vocab,
    const TagLimits& limits) {
    const bool categoryFirst = !schema.categoryAttributes.empty();
    const size_t attributeLimit =
        categoryFirst ? limits.maxSchemaAttributes + 1 : limits.maxAttributes;
    if (schema.attributes.size() > attributeLimit)
        return usage("taxonomy: " + std::to_string(schema.attributes.size()) +
                     " attributes, more than the limit of " + std::to_string(attributeLimit));
    if (categoryFirst) {
        if (Status st = checkCategories(schema, limits); !st)
            return st;
    }
    std::shared_ptr<TagGrammar> gr(new TagGrammar());
    Impl& g = *gr->impl_;
    g.schema = schema;
    g.vocab = std::move(vocab);
    g.nodes.reserve(1024);

    std::map<std::string, size_t> codes;
    std::vector<size_t> valueBytes(schema.attributes.size(), 0);  // a value's longest JSON
    for (size_t ai = 0; ai < schema.attributes.size(); ++ai) {
        const TagSchemaAttribute& a = schema.attributes[ai];
        const std::string an = "attribute " + quoteForMessage(a.code);
        if (!validCode(a.code))
            return usage(an + ": the code must be 1-128 characters of A-Z a-z 0-9 _ . -");
        if (auto [it, fresh] = codes.emplace(a.code, ai); !fresh)
            return usage(an + ": the code appears twice (attributes " +
                         std::to_string(it->second + 1) + " and " + std::to_string(ai + 1) + ")");
        AttrInfo info;
        info.kind = a.kind;
        info.allowUnknown = a.allowUnknown;
        if (a.kind == AttributeKind::Free) {
            if (!a.values.empty())
                return usage(an + ": a free-text attribute takes no values");
            if (a.maxFreeBytes < 0 || static_cast<size_t>(a.maxFreeBytes) > limits.maxFreeBytes)
                return usage(an + ": maxFreeBytes " + std::to_string(a.maxFreeBytes) +
                             " is outside 0.." + std::to_string(limits.maxFreeBytes));
            info.maxFreeBytes = a.maxFreeBytes;
        } else {
            if (a.values.empty())
                return usage(an + " (" + kindName(a.kind) + ") has no values");
            const size_t valueLimit =
                categoryFirst && ai == 0 ? limits.maxCategories : limits.maxValuesPerAttribute;
            if (a.values.size() > valueLimit)
                return usage(an + ": " + std::to_string(a.values.size()) +
                             " values, more than the limit of " + std::to_string(valueLimit));
            if (a.kind == AttributeKind::Multi && (a.maxItems < 1 || a.maxItems > 64))
                return usage(an + ": maxItems " + std::to_string(a.maxItems) + " is outside 1..64");
            info.maxItems = a.kind == AttributeKind::Multi ? a.maxItems : 1;
            info.nValues = static_cast<int>(a.values.size());
            std::vector<BuildNode> bn(1);
            auto insert = [&](const std::string& surface, int32_t value) -> int32_t {
                const std::string esc = escapeSurface(surface);
                uint32_t cur = 0;
                for (char ch : esc) {
                    const auto b = static_cast<uint8_t>(ch);
                    auto it = bn[cur].children.find(b);
                    if (it == bn[cur].children.end()) {
                        bn.emplace_back();
                        bn.back().parent = cur;
                        it =
                            bn[cur].children.emplace(b, static_cast<uint32_t>(bn.size() - 1)).first;
                    }
                    cur = it->second;
                }
                if (bn[cur].value != kNoValue)
                    return bn[cur].surface;
                // Count the value once on every node above (surfaces come value by value).
                if (value >= 0)
                    for (uint32_t n = cur; n != UINT32_MAX; n = bn[n].parent) {
                        if (bn[n].stamp == value)
                            break;
                        bn[n].stamp = value;
                        ++bn[n].nValues;
                    }
                bn[cur].value = value;
                bn[cur].surface = static_cast<int32_t>(info.surfaces.size());
                info.surfaces.push_back(surface);
                info.surfaceValue.push_back(value);
                info.bySurface.emplace(surface, value);
                info.maxSurfaceBytes = std::max(info.maxSurfaceBytes, esc.size());
                return -1;
            };
            std::map<std::string, size_t> valueCodes;
            for (size_t vi = 0; vi < a.values.size(); ++vi) {
                const TagSchemaValue& v = a.values[vi];
                const std::string vn = an + ", value " + quoteForMessage(v.code);
                if (v.code.empty())
                    return usage(an + ": value " + std::to_string(vi + 1) + " has an empty code");
                if (auto [it, fresh] = valueCodes.emplace(v.code, vi); !fresh)
                    return usage(vn + ": the code appears twice");
                if (v.surfaces.empty())
                    return usage(vn + " has no surfaces");
                for (const std::string& s : v.surfaces) {
                    if (s.empty())
                        return usage(vn + " has an empty surface");
                    if (const std::string p = textProblem(s); !p.empty())
                        return usage(vn + ": the surface " + quoteForMessage(s) + " " + p);
                    if (s == "unknown")
                        return usage(vn +
                                     ": the surface \"unknown\" is reserved (it means no "
                                     "value)");
                    if (escapedSize(s) > limits.maxSurfaceBytes)
                        return usage(vn + ": the surface " + quoteForMessage(s) + " is " +
                                     std::to_string(escapedSize(s)) +
                                     " bytes as JSON, more than the budget of " +
                                     std::to_string(limits.maxSurfaceBytes));
                    const int32_t prev = insert(s, static_cast<int32_t>(vi));
                    if (prev >= 0) {
                        const int32_t pv = info.surfaceValue[static_cast<size_t>(prev)];
                        if (pv == static_cast<int32_t>(vi))
                            continue;  // the same surface listed twice for one value
                        return usage(an + ": values " +
                                     quoteForMessage(a.values[static_cast<size_t>(pv)].code) +
                                     " and " + quoteForMessage(v.code) + " share the surface " +
                                     quoteForMessage(s));
                    }
                }
            }
            if (a.kind == AttributeKind::Single && a.allowUnknown)
                insert("unknown", kUnknown);
            // Flatten (children in byte order) and compute the unique value under each node.
            const auto base = static_cast<uint32_t>(g.nodes.size());
            g.nodes.resize(base + bn.size());
            for (size_t i = 0; i < bn.size(); ++i) {
                TrieNode& t = g.nodes[base + i];
                t.value = bn[i].value;
                t.surface = bn[i].surface;
                t.nValues = bn[i].nValues;
                t.childBegin = static_cast<uint32_t>(g.childByte.size());
                t.nChildren = static_cast<uint32_t>(bn[i].children.size());
                for (const auto& [b, c] : bn[i].children) {
                    g.childByte.push_back(b);
                    g.childNode.push_back(base + c);
                }
            }
            // Children have larger indices than their parent: a reverse pass is post-order.
            for (size_t i = bn.size(); i-- > 0;) {
                TrieNode& t = g.nodes[base + i];
                int32_t u = t.value == kNoValue ? kNoValue : t.value;
                for (uint32_t k = 0; k < t.nChildren && u != kOpen; ++k) {
                    const int32_t cu = g.nodes[g.childNode[t.childBegin + k]].unique;
                    if (u == kNoValue) {
                        u = cu;
                    } else if (cu != u) {
                        u = kOpen;
                    }
                }
                t.unique = u == kNoValue ? kOpen : u;
            }
            info.root = base;
        }
        switch (a.kind) {
            case AttributeKind::Single:
                valueBytes[ai] = 2 + info.maxSurfaceBytes;
                break;
            case AttributeKind::Multi:
                valueBytes[ai] = std::max<size_t>(
                    9, 2 + static_cast<size_t>(info.maxItems) * (3 + info.maxSurfaceBytes) - 1);
                break;
            case AttributeKind::Free:
                valueBytes[ai] = 2 + static_cast<size_t>(info.maxFreeBytes);
                break;
        }
        g.attrs.push_back(std::move(info));
    }
    // The program: literal, slot, literal, slot, ..., "}", End. Flat: every attribute in order.
    // Category first: `{"<category>":`, the category slot, then per category its own program
    // (`,"<code>":` and the slot of each of its attributes, "}", End); each attribute's literal
    // is stored once and shared by every category that has it.
    auto literal = [&](const std::string& text) {
        g.segs.push_back(Seg{SegKind::Lit, static_cast<uint32_t>(g.lits.size()),
                             static_cast<uint32_t>(text.size()), -1});
        g.lits += text;
    };
    auto slot = [&](size_t ai) {
        g.segs.push_back(Seg{SegKind::Slot, 0, 0, static_cast<int>(ai)});
    };
    auto end = [&] { g.segs.push_back(Seg{SegKind::End, 0, 0, -1}); };
    size_t maxBytes = 0;
    if (!categoryFirst) {
        std::string pending = "{";
        for (size_t ai = 0; ai < schema.attributes.size(); ++ai) {
            if (ai > 0)
                pending += ",";
            pending += "\"" + schema.attributes[ai].code + "\":";
            literal(pending);
            maxBytes += pending.size() + valueBytes[ai];
            pending.clear();
            slot(ai);
        }
        literal("}");
        end();
        g.maxOutputBytes = maxBytes + 1;
        return std::shared_ptr<const TagGrammar>(std::move(gr));
    }
    const std::string head = "{\"" + schema.attributes[0].code + "\":";
    literal(head);
    slot(0);
    g.segs.back().categorySwitch = true;
    std::vector<std::pair<uint32_t, uint32_t>> attrLit(schema.attributes.size());
    for (size_t ai = 1; ai < schema.attributes.size(); ++ai) {
        const std::string text = ",\"" + schema.attributes[ai].code + "\":";
        attrLit[ai] = {static_cast<uint32_t>(g.lits.size()), static_cast<uint32_t>(text.size())};
        g.lits += text;
    }
    const auto close = static_cast<uint32_t>(g.lits.size());
    g.lits += "}";
    size_t longest = 0;
    g.categoryStart.reserve(schema.categoryAttributes.size());
    for (const std::vector<uint32_t>& own : schema.categoryAttributes) {
        g.categoryStart.push_back(static_cast<uint32_t>(g.segs.size()));
        size_t bytes = 1;
        for (uint32_t ai : own) {
            g.segs.push_back(Seg{SegKind::Lit, attrLit[ai].first, attrLit[ai].second, -1});
            slot(ai);
            bytes += attrLit[ai].second + valueBytes[ai];
        }
        g.segs.push_back(Seg{SegKind::Lit, close, 1, -1});
        end();
        longest = std::max(longest, bytes);
    }
    maxBytes = head.size() + valueBytes[0] + longest;
    g.maxOutputBytes = maxBytes;
    return std::shared_ptr<const TagGrammar>(std::move(gr));
}

std::string TagGrammar::jsonSchema() const {
    using nlohmann::ordered_json;
    const TagSchema& schema = impl_->schema;
    auto property = [&](size_t ai, const std::vector<std::string>* only) {
        const TagSchemaAttribute& a = schema.attributes[ai];
        const AttrInfo& info = impl_->attrs[ai];
        if (a.kind == AttributeKind::Free)
            return ordered_json{{"type", "string"}, {"maxLength", a.maxFreeBytes}};
        ordered_json e = ordered_json::array();
        if (only) {
            for (const std::string& surface : *only)
                e.push_back(surface);
        } else {
            for (size_t si = 0; si < info.surfaces.size(); ++si)
                if (info.surfaceValue[si] >= 0)
                    e.push_back(info.surfaces[si]);
        }
        if (a.kind == AttributeKind::Single) {
            if (a.allowUnknown)
                e.push_back("unknown");
            return ordered_json{{"type", "string"}, {"enum", e}};
        }
        ordered_json array = {{"type", "array"},
                              {"items", {{"type", "string"}, {"enum", e}}},
                              {"minItems", 1},
                              {"maxItems", a.maxItems}};
        if (!a.allowUnknown)
            return array;
        return ordered_json{
            {"anyOf",
             ordered_json::array(
                 {array, {{"type", "string"}, {"enum", ordered_json::array({"unknown"})}}})}};
    };
    auto object = [&](const std::vector<size_t>& attributes,
                      const std::vector<std::string>* categorySurfaces) {
        ordered_json props = ordered_json::object();
        ordered_json required = ordered_json::array();
        for (size_t ai : attributes) {
            props[schema.attributes[ai].code] = property(ai, ai == 0 ? categorySurfaces : nullptr);
            required.push_back(schema.attributes[ai].code);
        }
        return ordered_json{{"type", "object"},
                            {"properties", props},
                            {"required", required},
                            {"additionalProperties", false}};
    };
    ordered_json out;
    if (schema.categoryAttributes.empty()) {
        std::vector<size_t> all(schema.attributes.size());
        for (size_t ai = 0; ai < all.size(); ++ai)
            all[ai] = ai;
        out = object(all, nullptr);
    } else {
        // One alternative per category: its names, and exactly its attributes.
        ordered_json alternatives = ordered_json::array();
        for (size_t ci = 0; ci < schema.categoryAttributes.size(); ++ci) {
            std::vector<size_t> attributes{0};
            attributes.insert(attributes.end(), schema.categoryAttributes[ci].begin(),
                              schema.categoryAttributes[ci].end());
            alternatives.push_back(object(attributes, &schema.attributes[0].values[ci].surfaces));
        }
        out = ordered_json{{"anyOf", alternatives}};
    }
    return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Expected<TagResult> TagGrammar::parse(std::string_view text) const {
    detail::JsonParseOptions opt;
    opt.rejectDuplicateKeys = true;
    opt.maxDepth = 8;
    auto parsed = detail::parseJson(text, "tag answer", ErrorCode::Usage, opt);
    if (!parsed)
        return parsed.error();
    const nlohmann::json& j = *parsed;
    if (!j.is_object())
        return usage("tag answer: not a JSON object");
    const double nan = std::numeric_limits<double>::quiet_NaN();
    TagResult r;
    // The attributes the answer must hold: all of them, or the category and its own.
    const TagSchema& schema = impl_->schema;
    std::vector<size_t> expected;
    if (schema.categoryAttributes.empty()) {
        for (size_t ai = 0; ai < schema.attributes.size(); ++ai)
            expected.push_back(ai);
    } else {
        const TagSchemaAttribute& c = schema.attributes[0];
        const std::string cn = "tag answer: attribute " + quoteForMessage(c.code);
        auto it = j.find(c.code);
        if (it == j.end())
            return usage(cn + " is missing");
        if (!it->is_string())
            return usage(cn + ": " + detail::describeJson(*it) + " is not a string");
        const std::string& name = it->get_ref<const std::string&>();
        auto f = impl_->attrs[0].bySurface.find(name);
        if (f == impl_->attrs[0].bySurface.end() || f->second < 0)
            return usage(cn + ": " + quoteForMessage(name) + " is not an allowed value");
        expected.push_back(0);
        for (uint32_t ai : schema.categoryAttributes[static_cast<size_t>(f->second)])
            expected.push_back(ai);
    }
    for (const auto& [key, _] : j.items()) {
        const bool known = std::any_of(expected.begin(), expected.end(), [&](size_t ai) {
            return schema.attributes[ai].code == key;
        });
        if (!known)
            return usage("tag answer: unexpected key " + quoteForMessage(key));
    }
    for (size_t ai : expected) {
        const TagSchemaAttribute& a = impl_->schema.attributes[ai];
        const AttrInfo& info = impl_->attrs[ai];
        const std::string an = "tag answer: attribute " + quoteForMessage(a.code);
        auto it = j.find(a.code);
        if (it == j.end())
            return usage(an + " is missing");
        TagAttributeResult ar;
        ar.code = a.code;
        ar.kind = a.kind;
        ar.confidence = nan;
        ar.allowedMass = nan;
        const nlohmann::json& v = *it;
        auto lookup = [&](const nlohmann::json& s, TagValueResult& out) -> Status {
            if (!s.is_string())
                return usage(an + ": " + detail::describeJson(s) + " is not a string");
            const std::string& str = s.get_ref<const std::string&>();
            auto f = info.bySurface.find(str);
            if (f == info.bySurface.end() || f->second < 0)
                return usage(an + ": " + quoteForMessage(str) + " is not an allowed value");
            out.code = a.values[static_cast<size_t>(f->second)].code;
            out.surface = str;
            out.confidence = nan;
            out.allowedMass = nan;
            return Status::ok();
        };
        if (a.kind == AttributeKind::Free) {
            if (!v.is_string())
                return usage(an + ": " + detail::describeJson(v) + " is not a string");
            const std::string& str = v.get_ref<const std::string&>();
            if (const std::string p = textProblem(str); !p.empty())
                return usage(an + ": the text " + p);
            if (escapedSize(str) > static_cast<size_t>(a.maxFreeBytes))
                return usage(an + ": the text is " + std::to_string(escapedSize(str)) +
                             " bytes, more than " + std::to_string(a.maxFreeBytes));
            ar.freeText = str;
        } else if (v.is_string() && v.get_ref<const std::string&>() == "unknown") {
            if (!a.allowUnknown)
                return usage(an + ": \"unknown\" is not allowed here; name one of its values");
            ar.unknown = true;
        } else if (a.kind == AttributeKind::Single) {
            TagValueResult tv;
            if (Status st = lookup(v, tv); !st)
                return st;
            ar.values.push_back(std::move(tv));
        } else {
            if (!v.is_array())
                return usage(an + ": " + detail::describeJson(v) +
                             " is neither an array nor \"unknown\"");
            if (v.empty() || v.size() > static_cast<size_t>(a.maxItems))
                return usage(an + ": " + std::to_string(v.size()) + " items, expected 1.." +
                             std::to_string(a.maxItems));
            for (const auto& item : v) {
                TagValueResult tv;
                if (Status st = lookup(item, tv); !st)
                    return st;
                for (const auto& prev : ar.values)
                    if (prev.code == tv.code)
                        return usage(an + ": the value " + quoteForMessage(tv.code) +
                                     " appears twice");
                ar.values.push_back(std::move(tv));
            }
        }
        r.attributes.push_back(std::move(ar));
    }
    return r;
}

}  // namespace vistag::inference

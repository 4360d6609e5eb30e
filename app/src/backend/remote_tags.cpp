#include "backend/remote_tags.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLocale>
#include <QStringList>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace vistag::backend::remote_tags {
namespace {

QString q(const std::string& s) {
    return QStringLiteral("\"%1\"").arg(QString::fromStdString(s));
}

QString number(qint64 n) {
    return QLocale(QLocale::English).toString(n);
}

// Characters (code points) of UTF-8 text.
qint64 charCount(const QByteArray& utf8) {
    qint64 n = 0;
    for (char c : utf8)
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    return n;
}

void countEnums(const QJsonValue& v, int* n) {
    if (v.isArray()) {
        for (const QJsonValue& x : v.toArray())
            countEnums(x, n);
    } else if (v.isObject()) {
        const QJsonObject o = v.toObject();
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key() == QLatin1String("enum") && it.value().isArray())
                *n += static_cast<int>(it.value().toArray().size());
            else
                countEnums(it.value(), n);
        }
    }
}

std::shared_ptr<const inference::TagGrammar> compileOrError(const inference::TagSchema& schema,
                                                            QString* error) {
    auto g = inference::TagGrammar::compile(schema, nullptr);
    if (!g) {
        *error = QStringLiteral("the taxonomy cannot be used for tagging: %1")
                     .arg(QString::fromStdString(g.error().message()));
        return nullptr;
    }
    return *g;
}

}  // namespace

int countEnumValues(const QByteArray& schemaJson) {
    int n = 0;
    countEnums(QJsonDocument::fromJson(schemaJson).object(), &n);
    return n;
}

std::optional<std::vector<TagPart>> planParts(const inference::TagSchema& schema, int maxEnumValues,
                                              int maxChars, QString* error) {
    const auto whole = compileOrError(schema, error);
    if (!whole)
        return std::nullopt;
    if (!schema.categoryAttributes.empty()) {
        const QByteArray json = QByteArray::fromStdString(whole->jsonSchema());
        const int enums = countEnumValues(json);
        std::vector<TagPart> parts;
        if ((maxEnumValues <= 0 || enums <= maxEnumValues) &&
            (maxChars <= 0 || charCount(json) <= maxChars)) {
            TagPart part;
            part.whole = true;
            part.grammar = whole;
            part.schemaJson = json;
            part.enumValues = enums;
            parts.push_back(std::move(part));
        }
        return parts;
    }
    // A part's schema is {"type":"object","properties":{P1,…},"required":[R1,…],…}: its size is
    // that of the empty schema plus each attribute's share plus two commas per further one.
    const auto empty = compileOrError(inference::TagSchema{}, error);
    if (!empty)
        return std::nullopt;
    const qint64 base = charCount(QByteArray::fromStdString(empty->jsonSchema()));
    struct Cost {
        qint64 chars = 0;
        int enums = 0;
    };
    std::vector<Cost> costs;
    for (const inference::TagSchemaAttribute& a : schema.attributes) {
        const auto one = compileOrError(inference::TagSchema{{a}}, error);
        if (!one)
            return std::nullopt;
        const QByteArray json = QByteArray::fromStdString(one->jsonSchema());
        const Cost c{charCount(json) - base, countEnumValues(json)};
        if (maxEnumValues > 0 && c.enums > maxEnumValues) {
            *error = QStringLiteral(
                         "the attribute %1 has %2 values (with \"unknown\"), more than the %3 "
                         "the server takes in one request; raise the limit on values per "
                         "request (Settings, or --schema-max-enum), or shorten the list")
                         .arg(q(a.code), number(c.enums), number(maxEnumValues));
            return std::nullopt;
        }
        if (maxChars > 0 && base + c.chars > maxChars) {
            *error = QStringLiteral(
                         "the values of the attribute %1 take %2 characters, more than the %3 "
                         "the server takes in one request; raise the limit on characters per "
                         "request (Settings, or --schema-max-chars), or shorten the list")
                         .arg(q(a.code), number(base + c.chars), number(maxChars));
            return std::nullopt;
        }
        costs.push_back(c);
    }
    std::vector<std::vector<int>> groups;
    qint64 chars = 0;
    int enums = 0;
    for (size_t i = 0; i < costs.size(); ++i) {
        const bool fits = !groups.empty() &&
                          (maxEnumValues <= 0 || enums + costs[i].enums <= maxEnumValues) &&
                          (maxChars <= 0 || chars + 2 + costs[i].chars <= maxChars);
        if (!fits) {
            groups.emplace_back();
            chars = base + costs[i].chars;
            enums = costs[i].enums;
        } else {
            chars += 2 + costs[i].chars;
            enums += costs[i].enums;
        }
        groups.back().push_back(static_cast<int>(i));
    }
    if (groups.empty())
        groups.emplace_back();  // no attributes: one request for "{}"
    std::vector<TagPart> parts;
    for (std::vector<int>& g : groups) {
        inference::TagSchema sub;
        for (int i : g)
            sub.attributes.push_back(schema.attributes[static_cast<size_t>(i)]);
        TagPart p;
        p.attributes = std::move(g);
        p.grammar = compileOrError(sub, error);
        if (!p.grammar)
            return std::nullopt;
        p.schemaJson = QByteArray::fromStdString(p.grammar->jsonSchema());
        p.enumValues = countEnumValues(p.schemaJson);
        if ((maxEnumValues > 0 && p.enumValues > maxEnumValues) ||
            (maxChars > 0 && charCount(p.schemaJson) > maxChars)) {
            *error = QStringLiteral("the taxonomy could not be split within the server's limits");
            return std::nullopt;
        }
        parts.push_back(std::move(p));
    }
    return parts;
}

QString partInstruction(const TagPart& part, const inference::TagSchema& whole, size_t nParts,
                        bool schemaInPrompt) {
    QStringList out;
    if (nParts > 1) {
        QStringList keys;
        for (int i : part.attributes)
            keys << QString::fromStdString(whole.attributes[static_cast<size_t>(i)].code);
        out << QStringLiteral(
                   "This request covers only some of the attributes: answer with a JSON object "
                   "with exactly these keys, in this order: %1.")
                   .arg(keys.join(QStringLiteral(", ")));
    }
    if (schemaInPrompt)
        out << QStringLiteral(
                   "Reply with the JSON object only, no other text. It must match this JSON "
                   "schema:\n%1")
                   .arg(QString::fromUtf8(part.schemaJson));
    return out.join(QStringLiteral("\n\n"));
}

QByteArray withStructuredOutput(const QByteArray& compactBody, StructuredOutput mode,
                                const QByteArray& schemaJson, const QByteArray& schemaName) {
    QByteArray extra;
    switch (mode) {
        case StructuredOutput::JsonSchema:
            // Inserted as text: QJsonObject would sort the schema's keys, and servers that
            // decode in schema order would then write the attributes out of taxonomy order.
            extra = QByteArrayLiteral(R"("response_format":{"type":"json_schema","json_schema":)") +
                    R"({"name":")" + schemaName + R"(","schema":)" + schemaJson +
                    R"(,"strict":true}})";
            break;
        case StructuredOutput::JsonObject:
            extra = QByteArrayLiteral(
                R"("response_format":{"type":"json_object"},"enable_thinking":false)");
            break;
        case StructuredOutput::None:
            return compactBody;
    }
    QByteArray body = compactBody.trimmed();
    if (!body.endsWith('}'))
        return compactBody;
    body.chop(1);
    if (!body.endsWith('{'))
        body += ',';
    return body + extra + '}';
}

QString extractJsonObject(const QString& text) {
    QString t = text;
    if (const qsizetype think = t.lastIndexOf(QLatin1String("</think>")); think >= 0)
        t = t.mid(think + 8);
    // The first '{' that opens a balanced object (strings and escapes respected).
    int tries = 0;
    for (qsizetype start = t.indexOf(QLatin1Char('{')); start >= 0 && tries < 64;
         start = t.indexOf(QLatin1Char('{'), start + 1), ++tries) {
        int depth = 0;
        bool inString = false, escaped = false;
        for (qsizetype i = start; i < t.size(); ++i) {
            const QChar c = t[i];
            if (inString) {
                if (escaped)
                    escaped = false;
                else if (c == QLatin1Char('\\'))
                    escaped = true;
                else if (c == QLatin1Char('"'))
                    inString = false;
                continue;
            }
            if (c == QLatin1Char('"')) {
                inString = true;
            } else if (c == QLatin1Char('{') || c == QLatin1Char('[')) {
                ++depth;
            } else if (c == QLatin1Char('}') || c == QLatin1Char(']')) {
                if (--depth == 0) {
                    if (c == QLatin1Char('}'))
                        return t.mid(start, i - start + 1);
                    break;
                }
                if (depth < 0)
                    break;
            }
        }
    }
    return text.trimmed();
}

inference::TagResult unknownResult(const inference::TagSchema& schema) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    inference::TagResult r;
    for (const inference::TagSchemaAttribute& a : schema.attributes) {
        if (!schema.categoryAttributes.empty() && !r.attributes.empty())
            break;  // category first: no category, no attributes
        inference::TagAttributeResult ar;
        ar.code = a.code;
        ar.kind = a.kind;
        ar.unknown = true;
        ar.confidence = nan;
        ar.allowedMass = nan;
        r.attributes.push_back(std::move(ar));
    }
    return r;
}

QString resultJson(const inference::TagResult& result) {
    nlohmann::ordered_json o = nlohmann::ordered_json::object();
    for (const inference::TagAttributeResult& a : result.attributes) {
        if (a.unknown) {
            o[a.code] = "unknown";
        } else if (a.kind == inference::AttributeKind::Free) {
            o[a.code] = a.freeText;
        } else if (a.kind == inference::AttributeKind::Single) {
            o[a.code] = a.values.empty() ? std::string("unknown") : a.values.front().surface;
        } else {
            nlohmann::ordered_json items = nlohmann::ordered_json::array();
            for (const inference::TagValueResult& v : a.values)
                items.push_back(v.surface);
            o[a.code] = std::move(items);
        }
    }
    return QString::fromStdString(
        o.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace vistag::backend::remote_tags

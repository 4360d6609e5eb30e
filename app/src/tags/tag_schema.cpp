#include "tags/tag_schema.h"

#include <QCryptographicHash>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <algorithm>
#include <cmath>

namespace vistag::catalog {
namespace {

const QString kUnknown = QStringLiteral("unknown");
const QString kCategoryAttribute = QString::fromLatin1(Taxonomy::kCategoryAttribute);

void addSurface(inference::TagSchemaValue& v, QSet<QString>& seen, const QString& s) {
    const QString t = s.trimmed();
    if (t.isEmpty() || t == kUnknown || seen.contains(t))
        return;
    seen.insert(t);
    v.surfaces.push_back(t.toStdString());
}

}  // namespace

namespace {

inference::TagSchemaAttribute attributeSchema(const TaxonomyAttribute& a,
                                              const TagSchemaOptions& options) {
    const bool all = options.surfaces == TagSchemaOptions::Surfaces::All;
    inference::TagSchemaAttribute out;
    out.code = a.code.toStdString();
    out.kind = a.values.isEmpty() ? inference::AttributeKind::Free
               : a.multiValued    ? inference::AttributeKind::Multi
                                  : inference::AttributeKind::Single;
    out.maxItems = options.maxItems;
    out.maxFreeBytes = options.maxFreeBytes;
    out.allowUnknown = options.allowUnknown;
    // Surfaces are unique per attribute: a name shared by two values (after the taxonomy's
    // normalisation two values never share one, but exact spellings could still collide
    // through trimming) stays with the first.
    QSet<QString> seen;
    for (const TaxonomyValue& v : a.values) {
        inference::TagSchemaValue value;
        value.code = v.code.toStdString();
        addSurface(value, seen, v.code);
        if (all) {
            addSurface(value, seen, v.labelZh);
            addSurface(value, seen, v.labelEn);
            for (const QString& label : v.labels)
                addSurface(value, seen, label);
            for (const QString& s : v.synonyms)
                addSurface(value, seen, s);
        } else {
            addSurface(value, seen, Taxonomy::label(v, options.language));
        }
        out.values.push_back(std::move(value));
    }
    return out;
}

bool isCategoryFirst(const Taxonomy& taxonomy) {
    return taxonomy.hasCategoryTree() && !taxonomy.attributes().isEmpty() &&
           taxonomy.attributes().first().code == kCategoryAttribute &&
           !taxonomy.attributes().first().values.isEmpty();
}

}  // namespace

inference::TagSchema tagSchemaFor(const Taxonomy& taxonomy, const TagSchemaOptions& options) {
    inference::TagSchema schema;
    for (const TaxonomyAttribute& a : taxonomy.attributes())
        schema.attributes.push_back(attributeSchema(a, options));
    if (!isCategoryFirst(taxonomy))
        return schema;
    // The category is named first, then only the attributes of that category.
    inference::TagSchemaAttribute& category = schema.attributes.front();
    category.kind = inference::AttributeKind::Single;
    category.allowUnknown = false;
    const QList<TaxonomyValue>& categories = taxonomy.attributes().first().values;
    QHash<QString, int32_t> indexOf;
    for (qsizetype i = 0; i < categories.size(); ++i)
        indexOf.insert(categories[i].code, static_cast<int32_t>(i));
    for (const TaxonomyValue& v : categories) {
        const TaxonomyCategory* c = taxonomy.category(v.code);
        schema.categoryParents.push_back(c ? indexOf.value(c->parentCode, -1) : -1);
        std::vector<uint32_t> own;
        for (const TaxonomyAttribute* a : taxonomy.attributesFor(v.code))
            if (const int i = taxonomy.attributeIndex(a->code); i > 0)
                own.push_back(static_cast<uint32_t>(i));
        schema.categoryAttributes.push_back(std::move(own));
    }
    return schema;
}

inference::TagSchema tagSchemaForCategory(const Taxonomy& taxonomy, const QString& categoryCode,
                                          const TagSchemaOptions& options) {
    inference::TagSchema schema;
    for (const TaxonomyAttribute* a : taxonomy.attributesFor(categoryCode))
        if (a->code != kCategoryAttribute)
            schema.attributes.push_back(attributeSchema(*a, options));
    return schema;
}

QString tagSchemaKey(const inference::TagSchema& schema) {
    QCryptographicHash h(QCryptographicHash::Sha256);
    const auto add = [&h](const std::string& s) {
        h.addData(QByteArrayView(s.data(), static_cast<qsizetype>(s.size())));
        h.addData(QByteArrayView("\0", 1));
    };
    for (const auto& a : schema.attributes) {
        add(a.code);
        add(std::to_string(static_cast<int>(a.kind)) + ":" + std::to_string(a.maxItems) + ":" +
            std::to_string(a.maxFreeBytes));
        for (const auto& v : a.values) {
            add(v.code);
            for (const auto& s : v.surfaces)
                add(s);
            add("\1");
        }
        add("\2");
    }
    for (const auto& own : schema.categoryAttributes) {  // category first
        std::string list = "c";
        for (uint32_t ai : own)
            list += ":" + std::to_string(ai);
        add(list);
    }
    return QString::fromLatin1(h.result().toHex().left(16));
}

namespace {

// One line per attribute: code (label): the values when there are few.
QStringList attributeLines(const QList<const TaxonomyAttribute*>& attributes, bool en,
                           int listValuesUpTo) {
    const QString lang = en ? QStringLiteral("en") : QStringLiteral("zh");
    QStringList lines;
    for (const TaxonomyAttribute* a : attributes) {
        QString line = QStringLiteral("%1 (%2)").arg(a->code, Taxonomy::label(*a, lang));
        if (a->values.isEmpty()) {
            line += en ? QStringLiteral(": a few words") : QStringLiteral("：简短描述");
        } else if (a->values.size() <= listValuesUpTo) {
            QStringList values;
            for (const TaxonomyValue& v : a->values)
                values.append(Taxonomy::label(v, lang));
            line += (en ? QStringLiteral(": ") : QStringLiteral("：")) +
                    values.join(en ? QStringLiteral(", ") : QStringLiteral("、"));
        }
        if (a->multiValued)
            line += en ? QStringLiteral(" [one or more]") : QStringLiteral("［可多选］");
        lines.append(line);
    }
    return lines;
}

QString taggingInstruction(bool en, bool allowUnknown, const QString& lead,
                           const QStringList& lines) {
    if (en)
        return QStringLiteral(
                   "Tag the product in the image.%1 Answer with one JSON object whose keys are "
                   "the attribute codes below, in this order; each value is the name of what you "
                   "see (a list for attributes marked [one or more])%2.\n\n%3")
            .arg(lead,
                 allowUnknown ? QStringLiteral(", or \"unknown\" when it cannot be seen")
                              : QStringLiteral(", the closest one when unsure"),
                 lines.join(QLatin1Char('\n')));
    return QStringLiteral(
               "请为图片中的商品打标签。%1输出一个 JSON 对象：键是下列属性代码，按此顺序；"
               "值是看到的取值名称（标有［可多选］的属性给列表）%2。\n\n%3")
        .arg(lead,
             allowUnknown ? QStringLiteral("，看不出来写 \"unknown\"")
                          : QStringLiteral("，不确定时选最接近的"),
             lines.join(QLatin1Char('\n')));
}

}  // namespace

QString buildConstrainedTaggingPrompt(const Taxonomy& taxonomy, const QString& language,
                                      bool allowUnknown, int listValuesUpTo) {
    const bool en = language == QLatin1String("en");
    QList<const TaxonomyAttribute*> attributes;
    for (const TaxonomyAttribute& a : taxonomy.attributes())
        attributes.append(&a);
    if (!isCategoryFirst(taxonomy))
        return taggingInstruction(en, allowUnknown, {},
                                  attributeLines(attributes, en, listValuesUpTo));
    // Category first: the category, then the keys of that category's attributes (the
    // constraint writes them; the model names the values). A tree of a few dozen categories is
    // listed; a larger one is carried by the constraint, like long value lists.
    const QString lang = en ? QStringLiteral("en") : QStringLiteral("zh");
    const TaxonomyAttribute& category = taxonomy.attributes().first();
    QString line = QStringLiteral("%1 (%2)").arg(category.code, Taxonomy::label(category, lang));
    if (taxonomy.categories().size() <= 3 * listValuesUpTo) {
        QStringList names;
        for (const TaxonomyCategory& c : taxonomy.categories())
            names.append(Taxonomy::label(c, lang));
        line += (en ? QStringLiteral(": ") : QStringLiteral("：")) +
                names.join(en ? QStringLiteral(", ") : QStringLiteral("、"));
    }
    QStringList lines{line};
    if (attributes.size() - 1 <= 4 * listValuesUpTo)
        lines += attributeLines(attributes.mid(1), en, listValuesUpTo);
    const QString lead =
        en ? QStringLiteral(
                 " First name its category, the most specific one that fits; then "
                 "give only the attributes that apply to that category (their keys "
                 "follow the category).")
           : QStringLiteral(
                 "先写品类（最具体的一级），然后只写适用于该品类的属性（键在品类之后）。");
    return taggingInstruction(en, allowUnknown, lead, lines);
}

QString buildCategoryTaggingPrompt(const Taxonomy& taxonomy, const QString& categoryCode,
                                   const QString& language, bool allowUnknown, int listValuesUpTo) {
    const bool en = language == QLatin1String("en");
    QList<const TaxonomyAttribute*> attributes;
    for (const TaxonomyAttribute* a : taxonomy.attributesFor(categoryCode))
        if (a->code != kCategoryAttribute)
            attributes.append(a);
    const QString path =
        taxonomy.categoryPath(categoryCode, en ? QStringLiteral("en") : QStringLiteral("zh"));
    const QString lead = en ? QStringLiteral(" It is in the category %1.").arg(path)
                            : QStringLiteral("商品品类是%1。").arg(path);
    return taggingInstruction(en, allowUnknown, lead,
                              attributeLines(attributes, en, listValuesUpTo));
}

QList<TagSuggestion> suggestionsFromTags(const inference::TagResult& tags) {
    QList<TagSuggestion> out;
    for (const inference::TagAttributeResult& a : tags.attributes) {
        if (a.unknown)
            continue;
        const QString attribute = QString::fromStdString(a.code);
        if (a.kind == inference::AttributeKind::Free) {
            const QString text = QString::fromStdString(a.freeText).trimmed();
            if (text.isEmpty())
                continue;
            TagSuggestion s;
            s.attribute = attribute;
            s.valueCode = text;
            s.rawText = text;
            s.isNewValue = true;
            out.append(s);
            continue;
        }
        for (const inference::TagValueResult& v : a.values) {
            TagSuggestion s;
            s.attribute = attribute;
            s.valueCode = QString::fromStdString(v.code);
            s.rawText = QString::fromStdString(v.surface);
            s.confidence = std::isfinite(v.confidence) ? v.confidence : -1.0;
            s.allowedMass = std::isfinite(v.allowedMass) ? v.allowedMass : -1.0;
            out.append(s);
        }
    }
    return out;
}

namespace {

// The strings of an enum, "unknown" taken out (*unknown set when it was there).
std::optional<QStringList> enumStrings(const QJsonObject& p, bool* unknown) {
    const QJsonValue e = p.value(QLatin1String("enum"));
    if (!e.isArray() || e.toArray().isEmpty())
        return std::nullopt;
    const QJsonArray values = e.toArray();
    QStringList out;
    out.reserve(values.size());
    QSet<QString> seen;  // duplicates removed in linear time (the server's enums may be long)
    seen.reserve(values.size());
    for (const QJsonValue& v : values) {
        if (!v.isString())
            return std::nullopt;
        const QString s = v.toString();
        if (s == kUnknown)
            *unknown = true;
        else if (!seen.contains(s)) {
            seen.insert(s);
            out << s;
        }
    }
    return out;
}

bool isArrayOfEnum(const QJsonObject& p) {
    return p.value(QLatin1String("type")).toString() == QLatin1String("array") &&
           p.value(QLatin1String("items")).isObject();
}

}  // namespace

namespace {

std::optional<inference::TagSchema> flatTagSchemaFromJsonSchema(const QJsonObject& schema,
                                                                QString* error) {
    const auto fail = [error](const QString& why) {
        *error = QStringLiteral("response_format: ") + why;
        return std::nullopt;
    };
    const QJsonObject props = schema.value(QLatin1String("properties")).toObject();
    if (schema.value(QLatin1String("type")).toString() != QLatin1String("object") ||
        props.isEmpty())
        return fail(QStringLiteral("the schema must be an object with properties"));
    QStringList order;
    for (const QJsonValue& r : schema.value(QLatin1String("required")).toArray())
        if (r.isString() && props.contains(r.toString()) && !order.contains(r.toString()))
            order << r.toString();
    for (auto it = props.begin(); it != props.end(); ++it)
        if (!order.contains(it.key()))
            order << it.key();
    inference::TagSchema out;
    for (const QString& key : order) {
        const QJsonObject p = props.value(key).toObject();
        inference::TagSchemaAttribute a;
        a.code = key.toStdString();
        a.allowUnknown = false;
        const auto unsupported = [&] {
            return fail(QStringLiteral("property '%1' is not supported: this server constrains "
                                       "answers to string enums, arrays of string enums and "
                                       "strings with maxLength")
                            .arg(key.left(60)));
        };
        QJsonObject arrayForm;
        bool multi = false;
        if (p.contains(QLatin1String("anyOf"))) {
            // [array of enum, string enum ["unknown"]] in either order
            for (const QJsonValue& alt : p.value(QLatin1String("anyOf")).toArray()) {
                const QJsonObject o = alt.toObject();
                bool unknown = false;
                if (isArrayOfEnum(o) && !multi) {
                    arrayForm = o;
                    multi = true;
                } else if (auto e = enumStrings(o, &unknown); e && e->isEmpty() && unknown) {
                    a.allowUnknown = true;
                } else {
                    return unsupported();
                }
            }
            if (!multi || !a.allowUnknown)
                return unsupported();
        } else if (isArrayOfEnum(p)) {
            arrayForm = p;
            multi = true;
        }
        if (multi) {
            bool unknown = false;
            const auto values =
                enumStrings(arrayForm.value(QLatin1String("items")).toObject(), &unknown);
            if (!values || values->isEmpty())
                return unsupported();
            a.kind = inference::AttributeKind::Multi;
            const int declared = arrayForm.value(QLatin1String("maxItems")).toInt(0);
            a.maxItems =
                std::clamp(declared > 0 ? declared : static_cast<int>(values->size()), 1, 64);
            for (const QString& v : *values)
                a.values.push_back({v.toStdString(), {v.toStdString()}});
        } else if (p.contains(QLatin1String("enum"))) {
            bool unknown = false;
            const auto values = enumStrings(p, &unknown);
            if (!values || values->isEmpty())
                return unsupported();
            a.kind = inference::AttributeKind::Single;
            a.allowUnknown = unknown;
            for (const QString& v : *values)
                a.values.push_back({v.toStdString(), {v.toStdString()}});
        } else if (p.value(QLatin1String("type")).toString() == QLatin1String("string") &&
                   !p.contains(QLatin1String("pattern")) && !p.contains(QLatin1String("format"))) {
            a.kind = inference::AttributeKind::Free;
            // maxLength counts characters and the constraint bytes as written: as many bytes as
            // characters keeps every answer within the client's limit (CJK text gets less room).
            a.maxFreeBytes = std::clamp(p.value(QLatin1String("maxLength")).toInt(64), 1, 4096);
        } else {
            return unsupported();
        }
        out.attributes.push_back(std::move(a));
    }
    return out;
}

bool sameAttribute(const inference::TagSchemaAttribute& a, const inference::TagSchemaAttribute& b) {
    if (a.code != b.code || a.kind != b.kind || a.maxItems != b.maxItems ||
        a.maxFreeBytes != b.maxFreeBytes || a.allowUnknown != b.allowUnknown ||
        a.values.size() != b.values.size())
        return false;
    for (size_t i = 0; i < a.values.size(); ++i)
        if (a.values[i].code != b.values[i].code || a.values[i].surfaces != b.values[i].surfaces)
            return false;
    return true;
}

}  // namespace

std::optional<inference::TagSchema> tagSchemaFromJsonSchema(const QJsonObject& schema,
                                                            QString* error) {
    if (!schema.contains(QLatin1String("anyOf")) || schema.contains(QLatin1String("properties")))
        return flatTagSchemaFromJsonSchema(schema, error);
    // Category first: one object per category, each naming its category (the same first key,
    // a string enum of that category's names) and then that category's attributes. An
    // attribute that several categories share must be defined the same way in each.
    const auto fail = [error](const QString& why) {
        *error = QStringLiteral("response_format: ") + why;
        return std::nullopt;
    };
    const QJsonArray alternatives = schema.value(QLatin1String("anyOf")).toArray();
    if (alternatives.isEmpty())
        return fail(QStringLiteral("anyOf must list one object schema per category"));
    inference::TagSchema out;
    for (qsizetype i = 0; i < alternatives.size(); ++i) {
        QString why;
        auto one = flatTagSchemaFromJsonSchema(alternatives.at(i).toObject(), &why);
        if (!one)
            return fail(QStringLiteral("anyOf[%1]: %2").arg(i).arg(why.mid(17)));
        const inference::TagSchemaAttribute& category = one->attributes.front();
        if (category.kind != inference::AttributeKind::Single || category.allowUnknown)
            return fail(QStringLiteral("anyOf[%1]: the first key must be the category, a string "
                                       "enum of its names")
                            .arg(i));
        if (out.attributes.empty()) {
            out.attributes.push_back(category);
            out.attributes.front().values.clear();
        } else if (out.attributes.front().code != category.code) {
            return fail(QStringLiteral("anyOf[%1]: the first key is '%2', not '%3' as in the "
                                       "first alternative")
                            .arg(i)
                            .arg(QString::fromStdString(category.code).left(60),
                                 QString::fromStdString(out.attributes.front().code).left(60)));
        }
        inference::TagSchemaValue value;  // one category: its first name is its code
        value.code = category.values.front().code;
        for (const auto& v : category.values)
            value.surfaces.push_back(v.code);
        out.attributes.front().values.push_back(std::move(value));
        std::vector<uint32_t> own;
        for (size_t k = 1; k < one->attributes.size(); ++k) {
            const inference::TagSchemaAttribute& a = one->attributes[k];
            size_t at = 1;
            while (at < out.attributes.size() && out.attributes[at].code != a.code)
                ++at;
            if (at == out.attributes.size()) {
                out.attributes.push_back(a);
            } else if (!sameAttribute(out.attributes[at], a)) {
                return fail(QStringLiteral("anyOf[%1]: the property '%2' is defined differently "
                                           "in another category")
                                .arg(i)
                                .arg(QString::fromStdString(a.code).left(60)));
            }
            own.push_back(static_cast<uint32_t>(at));
        }
        out.categoryAttributes.push_back(std::move(own));
    }
    return out;
}

QString suggestionsToJson(const QList<TagSuggestion>& suggestions) {
    QJsonArray a;
    for (const TagSuggestion& s : suggestions) {
        QJsonObject o{{QStringLiteral("attribute"), s.attribute},
                      {QStringLiteral("value"), s.valueCode},
                      {QStringLiteral("text"), s.rawText}};
        if (s.isNewValue)
            o.insert(QStringLiteral("new"), true);
        if (s.confidence >= 0)
            o.insert(QStringLiteral("confidence"), s.confidence);
        if (s.allowedMass >= 0)
            o.insert(QStringLiteral("allowed_mass"), s.allowedMass);
        a.append(o);
    }
    return QString::fromUtf8(QJsonDocument(a).toJson(QJsonDocument::Compact));
}

QList<TagSuggestion> suggestionsFromJson(const QString& json) {
    QList<TagSuggestion> out;
    const QJsonArray a = QJsonDocument::fromJson(json.toUtf8()).array();
    for (const QJsonValue& v : a) {
        const QJsonObject o = v.toObject();
        TagSuggestion s;
        s.attribute = o.value(QStringLiteral("attribute")).toString();
        s.valueCode = o.value(QStringLiteral("value")).toString();
        s.rawText = o.value(QStringLiteral("text")).toString();
        s.isNewValue = o.value(QStringLiteral("new")).toBool();
        s.confidence = o.value(QStringLiteral("confidence")).toDouble(-1);
        s.allowedMass = o.value(QStringLiteral("allowed_mass")).toDouble(-1);
        if (!s.attribute.isEmpty() && !s.valueCode.isEmpty())
            out.append(s);
    }
    return out;
}

}  // namespace vistag::catalog

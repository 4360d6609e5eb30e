#include "catalog/tag_schema.h"

#include <QCryptographicHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStringList>
#include <cmath>

namespace vistag::catalog {
namespace {

const QString kUnknown = QStringLiteral("unknown");

void addSurface(inference::TagSchemaValue& v, QSet<QString>& seen, const QString& s) {
    const QString t = s.trimmed();
    if (t.isEmpty() || t == kUnknown || seen.contains(t))
        return;
    seen.insert(t);
    v.surfaces.push_back(t.toStdString());
}

}  // namespace

inference::TagSchema tagSchemaFor(const Taxonomy& taxonomy, const TagSchemaOptions& options) {
    inference::TagSchema schema;
    const bool all = options.surfaces == TagSchemaOptions::Surfaces::All;
    for (const TaxonomyAttribute& a : taxonomy.attributes()) {
        inference::TagSchemaAttribute out;
        out.code = a.code.toStdString();
        out.kind = a.values.isEmpty() ? inference::AttributeKind::Free
                   : a.multiValued    ? inference::AttributeKind::Multi
                                      : inference::AttributeKind::Single;
        out.maxItems = options.maxItems;
        out.maxFreeBytes = options.maxFreeBytes;
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
                for (const QString& s : v.synonyms)
                    addSurface(value, seen, s);
            } else {
                addSurface(value, seen, Taxonomy::label(v, options.language));
            }
            out.values.push_back(std::move(value));
        }
        schema.attributes.push_back(std::move(out));
    }
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
    return QString::fromLatin1(h.result().toHex().left(16));
}

QString buildConstrainedTaggingPrompt(const Taxonomy& taxonomy, const QString& language,
                                      int listValuesUpTo) {
    const bool en = language == QLatin1String("en");
    const QString lang = en ? QStringLiteral("en") : QStringLiteral("zh");
    QStringList lines;
    for (const TaxonomyAttribute& a : taxonomy.attributes()) {
        QString line = QStringLiteral("%1 (%2)").arg(a.code, Taxonomy::label(a, lang));
        if (a.values.isEmpty()) {
            line += en ? QStringLiteral(": a few words") : QStringLiteral("：简短描述");
        } else if (a.values.size() <= listValuesUpTo) {
            QStringList values;
            for (const TaxonomyValue& v : a.values)
                values.append(Taxonomy::label(v, lang));
            line += (en ? QStringLiteral(": ") : QStringLiteral("：")) +
                    values.join(en ? QStringLiteral(", ") : QStringLiteral("、"));
        }
        if (a.multiValued)
            line += en ? QStringLiteral(" [one or more]") : QStringLiteral("［可多选］");
        lines.append(line);
    }
    if (en)
        return QStringLiteral(
                   "Tag the product in the image. Answer with one JSON object whose keys are the "
                   "attribute codes below, in this order; each value is the name of what you see "
                   "(a list for attributes marked [one or more]), or \"unknown\" when it cannot "
                   "be seen.\n\n%1")
            .arg(lines.join(QLatin1Char('\n')));
    return QStringLiteral(
               "请为图片中的商品打标签。输出一个 JSON 对象：键是下列属性代码，按此顺序；"
               "值是看到的取值名称（标有［可多选］的属性给列表），看不出来写 "
               "\"unknown\"。\n\n%1")
        .arg(lines.join(QLatin1Char('\n')));
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

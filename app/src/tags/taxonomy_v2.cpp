// Version 2 of the taxonomy file: a category tree, attributes per category, labels in any number
// of languages. The format is documented in resources/taxonomy/README.md.
#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

#include "tags/taxonomy.h"
#include "tags/taxonomy_json_p.h"
#include "tags/term_normalize.h"

namespace vistag::catalog {

namespace taxonomy_detail {

TaxonomyAttribute categoryAttribute(const QList<TaxonomyCategory>& categories);
QStringList categoryAttributeSynonyms();

namespace {

class V2Reader : public TaxonomyReader {
public:
    using TaxonomyReader::TaxonomyReader;

    std::optional<Taxonomy> run(const QJsonObject& root) {
        for (const auto& [pointer, offset] : scanDuplicateKeys(m_data))
            error(offset, QStringLiteral("duplicate key \"%1\"").arg(pointer.section('/', -1)));
        checkKeys(root, QString(),
                  {"format", "version", "name", "description", "attributes", "categories"});
        if (root.contains("format") &&
            root.value("format").toString() != QLatin1String("vistag-taxonomy"))
            error(valueAt("/format"),
                  QStringLiteral("\"format\" must be the string \"vistag-taxonomy\""));
        const QJsonValue version = root.value("version");
        if (version.isUndefined())
            error(0, QStringLiteral("a file with \"categories\" is version 2: missing "
                                    "\"version\": 2"));
        else if (!(version.isDouble() && version.toDouble() == 2) &&
                 version.toString() != QLatin1String("2"))
            error(valueAt("/version"), QStringLiteral("a file with \"categories\" is version 2: "
                                                      "\"version\" must be 2"));
        const QString name = optionalString(root, QString(), "name", QStringLiteral("taxonomy"));
        const QString description =
            optionalString(root, QString(), "description", QStringLiteral("taxonomy"));

        // The category is the attribute "category": its names are taken.
        const QStringList reserved = QStringList{QString::fromLatin1(Taxonomy::kCategoryAttribute),
                                                 QStringLiteral("Category"), QStringLiteral("品类"),
                                                 QStringLiteral("product_type")} +
                                     categoryAttributeSynonyms();
        for (const QString& r : reserved)
            m_attributeTerms.insert(normalizeTerm(r),
                                    {QString::fromLatin1(Taxonomy::kCategoryAttribute), QString()});

        QList<TaxonomyAttribute> attributes;
        QHash<QString, QStringList> attributeSynonyms;
        const QJsonValue list = root.value("attributes");
        if (list.isUndefined()) {
            error(0, QStringLiteral("missing \"attributes\" (an array of attributes, may be "
                                    "empty)"));
        } else if (!list.isArray()) {
            error(valueAt("/attributes"), QStringLiteral("\"attributes\" must be an array"));
        } else {
            const QJsonArray array = list.toArray();
            attributes.reserve(array.size());
            for (int i = 0; i < array.size(); ++i) {
                TaxonomyAttribute a;
                QStringList synonyms;
                if (readAttribute(array.at(i), QStringLiteral("/attributes/") + QString::number(i),
                                  &a, &synonyms)) {
                    attributeSynonyms.insert(a.code, synonyms);
                    m_attributeIndex.insert(a.code, attributes.size());
                    attributes.append(a);
                }
            }
        }
        resolveValuesFrom(attributes);

        QList<TaxonomyCategory> categories;
        const QJsonValue cats = root.value("categories");
        if (!cats.isArray()) {
            error(valueAt("/categories"), QStringLiteral("\"categories\" must be an array"));
        } else if (cats.toArray().isEmpty()) {
            error(valueAt("/categories"), QStringLiteral("\"categories\" is empty"));
        } else {
            const QJsonArray array = cats.toArray();
            categories.reserve(array.size());
            for (int i = 0; i < array.size(); ++i) {
                TaxonomyCategory c;
                if (readCategory(array.at(i), QStringLiteral("/categories/") + QString::number(i),
                                 &c))
                    categories.append(c);
            }
        }
        checkTree(categories);
        if (hasErrors())
            return std::nullopt;
        return Taxonomy(attributes, categories, name, attributeSynonyms, description);
    }

private:
    // "line N" of the value at a JSON pointer (only computed for a message).
    int lineAt(const QString& pointer) const { return lineOf(m_data, valueAt(pointer)); }

    bool readLabels(const QJsonObject& o, const QString& p, const QString& what,
                    QHash<QString, QString>* labels) {
        const QJsonValue v = o.value("labels");
        if (v.isUndefined()) {
            error(valueAt(p), QStringLiteral("%1: missing \"labels\" (an object such as "
                                             "{\"en\": \"Dress\", \"zh\": \"连衣裙\"})")
                                  .arg(what));
            return false;
        }
        if (!v.isObject()) {
            error(valueAt(p + "/labels"),
                  QStringLiteral("%1: \"labels\" must be an object of language: label").arg(what));
            return false;
        }
        static const QRegularExpression tag(
            QStringLiteral("^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$"));
        auto isLanguage = [](const QString& key) {
            return key == QLatin1String("en") || key == QLatin1String("zh") ||
                   tag.match(key).hasMatch();
        };
        bool ok = true;
        const QJsonObject lo = v.toObject();
        for (auto it = lo.begin(); it != lo.end(); ++it) {
            auto at = [&] { return p + QStringLiteral("/labels/") + it.key(); };
            if (!isLanguage(it.key())) {
                error(keyAt(at()), QStringLiteral("%1: \"%2\" is not a language (such as \"en\", "
                                                  "\"zh\", \"zh-TW\")")
                                       .arg(what, it.key()));
                ok = false;
                continue;
            }
            const QString lang = Taxonomy::normalizeLanguage(it.key());
            if (!it.value().isString() || it.value().toString().trimmed().isEmpty()) {
                error(valueAt(at()),
                      QStringLiteral("%1: the \"%2\" label must be a non-empty string")
                          .arg(what, it.key()));
                ok = false;
                continue;
            }
            const QString text = it.value().toString().trimmed();
            if (!checkCharacters(text, at(), what,
                                 QStringLiteral("the \"%1\" label").arg(it.key()))) {
                ok = false;
                continue;
            }
            if (labels->contains(lang)) {
                error(keyAt(at()),
                      QStringLiteral("%1: two labels for the language \"%2\"").arg(what, lang));
                ok = false;
                continue;
            }
            labels->insert(lang, text);
        }
        if (ok && !labels->contains(QStringLiteral("en"))) {
            error(valueAt(p + "/labels"),
                  QStringLiteral("%1: \"labels\" has no \"en\" (English is required: it is the "
                                 "fallback of every other language)")
                      .arg(what));
            ok = false;
        }
        return ok;
    }

    // One name of an object and where it is written (`field` under the object; a label's
    // position is its "labels" object's), turned into a JSON pointer only for a message.
    struct Name {
        QString text;
        const char* field;
        int index = -1;  // synonyms: which one
    };
    static QString pointerOf(const QString& object, const Name& n) {
        QString at = object + QLatin1Char('/') + QLatin1String(n.field);
        return n.index < 0 ? at : at + QLatin1Char('/') + QString::number(n.index);
    }

    // A name of an object that must be unique among its kind: `owners` maps the normalised name
    // to the owner's code and the JSON pointer of the owner ("" = reserved).
    bool claimName(QHash<QString, QPair<QString, QString>>& owners, const QString& owner,
                   const Name& name, const QString& object, const QString& what,
                   const QString& kind) {
        const QString key = normalizeTerm(name.text);
        if (key.isEmpty())
            return true;
        const auto prev = owners.constFind(key);
        if (prev == owners.cend()) {
            owners.insert(key, {owner, object});
            return true;
        }
        if (prev->first == owner)
            return true;
        const QString where =
            prev->second.isEmpty()
                ? QStringLiteral("reserved for the category")
                : QStringLiteral("line %1").arg(lineAt(prev->second + QStringLiteral("/code")));
        error(valueAt(pointerOf(object, name)),
              QStringLiteral("%1: the name \"%2\" already names %3 \"%4\" (%5)")
                  .arg(what, name.text, kind, prev->first, where));
        return false;
    }

    static QList<Name> namesOf(const QString& code, const QHash<QString, QString>& labels,
                               const QStringList& synonyms) {
        QList<Name> names;
        names.reserve(1 + labels.size() + synonyms.size());
        names.append({code, "code"});
        for (auto it = labels.cbegin(); it != labels.cend(); ++it)
            names.append({it.value(), "labels"});
        for (int k = 0; k < synonyms.size(); ++k)
            names.append({synonyms.at(k), "synonyms", k});
        return names;
    }

    static void copyZhEn(const QHash<QString, QString>& labels, QString* zh, QString* en) {
        *zh = labels.value(QStringLiteral("zh"));
        *en = labels.value(QStringLiteral("en"));
    }

    bool readAttribute(const QJsonValue& v, const QString& p, TaxonomyAttribute* a,
                       QStringList* synonyms) {
        if (!v.isObject()) {
            error(valueAt(p), QStringLiteral("an attribute must be an object"));
            return false;
        }
        const QJsonObject o = v.toObject();
        checkKeys(
            o, p,
            {"code", "labels", "multi", "merchantColumn", "synonyms", "values", "valuesFrom"});
        QString what = QStringLiteral("attribute");
        bool ok = requiredString(o, p, "code", what, &a->code);
        if (ok) {
            what = QStringLiteral("attribute \"%1\"").arg(a->code);
            ok = validCode(a->code, p, what);
        }
        if (ok && a->code == QLatin1String(Taxonomy::kCategoryAttribute)) {
            error(valueAt(p + "/code"),
                  QStringLiteral("%1: the code \"category\" is reserved in a version-2 file (the "
                                 "category tree is the category)")
                      .arg(what));
            ok = false;
        }
        ok = readLabels(o, p, what, &a->labels) && ok;
        copyZhEn(a->labels, &a->labelZh, &a->labelEn);
        if (o.contains("multi")) {
            if (o.value("multi").isBool())
                a->multiValued = o.value("multi").toBool();
            else {
                error(valueAt(p + "/multi"),
                      QStringLiteral("%1: \"multi\" must be true or false").arg(what));
                ok = false;
            }
        }
        a->merchantColumn = optionalString(o, p, "merchantColumn", what);
        ok = readSynonyms(o, p, what, synonyms) && ok;
        if (ok) {
            if (m_attributeCodeAt.contains(a->code)) {
                error(valueAt(p + "/code"),
                      QStringLiteral("duplicate attribute code \"%1\" (first defined on line %2)")
                          .arg(a->code)
                          .arg(lineAt(m_attributeCodeAt.value(a->code))));
                ok = false;
            } else {
                m_attributeCodeAt.insert(a->code, p + "/code");
                auto names = namesOf(a->code, a->labels, *synonyms);
                if (!a->merchantColumn.isEmpty())
                    names.append({a->merchantColumn, "merchantColumn"});
                for (const Name& name : std::as_const(names))
                    ok = claimName(m_attributeTerms, a->code, name, p, what,
                                   QStringLiteral("attribute")) &&
                         ok;
            }
        }
        const bool hasValues = o.contains("values"), hasFrom = o.contains("valuesFrom");
        if (hasValues == hasFrom) {
            error(valueAt(p), QStringLiteral("%1: give either \"values\" (an array, may be empty) "
                                             "or \"valuesFrom\" (the code of another attribute)")
                                  .arg(what));
            return false;
        }
        if (hasFrom) {
            if (!o.value("valuesFrom").isString()) {
                error(valueAt(p + "/valuesFrom"),
                      QStringLiteral("%1: \"valuesFrom\" must be an attribute code").arg(what));
                return false;
            }
            a->valuesFrom = o.value("valuesFrom").toString();
            m_valuesFromAt.insert(a->code, p + "/valuesFrom");
            return ok;
        }
        if (!o.value("values").isArray()) {
            error(valueAt(p + "/values"),
                  QStringLiteral("%1: \"values\" must be an array").arg(what));
            return false;
        }
        QHash<QString, QString> codeAt;                     // value code → pointer of the value
        QHash<QString, QPair<QString, QString>> termOwner;  // term → (value code, pointer)
        const QJsonArray array = o.value("values").toArray();
        a->values.reserve(array.size());
        for (int j = 0; j < array.size(); ++j) {
            const QString vp = p + QStringLiteral("/values/") + QString::number(j);
            TaxonomyValue value;
            if (readValue(array.at(j), vp, what, &value, &codeAt, &termOwner))
                a->values.append(value);
            else
                ok = false;
        }
        return ok;
    }

    bool readValue(const QJsonValue& v, const QString& p, const QString& attributeWhat,
                   TaxonomyValue* value, QHash<QString, QString>* codeAt,
                   QHash<QString, QPair<QString, QString>>* termOwner) {
        if (!v.isObject()) {
            error(valueAt(p), QStringLiteral("%1: a value must be an object").arg(attributeWhat));
            return false;
        }
        const QJsonObject o = v.toObject();
        checkKeys(o, p, {"code", "labels", "synonyms"});
        QString what = QStringLiteral("%1, value").arg(attributeWhat);
        bool ok = requiredString(o, p, "code", what, &value->code);
        if (ok) {
            what = QStringLiteral("%1, value \"%2\"").arg(attributeWhat, value->code);
            ok = validCode(value->code, p, what);
        }
        ok = readLabels(o, p, what, &value->labels) && ok;
        copyZhEn(value->labels, &value->labelZh, &value->labelEn);
        ok = readSynonyms(o, p, what, &value->synonyms) && ok;
        if (!ok)
            return false;
        if (codeAt->contains(value->code)) {
            error(valueAt(p + "/code"),
                  QStringLiteral("%1: duplicate value code \"%2\" (first defined on line %3)")
                      .arg(attributeWhat, value->code)
                      .arg(lineAt(codeAt->value(value->code) + QStringLiteral("/code"))));
            return false;
        }
        codeAt->insert(value->code, p);
        for (const Name& name : namesOf(value->code, value->labels, value->synonyms))
            ok = claimName(*termOwner, value->code, name, p, what, QStringLiteral("value")) && ok;
        return ok;
    }

    void resolveValuesFrom(QList<TaxonomyAttribute>& attributes) {
        for (TaxonomyAttribute& a : attributes) {
            if (a.valuesFrom.isEmpty())
                continue;
            const QString at = m_valuesFromAt.value(a.code);
            const int from = m_attributeIndex.value(a.valuesFrom, -1);
            if (from < 0) {
                error(valueAt(at), QStringLiteral("attribute \"%1\": \"valuesFrom\" names "
                                                  "attribute \"%2\", which does not exist")
                                       .arg(a.code, a.valuesFrom));
            } else if (!attributes.at(from).valuesFrom.isEmpty()) {
                error(valueAt(at),
                      QStringLiteral("attribute \"%1\": \"valuesFrom\" names attribute \"%2\", "
                                     "which takes its own values from \"%3\" (name that one)")
                          .arg(a.code, a.valuesFrom, attributes.at(from).valuesFrom));
            } else {
                a.values = attributes.at(from).values;  // shared, not copied
            }
        }
    }

    bool readCategory(const QJsonValue& v, const QString& p, TaxonomyCategory* c) {
        if (!v.isObject()) {
            error(valueAt(p), QStringLiteral("a category must be an object"));
            return false;
        }
        const QJsonObject o = v.toObject();
        checkKeys(o, p, {"code", "parent", "labels", "synonyms", "attributes"});
        QString what = QStringLiteral("category");
        bool ok = requiredString(o, p, "code", what, &c->code);
        if (ok) {
            what = QStringLiteral("category \"%1\"").arg(c->code);
            ok = validCode(c->code, p, what);
        }
        const QJsonValue parent = o.value("parent");
        if (parent.isString())
            c->parentCode = parent.toString();
        else if (!parent.isUndefined() && !parent.isNull()) {
            error(valueAt(p + "/parent"),
                  QStringLiteral("%1: \"parent\" must be a category code or null").arg(what));
            ok = false;
        }
        ok = readLabels(o, p, what, &c->labels) && ok;
        copyZhEn(c->labels, &c->labelZh, &c->labelEn);
        ok = readSynonyms(o, p, what, &c->synonyms) && ok;
        const QJsonValue attrs = o.value("attributes");
        if (!attrs.isUndefined() && !attrs.isArray()) {
            error(
                valueAt(p + "/attributes"),
                QStringLiteral("%1: \"attributes\" must be an array of attribute codes").arg(what));
            ok = false;
        }
        const QJsonArray list = attrs.toArray();
        c->attributeCodes.reserve(list.size());
        for (int k = 0; k < list.size(); ++k) {
            auto at = [&] { return p + QStringLiteral("/attributes/") + QString::number(k); };
            const QString code = list.at(k).toString();
            if (!list.at(k).isString() || code.isEmpty()) {
                error(valueAt(at()), QStringLiteral("%1: attribute %2 must be an attribute code")
                                         .arg(what)
                                         .arg(k + 1));
                ok = false;
            } else if (!m_attributeIndex.contains(code)) {
                error(valueAt(at()),
                      code == QLatin1String(Taxonomy::kCategoryAttribute)
                          ? QStringLiteral("%1: \"category\" is not an attribute of a category")
                                .arg(what)
                          : QStringLiteral("%1: attribute \"%2\" does not exist").arg(what, code));
                ok = false;
            } else if (c->attributeCodes.contains(code)) {
                error(valueAt(at()),
                      QStringLiteral("%1: attribute \"%2\" is listed twice").arg(what, code));
                ok = false;
            } else {
                c->attributeCodes.append(code);
            }
        }
        if (!ok)
            return false;
        if (m_categoryCodeAt.contains(c->code)) {
            error(valueAt(p + "/code"),
                  QStringLiteral("duplicate category code \"%1\" (first defined on line %2)")
                      .arg(c->code)
                      .arg(lineAt(m_categoryCodeAt.value(c->code))));
            return false;
        }
        m_categoryCodeAt.insert(c->code, p + "/code");
        for (const Name& name : namesOf(c->code, c->labels, c->synonyms))
            ok = claimName(m_categoryTerms, c->code, name, p, what, QStringLiteral("category")) &&
                 ok;
        return ok;
    }

    // Where a category's "parent" is (its "code" pointer ends in "/code").
    QString parentPointer(const QString& code) const {
        const QString at = m_categoryCodeAt.value(code);
        return at.endsWith(QLatin1String("/code")) ? at.chopped(5) + QStringLiteral("/parent")
                                                   : QString();
    }

    // Every parent exists and no category is its own ancestor.
    void checkTree(const QList<TaxonomyCategory>& categories) {
        QHash<QString, int> index;
        index.reserve(categories.size());
        for (int i = 0; i < categories.size(); ++i)
            index.insert(categories.at(i).code, i);
        // 0 unvisited, 1 on the current walk, 2 known to reach a root.
        QList<char> state(categories.size(), 0);
        for (int i = 0; i < categories.size(); ++i) {
            const TaxonomyCategory& c = categories.at(i);
            if (!c.parentCode.isEmpty() && !index.contains(c.parentCode))
                error(valueAt(parentPointer(c.code)),
                      QStringLiteral("category \"%1\": parent \"%2\" does not exist")
                          .arg(c.code, c.parentCode));
        }
        for (int i = 0; i < categories.size(); ++i) {
            QList<int> walk;
            int k = i;
            while (k >= 0 && state.at(k) == 0) {
                state[k] = 1;
                walk.append(k);
                k = index.value(categories.at(k).parentCode, -1);
            }
            if (k >= 0 && state.at(k) == 1) {  // came back onto this walk: a cycle
                QStringList cycle;
                for (int w = walk.indexOf(k); w < walk.size(); ++w)
                    cycle.append(categories.at(walk.at(w)).code);
                cycle.append(categories.at(k).code);
                const TaxonomyCategory& c = categories.at(k);
                error(valueAt(parentPointer(c.code)),
                      QStringLiteral("category \"%1\": its parents form a cycle (%2)")
                          .arg(c.code, cycle.join(QStringLiteral(" → "))));
            }
            for (const int w : std::as_const(walk))
                state[w] = 2;
        }
    }

    QHash<QString, QString> m_attributeCodeAt;  // code → pointer of its "code"
    QHash<QString, int> m_attributeIndex;       // code → index in the attribute list
    QHash<QString, QString> m_valuesFromAt;     // attribute code → pointer of its "valuesFrom"
    QHash<QString, QString> m_categoryCodeAt;
    QHash<QString, QPair<QString, QString>> m_attributeTerms;  // term → (attribute, pointer)
    QHash<QString, QPair<QString, QString>> m_categoryTerms;   // term → (category, pointer)
};

QJsonObject labelsJson(const QHash<QString, QString>& labels) {
    QJsonObject o;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        o.insert(it.key(), it.value());
    return o;
}

}  // namespace

std::optional<Taxonomy> readTaxonomyV2(const QJsonObject& root, const QByteArray& data,
                                       const QString& fileLabel, QString* error) {
    V2Reader reader(data, fileLabel);
    auto taxonomy = reader.run(root);
    if (!taxonomy && error)
        *error = reader.errors();
    return taxonomy;
}

}  // namespace taxonomy_detail

QByteArray Taxonomy::toJsonV2() const {
    using taxonomy_detail::labelsJson;
    QJsonArray attributes;
    for (const TaxonomyAttribute& a : m_attributes) {
        if (a.code == QLatin1String(kCategoryAttribute))
            continue;  // the category tree itself
        QJsonObject o{{"code", a.code}, {"labels", labelsJson(a.labels)}, {"multi", a.multiValued}};
        if (!a.merchantColumn.isEmpty())
            o.insert("merchantColumn", a.merchantColumn);
        const QStringList syn = attributeSynonyms(a.code);
        if (!syn.isEmpty())
            o.insert("synonyms", QJsonArray::fromStringList(syn));
        if (!a.valuesFrom.isEmpty()) {
            o.insert("valuesFrom", a.valuesFrom);
        } else {
            QJsonArray values;
            for (const TaxonomyValue& v : a.values) {
                QJsonObject vo{{"code", v.code}, {"labels", labelsJson(v.labels)}};
                if (!v.synonyms.isEmpty())
                    vo.insert("synonyms", QJsonArray::fromStringList(v.synonyms));
                values.append(vo);
            }
            o.insert("values", values);
        }
        attributes.append(o);
    }
    QJsonArray categories;
    for (const TaxonomyCategory& c : m_categories) {
        QJsonObject o{{"code", c.code}, {"labels", labelsJson(c.labels)}};
        if (!c.parentCode.isEmpty())
            o.insert("parent", c.parentCode);
        if (!c.synonyms.isEmpty())
            o.insert("synonyms", QJsonArray::fromStringList(c.synonyms));
        o.insert("attributes", QJsonArray::fromStringList(c.attributeCodes));
        categories.append(o);
    }
    QJsonObject root{{"format", "vistag-taxonomy"},
                     {"version", 2},
                     {"attributes", attributes},
                     {"categories", categories}};
    if (!m_name.isEmpty())
        root.insert("name", m_name);
    if (!m_description.isEmpty())
        root.insert("description", m_description);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

}  // namespace vistag::catalog

#include "tags/taxonomy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>

#include "tags/taxonomy_json_p.h"
#include "tags/term_normalize.h"

// Q_INIT_RESOURCE must be used outside any namespace. The resource (resources/vistag.qrc) is
// compiled into the OBJECT library vistag_resources, whose objects vistag_app carries; referencing
// its init function here keeps the linker from dropping them from static links.
static void vistagInitResourceVistag() {
    Q_INIT_RESOURCE(vistag);
}

namespace vistag::catalog {

void initCatalogResources() {
    static const bool done = [] {
        vistagInitResourceVistag();
        return true;
    }();
    (void)done;
}

namespace {

using namespace taxonomy_detail;

QHash<QString, QString> labelMap(const QString& zh, const QString& en) {
    QHash<QString, QString> out;
    if (!zh.isEmpty())
        out.insert(QStringLiteral("zh"), zh);
    if (!en.isEmpty())
        out.insert(QStringLiteral("en"), en);
    return out;
}

// ---- validation (version 1) ----------------------------------------------------------------

class Validator : public TaxonomyReader {
public:
    using TaxonomyReader::TaxonomyReader;

    std::optional<Taxonomy> run(const QJsonObject& root) {
        for (const auto& [pointer, offset] : positions().duplicateKeys)
            error(offset, QStringLiteral("duplicate key \"%1\"").arg(pointer.section('/', -1)));
        checkKeys(root, QString(), {"format", "version", "name", "description", "attributes"});
        if (root.contains("format") &&
            root.value("format").toString() != QLatin1String("vistag-taxonomy"))
            error(valueAt("/format"),
                  QStringLiteral("\"format\" must be the string \"vistag-taxonomy\""));
        if (root.contains("version") && !root.value("version").isDouble() &&
            !root.value("version").isString())
            error(valueAt("/version"), QStringLiteral("\"version\" must be a number or a string"));
        const QString name = optionalString(root, QString(), "name", QStringLiteral("taxonomy"));
        optionalString(root, QString(), "description", QStringLiteral("taxonomy"));

        QList<TaxonomyAttribute> attributes;
        QHash<QString, QStringList> attributeSynonyms;
        const QJsonValue list = root.value("attributes");
        if (list.isUndefined()) {
            error(0, QStringLiteral("missing \"attributes\" (an array of attributes)"));
        } else if (!list.isArray()) {
            error(valueAt("/attributes"), QStringLiteral("\"attributes\" must be an array"));
        } else if (list.toArray().isEmpty()) {
            error(valueAt("/attributes"), QStringLiteral("\"attributes\" is empty"));
        } else {
            const QJsonArray array = list.toArray();
            for (int i = 0; i < array.size(); ++i) {
                TaxonomyAttribute a;
                QStringList synonyms;
                if (readAttribute(array.at(i), QStringLiteral("/attributes/%1").arg(i), &a,
                                  &synonyms)) {
                    attributeSynonyms.insert(a.code, synonyms);
                    attributes.append(a);
                }
            }
        }
        if (!m_errors.isEmpty())
            return std::nullopt;
        return Taxonomy(attributes, name, attributeSynonyms);
    }

private:
    bool readAttribute(const QJsonValue& v, const QString& p, TaxonomyAttribute* a,
                       QStringList* synonyms) {
        if (!v.isObject()) {
            error(valueAt(p), QStringLiteral("an attribute must be an object"));
            return false;
        }
        const QJsonObject o = v.toObject();
        checkKeys(o, p, {"code", "zh", "en", "multi", "merchantColumn", "synonyms", "values"});
        QString what = QStringLiteral("attribute");
        bool ok = requiredString(o, p, "code", what, &a->code);
        if (ok) {
            what = QStringLiteral("attribute \"%1\"").arg(a->code);
            ok = validCode(a->code, p, what);
        }
        ok = requiredString(o, p, "zh", what, &a->labelZh) && ok;
        ok = requiredString(o, p, "en", what, &a->labelEn) && ok;
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
            if (const auto first = m_attributeCodeAt.constFind(a->code);
                first != m_attributeCodeAt.cend()) {
                error(valueAt(p + "/code"),
                      QStringLiteral("duplicate attribute code \"%1\" (first defined on line %2)")
                          .arg(a->code)
                          .arg(lineOf(m_data, *first)));
                ok = false;
            } else {
                m_attributeCodeAt.insert(a->code, valueAt(p + "/code"));
                // Names of attributes must not be shared between attributes.
                QList<QPair<QString, QString>> names = {
                    {a->code, p + "/code"}, {a->labelZh, p + "/zh"}, {a->labelEn, p + "/en"}};
                if (!a->merchantColumn.isEmpty())
                    names.append({a->merchantColumn, p + "/merchantColumn"});
                for (int k = 0; k < synonyms->size(); ++k)
                    names.append({synonyms->at(k), QStringLiteral("%1/synonyms/%2").arg(p).arg(k)});
                for (const auto& [name, at] : names) {
                    const QString key = normalizeTerm(name);
                    const auto prev = m_attributeTerms.constFind(key);
                    if (prev != m_attributeTerms.cend() && prev->first != a->code) {
                        error(valueAt(at),
                              QStringLiteral("attribute \"%1\": the name \"%2\" already "
                                             "names attribute \"%3\" (line %4)")
                                  .arg(a->code, name, prev->first)
                                  .arg(lineOf(m_data, prev->second)));
                        ok = false;
                    } else if (prev == m_attributeTerms.cend()) {
                        m_attributeTerms.insert(key, {a->code, valueAt(at)});
                    }
                }
            }
        }

        const QJsonValue values = o.value("values");
        if (values.isUndefined()) {
            error(valueAt(p),
                  QStringLiteral("%1: missing \"values\" (an array, may be empty)").arg(what));
            return false;
        }
        if (!values.isArray()) {
            error(valueAt(p + "/values"),
                  QStringLiteral("%1: \"values\" must be an array").arg(what));
            return false;
        }
        QHash<QString, qsizetype> codeAt;                     // value code → offset
        QHash<QString, QPair<QString, qsizetype>> termOwner;  // term → (value code, offset)
        const QJsonArray array = values.toArray();
        for (int j = 0; j < array.size(); ++j) {
            const QString vp = QStringLiteral("%1/values/%2").arg(p).arg(j);
            TaxonomyValue value;
            if (readValue(array.at(j), vp, what, &value, &codeAt, &termOwner))
                a->values.append(value);
            else
                ok = false;
        }
        return ok;
    }

    bool readValue(const QJsonValue& v, const QString& p, const QString& attributeWhat,
                   TaxonomyValue* value, QHash<QString, qsizetype>* codeAt,
                   QHash<QString, QPair<QString, qsizetype>>* termOwner) {
        if (!v.isObject()) {
            error(valueAt(p), QStringLiteral("%1: a value must be an object").arg(attributeWhat));
            return false;
        }
        const QJsonObject o = v.toObject();
        checkKeys(o, p, {"code", "zh", "en", "synonyms"});
        QString what = QStringLiteral("%1, value").arg(attributeWhat);
        bool ok = requiredString(o, p, "code", what, &value->code);
        if (ok) {
            what = QStringLiteral("%1, value \"%2\"").arg(attributeWhat, value->code);
            ok = validCode(value->code, p, what);
        }
        ok = requiredString(o, p, "zh", what, &value->labelZh) && ok;
        ok = requiredString(o, p, "en", what, &value->labelEn) && ok;
        ok = readSynonyms(o, p, what, &value->synonyms) && ok;
        if (!ok)
            return false;
        if (const auto first = codeAt->constFind(value->code); first != codeAt->cend()) {
            error(valueAt(p + "/code"),
                  QStringLiteral("%1: duplicate value code \"%2\" (first defined on line %3)")
                      .arg(attributeWhat, value->code)
                      .arg(lineOf(m_data, *first)));
            return false;
        }
        codeAt->insert(value->code, valueAt(p + "/code"));
        QList<QPair<QString, QString>> names = {
            {value->code, p + "/code"}, {value->labelZh, p + "/zh"}, {value->labelEn, p + "/en"}};
        for (int k = 0; k < value->synonyms.size(); ++k)
            names.append({value->synonyms.at(k), QStringLiteral("%1/synonyms/%2").arg(p).arg(k)});
        for (const auto& [name, at] : names) {
            const QString key = normalizeTerm(name);
            const auto prev = termOwner->constFind(key);
            if (prev != termOwner->cend() && prev->first != value->code) {
                error(valueAt(at), QStringLiteral("%1: \"%2\" already names value \"%3\" (line %4)")
                                       .arg(what, name, prev->first)
                                       .arg(lineOf(m_data, prev->second)));
                ok = false;
            } else if (prev == termOwner->cend()) {
                termOwner->insert(key, {value->code, valueAt(at)});
            }
        }
        return ok;
    }

    QHash<QString, qsizetype> m_attributeCodeAt;
    QHash<QString, QPair<QString, qsizetype>> m_attributeTerms;  // term → (attribute, offset)
};

}  // namespace

// ---- Taxonomy -----------------------------------------------------------------------------------

Taxonomy::Taxonomy(QList<TaxonomyAttribute> attributes, QString name,
                   QHash<QString, QStringList> attributeSynonyms)
    : m_name(std::move(name)),
      m_attributes(std::move(attributes)),
      m_attributeSynonyms(std::move(attributeSynonyms)) {
    buildIndex();
}

void Taxonomy::buildIndex() {
    m_valueByCode.resize(m_attributes.size());
    m_valueByTerm.resize(m_attributes.size());
    // Labels by language: attributes and values built from a version-1 file (or in code) have
    // only labelZh / labelEn.
    for (TaxonomyAttribute& a : m_attributes) {
        if (a.labels.isEmpty())
            a.labels = labelMap(a.labelZh, a.labelEn);
        if (!a.values.isEmpty() && a.values.constFirst().labels.isEmpty())
            for (TaxonomyValue& v : a.values)
                v.labels = labelMap(v.labelZh, v.labelEn);
    }
    // Attributes sharing another one's values (valuesFrom) share its indexes too: they are
    // filled in a second pass.
    QList<int> sharing;
    for (int i = 0; i < m_attributes.size(); ++i) {
        const TaxonomyAttribute& a = m_attributes.at(i);
        if (!m_attributeByCode.contains(a.code))
            m_attributeByCode.insert(a.code, i);
    }
    for (int i = 0; i < m_attributes.size(); ++i) {
        const TaxonomyAttribute& a = m_attributes.at(i);
        if (!a.valuesFrom.isEmpty() && m_attributeByCode.contains(a.valuesFrom)) {
            sharing.append(i);
            for (const QString& t : terms(a)) {
                const QString key = normalizeTerm(t);
                if (!key.isEmpty() && !m_attributeByTerm.contains(key))
                    m_attributeByTerm.insert(key, i);
            }
            continue;
        }
        for (const QString& t : terms(a)) {
            const QString key = normalizeTerm(t);
            if (!key.isEmpty() && !m_attributeByTerm.contains(key))
                m_attributeByTerm.insert(key, i);
        }
        for (int j = 0; j < a.values.size(); ++j) {
            const TaxonomyValue& v = a.values.at(j);
            if (!m_valueByCode[i].contains(v.code))
                m_valueByCode[i].insert(v.code, j);
            for (const QString& t : terms(v)) {
                const QString key = normalizeTerm(t);
                if (!key.isEmpty() && !m_valueByTerm[i].contains(key))
                    m_valueByTerm[i].insert(key, j);
            }
        }
    }
    for (const int i : sharing) {
        const int from = m_attributeByCode.value(m_attributes.at(i).valuesFrom);
        m_valueByCode[i] = m_valueByCode.at(from);
        m_valueByTerm[i] = m_valueByTerm.at(from);
    }
}

std::optional<Taxonomy> Taxonomy::fromJson(const QByteArray& json, const QString& fileLabel,
                                           QString* error) {
    QByteArray data;
    const auto root = parseTaxonomyObject(json, fileLabel, &data, error);
    if (!root)
        return std::nullopt;
    // A file with categories is version 2; without, version 1 whatever its "version" says (that
    // was the merchant's own bookkeeping in version 1).
    if (root->contains(QLatin1String("categories")))
        return readTaxonomyV2(*root, data, fileLabel, error);
    Validator validator(data, fileLabel);
    auto taxonomy = validator.run(*root);
    if (!taxonomy && error)
        *error = validator.errors();
    return taxonomy;
}

std::optional<Taxonomy> Taxonomy::load(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return fromJson(file.readAll(), path, error);
}

Taxonomy Taxonomy::defaultApparel() {
    initCatalogResources();
    QString error;
    auto t = load(defaultApparelResource(), &error);
    if (!t) {
        qWarning("default taxonomy: %s", qPrintable(error));
        return {};
    }
    return *t;
}

QByteArray Taxonomy::toJson() const {
    if (hasCategoryTree())
        return toJsonV2();
    QJsonArray attributes;
    for (const TaxonomyAttribute& a : m_attributes) {
        QJsonObject o{
            {"code", a.code}, {"zh", a.labelZh}, {"en", a.labelEn}, {"multi", a.multiValued}};
        if (!a.merchantColumn.isEmpty())
            o.insert("merchantColumn", a.merchantColumn);
        const QStringList syn = attributeSynonyms(a.code);
        if (!syn.isEmpty())
            o.insert("synonyms", QJsonArray::fromStringList(syn));
        QJsonArray values;
        for (const TaxonomyValue& v : a.values) {
            QJsonObject vo{{"code", v.code}, {"zh", v.labelZh}, {"en", v.labelEn}};
            if (!v.synonyms.isEmpty())
                vo.insert("synonyms", QJsonArray::fromStringList(v.synonyms));
            values.append(vo);
        }
        o.insert("values", values);
        attributes.append(o);
    }
    QJsonObject root{{"format", "vistag-taxonomy"}, {"version", 1}, {"attributes", attributes}};
    if (!m_name.isEmpty())
        root.insert("name", m_name);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QStringList Taxonomy::attributeSynonyms(const QString& attributeCode) const {
    return m_attributeSynonyms.value(attributeCode);
}

int Taxonomy::attributeIndex(const QString& code) const {
    return m_attributeByCode.value(code, -1);
}

const TaxonomyAttribute* Taxonomy::attribute(const QString& code) const {
    const int i = attributeIndex(code);
    return i < 0 ? nullptr : &m_attributes.at(i);
}

const TaxonomyValue* Taxonomy::value(const QString& attributeCode, const QString& valueCode) const {
    const int i = attributeIndex(attributeCode);
    if (i < 0)
        return nullptr;
    const int j = m_valueByCode.at(i).value(valueCode, -1);
    return j < 0 ? nullptr : &m_attributes.at(i).values.at(j);
}

const TaxonomyAttribute* Taxonomy::findAttribute(const QString& text) const {
    const int i = m_attributeByTerm.value(normalizeTerm(text), -1);
    return i < 0 ? nullptr : &m_attributes.at(i);
}

const TaxonomyValue* Taxonomy::findValue(const QString& attributeCode, const QString& text) const {
    const int i = attributeIndex(attributeCode);
    if (i < 0)
        return nullptr;
    const int j = m_valueByTerm.at(i).value(normalizeTerm(text), -1);
    return j < 0 ? nullptr : &m_attributes.at(i).values.at(j);
}

QList<Taxonomy::ValueRef> Taxonomy::findValueAnywhere(const QString& text) const {
    QList<ValueRef> out;
    const QString key = normalizeTerm(text);
    for (int i = 0; i < m_attributes.size(); ++i) {
        const int j = m_valueByTerm.at(i).value(key, -1);
        if (j >= 0)
            out.append({&m_attributes.at(i), &m_attributes.at(i).values.at(j)});
    }
    return out;
}

namespace {
// Labels in languages other than zh and en (version 2), in a stable order.
void appendOtherLabels(QStringList& out, const QHash<QString, QString>& labels) {
    if (labels.size() <= 2)
        return;
    QStringList keys = labels.keys();
    keys.sort();
    for (const QString& k : keys)
        if (k != QLatin1String("zh") && k != QLatin1String("en"))
            out.append(labels.value(k));
}
}  // namespace

QStringList Taxonomy::terms(const TaxonomyValue& v) {
    QStringList out{v.code, v.labelZh, v.labelEn};
    appendOtherLabels(out, v.labels);
    out += v.synonyms;
    out.removeAll(QString());
    return out;
}

QStringList Taxonomy::terms(const TaxonomyAttribute& a) const {
    QStringList out{a.code, a.labelZh, a.labelEn, a.merchantColumn};
    appendOtherLabels(out, a.labels);
    out += attributeSynonyms(a.code);
    out.removeAll(QString());
    return out;
}

QString Taxonomy::normalizeTerm(const QString& text) {
    return catalog::normalizeTerm(text);
}

}  // namespace vistag::catalog

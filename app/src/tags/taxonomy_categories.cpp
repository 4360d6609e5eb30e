// The category tree of a version-2 taxonomy (Taxonomy's category API) and labels by language.
#include <QSet>

#include "tags/taxonomy.h"
#include "tags/taxonomy_json_p.h"

namespace vistag::catalog {

namespace taxonomy_detail {

TaxonomyAttribute categoryAttribute(const QList<TaxonomyCategory>& categories) {
    TaxonomyAttribute a;
    a.code = QString::fromLatin1(Taxonomy::kCategoryAttribute);
    a.labelEn = QStringLiteral("Category");
    a.labelZh = QStringLiteral("品类");
    a.labels = {{QStringLiteral("en"), a.labelEn}, {QStringLiteral("zh"), a.labelZh}};
    a.merchantColumn = QStringLiteral("product_type");
    a.values.reserve(categories.size());
    for (const TaxonomyCategory& c : categories)
        a.values.append({c.code, c.labelZh, c.labelEn, c.synonyms, c.labels});
    return a;
}

QStringList categoryAttributeSynonyms() {
    return {QStringLiteral("类目"), QStringLiteral("商品类型"), QStringLiteral("类别"),
            QStringLiteral("product type")};
}

}  // namespace taxonomy_detail

Taxonomy::Taxonomy(QList<TaxonomyAttribute> attributes, QList<TaxonomyCategory> categories,
                   QString name, QHash<QString, QStringList> attributeSynonyms, QString description)
    : m_name(std::move(name)),
      m_description(std::move(description)),
      m_categories(std::move(categories)),
      m_attributeSynonyms(std::move(attributeSynonyms)) {
    for (TaxonomyCategory& c : m_categories) {
        if (c.labels.isEmpty()) {
            if (!c.labelZh.isEmpty())
                c.labels.insert(QStringLiteral("zh"), c.labelZh);
            if (!c.labelEn.isEmpty())
                c.labels.insert(QStringLiteral("en"), c.labelEn);
        }
    }
    if (!m_categories.isEmpty()) {
        attributes.prepend(taxonomy_detail::categoryAttribute(m_categories));
        m_attributeSynonyms.insert(QString::fromLatin1(kCategoryAttribute),
                                   taxonomy_detail::categoryAttributeSynonyms());
    }
    m_attributes = std::move(attributes);
    buildIndex();
    buildCategoryIndex();
}

void Taxonomy::buildCategoryIndex() {
    if (m_categories.isEmpty())
        return;
    // The category attribute is attributes()[0]; its values are the categories in order, so its
    // indexes serve the categories too (one normalisation per term).
    m_categoryByCode = m_valueByCode.value(0);
    m_categoryByTerm = m_valueByTerm.value(0);
    m_categoryChildren.reserve(m_categories.size());
    for (int i = 0; i < m_categories.size(); ++i)
        m_categoryChildren[m_categories.at(i).parentCode].append(i);
    // Full paths in every language ("Apparel & Accessories > Clothing > Dresses"), computed
    // parents first (a walk from the roots) so that each costs one concatenation.
    const QStringList langs = languages();
    QList<QStringList> paths(m_categories.size());  // per category: path per language
    QList<int> queue = m_categoryChildren.value(QString());
    for (int q = 0; q < queue.size(); ++q) {
        const int i = queue.at(q);
        const TaxonomyCategory& c = m_categories.at(i);
        const int parent = m_categoryByCode.value(c.parentCode, -1);
        QStringList& mine = paths[i];
        for (int l = 0; l < langs.size(); ++l) {
            const QString own = label(c, langs.at(l));
            mine.append(parent < 0 ? own : paths.at(parent).at(l) + QStringLiteral(" > ") + own);
        }
        if (parent >= 0)
            for (const QString& p : std::as_const(mine)) {
                const QString key = normalizeTerm(p);
                if (!key.isEmpty() && !m_categoryByTerm.contains(key))
                    m_categoryByTerm.insert(key, i);
            }
        queue += m_categoryChildren.value(c.code);
    }
}

int Taxonomy::categoryIndex(const QString& code) const {
    return m_categoryByCode.value(code, -1);
}

const TaxonomyCategory* Taxonomy::category(const QString& code) const {
    const int i = categoryIndex(code);
    return i < 0 ? nullptr : &m_categories.at(i);
}

QList<int> Taxonomy::childCategories(const QString& code) const {
    return m_categoryChildren.value(code);
}

QStringList Taxonomy::categoryPathCodes(const QString& code) const {
    QStringList out;
    int i = categoryIndex(code);
    // The loader refuses cycles; the bound keeps a hand-built taxonomy from looping.
    for (int guard = 0; i >= 0 && guard <= m_categories.size(); ++guard) {
        out.prepend(m_categories.at(i).code);
        i = categoryIndex(m_categories.at(i).parentCode);
    }
    return out;
}

QString Taxonomy::categoryPath(const QString& code, const QString& language) const {
    QStringList labels;
    for (const QString& c : categoryPathCodes(code))
        labels.append(label(m_categories.at(categoryIndex(c)), language));
    return labels.join(QStringLiteral(" > "));
}

QList<const TaxonomyAttribute*> Taxonomy::attributesFor(const QString& categoryCode) const {
    QList<const TaxonomyAttribute*> out;
    if (!hasCategoryTree()) {
        for (const TaxonomyAttribute& a : m_attributes)
            out.append(&a);
        return out;
    }
    const TaxonomyCategory* c = category(categoryCode);
    if (!c)
        return out;
    for (const QString& code : c->attributeCodes)
        if (const TaxonomyAttribute* a = attribute(code))
            out.append(a);
    return out;
}

const TaxonomyCategory* Taxonomy::findCategory(const QString& text) const {
    if (const TaxonomyCategory* c = category(text))
        return c;
    const int i = m_categoryByTerm.value(normalizeTerm(text), -1);
    return i < 0 ? nullptr : &m_categories.at(i);
}

QStringList Taxonomy::languages() const {
    // A handful of languages over tens of thousands of labels: a short list beats hashing.
    QStringList out;
    auto add = [&](const QHash<QString, QString>& labels) {
        for (auto it = labels.cbegin(); it != labels.cend(); ++it)
            if (!out.contains(it.key()))
                out.append(it.key());
    };
    for (const TaxonomyCategory& c : m_categories)
        add(c.labels);
    for (const TaxonomyAttribute& a : m_attributes)
        if (!hasCategoryTree() || a.code != QLatin1String(kCategoryAttribute))  // not the file's
            add(a.labels);
    out.sort();
    if (out.removeAll(QStringLiteral("en")) > 0)
        out.prepend(QStringLiteral("en"));
    return out;
}

// ---- labels by language ---------------------------------------------------------------------

QString Taxonomy::normalizeLanguage(const QString& language) {
    // Called for every label of a file: plain string work, no regular expression.
    QString text = language.trimmed();
    text.replace(QLatin1Char('_'), QLatin1Char('-'));
    if (text == QLatin1String("en") || text == QLatin1String("zh"))
        return text;
    QStringList parts = text.split(QLatin1Char('-'), Qt::SkipEmptyParts);
    if (parts.isEmpty())
        return {};
    parts[0] = parts.at(0).toLower();
    for (int i = 1; i < parts.size(); ++i) {
        const QString p = parts.at(i);
        if (p.size() == 2)
            parts[i] = p.toUpper();  // region
        else if (p.size() == 4)
            parts[i] = p.left(1).toUpper() + p.mid(1).toLower();  // script
        else
            parts[i] = p.toLower();
    }
    // Simplified Chinese is "zh"; Traditional stays "zh-TW" / "zh-Hant".
    if (parts.at(0) == QLatin1String("zh") && parts.size() > 1 &&
        (parts.at(1) == QLatin1String("CN") || parts.at(1) == QLatin1String("SG") ||
         parts.at(1) == QLatin1String("Hans")))
        return QStringLiteral("zh");
    return parts.join(QLatin1Char('-'));
}

QString Taxonomy::pickLabel(const QHash<QString, QString>& labels, const QString& language,
                            const QString& fallback) {
    const QString lang = normalizeLanguage(language);
    if (!lang.isEmpty()) {
        if (const auto it = labels.constFind(lang); it != labels.cend() && !it->isEmpty())
            return *it;
        const QString primary = lang.section(QLatin1Char('-'), 0, 0);
        if (const auto it = labels.constFind(primary); it != labels.cend() && !it->isEmpty())
            return *it;
    }
    for (const char* k : {"en", "zh"})
        if (const auto it = labels.constFind(QLatin1String(k));
            it != labels.cend() && !it->isEmpty())
            return *it;
    return fallback;
}

namespace {

// The label of an attribute, value or category: its labels by language, or for records built in
// code with only labelZh / labelEn, those two.
QString ownLabel(const QHash<QString, QString>& labels, const QString& zh, const QString& en,
                 const QString& code, const QString& language) {
    if (!labels.isEmpty())
        return Taxonomy::pickLabel(labels, language, code);
    QHash<QString, QString> two;
    two.insert(QStringLiteral("zh"), zh);
    two.insert(QStringLiteral("en"), en);
    return Taxonomy::pickLabel(two, language, code);
}

}  // namespace

QString Taxonomy::label(const TaxonomyAttribute& a, const QString& language) {
    return ownLabel(a.labels, a.labelZh, a.labelEn, a.code, language);
}

QString Taxonomy::label(const TaxonomyValue& v, const QString& language) {
    return ownLabel(v.labels, v.labelZh, v.labelEn, v.code, language);
}

QString Taxonomy::label(const TaxonomyCategory& c, const QString& language) {
    return ownLabel(c.labels, c.labelZh, c.labelEn, c.code, language);
}

}  // namespace vistag::catalog

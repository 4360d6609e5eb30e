#include "tags/shopify_import.h"

#include <QSet>
#include <algorithm>
#include <numeric>

#include "tags/shopify_import_p.h"
#include "tags/term_normalize.h"

namespace vistag::catalog {

namespace {

using namespace shopify_detail;

class Importer : public SourceReader {
public:
    Importer(QString dir, ShopifyImportOptions options, QStringList* notes)
        : SourceReader(std::move(dir), options.languages),
          m_options(std::move(options)),
          m_notes(notes) {}

    Taxonomy run(ShopifyImportStats* stats) {
        const QStringList locales = read();
        const QList<int> kept = select();
        Taxonomy t = build(kept);
        if (stats) {
            stats->version = m_version;
            stats->locales = locales;
            stats->categories = t.categories().size();
            stats->attributes = t.attributes().size() - 1;
            int values = 0;
            for (const TaxonomyAttribute& a : t.attributes())
                if (a.valuesFrom.isEmpty() && a.code != QLatin1String(Taxonomy::kCategoryAttribute))
                    values += a.values.size();
            stats->values = values;
        }
        return t;
    }

private:
    void note(const QString& line) {
        if (m_notes)
            m_notes->append(line);
    }

    // Indexes of the categories to keep, in file order.
    QList<int> select() {
        const QString enCategories = file(QStringLiteral("en"), "categories.json");
        for (const SourceCategory& c : std::as_const(m_categories))
            if (!c.parentCode.isEmpty() && !m_categoryIndex.contains(c.parentCode))
                throw Failure{QStringLiteral("%1: category \"%2\": parent \"%3\" does not exist")
                                  .arg(enCategories, c.code, c.parentCode)};
        QList<int> all(m_categories.size());
        std::iota(all.begin(), all.end(), 0);
        const QString under = m_options.under.trimmed();
        if (under.isEmpty())
            return all;
        int root = m_categoryIndex.value(under, -1);
        const QString wanted = normalizeTerm(under);
        for (int i = 0; root < 0 && i < m_categories.size(); ++i)
            if (normalizeTerm(m_categories.at(i).fullName) == wanted)
                root = i;
        if (root < 0)
            throw Failure{QStringLiteral("--under \"%1\": no category with that id or full name "
                                         "in %2")
                              .arg(under, enCategories)};
        QSet<QString> keep;
        for (int i = root; i >= 0; i = m_categoryIndex.value(m_categories.at(i).parentCode, -1)) {
            if (keep.contains(m_categories.at(i).code))
                throw Failure{QStringLiteral("%1: category \"%2\": its parents form a cycle")
                                  .arg(enCategories, m_categories.at(i).code)};
            keep.insert(m_categories.at(i).code);
        }
        QList<int> out;
        for (int i = 0; i < m_categories.size(); ++i) {
            // A descendant: walking up reaches the root (bounded by the tree's depth).
            int k = i;
            for (int guard = 0; k >= 0 && k != root && guard < 64; ++guard)
                k = m_categoryIndex.value(m_categories.at(k).parentCode, -1);
            if (k == root || keep.contains(m_categories.at(i).code))
                out.append(i);
        }
        return out;
    }

    Taxonomy build(const QList<int>& kept);

    ShopifyImportOptions m_options;
    QStringList* m_notes;
};

// Gives each object's labels names no other object of its kind has: `owners` maps a normalised
// name to its owner; a clash is resolved by `qualify` (returns "" when it has nothing better)
// and reported.
class NameClaims {
public:
    bool claim(const QString& name, const QString& owner) {
        const QString key = normalizeTerm(name);
        const auto it = m_owner.constFind(key);
        if (it == m_owner.cend()) {
            m_owner.insert(key, owner);
            return true;
        }
        return *it == owner;
    }
    QString ownerOf(const QString& name) const { return m_owner.value(normalizeTerm(name)); }

private:
    QHash<QString, QString> m_owner;
};

const QHash<QString, QString>& merchantColumns() {
    static const QHash<QString, QString> map{
        {QStringLiteral("color"), QStringLiteral("color")},
        {QStringLiteral("target-gender"), QStringLiteral("gender")},
        {QStringLiteral("age-group"), QStringLiteral("age_group")},
        {QStringLiteral("fabric"), QStringLiteral("material")},
        {QStringLiteral("pattern"), QStringLiteral("pattern")}};
    return map;
}

// Sort key of a category code: "aa-1-10" after "aa-1-9".
QList<int> codeNumbers(const QString& code) {
    QList<int> out;
    const QStringList parts = code.split(QLatin1Char('-'));
    for (int i = 1; i < parts.size(); ++i)
        out.append(parts.at(i).toInt());
    return out;
}

Taxonomy Importer::build(const QList<int>& kept) {
    const QString enCategories = file(QStringLiteral("en"), "categories.json");
    const QString enAttributes = file(QStringLiteral("en"), "attributes.json");
    // Attributes used by the kept categories, and the bases of extended ones among them.
    QSet<QString> used;
    for (const int i : kept)
        for (const QString& h : m_categories.at(i).attributeHandles) {
            const auto it = m_attributeIndex.constFind(h);
            if (it == m_attributeIndex.cend())
                throw Failure{QStringLiteral("%1: category \"%2\": attribute \"%3\" is not in %4")
                                  .arg(enCategories, m_categories.at(i).code, h, enAttributes)};
            used.insert(h);
            if (!m_attributes.at(*it).baseHandle.isEmpty())
                used.insert(m_attributes.at(*it).baseHandle);
        }

    // ---- attributes: codes, names (unique among attributes), merchant columns -------------
    const QString reservedOwner = QString::fromLatin1(Taxonomy::kCategoryAttribute);
    NameClaims attributeNames;
    for (const QString& r :
         {QStringLiteral("category"), QStringLiteral("Category"), QStringLiteral("品类"),
          QStringLiteral("product_type"), QStringLiteral("类目"), QStringLiteral("商品类型"),
          QStringLiteral("类别"), QStringLiteral("product type")})
        attributeNames.claim(r, reservedOwner);
    QList<TaxonomyAttribute> attributes;
    QHash<QString, QString> codeOf;  // handle → code written
    for (const SourceAttribute& sa : std::as_const(m_attributes)) {
        if (!used.contains(sa.handle))
            continue;
        QString code = sa.handle;
        if (!attributeNames.claim(code, code)) {
            const QString renamed = QStringLiteral("shopify-") + code;
            note(QStringLiteral("attribute \"%1\": the code is taken (by \"%2\"); written as "
                                "\"%3\"")
                     .arg(code, attributeNames.ownerOf(code), renamed));
            code = renamed;
            attributeNames.claim(code, code);
        }
        codeOf.insert(sa.handle, code);
        TaxonomyAttribute a;
        a.code = code;
        a.multiValued = true;  // Shopify's category metafields are lists
        a.valuesFrom = sa.baseHandle;
        attributes.append(a);
    }
    // Names, in a second pass so that every code is claimed first.
    for (int i = 0, k = 0; i < m_attributes.size(); ++i) {
        const SourceAttribute& sa = m_attributes.at(i);
        if (!used.contains(sa.handle))
            continue;
        TaxonomyAttribute& a = attributes[k++];
        QStringList langs = sa.names.keys();
        std::sort(langs.begin(), langs.end(), [](const QString& x, const QString& y) {
            return (x != QLatin1String("en")) < (y != QLatin1String("en")) ||
                   ((x != QLatin1String("en")) == (y != QLatin1String("en")) && x < y);
        });
        for (const QString& lang : langs) {
            QString name = sa.names.value(lang);
            if (!attributeNames.claim(name, a.code)) {
                const QString qualified = QStringLiteral("%1 (%2)").arg(name, sa.handle);
                note(QStringLiteral("attribute \"%1\": the %2 name \"%3\" also names attribute "
                                    "\"%4\"; written as \"%5\"")
                         .arg(a.code, lang, name, attributeNames.ownerOf(name), qualified));
                name = qualified;
                attributeNames.claim(name, a.code);
            }
            a.labels.insert(lang, name);
        }
        a.labelEn = a.labels.value(QStringLiteral("en"));
        a.labelZh = a.labels.value(QStringLiteral("zh"));
        if (sa.baseHandle.isEmpty()) {
            const QString column = merchantColumns().value(sa.handle);
            if (!column.isEmpty()) {
                if (attributeNames.claim(column, a.code)) {
                    a.merchantColumn = column;
                    a.multiValued =
                        column != QLatin1String("gender") && column != QLatin1String("age_group");
                } else {
                    note(QStringLiteral("attribute \"%1\": the merchant column \"%2\" is the name "
                                        "of attribute \"%3\"; left out")
                             .arg(a.code, column, attributeNames.ownerOf(column)));
                }
            }
        } else {
            a.valuesFrom = codeOf.value(sa.baseHandle);
        }
        // Values: names unique within the attribute.
        NameClaims valueNames;
        for (const SourceValue& sv : sa.values)
            valueNames.claim(sv.handle, sv.handle);
        for (const SourceValue& sv : sa.values) {
            TaxonomyValue v;
            v.code = sv.handle;
            QStringList vlangs = sv.names.keys();
            std::sort(vlangs.begin(), vlangs.end(), [](const QString& x, const QString& y) {
                return (x != QLatin1String("en")) < (y != QLatin1String("en")) ||
                       ((x != QLatin1String("en")) == (y != QLatin1String("en")) && x < y);
            });
            for (const QString& lang : vlangs) {
                QString name = sv.names.value(lang);
                if (!valueNames.claim(name, v.code)) {
                    const QString owner = valueNames.ownerOf(name);
                    const QString english = sv.names.value(QStringLiteral("en"));
                    QString qualified = QStringLiteral("%1 (%2)").arg(name, english);
                    if (lang == QLatin1String("en") ||
                        normalizeTerm(english) == normalizeTerm(name) ||
                        !valueNames.claim(qualified, v.code))
                        qualified = QStringLiteral("%1 (%2)").arg(name, sv.handle);
                    note(QStringLiteral("attribute \"%1\", value \"%2\": the %3 name \"%4\" also "
                                        "names value \"%5\"; written as \"%6\"")
                             .arg(a.code, v.code, lang, name, owner, qualified));
                    name = qualified;
                    valueNames.claim(name, v.code);
                }
                v.labels.insert(lang, name);
            }
            v.labelEn = v.labels.value(QStringLiteral("en"));
            v.labelZh = v.labels.value(QStringLiteral("zh"));
            a.values.append(v);
        }
    }
    // Extended attributes share their base's values (the same list, as the loader does).
    QHash<QString, int> attributeAt;
    for (int i = 0; i < attributes.size(); ++i)
        attributeAt.insert(attributes.at(i).code, i);
    for (TaxonomyAttribute& a : attributes)
        if (!a.valuesFrom.isEmpty())
            a.values = attributes.at(attributeAt.value(a.valuesFrom)).values;

    // ---- categories: names unique among categories ----------------------------------------
    // The shallowest keeps a repeated name, then the first by id; the others are qualified.
    QList<int> order = kept;
    std::sort(order.begin(), order.end(), [this](int x, int y) {
        const SourceCategory &a = m_categories.at(x), &b = m_categories.at(y);
        if (a.level != b.level)
            return a.level < b.level;
        if (a.code.left(2) != b.code.left(2))
            return a.code.left(2) < b.code.left(2);
        return codeNumbers(a.code) < codeNumbers(b.code);
    });
    NameClaims categoryNames;
    for (const int i : kept)
        categoryNames.claim(m_categories.at(i).code, m_categories.at(i).code);
    QHash<QString, QHash<QString, QString>> labelsOf;  // code → language → label
    QList<QString> langs;
    for (const int i : order) {
        const SourceCategory& sc = m_categories.at(i);
        QHash<QString, QString>& labels = labelsOf[sc.code];
        for (auto it = sc.names.cbegin(); it != sc.names.cend(); ++it) {
            const QString& lang = it.key();
            QString name = it.value();
            if (!categoryNames.claim(name, sc.code)) {
                const QString owner = categoryNames.ownerOf(name);
                const SourceCategory* parent =
                    sc.parentCode.isEmpty()
                        ? nullptr
                        : &m_categories.at(m_categoryIndex.value(sc.parentCode));
                QString qualified;
                if (parent) {
                    const QString parentName =
                        parent->names.value(lang, parent->names.value(QStringLiteral("en")));
                    qualified = QStringLiteral("%1 (%2)").arg(name, parentName);
                }
                if (qualified.isEmpty() || !categoryNames.claim(qualified, sc.code)) {
                    // The full path in this language, from the labels given so far (parents
                    // are shallower, so theirs are settled).
                    QStringList path;
                    for (const SourceCategory* p = &sc; p;
                         p = p->parentCode.isEmpty()
                                 ? nullptr
                                 : &m_categories.at(m_categoryIndex.value(p->parentCode)))
                        path.prepend(p->names.value(lang, p->names.value(QStringLiteral("en"))));
                    qualified = path.join(QStringLiteral(" > "));
                    if (!categoryNames.claim(qualified, sc.code)) {
                        qualified = QStringLiteral("%1 (%2)").arg(name, sc.code);
                        categoryNames.claim(qualified, sc.code);
                    }
                }
                note(QStringLiteral("category \"%1\": the %2 name \"%3\" also names category "
                                    "\"%4\"; written as \"%5\"")
                         .arg(sc.code, lang, name, owner, qualified));
                name = qualified;
            }
            labels.insert(lang, name);
        }
    }
    QList<TaxonomyCategory> categories;
    categories.reserve(kept.size());
    for (const int i : kept) {
        const SourceCategory& sc = m_categories.at(i);
        TaxonomyCategory c;
        c.code = sc.code;
        c.parentCode = sc.parentCode;
        c.labels = labelsOf.value(sc.code);
        c.labelEn = c.labels.value(QStringLiteral("en"));
        c.labelZh = c.labels.value(QStringLiteral("zh"));
        for (const QString& h : sc.attributeHandles)
            c.attributeCodes.append(codeOf.value(h));
        categories.append(c);
    }
    QString description = QStringLiteral("Shopify Standard Product Taxonomy %1").arg(m_version);
    if (!m_options.under.trimmed().isEmpty())
        description += QStringLiteral(", under \"%1\"").arg(m_options.under.trimmed());
    return Taxonomy(attributes, categories, QStringLiteral("shopify"), {}, description);
}

}  // namespace

std::optional<Taxonomy> importShopifyTaxonomy(const QString& dir,
                                              const ShopifyImportOptions& options,
                                              QStringList* notes, QString* error,
                                              ShopifyImportStats* stats) {
    try {
        Importer importer(dir, options, notes);
        return importer.run(stats);
    } catch (const Failure& f) {
        if (error)
            *error = f.message;
        return std::nullopt;
    }
}

}  // namespace vistag::catalog

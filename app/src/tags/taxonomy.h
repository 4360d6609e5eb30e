// The merchant's attribute schema: attributes (category, style, colour, ...) with their allowed
// values, Chinese and English labels and synonyms. Loaded from a JSON file; the default apparel
// taxonomy is compiled in as the Qt resource :/taxonomy/apparel.json.
//
// File format (documented in full, with an example, in resources/taxonomy/README.md):
//
//   {
//     "format": "vistag-taxonomy",          optional; when present must be exactly this
//     "version": 1,                         optional number or string
//     "name": "apparel",                    optional
//     "description": "...",                 optional
//     "attributes": [                       required, non-empty
//       {
//         "code": "style",                  required, [A-Za-z0-9_.-]+, unique in the file
//         "zh": "风格", "en": "Style",       required, non-empty
//         "multi": false,                   optional boolean (default false: one value)
//         "merchantColumn": "color",        optional: export column (Google Merchant name)
//         "synonyms": ["款式风格"],          optional strings: other names of the attribute
//         "values": [                       required array (may be empty: free text only)
//           {"code": "boho", "zh": "波西米亚", "en": "Bohemian",        code, zh, en required
//            "synonyms": ["波西米亚风", "boho"]}                         optional strings
//         ]
//       }
//     ]
//   }
//
// Version 2 (a file with "categories"; see resources/taxonomy/README.md) adds a category tree
// whose nodes name the attributes that apply to them, and labels in any number of languages
// ("labels": {"en": ..., "zh": ...}). A version-1 file reads as one implicit category holding
// every attribute (hasCategoryTree() is false and everything behaves as before).
//
// Keys starting with "_" are comments and ignored; any other unknown key is an error, so a typo
// ("synonym") does not silently lose data. Validation reports every problem it finds, one per
// line, as "<file>:<line>:<column>: <problem>". Terms (codes, labels, synonyms) are compared
// after normalizeTerm(): NFKC (full-width → half-width), case folding, '-' and '_' as spaces,
// surrounding and repeated spaces removed. A term may name only one value of an attribute and
// only one attribute; the same term may name values of different attributes.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

#include "tags/types.h"

namespace vistag::catalog {

// Makes the resources compiled into vistag_app (the default taxonomy) reachable from code that
// is not the GUI (tests, the CLI). Idempotent; Taxonomy::defaultApparel() calls it.
void initCatalogResources();

class Taxonomy {
public:
    Taxonomy() = default;
    // Builds the lookup indexes without validation (on a clash the first term wins). Use
    // fromJson() for user files.
    explicit Taxonomy(QList<TaxonomyAttribute> attributes, QString name = {},
                      QHash<QString, QStringList> attributeSynonyms = {});
    // A version-2 taxonomy: `attributes` without the category, which is added in front of them
    // as the attribute "category" (kCategoryAttribute) whose values are the categories, in the
    // order of `categories`. No validation (use fromJson() for user files).
    Taxonomy(QList<TaxonomyAttribute> attributes, QList<TaxonomyCategory> categories, QString name,
             QHash<QString, QStringList> attributeSynonyms = {}, QString description = {});

    // In a version-2 taxonomy the chosen category is stored as the tag of this attribute (value =
    // the category's code); no attribute of the file may use the code.
    static constexpr const char* kCategoryAttribute = "category";

    // Parses and validates a taxonomy file. On failure returns nullopt and, when error is not
    // null, sets it to all problems found, one per line, each prefixed "fileLabel:line:col: ".
    static std::optional<Taxonomy> fromJson(const QByteArray& json, const QString& fileLabel,
                                            QString* error);
    static std::optional<Taxonomy> load(const QString& path, QString* error);
    // The compiled-in default (:/taxonomy/apparel.json). Never empty; a broken resource is a
    // build error caught by the tests, and yields an empty taxonomy with a logged warning.
    static Taxonomy defaultApparel();
    static QString defaultApparelResource() { return QStringLiteral(":/taxonomy/apparel.json"); }

    // Serialises back to the file format (round-trips through fromJson): version 2 when the
    // taxonomy has a category tree, else version 1.
    QByteArray toJson() const;

    const QString& name() const { return m_name; }
    const QString& description() const { return m_description; }
    const QList<TaxonomyAttribute>& attributes() const { return m_attributes; }
    bool isEmpty() const { return m_attributes.isEmpty(); }
    // Other names of an attribute (not part of TaxonomyAttribute), e.g. "color" for colour.
    QStringList attributeSynonyms(const QString& attributeCode) const;

    // Exact code lookups; null when absent. Pointers live as long as this Taxonomy.
    const TaxonomyAttribute* attribute(const QString& code) const;
    const TaxonomyValue* value(const QString& attributeCode, const QString& valueCode) const;
    int attributeIndex(const QString& code) const;  // -1 when absent

    // Lookups by any name (code, zh/en label, synonym, merchant column for attributes),
    // normalised with normalizeTerm(); null when nothing matches.
    const TaxonomyAttribute* findAttribute(const QString& text) const;
    const TaxonomyValue* findValue(const QString& attributeCode, const QString& text) const;
    // Every (attribute, value) any of whose names is `text`.
    struct ValueRef {
        const TaxonomyAttribute* attribute = nullptr;
        const TaxonomyValue* value = nullptr;
    };
    QList<ValueRef> findValueAnywhere(const QString& text) const;

    // ---- the category tree (version 2) ------------------------------------------------------
    // In a version-2 taxonomy attributes() starts with the attribute "category", whose values are
    // the categories (code, labels, synonyms), so that tags, review and export see the category
    // as one more attribute; attributesFor() gives the attributes that apply to one category.
    bool hasCategoryTree() const { return !m_categories.isEmpty(); }
    const QList<TaxonomyCategory>& categories() const { return m_categories; }
    const TaxonomyCategory* category(const QString& code) const;  // null when absent
    int categoryIndex(const QString& code) const;                 // -1 when absent
    // Indexes into categories() of the children of `code` ("" = the roots), in file order.
    QList<int> childCategories(const QString& code) const;
    // The codes from the root down to `code` (empty when `code` is unknown).
    QStringList categoryPathCodes(const QString& code) const;
    // "Apparel & Accessories > Clothing > Dresses" in `language` (empty when unknown).
    QString categoryPath(const QString& code, const QString& language) const;
    // The attributes that apply to a category, in the category's order. Without a category tree
    // (version 1) every attribute, whatever the code; with one, nothing for an unknown code.
    QList<const TaxonomyAttribute*> attributesFor(const QString& categoryCode) const;
    // By code, any label, a synonym or a full path in any language (normalizeTerm()); null when
    // nothing matches.
    const TaxonomyCategory* findCategory(const QString& text) const;
    // The languages the labels of categories and attributes are written in ("en" first), e.g.
    // {"en", "zh", "fr"}.
    QStringList languages() const;

    // Label in `language` ("zh", "en", "fr", "zh-TW"...; "zh_CN", "zh-CN", "zh-Hans" mean "zh"),
    // then the language without its region, then English, then Chinese, then the code.
    static QString label(const TaxonomyAttribute& a, const QString& language);
    static QString label(const TaxonomyValue& v, const QString& language);
    static QString label(const TaxonomyCategory& c, const QString& language);
    // The language key labels are stored under: "zh_CN" → "zh", "pt_br" → "pt-BR", "EN" → "en".
    static QString normalizeLanguage(const QString& language);
    // The label of `labels` for `language` by the rules of label(); `fallback` when none.
    static QString pickLabel(const QHash<QString, QString>& labels, const QString& language,
                             const QString& fallback);
    // All names of a value / an attribute, as written in the file (code first).
    static QStringList terms(const TaxonomyValue& v);
    QStringList terms(const TaxonomyAttribute& a) const;

    // The comparison form of a term (see the file comment).
    static QString normalizeTerm(const QString& text);

private:
    void buildIndex();
    void buildCategoryIndex();
    QByteArray toJsonV2() const;

    QString m_name;
    QString m_description;
    QList<TaxonomyCategory> m_categories;
    QHash<QString, int> m_categoryByCode;
    QHash<QString, QList<int>> m_categoryChildren;  // parent code ("" = roots) → indexes
    QHash<QString, int> m_categoryByTerm;           // normalised term or path → index
    QList<TaxonomyAttribute> m_attributes;
    QHash<QString, QStringList> m_attributeSynonyms;  // attribute code → synonyms
    QHash<QString, int> m_attributeByCode;
    QHash<QString, int> m_attributeByTerm;     // normalised term → attribute index
    QList<QHash<QString, int>> m_valueByCode;  // per attribute: code → value index
    QList<QHash<QString, int>> m_valueByTerm;  // per attribute: term → value index
};

}  // namespace vistag::catalog

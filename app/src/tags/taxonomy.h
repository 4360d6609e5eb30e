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

    // Parses and validates a taxonomy file. On failure returns nullopt and, when error is not
    // null, sets it to all problems found, one per line, each prefixed "fileLabel:line:col: ".
    static std::optional<Taxonomy> fromJson(const QByteArray& json, const QString& fileLabel,
                                            QString* error);
    static std::optional<Taxonomy> load(const QString& path, QString* error);
    // The compiled-in default (:/taxonomy/apparel.json). Never empty; a broken resource is a
    // build error caught by the tests, and yields an empty taxonomy with a logged warning.
    static Taxonomy defaultApparel();
    static QString defaultApparelResource() { return QStringLiteral(":/taxonomy/apparel.json"); }

    // Serialises back to the file format (round-trips through fromJson).
    QByteArray toJson() const;

    const QString& name() const { return m_name; }
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

    // Label in "zh" or "en" (anything else: zh); falls back to the other label, then the code.
    static QString label(const TaxonomyAttribute& a, const QString& language);
    static QString label(const TaxonomyValue& v, const QString& language);
    // All names of a value / an attribute, as written in the file (code first).
    static QStringList terms(const TaxonomyValue& v);
    QStringList terms(const TaxonomyAttribute& a) const;

    // The comparison form of a term (see the file comment).
    static QString normalizeTerm(const QString& text);

private:
    void buildIndex();

    QString m_name;
    QList<TaxonomyAttribute> m_attributes;
    QHash<QString, QStringList> m_attributeSynonyms;  // attribute code → synonyms
    QHash<QString, int> m_attributeByCode;
    QHash<QString, int> m_attributeByTerm;     // normalised term → attribute index
    QList<QHash<QString, int>> m_valueByCode;  // per attribute: code → value index
    QList<QHash<QString, int>> m_valueByTerm;  // per attribute: term → value index
};

}  // namespace vistag::catalog

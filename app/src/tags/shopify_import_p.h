// Internal to the Shopify import (shopify_import.cpp, shopify_import_read.cpp): the source as read
// from Shopify's dist/ files, before names are made unique and the taxonomy is built.
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <QStringList>

namespace vistag::catalog::shopify_detail {

// The first problem found: the reading stops at it (thrown, caught by importShopifyTaxonomy).
struct Failure {
    QString message;
};

struct SourceCategory {
    QString code, parentCode, fullName;
    int level = 0;
    QStringList attributeHandles;   // as referenced (base or extended handle)
    QHash<QString, QString> names;  // language → name
};

struct SourceValue {
    QString id, handle;
    QHash<QString, QString> names;
};

struct SourceAttribute {
    QString id, handle, baseHandle;  // baseHandle: set for an extended attribute
    QHash<QString, QString> names;
    QList<SourceValue> values;  // empty for an extended attribute
};

// Reads DIR/<locale>/categories.json and attributes.json: en first (the records), then the other
// locales (their names, matched by id; extended attributes by handle).
class SourceReader {
public:
    SourceReader(QString dir, QStringList languages)
        : m_dir(std::move(dir)), m_languages(std::move(languages)) {}
    // The locales read ("en" first). Throws Failure.
    QStringList read();

protected:
    QString file(const QString& locale, const char* name) const;

    QString m_dir;
    QStringList m_languages;
    QString m_version;
    QList<SourceCategory> m_categories;
    QHash<QString, int> m_categoryIndex;  // code → index
    QList<SourceAttribute> m_attributes;
    QHash<QString, int> m_attributeIndex;  // handle → index

private:
    QStringList pickLocales();
    void readCategories(const QString& locale);
    void readAttributes(const QString& locale);
    void addAttribute(const SourceAttribute& sa, const QString& path, const QString& where);
};

}  // namespace vistag::catalog::shopify_detail

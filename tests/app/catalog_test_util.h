// Helpers shared by the catalogue database tests.
#pragma once

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

#include "catalog/catalog_db.h"

namespace vistag::catalog::testing {

inline ImageRecord image(const QString& path, const QString& hash = {}, const QString& sku = {}) {
    ImageRecord r;
    r.path = path;
    r.contentHash = hash.isEmpty() ? QStringLiteral("hash-") + path : hash;
    r.width = 800;
    r.height = 600;
    r.skuGroup = sku;
    return r;
}

inline TagSuggestion suggestion(const QString& attribute, const QString& value,
                                double confidence = 0.5) {
    TagSuggestion s;
    s.attribute = attribute;
    s.valueCode = value;
    s.rawText = value;
    s.confidence = confidence;
    return s;
}

// One value of a query on the CatalogDb's own connection (same thread only).
inline QVariant scalar(const CatalogDb& db, const QString& sql) {
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    if (!q.exec(sql) || !q.next())
        return {};
    return q.value(0);
}

inline bool execOn(const CatalogDb& db, const QString& sql) {
    QSqlQuery q(QSqlDatabase::database(db.connectionName(), false));
    return q.exec(sql);
}

}  // namespace vistag::catalog::testing

// Exports back to the shop, from an imported feed and the catalogue's accepted tags:
// - Shopify: the imported product CSV with every input row and column unchanged and in order,
//   Product Category filled with the category's full path where the merchant had none, Tags
//   keeping the merchant's tags plus the accepted values, and one metafield column per attribute
//   ("<label> (product.metafields.custom.<key>)").
// - Merchant Center: a supplemental feed (TSV): id and the taxonomy's merchant columns (color
//   with several colours joined by "/", gender, age_group, material, pattern, …) and
//   product_type (the category's path), one row per item id.
// A value the merchant supplied is never replaced unless `overwrite`. Files are written
// atomically (catalog::replaceFileAtomically).
#pragma once

#include <QHash>
#include <QList>
#include <QString>

#include "catalog/product_records.h"
#include "tags/taxonomy.h"

namespace vistag::feeds {

// A product's accepted values: attribute code → value codes (in the order they were accepted).
using ProductValues = QHash<QString, QStringList>;

struct FeedExportResult {
    int rows = 0;          // data rows written
    int filledCells = 0;   // cells Vistag filled
    int keptMerchant = 0;  // cells where the merchant's own value was kept
};

// `feed` is the stored feed; `values` is keyed by product handle.
std::optional<FeedExportResult> exportShopify(const catalog::FeedRecord& feed,
                                              const QHash<QString, ProductValues>& values,
                                              const catalog::Taxonomy& taxonomy, bool overwrite,
                                              const QString& outPath, QString* error);
std::optional<FeedExportResult> exportMerchant(const catalog::FeedRecord& feed,
                                               const QHash<QString, ProductValues>& values,
                                               const catalog::Taxonomy& taxonomy, bool overwrite,
                                               const QString& outPath, QString* error);

// Shopify's metafield key for an attribute code ("neck-line" → "neck_line").
QString metafieldKeyFor(const QString& attributeCode);

}  // namespace vistag::feeds

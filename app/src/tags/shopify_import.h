// Import of Shopify's Standard Product Taxonomy (github.com/Shopify/product-taxonomy, the files of
// its dist/ folder) into a version-2 taxonomy: `dir` holds <locale>/categories.json and
// <locale>/attributes.json, shaped as its schema/dist/categories_schema.cue and
// attributes_schema.cue say. `en` is required; other locales give labels where present.
//
// Shopify's ids are kept: a category's code is the tail of its id ("aa-1-4"), an attribute's and
// a value's code their handle ("color", "color__red"), an extended attribute ("dress-color") takes
// its base attribute's values (valuesFrom). Attributes that Google Merchant Center also knows get
// its column (color, target-gender, age-group, fabric, pattern → color, gender, age_group,
// material, pattern).
//
// Problems of the source that a taxonomy file may not have are resolved the same way every time
// and reported as notes: a name shared by two categories (English leaf names repeat: "Shorts")
// is qualified with the parent's name ("Shorts (Activewear)"), then with the full path, for all
// but the shallowest (then first by id); a name shared by two values of one attribute (machine
// translations) is qualified with the value's English name, then its handle; a name shared by
// two attributes, with the attribute's handle. Anything else wrong (a missing or unreadable
// file, another shape, a missing id or name, duplicate ids, a category naming an attribute that
// does not exist, a dangling parent) refuses the import with one message naming the file and the
// id.
#pragma once

#include <QString>
#include <QStringList>
#include <optional>

#include "tags/taxonomy.h"

namespace vistag::catalog {

struct ShopifyImportOptions {
    // Keep only this category, its ancestors and its descendants: a full English path
    // ("Apparel & Accessories > Clothing") or an id ("aa-1"); "" keeps everything.
    QString under;
    // Locale folders to read ("en", "zh-CN"); empty: every folder of `dir` that has both files.
    // "en" is always read.
    QStringList languages;
};

struct ShopifyImportStats {
    QString version;      // Shopify's release, e.g. "2025-03"
    QStringList locales;  // the locale folders read
    int categories = 0, attributes = 0, values = 0;
};

// Returns the taxonomy, or nullopt with *error set to one line naming the file and the id.
// *notes (may be null) gets one line per source problem resolved.
std::optional<Taxonomy> importShopifyTaxonomy(const QString& dir,
                                              const ShopifyImportOptions& options,
                                              QStringList* notes, QString* error,
                                              ShopifyImportStats* stats = nullptr);

}  // namespace vistag::catalog

// Product feeds as shops export them, read into products: a Shopify product CSV (rows grouped by
// Handle: variant rows, image rows, Variant Image), a Google Merchant Center feed as TSV/CSV or
// as RSS 2.0 XML with the g: namespace (items grouped into products by item_group_id), or any
// CSV whose columns are named with --map COLUMN=FIELD. Formats: docs/merchant-data.md §2–3.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <optional>

#include "catalog/product_records.h"
#include "tags/taxonomy.h"

namespace vistag::feeds {

// One row of the feed (an XML item counts as a row): its cells by column name, in file order
// (an XML feed may repeat a name, e.g. additional_image_link).
struct FeedRow {
    int row = 0;   // 1 = the first data row / item
    int line = 0;  // where it starts in the file
    QList<QPair<QString, QString>> cells;
    QString value(const QString& column) const;  // the first cell of that name, "" when none
    QStringList values(const QString& column) const;
};

// A value the feed gives a product for something the taxonomy may know: the field is a
// canonical name ("category") or an attribute's name as the feed wrote it ("Color", "color").
struct FeedValue {
    QString field;
    QString value;
    int row = 0;
    QString column;  // the feed's column, for messages
};

struct FeedProduct {
    catalog::ProductRecord record;  // handle, title, description, first row, images, variants
    QList<FeedValue> values;
    QStringList itemIds;  // Merchant Center item ids (or Shopify variant SKUs), in row order
};

struct ProductFeed {
    QString format;  // "shopify", "merchant" or "csv"
    bool xml = false;
    QStringList header;  // text feeds: the columns in file order
    QList<FeedRow> rows;
    QList<FeedProduct> products;  // in the order their first row appears
    QStringList problems;         // rows (or images) left out: "row N (line L): why"
};

// What --format takes: "" (recognised from the header), "shopify", "merchant", "csv".
// map: the feed's column → a field: handle, id, title, description, image, image_position,
// sku, variant_image, category, or an attribute of the taxonomy (csv needs handle or id and
// image). Returns nullopt with *error when the file cannot be read as a feed at all (unreadable
// CSV, XML broken before its first item, no Handle/id column, unknown format).
std::optional<ProductFeed> parseProductFeed(const QByteArray& data, const QString& format,
                                            const QHash<QString, QString>& map, QString* error);

// HTML of a product description reduced to text: tags removed, paragraphs and <br> as line
// breaks, entities decoded, runs of spaces collapsed.
QString htmlToText(const QString& html);

// The feed's values matched to the taxonomy by code, label or synonym: the category with
// findCategory(), other values with findValue() of the attribute findAttribute() names (several
// values in one cell split at / , ; |). Unmatched values are listed as
// "row N: Column 'value' matches nothing in the taxonomy".
struct FeedMatch {
    QList<catalog::TagSuggestion> tags;
    QStringList unmatched;
};
FeedMatch matchFeedValues(const FeedProduct& product, const catalog::Taxonomy& taxonomy);

// Whether `url` can be fetched: http(s)://, file:// or a local path.
bool isFetchableUrl(const QString& url);

}  // namespace vistag::feeds

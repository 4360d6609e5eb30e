// Value types of product feeds in the catalogue (CatalogDb, catalog_db_products.cpp): a feed file
// as it was imported, its products (one SKU group each), their image URLs with where each
// download stands, and their variants' SKUs.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

namespace vistag::catalog {

// A feed file as it was imported: its bytes are kept so that an export writes the merchant's rows
// back unchanged even when the file has moved since.
struct FeedRecord {
    qint64 id = 0;
    QString path;    // absolute path of the file that was imported
    QString format;  // "shopify", "merchant" or "csv"
    QByteArray content;
    QString importedAt;
};

// Where one image URL of a product stands.
enum class DownloadState { Pending, Done, Failed };
QString downloadStateName(DownloadState s);  // "pending", "done", "failed"

struct ProductImageRecord {
    qint64 id = 0;
    qint64 productId = 0;
    int position = 0;  // 1, 2, … in the product's order (Shopify's Image Position)
    QString url;       // as the feed wrote it (http(s)://, file:// or a local path)
    int feedRow = 0;   // the feed row it came from (1 = the first data row)
    qint64 imageId = 0;
    DownloadState state = DownloadState::Pending;
    QString error;  // why the last download failed, naming the URL
};

struct ProductVariantRecord {
    QString sku;  // Shopify's Variant SKU, or a Merchant Center item id
    int feedRow = 0;
    QString imageUrl{};  // Shopify's Variant Image
};

// A product of a feed: one SKU group (its tag set), its images in position order.
struct ProductRecord {
    qint64 id = 0;
    qint64 feedId = 0;
    QString handle;    // Shopify's Handle, Merchant Center's item_group_id (or id)
    QString skuGroup;  // the tag set: the handle
    QString title;
    QString description;  // text (HTML reduced to text)
    int firstRow = 0;
    QList<ProductImageRecord> images{};
    QList<ProductVariantRecord> variants{};
};

// What CatalogDb::syncProducts() changed.
struct ProductSync {
    int added = 0;
    int updated = 0;  // title, description, rows, images or variants changed
    int unchanged = 0;
    int imagesAdded = 0;    // new URLs (to download)
    int imagesRemoved = 0;  // URLs no longer in the feed
};

}  // namespace vistag::catalog

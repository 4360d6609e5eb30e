// CatalogDb: product feeds — the feed files as imported, their products (one SKU group each),
// the products' image URLs with where each download stands, variants, and the values a feed
// already had stored as accepted tags with source "feed".
#include <QJsonArray>
#include <QJsonObject>
#include <QSet>
#include <QSqlQuery>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {
namespace {

DownloadState stateFromName(const QString& name) {
    if (name == QLatin1String("done"))
        return DownloadState::Done;
    if (name == QLatin1String("failed"))
        return DownloadState::Failed;
    return DownloadState::Pending;
}

ProductImageRecord readProductImage(const QSqlQuery& q) {
    ProductImageRecord r;
    r.id = q.value(0).toLongLong();
    r.productId = q.value(1).toLongLong();
    r.position = q.value(2).toInt();
    r.url = q.value(3).toString();
    r.feedRow = q.value(4).toInt();
    r.imageId = q.value(5).isNull() ? 0 : q.value(5).toLongLong();
    r.state = stateFromName(q.value(6).toString());
    r.error = q.value(7).toString();
    return r;
}

constexpr const char* kProductImageColumns =
    "id, product_id, position, url, feed_row, image_id, status, error";

bool sameVariants(const QList<ProductVariantRecord>& a, const QList<ProductVariantRecord>& b) {
    if (a.size() != b.size())
        return false;
    for (qsizetype i = 0; i < a.size(); ++i)
        if (a[i].sku != b[i].sku || a[i].feedRow != b[i].feedRow || a[i].imageUrl != b[i].imageUrl)
            return false;
    return true;
}

std::optional<QList<ProductVariantRecord>> variantsOf(const CatalogDb::Impl& d, qint64 productId,
                                                      QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("SELECT sku, feed_row, image_url FROM product_variants WHERE "
                              "product_id = ? ORDER BY id"),
               {productId}, error))
        return std::nullopt;
    QList<ProductVariantRecord> out;
    while (q.next())
        out << ProductVariantRecord{q.value(0).toString(), q.value(1).toInt(),
                                    q.value(2).toString()};
    return out;
}

std::optional<QList<ProductImageRecord>> imagesOf(const CatalogDb::Impl& d, qint64 productId,
                                                  QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("SELECT %1 FROM product_images WHERE product_id = ? ORDER BY "
                              "position, id")
                   .arg(QLatin1String(kProductImageColumns)),
               {productId}, error))
        return std::nullopt;
    QList<ProductImageRecord> out;
    while (q.next())
        out << readProductImage(q);
    return out;
}

// Replaces the product's variants (inside a write transaction).
bool writeVariants(const CatalogDb::Impl& d, qint64 productId,
                   const QList<ProductVariantRecord>& variants, QString* error) {
    if (!d.exec(QStringLiteral("DELETE FROM product_variants WHERE product_id = ?"), {productId},
                error))
        return false;
    for (const ProductVariantRecord& v : variants)
        if (!d.exec(QStringLiteral("INSERT INTO product_variants (product_id, sku, feed_row, "
                                   "image_url) VALUES (?, ?, ?, ?)"),
                    {productId, v.sku, v.feedRow, v.imageUrl}, error))
            return false;
    return true;
}

// Makes the product's image rows what `images` says: new URLs pending, known ones keep their
// download (position and row updated), URLs no longer listed removed (their image leaves the
// product's SKU group). Returns whether anything changed.
std::optional<bool> writeImages(const CatalogDb::Impl& d, qint64 productId, const QString& group,
                                const QList<ProductImageRecord>& images, ProductSync* sync,
                                QString* error) {
    const auto old = imagesOf(d, productId, error);
    if (!old)
        return std::nullopt;
    QHash<QString, ProductImageRecord> byUrl;
    for (const ProductImageRecord& r : *old)
        byUrl.insert(r.url, r);
    bool changed = false;
    QSet<QString> listed;
    for (const ProductImageRecord& r : images) {
        if (listed.contains(r.url))
            continue;
        listed.insert(r.url);
        const auto known = byUrl.constFind(r.url);
        if (known == byUrl.constEnd()) {
            if (!d.exec(QStringLiteral("INSERT INTO product_images (product_id, position, url, "
                                       "feed_row, status, updated_at) VALUES (?, ?, ?, ?, "
                                       "'pending', ?)"),
                        {productId, r.position, r.url, r.feedRow, nowText()}, error))
                return std::nullopt;
            ++sync->imagesAdded;
            changed = true;
        } else if (known->position != r.position || known->feedRow != r.feedRow) {
            if (!d.exec(QStringLiteral("UPDATE product_images SET position = ?, feed_row = ?, "
                                       "updated_at = ? WHERE id = ?"),
                        {r.position, r.feedRow, nowText(), known->id}, error))
                return std::nullopt;
            changed = true;
        }
    }
    for (const ProductImageRecord& r : *old) {
        if (listed.contains(r.url))
            continue;
        if (!d.exec(QStringLiteral("DELETE FROM product_images WHERE id = ?"), {r.id}, error))
            return std::nullopt;
        if (r.imageId != 0 &&
            !d.exec(QStringLiteral("UPDATE images SET sku_group = '' WHERE id = ? AND sku_group "
                                   "= ? AND id NOT IN (SELECT image_id FROM product_images "
                                   "WHERE image_id IS NOT NULL)"),
                    {r.imageId, group}, error))
            return std::nullopt;
        ++sync->imagesRemoved;
        changed = true;
    }
    return changed;
}

}  // namespace

QString downloadStateName(DownloadState s) {
    switch (s) {
        case DownloadState::Pending:
            break;
        case DownloadState::Done:
            return QStringLiteral("done");
        case DownloadState::Failed:
            return QStringLiteral("failed");
    }
    return QStringLiteral("pending");
}

std::optional<qint64> CatalogDb::saveFeed(const QString& path, const QString& format,
                                          const QByteArray& content, const QString& who,
                                          QString* error) {
    qint64 id = 0;
    const bool ok = d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q, QStringLiteral("SELECT id FROM feeds WHERE path = ?"), {path}, error))
            return false;
        const QString text = QString::fromUtf8(content);
        if (q.next()) {
            id = q.value(0).toLongLong();
            q.finish();
            if (!d_->exec(QStringLiteral("UPDATE feeds SET format = ?, content = ?, imported_at "
                                         "= ? WHERE id = ?"),
                          {format, text, nowText(), id}, error))
                return false;
        } else {
            q.finish();
            QSqlQuery insert(d_->db);
            if (!d_->run(insert,
                         QStringLiteral("INSERT INTO feeds (path, format, content, imported_at) "
                                        "VALUES (?, ?, ?, ?)"),
                         {path, format, text, nowText()}, error))
                return false;
            const auto newId = d_->lastInsertId(insert, error);
            if (!newId)
                return false;
            id = *newId;
        }
        return d_->audit(who, QStringLiteral("import_feed"), QStringLiteral("feed"), id, {},
                         QJsonObject{{QStringLiteral("path"), path},
                                     {QStringLiteral("format"), format},
                                     {QStringLiteral("bytes"), content.size()}},
                         error);
    });
    if (!ok)
        return std::nullopt;
    return id;
}

std::optional<QList<FeedRecord>> CatalogDb::feeds(QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT id, path, format, content, imported_at FROM feeds "
                                "ORDER BY id"),
                 {}, error))
        return std::nullopt;
    QList<FeedRecord> out;
    while (q.next())
        out << FeedRecord{q.value(0).toLongLong(), q.value(1).toString(), q.value(2).toString(),
                          q.value(3).toString().toUtf8(), q.value(4).toString()};
    return out;
}

std::optional<ProductSync> CatalogDb::syncProducts(qint64 feedId,
                                                   const QList<ProductRecord>& products,
                                                   const QString& who, QString* error) {
    ProductSync sync;
    const bool ok = d_->write(error, [&] {
        for (const ProductRecord& p : products) {
            QSqlQuery find(d_->db);
            if (!d_->run(find,
                         QStringLiteral("SELECT id, title, description, first_row FROM products "
                                        "WHERE feed_id = ? AND handle = ?"),
                         {feedId, p.handle}, error))
                return false;
            const QString group = p.skuGroup.isEmpty() ? p.handle : p.skuGroup;
            qint64 id = 0;
            bool changed = false;
            bool isNew = false;
            if (find.next()) {
                id = find.value(0).toLongLong();
                if (find.value(1).toString() != p.title ||
                    find.value(2).toString() != p.description ||
                    find.value(3).toInt() != p.firstRow) {
                    changed = true;
                    if (!d_->exec(QStringLiteral("UPDATE products SET title = ?, description = "
                                                 "?, first_row = ?, updated_at = ? WHERE id = ?"),
                                  {p.title, p.description, p.firstRow, nowText(), id}, error))
                        return false;
                }
                find.finish();
            } else {
                find.finish();
                QSqlQuery insert(d_->db);
                if (!d_->run(
                        insert,
                        QStringLiteral("INSERT INTO products (feed_id, handle, sku_group, "
                                       "title, description, first_row, updated_at) VALUES "
                                       "(?, ?, ?, ?, ?, ?, ?)"),
                        {feedId, p.handle, group, p.title, p.description, p.firstRow, nowText()},
                        error))
                    return false;
                const auto newId = d_->lastInsertId(insert, error);
                if (!newId)
                    return false;
                id = *newId;
                isNew = true;
                ++sync.added;
            }
            const auto imagesChanged = writeImages(*d_, id, group, p.images, &sync, error);
            if (!imagesChanged)
                return false;
            const auto variants = variantsOf(*d_, id, error);
            if (!variants)
                return false;
            const bool variantsChanged = !sameVariants(*variants, p.variants);
            if (variantsChanged && !writeVariants(*d_, id, p.variants, error))
                return false;
            if (isNew)
                continue;
            if (changed || *imagesChanged || variantsChanged)
                ++sync.updated;
            else
                ++sync.unchanged;
        }
        return d_->audit(who, QStringLiteral("sync_products"), QStringLiteral("feed"), feedId, {},
                         QJsonObject{{QStringLiteral("added"), sync.added},
                                     {QStringLiteral("updated"), sync.updated},
                                     {QStringLiteral("images_added"), sync.imagesAdded},
                                     {QStringLiteral("images_removed"), sync.imagesRemoved}},
                         error);
    });
    if (!ok)
        return std::nullopt;
    return sync;
}

std::optional<QList<ProductRecord>> CatalogDb::products(qint64 feedId, QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    const QString sql = QStringLiteral(
        "SELECT id, feed_id, handle, sku_group, title, description, first_row FROM products%1 "
        "ORDER BY feed_id, first_row, id");
    if (!d_->run(q, sql.arg(feedId != 0 ? QStringLiteral(" WHERE feed_id = ?") : QString()),
                 feedId != 0 ? QVariantList{feedId} : QVariantList{}, error))
        return std::nullopt;
    QList<ProductRecord> out;
    while (q.next())
        out << ProductRecord{q.value(0).toLongLong(), q.value(1).toLongLong(),
                             q.value(2).toString(),   q.value(3).toString(),
                             q.value(4).toString(),   q.value(5).toString(),
                             q.value(6).toInt()};
    q.finish();
    for (ProductRecord& p : out) {
        auto images = imagesOf(*d_, p.id, error);
        auto variants = variantsOf(*d_, p.id, error);
        if (!images || !variants)
            return std::nullopt;
        p.images = *images;
        p.variants = *variants;
    }
    return out;
}

std::optional<QList<ProductImageRecord>> CatalogDb::imagesToDownload(qint64 feedId,
                                                                     bool includeFailed,
                                                                     QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    QString sql = QStringLiteral("SELECT %1 FROM product_images WHERE (status = 'pending'%2)")
                      .arg(QLatin1String(kProductImageColumns),
                           includeFailed ? QStringLiteral(" OR status = 'failed'") : QString());
    QVariantList binds;
    if (feedId != 0) {
        sql += QStringLiteral(" AND product_id IN (SELECT id FROM products WHERE feed_id = ?)");
        binds << feedId;
    }
    sql += QStringLiteral(" ORDER BY product_id, position, id");
    QSqlQuery q(d_->db);
    if (!d_->run(q, sql, binds, error))
        return std::nullopt;
    QList<ProductImageRecord> out;
    while (q.next())
        out << readProductImage(q);
    return out;
}

bool CatalogDb::finishImageDownload(qint64 productImageId, const ImageRecord* image,
                                    const QString& why, const QString& who, QString* error) {
    return d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q,
                     QStringLiteral("SELECT p.sku_group FROM product_images pi JOIN products p "
                                    "ON p.id = pi.product_id WHERE pi.id = ?"),
                     {productImageId}, error))
            return false;
        if (!q.next()) {
            setError(error, trCatalog("This product image is no longer in the catalogue."));
            return false;
        }
        const QString group = q.value(0).toString();
        q.finish();
        if (!image)
            return d_->exec(QStringLiteral("UPDATE product_images SET status = 'failed', error = "
                                           "?, updated_at = ? WHERE id = ?"),
                            {why, nowText(), productImageId}, error);
        const QString stored = d_->toStored(image->path);
        QSqlQuery find(d_->db);
        if (!d_->run(find,
                     QStringLiteral("SELECT %1 FROM images WHERE path = ?")
                         .arg(QLatin1String(kImageColumns)),
                     {stored}, error))
            return false;
        qint64 imageId = 0;
        if (find.next()) {
            // The same bytes are already in the catalogue (another URL, or a rerun): the image
            // joins this product's group when it is in none.
            const ImageRecord old = d_->image(find);
            find.finish();
            imageId = old.id;
            if (old.skuGroup.isEmpty() && !group.isEmpty()) {
                if (!d_->exec(QStringLiteral("UPDATE images SET sku_group = ? WHERE id = ?"),
                              {group, imageId}, error))
                    return false;
                ImageRecord now = old;
                now.skuGroup = group;
                if (!d_->audit(who, QStringLiteral("set_sku_group"), QStringLiteral("image"),
                               imageId, imageJson(old), imageJson(now), error))
                    return false;
            }
        } else {
            find.finish();
            QSqlQuery insert(d_->db);
            if (!d_->run(insert,
                         QStringLiteral("INSERT INTO images (path, file_name, content_hash, "
                                        "width, height, sku_group, added_at) VALUES (?, ?, ?, ?, "
                                        "?, ?, ?)"),
                         {stored, baseName(stored), image->contentHash, image->width, image->height,
                          group, nowText()},
                         error))
                return false;
            const auto id = d_->lastInsertId(insert, error);
            if (!id)
                return false;
            imageId = *id;
            ImageRecord added = *image;
            added.id = imageId;
            added.skuGroup = group;
            if (!d_->audit(who, QStringLiteral("add_image"), QStringLiteral("image"), imageId, {},
                           imageJson(added), error))
                return false;
        }
        return d_->exec(QStringLiteral("UPDATE product_images SET status = 'done', error = '', "
                                       "image_id = ?, updated_at = ? WHERE id = ?"),
                        {imageId, nowText(), productImageId}, error);
    });
}

std::optional<int> CatalogDb::addFeedTags(qint64 productId, const QList<TagSuggestion>& values,
                                          const QString& who, QString* error) {
    int added = 0;
    const bool ok = d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q,
                     QStringLiteral("SELECT i.id, p.sku_group FROM products p JOIN images i ON "
                                    "i.sku_group = p.sku_group WHERE p.id = ? AND p.sku_group "
                                    "<> '' ORDER BY i.id LIMIT 1"),
                     {productId}, error))
            return false;
        if (!q.next())
            return true;  // no image of the product yet: the tags come with the first one
        const qint64 imageId = q.value(0).toLongLong();
        const QString owner = QStringLiteral("g:") + q.value(1).toString();
        const QString group = q.value(1).toString();
        q.finish();
        QJsonArray rows;
        for (const TagSuggestion& s : values) {
            QSqlQuery same(d_->db);
            if (!d_->run(same,
                         QStringLiteral("SELECT id FROM tags WHERE owner = ? AND attribute = ? "
                                        "AND value_code = ? LIMIT 1"),
                         {owner, s.attribute, s.valueCode}, error))
                return false;
            if (same.next())
                continue;  // any status: a person's decision stands
            same.finish();
            if (!d_->exec(
                    QStringLiteral("INSERT INTO tags (image_id, owner, sku_group, attribute, "
                                   "value_code, is_new_value, source, confidence, status, "
                                   "decided_by, decided_at, created_at) VALUES (?, ?, ?, ?, ?, "
                                   "?, 'feed', -1, 'accepted', ?, ?, ?)"),
                    {imageId, owner, group, s.attribute, s.valueCode, s.isNewValue ? 1 : 0, who,
                     nowText(), nowText()},
                    error))
                return false;
            rows.append(QJsonObject{{QStringLiteral("attribute"), s.attribute},
                                    {QStringLiteral("value"), s.valueCode}});
            ++added;
        }
        if (added == 0)
            return true;
        return d_->audit(
            who, QStringLiteral("feed_tags"), QStringLiteral("tags"), 0, {},
            QJsonObject{{QStringLiteral("sku_group"), group}, {QStringLiteral("tags"), rows}},
            error);
    });
    if (!ok)
        return std::nullopt;
    return added;
}

}  // namespace vistag::catalog

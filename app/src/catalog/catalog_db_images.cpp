// CatalogDb: images, SKU groups, the image filter and review states.
#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {
namespace {

struct Where {
    QStringList conditions;
    QVariantList binds;
    QString sql() const {
        return conditions.isEmpty()
                   ? QString()
                   : QStringLiteral(" WHERE ") + conditions.join(QStringLiteral(" AND "));
    }
};

QString likeEscaped(QString s) {
    s.replace(QLatin1Char('\\'), QLatin1String("\\\\"));
    s.replace(QLatin1Char('%'), QLatin1String("\\%"));
    s.replace(QLatin1Char('_'), QLatin1String("\\_"));
    return s;
}

// Tags of the image row `i` (its own or its SKU group's), with an extra condition.
QString tagsOfImage(const QString& extra) {
    return QStringLiteral("SELECT 1 FROM tags t WHERE t.owner = %1%2")
        .arg(QLatin1String(kImageOwnerSql), extra);
}

Where buildWhere(const CatalogDb::Impl& d, const ImageFilter& f) {
    Where w;
    if (!f.nameContains.isEmpty()) {
        w.conditions << QStringLiteral("i.file_name %1 ? ESCAPE '\\'").arg(d.likeCi());
        w.binds << QStringLiteral("%") + likeEscaped(f.nameContains) + QStringLiteral("%");
    }
    if (!f.skuGroup.isEmpty()) {
        w.conditions << QStringLiteral("i.sku_group = ?");
        w.binds << f.skuGroup;
    }
    if (!f.attribute.isEmpty() || !f.valueCode.isEmpty()) {
        // Uncorrelated: the owners having the value are collected once (value index), then each
        // image is looked up among them. A correlated EXISTS here let SQLite walk the value
        // index once per image (seconds on 10,000 images).
        QString sub = QStringLiteral("SELECT t.owner FROM tags t WHERE t.status <> 'rejected'");
        if (!f.valueCode.isEmpty()) {
            sub += QStringLiteral(" AND t.value_code = ?");
            w.binds << f.valueCode;
        }
        if (!f.attribute.isEmpty()) {
            sub += QStringLiteral(" AND t.attribute = ?");
            w.binds << f.attribute;
        }
        w.conditions << QStringLiteral("%1 IN (%2)").arg(QLatin1String(kImageOwnerSql), sub);
    }
    if (!f.categoryCodes.isEmpty()) {
        // Uncorrelated like the value filter: one bound parameter per code (a whole subtree of
        // Shopify's 10,000 categories stays under SQLite's and PostgreSQL's limits).
        QStringList marks;
        for (const QString& code : f.categoryCodes) {
            marks << QStringLiteral("?");
            w.binds << code;
        }
        w.conditions << QStringLiteral(
                            "%1 IN (SELECT t.owner FROM tags t WHERE t.status <> 'rejected' "
                            "AND t.attribute = 'category' AND t.value_code IN (%2))")
                            .arg(QLatin1String(kImageOwnerSql), marks.join(QLatin1Char(',')));
    }
    if (!f.lacksAttribute.isEmpty()) {
        w.conditions << QStringLiteral(
                            "%1 NOT IN (SELECT t.owner FROM tags t WHERE t.status <> 'rejected' "
                            "AND t.attribute = ?)")
                            .arg(QLatin1String(kImageOwnerSql));
        w.binds << f.lacksAttribute;
    }
    if (f.acceptedByRule) {  // Tools → Review rules… (CatalogDb::autoAccept)
        w.conditions << QStringLiteral(
                            "%1 IN (SELECT t.owner FROM tags t WHERE t.status = 'accepted' AND "
                            "t.decided_by LIKE 'rule:%')")
                            .arg(QLatin1String(kImageOwnerSql));
    }
    if (f.taggingFailed) {
        // The same rule as latestItemOutcomes(): each image's newest item that was not cancelled.
        w.conditions << QStringLiteral(
            "i.id IN (SELECT b.image_id FROM batch_items b JOIN (SELECT image_id, MAX(id) AS id "
            "FROM batch_items WHERE status <> 'cancelled' GROUP BY image_id) last "
            "ON last.id = b.id WHERE b.status = 'failed')");
    }
    if (f.reviewState) {
        const QString any = tagsOfImage({});
        const QString open = tagsOfImage(QStringLiteral(" AND t.status = 'suggested'"));
        switch (*f.reviewState) {
            case ReviewState::New:
                w.conditions << QStringLiteral("NOT EXISTS (%1)").arg(any);
                break;
            case ReviewState::Suggested:
                w.conditions << QStringLiteral("EXISTS (%1)").arg(open);
                break;
            case ReviewState::Reviewed:
                w.conditions << QStringLiteral("EXISTS (%1) AND NOT EXISTS (%2)").arg(any, open);
                break;
        }
    }
    return w;
}

// The confidence of the tag row aliased `t` as the least-certain order sees it: calibrated where
// `calibration` has the attribute (piecewise linear between its points, clipped outside).
QString confidenceSql(const QHash<QString, QList<QPair<double, double>>>& calibration) {
    if (calibration.isEmpty())
        return QStringLiteral("t.confidence");
    const auto num = [](double v) { return QString::number(v, 'g', 17); };
    QStringList attributes = calibration.keys();
    attributes.sort();
    QString sql = QStringLiteral("(CASE t.attribute");
    for (const QString& attribute : attributes) {
        const auto& p = calibration[attribute];
        if (p.isEmpty())
            continue;
        QString piece = QStringLiteral("CASE WHEN t.confidence <= %1 THEN %2")
                            .arg(num(p.first().first), num(p.first().second));
        for (int i = 1; i < p.size(); ++i) {
            const double dx = p[i].first - p[i - 1].first;
            const double slope = dx > 0 ? (p[i].second - p[i - 1].second) / dx : 0;
            piece +=
                QStringLiteral(" WHEN t.confidence <= %1 THEN %2 + (t.confidence - %3) * %4")
                    .arg(num(p[i].first), num(p[i - 1].second), num(p[i - 1].first), num(slope));
        }
        piece += QStringLiteral(" ELSE %1 END").arg(num(p.last().second));
        QString code = attribute;
        code.replace(QLatin1Char('\''), QStringLiteral("''"));
        sql += QStringLiteral(" WHEN '%1' THEN (%2)").arg(code, piece);
    }
    return sql + QStringLiteral(" ELSE t.confidence END)");
}

// ORDER BY clause of a sort; ties by id so pages never overlap.
QString orderBy(const CatalogDb::Impl& d, ImageSort sort,
                const QHash<QString, QList<QPair<double, double>>>& calibration = {}) {
    switch (sort) {
        case ImageSort::Added:
            break;
        case ImageSort::AddedNewest:
            return QStringLiteral(" ORDER BY i.added_at DESC, i.id DESC");
        case ImageSort::Name:
            return QStringLiteral(" ORDER BY %1, i.id")
                .arg(d.sortCi(QStringLiteral("i.file_name")));
        case ImageSort::ReviewState:
            return QStringLiteral(
                       " ORDER BY (CASE WHEN EXISTS (%1) THEN 1 WHEN EXISTS (%2) "
                       "THEN 2 ELSE 0 END), i.id")
                .arg(tagsOfImage(QStringLiteral(" AND t.status = 'suggested'")), tagsOfImage({}));
        case ImageSort::LeastCertain:
            // One lookup per image in tags_owner(owner, status); unknown confidence (-1) sorts
            // after every known one, images without an undecided model suggestion last.
            return QStringLiteral(
                       " ORDER BY coalesce((SELECT min(CASE WHEN t.confidence >= 0 THEN "
                       "%2 ELSE 2 END) FROM tags t WHERE t.owner = %1 AND t.status = "
                       "'suggested' AND t.source LIKE 'model:%'), 3), i.id")
                .arg(QLatin1String(kImageOwnerSql), confidenceSql(calibration));
    }
    return QStringLiteral(" ORDER BY i.id");
}

}  // namespace

std::optional<qint64> CatalogDb::addImage(const ImageRecord& record, QString* error) {
    auto ids = addImages({record}, error);
    if (!ids)
        return std::nullopt;
    return ids->value(0);
}

std::optional<QList<qint64>> CatalogDb::addImages(const QList<ImageRecord>& records,
                                                  QString* error) {
    for (const ImageRecord& r : records) {
        if (r.path.isEmpty()) {
            setError(error, trCatalog("An image without a file path cannot be added."));
            return std::nullopt;
        }
    }
    QList<qint64> ids;
    const bool ok = d_->write(error, [&] {
        QSqlQuery find(d_->db), insert(d_->db), update(d_->db);
        if (!find.prepare(QStringLiteral(
                "SELECT id, path, content_hash, width, height, sku_group, added_at FROM images "
                "WHERE path = ?")) ||
            !insert.prepare(QStringLiteral(
                "INSERT INTO images (path, file_name, content_hash, width, height, sku_group, "
                "added_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) ||
            !update.prepare(QStringLiteral(
                "UPDATE images SET content_hash = ?, width = ?, height = ? WHERE id = ?"))) {
            setError(error, d_->describe(find.lastError().isValid() ? find.lastError()
                                                                    : insert.lastError()));
            return false;
        }
        for (const ImageRecord& r : records) {
            const QString stored = d_->toStored(r.path);
            if (!d_->runPrepared(find, {stored}, error))
                return false;
            if (find.next()) {
                const ImageRecord old = readImage(find);
                find.finish();
                ids << old.id;
                if (old.contentHash == r.contentHash && old.width == r.width &&
                    old.height == r.height)
                    continue;
                if (!d_->runPrepared(update, {r.contentHash, r.width, r.height, old.id}, error))
                    return false;
                ImageRecord now = old;
                now.contentHash = r.contentHash;
                now.width = r.width;
                now.height = r.height;
                if (!d_->audit(QStringLiteral("system"), QStringLiteral("update_image"),
                               QStringLiteral("image"), old.id, imageJson(old), imageJson(now),
                               error))
                    return false;
                continue;
            }
            find.finish();
            const QString added =
                r.addedAt.isValid() ? r.addedAt.toUTC().toString(Qt::ISODateWithMs) : nowText();
            if (!d_->runPrepared(
                    insert,
                    {stored, baseName(stored), r.contentHash, r.width, r.height, r.skuGroup, added},
                    error))
                return false;
            const std::optional<qint64> inserted = d_->lastInsertId(insert, error);
            if (!inserted)
                return false;
            const qint64 id = *inserted;
            ids << id;
            if (!d_->audit(QStringLiteral("system"), QStringLiteral("add_image"),
                           QStringLiteral("image"), id, {}, imageJson(r), error))
                return false;
        }
        return true;
    });
    if (!ok)
        return std::nullopt;
    return ids;
}

std::optional<ImageRecord> CatalogDb::imageById(qint64 id, QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(
            q,
            QStringLiteral("SELECT %1 FROM images WHERE id = ?").arg(QLatin1String(kImageColumns)),
            {id}, error) ||
        !q.next())
        return std::nullopt;
    return d_->image(q);
}

std::optional<ImageRecord> CatalogDb::imageByPath(const QString& path, QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT %1 FROM images WHERE path = ?")
                     .arg(QLatin1String(kImageColumns)),
                 {d_->toStored(path)}, error) ||
        !q.next())
        return std::nullopt;
    return d_->image(q);
}

bool CatalogDb::setSkuGroup(const QList<qint64>& imageIds, const QString& group, const QString& who,
                            QString* error) {
    const QString newGroup = group.trimmed();
    return d_->write(error, [&] {
        for (qint64 id : imageIds) {
            QString oldGroup;
            const auto oldOwner = d_->ownerOfImage(id, &oldGroup, error);
            if (!oldOwner)
                return false;
            if (oldGroup == newGroup)
                continue;
            const QString newOwner = ownerKey(id, newGroup);
            // The image's own tags follow it; a group's tags stay with the views still in the
            // group, or follow the last view out.
            bool moveTags = oldGroup.isEmpty();
            if (!moveTags) {
                QSqlQuery q(d_->db);
                if (!d_->run(q,
                             QStringLiteral("SELECT count(*) FROM images WHERE sku_group = ? AND "
                                            "id <> ?"),
                             {oldGroup, id}, error) ||
                    !q.next())
                    return false;
                moveTags = q.value(0).toLongLong() == 0;
            }
            int moved = 0;
            if (moveTags) {
                QSqlQuery q(d_->db);
                if (!d_->run(q,
                             QStringLiteral("UPDATE tags SET owner = ?, sku_group = ? WHERE "
                                            "owner = ?"),
                             {newOwner, newGroup, *oldOwner}, error))
                    return false;
                moved = q.numRowsAffected();
            }
            if (!d_->exec(QStringLiteral("UPDATE images SET sku_group = ? WHERE id = ?"),
                          {newGroup, id}, error))
                return false;
            if (!d_->audit(who, QStringLiteral("set_sku_group"), QStringLiteral("image"), id,
                           {{QStringLiteral("sku_group"), oldGroup}},
                           {{QStringLiteral("sku_group"), newGroup},
                            {QStringLiteral("moved_tags"), moved}},
                           error))
                return false;
        }
        return true;
    });
}

std::optional<QList<ImageRecord>> CatalogDb::listImages(const ImageFilter& filter,
                                                        QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    Where w = buildWhere(*d_, filter);
    QString sql = QStringLiteral("SELECT %1 FROM images i%2%3 LIMIT ? OFFSET ?")
                      .arg(QLatin1String(kImageColumns), w.sql(),
                           orderBy(*d_, filter.sort, filter.calibration));
    w.binds << d_->limit(filter.limit) << filter.offset;
    QSqlQuery q(d_->db);
    q.setForwardOnly(true);
    if (!d_->run(q, sql, w.binds, error))
        return std::nullopt;
    QList<ImageRecord> out;
    while (q.next())
        out << d_->image(q);
    return out;
}

std::optional<qint64> CatalogDb::countImages(const ImageFilter& filter, QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    const Where w = buildWhere(*d_, filter);
    QSqlQuery q(d_->db);
    if (!d_->run(q, QStringLiteral("SELECT count(*) FROM images i") + w.sql(), w.binds, error) ||
        !q.next())
        return std::nullopt;
    return q.value(0).toLongLong();
}

std::optional<ReviewState> CatalogDb::reviewState(qint64 imageId, QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    const auto owner = d_->ownerOfImage(imageId, nullptr, error);
    if (!owner)
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral(
                     "SELECT count(*), coalesce(sum(CASE WHEN status = 'suggested' THEN 1 ELSE 0 "
                     "END), 0) FROM "
                     "tags WHERE owner = ?"),
                 {*owner}, error) ||
        !q.next())
        return std::nullopt;
    if (q.value(0).toLongLong() == 0)
        return ReviewState::New;
    return q.value(1).toLongLong() > 0 ? ReviewState::Suggested : ReviewState::Reviewed;
}

}  // namespace vistag::catalog

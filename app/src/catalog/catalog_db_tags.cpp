// CatalogDb: tag suggestions and the review decisions on them, each audited in the same
// transaction.
#include <QJsonArray>
#include <QSqlQuery>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {
namespace {

QString groupOfOwner(const QString& owner) {
    return owner.startsWith(QLatin1String("g:")) ? owner.mid(2) : QString();
}

QString personSource(const QString& who) {
    return QStringLiteral("person:") + who;
}

bool checkValue(const QString& attribute, const QString& valueCode, QString* error) {
    if (!attribute.trimmed().isEmpty() && !valueCode.trimmed().isEmpty())
        return true;
    setError(error, trCatalog("A tag needs an attribute and a value."));
    return false;
}

// The id of the tag with this value that the owner already has (any status), or 0.
std::optional<qint64> sameValue(const CatalogDb::Impl& d, const QString& owner,
                                const QString& attribute, const QString& valueCode,
                                QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("SELECT id FROM tags WHERE owner = ? AND attribute = ? AND "
                              "value_code = ? ORDER BY id LIMIT 1"),
               {owner, attribute, valueCode}, error))
        return std::nullopt;
    return q.next() ? q.value(0).toLongLong() : 0;
}

std::optional<QString> ownerOfTag(const CatalogDb::Impl& d, qint64 tagId, QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q, QStringLiteral("SELECT owner FROM tags WHERE id = ?"), {tagId}, error))
        return std::nullopt;
    if (!q.next()) {
        setError(error, trCatalog("This tag no longer exists."));
        return std::nullopt;
    }
    return q.value(0).toString();
}

// Inserts t for `owner`; returns the new id.
std::optional<qint64> insertTag(const CatalogDb::Impl& d, const QString& owner, const TagRecord& t,
                                QString* error) {
    QSqlQuery q(d.db);
    const QVariant decidedAt = t.decidedAt.isValid()
                                   ? QVariant(t.decidedAt.toUTC().toString(Qt::ISODateWithMs))
                                   : QVariant();
    if (!d.run(
            q,
            QStringLiteral("INSERT INTO tags (image_id, owner, sku_group, attribute, value_code, "
                           "is_new_value, source, confidence, status, decided_by, decided_at, "
                           "run_id, created_at, allowed_mass) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                           "?, ?, ?, ?, ?)"),
            {t.imageId, owner, groupOfOwner(owner), t.attribute, t.valueCode, t.isNewValue ? 1 : 0,
             t.source, t.confidence, tagStatusName(t.status), t.decidedBy, decidedAt,
             t.runId != 0 ? QVariant(t.runId) : QVariant(), nowText(), t.allowedMass},
            error))
        return std::nullopt;
    return d.lastInsertId(q, error);
}

// Adds suggestions (inside a write transaction), skipping values the owner already has.
// `added` receives the audit JSON of the inserted ones.
std::optional<QList<qint64>> insertSuggestions(const CatalogDb::Impl& d, qint64 imageId,
                                               const QString& owner, qint64 runId,
                                               const QList<TagSuggestion>& suggestions,
                                               const QString& source, QJsonArray* added,
                                               QString* error) {
    QList<qint64> ids;
    for (const TagSuggestion& s : suggestions) {
        const auto existing = sameValue(d, owner, s.attribute, s.valueCode, error);
        if (!existing)
            return std::nullopt;
        if (*existing != 0) {
            ids << *existing;
            continue;
        }
        TagRecord t;
        t.imageId = imageId;
        t.attribute = s.attribute;
        t.valueCode = s.valueCode;
        t.isNewValue = s.isNewValue;
        t.source = source;
        t.confidence = s.confidence;
        t.allowedMass = s.allowedMass;
        t.runId = runId;
        const auto id = insertTag(d, owner, t, error);
        if (!id)
            return std::nullopt;
        t.id = *id;
        t.skuGroup = groupOfOwner(owner);
        ids << *id;
        added->append(tagJson(t));
    }
    return ids;
}

// *edit = what changed in these owners' rows since `before` (inside the same transaction).
bool recordEdit(const CatalogDb::Impl& d, const QMap<qint64, TagRow>& before,
                const QStringList& owners, TagEdit* edit, QString* error) {
    const auto now = d.rowsOf(owners, error);
    if (!now)
        return false;
    auto e = d.diff(before, *now, error);
    if (!e)
        return false;
    *edit = std::move(*e);
    return true;
}

bool setStatus(const CatalogDb::Impl& d, qint64 tagId, TagStatus status, const QString& who,
               QString* error) {
    if (status == TagStatus::Suggested)  // reopened: undecided again
        return d.exec(QStringLiteral("UPDATE tags SET status = ?, decided_by = '', "
                                     "decided_at = NULL, version = version + 1 WHERE id = ?"),
                      {tagStatusName(status), tagId}, error);
    return d.exec(QStringLiteral("UPDATE tags SET status = ?, decided_by = ?, decided_at = ?, "
                                 "version = version + 1 WHERE id = ?"),
                  {tagStatusName(status), who, nowText(), tagId}, error);
}

}  // namespace

std::optional<QList<qint64>> CatalogDb::addSuggestions(qint64 imageId, qint64 runId,
                                                       const QList<TagSuggestion>& suggestions,
                                                       const QString& source, QString* error) {
    for (const TagSuggestion& s : suggestions)
        if (!checkValue(s.attribute, s.valueCode, error))
            return std::nullopt;
    std::optional<QList<qint64>> ids;
    const bool ok = d_->write(error, [&] {
        const auto owner = d_->ownerOfImage(imageId, nullptr, error);
        if (!owner)
            return false;
        QJsonArray added;
        ids = insertSuggestions(*d_, imageId, *owner, runId, suggestions, source, &added, error);
        if (!ids)
            return false;
        if (added.isEmpty())
            return true;
        return d_->audit(source, QStringLiteral("suggest"), QStringLiteral("image"), imageId, {},
                         {{QStringLiteral("tags"), added}}, error);
    });
    if (!ok)
        return std::nullopt;
    return ids;
}

std::optional<QList<qint64>> CatalogDb::replaceModelSuggestions(
    qint64 imageId, qint64 runId, const QList<TagSuggestion>& suggestions, const QString& source,
    QString* error) {
    for (const TagSuggestion& s : suggestions)
        if (!checkValue(s.attribute, s.valueCode, error))
            return std::nullopt;
    std::optional<QList<qint64>> ids;
    const bool ok = d_->write(error, [&] {
        const auto owner = d_->ownerOfImage(imageId, nullptr, error);
        if (!owner)
            return false;
        const QString where = QStringLiteral(
            "FROM tags WHERE owner = ? AND image_id = ? AND status = 'suggested' AND source "
            "LIKE 'model:%'");
        QJsonArray removed;
        {
            QSqlQuery q(d_->db);
            if (!d_->run(q, QStringLiteral("SELECT %1 ").arg(QLatin1String(kTagColumns)) + where,
                         {*owner, imageId}, error))
                return false;
            while (q.next())
                removed.append(tagJson(readTag(q)));
        }
        if (!d_->exec(QStringLiteral("DELETE ") + where, {*owner, imageId}, error))
            return false;
        QJsonArray added;
        ids = insertSuggestions(*d_, imageId, *owner, runId, suggestions, source, &added, error);
        if (!ids)
            return false;
        return d_->audit(source, QStringLiteral("replace_suggestions"), QStringLiteral("image"),
                         imageId, {{QStringLiteral("tags"), removed}},
                         {{QStringLiteral("tags"), added}}, error);
    });
    if (!ok)
        return std::nullopt;
    return ids;
}

namespace {

bool decide(CatalogDb::Impl& d, qint64 tagId, TagStatus status, const QString& who,
            int shownVersion, QString* error) {
    return d.write(error, [&] {
        QString lookupError;
        const auto old = d.tag(tagId, &lookupError);
        if (!old) {
            setError(error,
                     lookupError.isEmpty() ? trCatalog("This tag no longer exists.") : lookupError);
            return false;
        }
        if (old->status == status)  // already so, whoever decided it: nothing is lost
            return true;
        if (!d.currentTag(tagId, shownVersion, error))
            return false;
        if (!setStatus(d, tagId, status, who, error))
            return false;
        TagRecord now = *old;
        now.status = status;
        now.decidedBy = who;
        if (status == TagStatus::Suggested)
            now.decidedBy.clear();
        return d.audit(who,
                       status == TagStatus::Accepted   ? QStringLiteral("accept")
                       : status == TagStatus::Rejected ? QStringLiteral("reject")
                                                       : QStringLiteral("reopen"),
                       QStringLiteral("tag"), tagId, tagJson(*old), tagJson(now), error);
    });
}

}  // namespace

bool CatalogDb::acceptTag(qint64 tagId, const QString& who, QString* error, int shownVersion) {
    return decide(*d_, tagId, TagStatus::Accepted, who, shownVersion, error);
}

bool CatalogDb::rejectTag(qint64 tagId, const QString& who, QString* error, int shownVersion) {
    return decide(*d_, tagId, TagStatus::Rejected, who, shownVersion, error);
}

bool CatalogDb::reopenTag(qint64 tagId, const QString& who, QString* error, int shownVersion) {
    return decide(*d_, tagId, TagStatus::Suggested, who, shownVersion, error);
}

std::optional<qint64> CatalogDb::fixTag(qint64 tagId, const QString& newValueCode, bool isNewValue,
                                        const QString& who, QString* error, TagEdit* edit,
                                        int shownVersion) {
    qint64 acceptedId = 0;
    const bool ok = d_->write(error, [&] {
        if (!d_->currentTag(tagId, shownVersion, error))
            return false;
        const auto owner = ownerOfTag(*d_, tagId, error);
        if (!owner)
            return false;
        std::optional<QMap<qint64, TagRow>> snapshot;
        if (edit && !(snapshot = d_->rowsOf({*owner}, error)))
            return false;
        const auto old = d_->tag(tagId, error);
        if (!old || !checkValue(old->attribute, newValueCode, error))
            return false;
        QJsonObject after;
        TagRecord rejected = *old;
        if (old->valueCode != newValueCode && old->status != TagStatus::Rejected) {
            if (!setStatus(*d_, tagId, TagStatus::Rejected, who, error))
                return false;
            rejected.status = TagStatus::Rejected;
            rejected.decidedBy = who;
        }
        after.insert(QStringLiteral("rejected"), tagJson(rejected));
        const auto existing = sameValue(*d_, *owner, old->attribute, newValueCode, error);
        if (!existing)
            return false;
        TagRecord accepted;
        if (*existing != 0) {
            acceptedId = *existing;
            const auto t = d_->tag(acceptedId, error);
            if (!t)
                return false;
            accepted = *t;
            if (accepted.status != TagStatus::Accepted &&
                !setStatus(*d_, acceptedId, TagStatus::Accepted, who, error))
                return false;
        } else {
            accepted.imageId = old->imageId;
            accepted.attribute = old->attribute;
            accepted.valueCode = newValueCode;
            accepted.isNewValue = isNewValue;
            accepted.source = personSource(who);
            accepted.decidedAt = QDateTime::currentDateTimeUtc();
            const auto id = insertTag(
                *d_, *owner,
                [&] {
                    TagRecord t = accepted;
                    t.status = TagStatus::Accepted;
                    t.decidedBy = who;
                    return t;
                }(),
                error);
            if (!id)
                return false;
            acceptedId = *id;
            accepted.id = *id;
            accepted.skuGroup = groupOfOwner(*owner);
        }
        accepted.status = TagStatus::Accepted;
        accepted.decidedBy = who;
        after.insert(QStringLiteral("accepted"), tagJson(accepted));
        if (!d_->audit(who, QStringLiteral("fix"), QStringLiteral("tag"), tagId, tagJson(*old),
                       after, error))
            return false;
        return !edit || recordEdit(*d_, *snapshot, {*owner}, edit, error);
    });
    if (!ok)
        return std::nullopt;
    return acceptedId;
}

std::optional<qint64> CatalogDb::addTag(qint64 imageId, const QString& attribute,
                                        const QString& valueCode, bool isNewValue,
                                        const QString& who, QString* error) {
    if (!checkValue(attribute, valueCode, error))
        return std::nullopt;
    qint64 id = 0;
    const bool ok = d_->write(error, [&] {
        const auto owner = d_->ownerOfImage(imageId, nullptr, error);
        if (!owner)
            return false;
        const auto existing = sameValue(*d_, *owner, attribute, valueCode, error);
        if (!existing)
            return false;
        QJsonObject before;
        TagRecord t;
        if (*existing != 0) {
            id = *existing;
            const auto old = d_->tag(id, error);
            if (!old)
                return false;
            if (old->status == TagStatus::Accepted)
                return true;
            before = tagJson(*old);
            if (!setStatus(*d_, id, TagStatus::Accepted, who, error))
                return false;
            t = *old;
        } else {
            t.imageId = imageId;
            t.attribute = attribute;
            t.valueCode = valueCode;
            t.isNewValue = isNewValue;
            t.source = personSource(who);
            t.status = TagStatus::Accepted;
            t.decidedBy = who;
            t.decidedAt = QDateTime::currentDateTimeUtc();
            const auto newId = insertTag(*d_, *owner, t, error);
            if (!newId)
                return false;
            id = *newId;
            t.id = id;
            t.skuGroup = groupOfOwner(*owner);
        }
        t.status = TagStatus::Accepted;
        t.decidedBy = who;
        return d_->audit(who, QStringLiteral("add"), QStringLiteral("tag"), id, before, tagJson(t),
                         error);
    });
    if (!ok)
        return std::nullopt;
    return id;
}

bool CatalogDb::removeTag(qint64 tagId, const QString& who, QString* error, TagEdit* edit,
                          int shownVersion) {
    return d_->write(error, [&] {
        QString lookupError;
        const auto old = d_->tag(tagId, &lookupError);
        if (!old) {
            setError(error,
                     lookupError.isEmpty() ? trCatalog("This tag no longer exists.") : lookupError);
            return false;
        }
        if (!d_->currentTag(tagId, shownVersion, error))
            return false;
        std::optional<QString> owner;
        std::optional<QMap<qint64, TagRow>> snapshot;
        if (edit &&
            (!(owner = ownerOfTag(*d_, tagId, error)) || !(snapshot = d_->rowsOf({*owner}, error))))
            return false;
        return d_->exec(QStringLiteral("DELETE FROM tags WHERE id = ?"), {tagId}, error) &&
               d_->audit(who, QStringLiteral("remove"), QStringLiteral("tag"), tagId, tagJson(*old),
                         {}, error) &&
               (!edit || recordEdit(*d_, *snapshot, {*owner}, edit, error));
    });
}

std::optional<TagRecord> CatalogDb::tagById(qint64 tagId, QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    return d_->tag(tagId, error);
}

std::optional<QList<TagRecord>> CatalogDb::tagsForImage(qint64 imageId, QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    const auto owner = d_->ownerOfImage(imageId, nullptr, error);
    if (!owner)
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT %1 FROM tags WHERE owner = ? ORDER BY attribute, id")
                     .arg(QLatin1String(kTagColumns)),
                 {*owner}, error))
        return std::nullopt;
    QList<TagRecord> out;
    while (q.next())
        out << readTag(q);
    return out;
}

std::optional<bool> CatalogDb::hasTags(qint64 imageId, QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    const auto owner = d_->ownerOfImage(imageId, nullptr, error);
    if (!owner)
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q, QStringLiteral("SELECT EXISTS (SELECT 1 FROM tags WHERE owner = ?)"), {*owner},
                 error) ||
        !q.next())
        return std::nullopt;
    return q.value(0).toBool();
}

}  // namespace vistag::catalog

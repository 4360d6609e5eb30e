// CatalogDb: edits of many tags at once — bulk add / remove, find and replace, pick — and the
// exact undo and redo of any recorded edit. Each edit snapshots the rows of the tag sets it
// touches before and after, inside its own transaction, so that the TagEdit it returns is exactly
// what changed.
#include <QJsonArray>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {
namespace {

using Scope = std::optional<QList<qint64>>;

QString personSource(const QString& who) {
    return QStringLiteral("person:") + who;
}

QString groupOfOwner(const QString& owner) {
    return owner.startsWith(QLatin1String("g:")) ? owner.mid(2) : QString();
}

QVariant timeText(const QDateTime& t) {
    return t.isValid() ? QVariant(t.toUTC().toString(Qt::ISODateWithMs)) : QVariant();
}

bool sameRow(const TagRow& a, const TagRow& b) {
    const TagRecord& x = a.tag;
    const TagRecord& y = b.tag;
    return a.owner == b.owner && x.id == y.id && x.imageId == y.imageId &&
           x.skuGroup == y.skuGroup && x.attribute == y.attribute && x.valueCode == y.valueCode &&
           x.isNewValue == y.isNewValue && x.source == y.source && x.confidence == y.confidence &&
           x.allowedMass == y.allowedMass && x.status == y.status && x.decidedBy == y.decidedBy &&
           x.decidedAt == y.decidedAt && x.runId == y.runId && x.createdAt == y.createdAt;
}

QJsonArray rowsJson(const QList<TagRow>& rows) {
    QJsonArray a;
    for (const TagRow& r : rows)
        a.append(tagJson(r.tag));
    return a;
}

// Inserts a row with its own id and every column as recorded.
bool insertRow(const CatalogDb::Impl& d, const TagRow& r, QString* error) {
    const TagRecord& t = r.tag;
    return d.exec(
        QStringLiteral(
            "INSERT INTO tags (id, image_id, owner, sku_group, attribute, value_code, "
            "is_new_value, source, confidence, status, decided_by, decided_at, run_id, "
            "created_at, allowed_mass, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?, ?, ?, ?, ?)"),
        {t.id, t.imageId, r.owner, t.skuGroup, t.attribute, t.valueCode, t.isNewValue ? 1 : 0,
         t.source, t.confidence, tagStatusName(t.status), t.decidedBy, timeText(t.decidedAt),
         t.runId != 0 ? QVariant(t.runId) : QVariant(), timeText(t.createdAt), t.allowedMass,
         t.version},
        error);
}

// The tag sets (owner keys) of the scope's images, each once, with the first image of the scope
// that shows it (the view a new tag is made on). nullopt scope: every image.
std::optional<QList<QPair<QString, qint64>>> ownersOfScope(const CatalogDb::Impl& d,
                                                           const Scope& scope, QString* error) {
    QList<QPair<QString, qint64>> out;
    QSet<QString> seen;
    if (scope) {
        for (qint64 id : *scope) {
            const auto owner = d.ownerOfImage(id, nullptr, error);
            if (!owner)
                return std::nullopt;
            if (!seen.contains(*owner)) {
                seen.insert(*owner);
                out.append({*owner, id});
            }
        }
        return out;
    }
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("SELECT %1, min(i.id) FROM images i GROUP BY 1 ORDER BY 2")
                   .arg(QLatin1String(kImageOwnerSql)),
               {}, error))
        return std::nullopt;
    while (q.next())
        out.append({q.value(0).toString(), q.value(1).toLongLong()});
    return out;
}

// Ids and owners of the scope's suggested or accepted tags with this value.
std::optional<QList<QPair<qint64, QString>>> liveTagsWithValue(const CatalogDb::Impl& d,
                                                               const Scope& scope,
                                                               const QString& attribute,
                                                               const QString& valueCode,
                                                               QString* error) {
    QList<QPair<qint64, QString>> out;
    const QString sql = QStringLiteral(
        "SELECT id, owner FROM tags WHERE attribute = ? AND value_code = ? AND status <> "
        "'rejected'");
    QSqlQuery q(d.db);
    if (!scope) {
        if (!d.run(q, sql + QStringLiteral(" ORDER BY id"), {attribute, valueCode}, error))
            return std::nullopt;
        while (q.next())
            out.append({q.value(0).toLongLong(), q.value(1).toString()});
        return out;
    }
    const auto owners = ownersOfScope(d, scope, error);
    if (!owners)
        return std::nullopt;
    if (!q.prepare(sql + QStringLiteral(" AND owner = ? ORDER BY id"))) {
        setError(error, d.describe(q.lastError()));
        return std::nullopt;
    }
    for (const auto& [owner, image] : *owners) {
        Q_UNUSED(image);
        if (!d.runPrepared(q, {attribute, valueCode, owner}, error))
            return std::nullopt;
        while (q.next())
            out.append({q.value(0).toLongLong(), q.value(1).toString()});
    }
    return out;
}

// The first tag of the owner with this value (any status): id and status; id 0 when none.
std::optional<QPair<qint64, TagStatus>> findValue(const CatalogDb::Impl& d, const QString& owner,
                                                  const QString& attribute,
                                                  const QString& valueCode, QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("SELECT id, status FROM tags WHERE owner = ? AND attribute = ? AND "
                              "value_code = ? ORDER BY id LIMIT 1"),
               {owner, attribute, valueCode}, error))
        return std::nullopt;
    if (!q.next())
        return QPair<qint64, TagStatus>{0, TagStatus::Suggested};
    return QPair<qint64, TagStatus>{
        q.value(0).toLongLong(),
        tagStatusFromName(q.value(1).toString()).value_or(TagStatus::Suggested)};
}

bool decideRow(const CatalogDb::Impl& d, qint64 id, TagStatus status, const QString& who,
               QString* error) {
    return d.exec(QStringLiteral("UPDATE tags SET status = ?, decided_by = ?, decided_at = ?, "
                                 "version = version + 1 WHERE id = ?"),
                  {tagStatusName(status), who, nowText(), id}, error);
}

// The owner has the value accepted afterwards: an existing tag with it is accepted, otherwise a
// person's tag is made on `imageId`.
bool ensureAccepted(const CatalogDb::Impl& d, const QString& owner, qint64 imageId,
                    const QString& attribute, const QString& valueCode, bool isNewValue,
                    const QString& who, QString* error) {
    const auto existing = findValue(d, owner, attribute, valueCode, error);
    if (!existing)
        return false;
    if (existing->first != 0)
        return existing->second == TagStatus::Accepted ||
               decideRow(d, existing->first, TagStatus::Accepted, who, error);
    const QString now = nowText();
    return d.exec(
        QStringLiteral("INSERT INTO tags (image_id, owner, sku_group, attribute, value_code, "
                       "is_new_value, source, confidence, status, decided_by, decided_at, "
                       "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, -1, 'accepted', ?, ?, ?)"),
        {imageId, owner, groupOfOwner(owner), attribute, valueCode, isNewValue ? 1 : 0,
         personSource(who), who, now, now},
        error);
}

bool checkValue(const QString& attribute, const QString& valueCode, QString* error) {
    if (!attribute.trimmed().isEmpty() && !valueCode.trimmed().isEmpty())
        return true;
    setError(error, trCatalog("A tag needs an attribute and a value."));
    return false;
}

}  // namespace

// ---- snapshots ------------------------------------------------------------------------------

std::optional<QMap<qint64, TagRow>> CatalogDb::Impl::rowsOf(const QStringList& owners,
                                                            QString* error) const {
    QMap<qint64, TagRow> out;
    QSqlQuery q(db);
    if (!q.prepare(QStringLiteral("SELECT owner, %1 FROM tags WHERE owner = ?")
                       .arg(QLatin1String(kTagColumns)))) {
        setError(error, describe(q.lastError()));
        return std::nullopt;
    }
    for (const QString& owner : owners) {
        if (!runPrepared(q, {owner}, error))
            return std::nullopt;
        while (q.next()) {
            TagRow r{readTag(q, 1), q.value(0).toString()};
            out.insert(r.tag.id, r);
        }
    }
    return out;
}

std::optional<TagEdit> CatalogDb::Impl::diff(const QMap<qint64, TagRow>& before,
                                             const QMap<qint64, TagRow>& after,
                                             QString* error) const {
    TagEdit e;
    QSet<QString> owners;
    for (auto it = before.cbegin(); it != before.cend(); ++it) {
        const auto now = after.constFind(it.key());
        if (now == after.cend() || !sameRow(*it, *now)) {
            e.before.append(*it);
            owners.insert(it->owner);
        }
    }
    for (auto it = after.cbegin(); it != after.cend(); ++it) {
        const auto was = before.constFind(it.key());
        if (was == before.cend() || !sameRow(*was, *it)) {
            e.after.append(*it);
            owners.insert(it->owner);
        }
    }
    e.tagSets = static_cast<int>(owners.size());
    QSqlQuery group(db), single(db);
    if (!group.prepare(QStringLiteral("SELECT count(*) FROM images WHERE sku_group = ?")) ||
        !single.prepare(QStringLiteral("SELECT count(*) FROM images WHERE id = ? AND sku_group = "
                                       "''"))) {
        setError(error, describe(group.lastError()));
        return std::nullopt;
    }
    for (const QString& owner : owners) {
        QSqlQuery& q = owner.startsWith(QLatin1String("g:")) ? group : single;
        if (!runPrepared(
                q,
                {owner.startsWith(QLatin1String("g:")) ? QVariant(owner.mid(2))
                                                       : QVariant(owner.mid(2).toLongLong())},
                error) ||
            !q.next())
            return std::nullopt;
        e.images += q.value(0).toInt();
        q.finish();
    }
    return e;
}

// ---- edits of many tags -----------------------------------------------------------------------

namespace {

// Runs `change` between two snapshots of `owners`, fills *edit and writes one audit row with the
// rows before and after plus `details`.
template <class Change>
bool auditedEdit(CatalogDb::Impl& d, const QStringList& owners, const QString& who,
                 const QString& action, const QJsonObject& details, TagEdit* edit, QString* error,
                 Change&& change) {
    const auto before = d.rowsOf(owners, error);
    if (!before || !change())
        return false;
    const auto after = d.rowsOf(owners, error);
    if (!after)
        return false;
    auto e = d.diff(*before, *after, error);
    if (!e)
        return false;
    *edit = std::move(*e);
    if (edit->isEmpty())
        return true;  // nothing to record
    QJsonObject b = details, a = details;
    b.insert(QStringLiteral("tags"), rowsJson(edit->before));
    a.insert(QStringLiteral("tags"), rowsJson(edit->after));
    a.insert(QStringLiteral("images"), edit->images);
    return d.audit(who, action, QStringLiteral("tags"), 0, b, a, error);
}

QJsonObject details(const Scope& scope, const QString& attribute) {
    return {{QStringLiteral("scope"), scope ? QStringLiteral("selection") : QStringLiteral("all")},
            {QStringLiteral("attribute"), attribute}};
}

QStringList keys(const QList<QPair<QString, qint64>>& owners) {
    QStringList out;
    for (const auto& o : owners)
        out << o.first;
    return out;
}

}  // namespace

std::optional<TagEdit> CatalogDb::bulkAddTag(const Scope& scope, const QString& attribute,
                                             const QString& valueCode, bool isNewValue,
                                             const QString& who, QString* error, bool dry) {
    if (!checkValue(attribute, valueCode, error))
        return std::nullopt;
    TagEdit edit;
    const bool ok = d_->writeOrDryRun(dry, error, [&] {
        const auto owners = ownersOfScope(*d_, scope, error);
        if (!owners)
            return false;
        QJsonObject info = details(scope, attribute);
        info.insert(QStringLiteral("value"), valueCode);
        return auditedEdit(*d_, keys(*owners), who, QStringLiteral("bulk_add"), info, &edit, error,
                           [&] {
                               for (const auto& [owner, image] : *owners)
                                   if (!ensureAccepted(*d_, owner, image, attribute, valueCode,
                                                       isNewValue, who, error))
                                       return false;
                               return true;
                           });
    });
    if (!ok)
        return std::nullopt;
    return edit;
}

std::optional<TagEdit> CatalogDb::bulkRemoveTag(const Scope& scope, const QString& attribute,
                                                const QString& valueCode, const QString& who,
                                                QString* error, bool dry) {
    if (!checkValue(attribute, valueCode, error))
        return std::nullopt;
    TagEdit edit;
    const bool ok = d_->writeOrDryRun(dry, error, [&] {
        const auto tags = liveTagsWithValue(*d_, scope, attribute, valueCode, error);
        if (!tags)
            return false;
        QStringList owners;
        for (const auto& t : *tags)
            if (!owners.contains(t.second))
                owners << t.second;
        QJsonObject info = details(scope, attribute);
        info.insert(QStringLiteral("value"), valueCode);
        return auditedEdit(*d_, owners, who, QStringLiteral("bulk_remove"), info, &edit, error,
                           [&] {
                               for (const auto& t : *tags)
                                   if (!d_->exec(QStringLiteral("DELETE FROM tags WHERE id = ?"),
                                                 {t.first}, error))
                                       return false;
                               return true;
                           });
    });
    if (!ok)
        return std::nullopt;
    return edit;
}

std::optional<TagEdit> CatalogDb::replaceTagValue(const Scope& scope, const QString& attribute,
                                                  const QString& fromValue, const QString& toValue,
                                                  bool toIsNewValue, const QString& who,
                                                  QString* error, bool dry) {
    if (!checkValue(attribute, fromValue, error) || !checkValue(attribute, toValue, error))
        return std::nullopt;
    if (fromValue == toValue) {
        setError(error, trCatalog("The new value is the same as the old one."));
        return std::nullopt;
    }
    TagEdit edit;
    const bool ok = d_->writeOrDryRun(dry, error, [&] {
        const auto tags = liveTagsWithValue(*d_, scope, attribute, fromValue, error);
        if (!tags)
            return false;
        QStringList owners;
        for (const auto& t : *tags)
            if (!owners.contains(t.second))
                owners << t.second;
        QJsonObject info = details(scope, attribute);
        info.insert(QStringLiteral("from"), fromValue);
        info.insert(QStringLiteral("to"), toValue);
        return auditedEdit(
            *d_, owners, who, QStringLiteral("replace_value"), info, &edit, error, [&] {
                for (const auto& [id, owner] : *tags) {
                    const auto old = d_->tag(id, error);
                    if (!old || !decideRow(*d_, id, TagStatus::Rejected, who, error) ||
                        !ensureAccepted(*d_, owner, old->imageId, attribute, toValue, toIsNewValue,
                                        who, error))
                        return false;
                }
                return true;
            });
    });
    if (!ok)
        return std::nullopt;
    return edit;
}

std::optional<TagEdit> CatalogDb::pickTagValue(qint64 imageId, const QString& attribute,
                                               const QString& valueCode, bool isNewValue,
                                               bool exclusive, const QString& who, QString* error) {
    if (!checkValue(attribute, valueCode, error))
        return std::nullopt;
    TagEdit edit;
    const bool ok = d_->write(error, [&] {
        const auto owner = d_->ownerOfImage(imageId, nullptr, error);
        if (!owner)
            return false;
        QJsonObject info{{QStringLiteral("attribute"), attribute},
                         {QStringLiteral("value"), valueCode},
                         {QStringLiteral("exclusive"), exclusive}};
        return auditedEdit(*d_, {*owner}, who, QStringLiteral("pick"), info, &edit, error, [&] {
            if (!ensureAccepted(*d_, *owner, imageId, attribute, valueCode, isNewValue, who, error))
                return false;
            if (!exclusive)
                return true;
            QSqlQuery q(d_->db);
            if (!d_->run(q,
                         QStringLiteral("SELECT id FROM tags WHERE owner = ? AND attribute = ? AND "
                                        "value_code <> ? AND status <> 'rejected'"),
                         {*owner, attribute, valueCode}, error))
                return false;
            QList<qint64> others;
            while (q.next())
                others << q.value(0).toLongLong();
            for (qint64 id : others)
                if (!decideRow(*d_, id, TagStatus::Rejected, who, error))
                    return false;
            return true;
        });
    });
    if (!ok)
        return std::nullopt;
    return edit;
}

// ---- undo and redo ----------------------------------------------------------------------------

namespace {

// Replaces the rows `current` (which must be there exactly as listed) with `wanted`.
bool swapRows(CatalogDb::Impl& d, const QList<TagRow>& current, const QList<TagRow>& wanted,
              const QString& who, const QString& action, QString* error) {
    return d.write(error, [&] {
        QSet<qint64> currentIds;
        for (const TagRow& r : current) {
            currentIds.insert(r.tag.id);
            const auto now = d.rowsOf({r.owner}, error);
            if (!now)
                return false;
            const auto it = now->constFind(r.tag.id);
            if (it == now->cend() || !sameRow(*it, r)) {
                setError(error, trCatalog("These tags were changed since (perhaps by someone "
                                          "else), so the change cannot be taken back or done "
                                          "again."));
                return false;
            }
        }
        for (const TagRow& r : wanted) {
            if (currentIds.contains(r.tag.id))
                continue;
            QString lookupError;
            if (d.tag(r.tag.id, &lookupError) || !lookupError.isEmpty()) {
                setError(error, lookupError.isEmpty()
                                    ? trCatalog("These tags were changed since (perhaps by "
                                                "someone else), so the change cannot be taken "
                                                "back or done again.")
                                    : lookupError);
                return false;
            }
        }
        for (const TagRow& r : current)
            if (!d.exec(QStringLiteral("DELETE FROM tags WHERE id = ?"), {r.tag.id}, error))
                return false;
        for (const TagRow& r : wanted)
            if (!insertRow(d, r, error))
                return false;
        return d.audit(who, action, QStringLiteral("tags"), 0,
                       {{QStringLiteral("tags"), rowsJson(current)}},
                       {{QStringLiteral("tags"), rowsJson(wanted)}}, error);
    });
}

}  // namespace

bool CatalogDb::undoTagEdit(const TagEdit& edit, const QString& who, QString* error) {
    if (edit.isEmpty())
        return true;
    return swapRows(*d_, edit.after, edit.before, who, QStringLiteral("undo"), error);
}

bool CatalogDb::redoTagEdit(const TagEdit& edit, const QString& who, QString* error) {
    if (edit.isEmpty())
        return true;
    return swapRows(*d_, edit.before, edit.after, who, QStringLiteral("redo"), error);
}

}  // namespace vistag::catalog

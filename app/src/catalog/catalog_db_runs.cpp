// CatalogDb: inference runs and the result cache.
#include <QSqlQuery>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {

std::optional<qint64> CatalogDb::recordRun(const RunRecord& r, QString* error) {
    qint64 id = 0;
    const bool ok = d_->write(error, [&] {
        QString hash;
        if (r.imageId != 0) {
            QSqlQuery q(d_->db);
            if (!d_->run(q, QStringLiteral("SELECT content_hash FROM images WHERE id = ?"),
                         {r.imageId}, error))
                return false;
            if (!q.next()) {
                setError(
                    error,
                    trCatalog("The image is no longer in the catalogue (id %1).").arg(r.imageId));
                return false;
            }
            hash = q.value(0).toString();
        }
        const QString created =
            r.createdAt.isValid() ? r.createdAt.toUTC().toString(Qt::ISODateWithMs) : nowText();
        QSqlQuery q(d_->db);
        if (!d_->run(
                q,
                QStringLiteral("INSERT INTO runs (image_id, content_hash, backend, model_id, "
                               "prompt, params_json, answer, finish_reason, latency_ms, "
                               "created_at, tags_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
                {r.imageId != 0 ? QVariant(r.imageId) : QVariant(), hash, r.backend, r.modelId,
                 r.prompt, r.paramsJson, r.answer, r.finishReason, r.latencyMs, created,
                 r.tagsJson},
                error))
            return false;
        const std::optional<qint64> inserted = d_->lastInsertId(q, error);
        id = inserted.value_or(0);
        return inserted.has_value();
    });
    if (!ok)
        return std::nullopt;
    return id;
}

std::optional<RunRecord> CatalogDb::cachedRun(const QString& contentHash, const QString& prompt,
                                              const QString& modelId, const QString& paramsJson,
                                              QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error) || contentHash.isEmpty())
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT %1 FROM runs WHERE content_hash = ? AND model_id = ? AND "
                                "params_json = ? AND prompt = ? AND finish_reason IN ('stop', "
                                "'length') ORDER BY id DESC LIMIT 1")
                     .arg(QLatin1String(kRunColumns)),
                 {contentHash, modelId, paramsJson, prompt}, error) ||
        !q.next())
        return std::nullopt;
    return readRun(q);
}

std::optional<RunRecord> CatalogDb::runById(qint64 id, QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT %1 FROM runs WHERE id = ?").arg(QLatin1String(kRunColumns)),
                 {id}, error) ||
        !q.next())
        return std::nullopt;
    return readRun(q);
}

}  // namespace vistag::catalog

// CatalogDb: the persistent batch queue (auto-tagging many images; resumes after a crash).
#include <QCoreApplication>
#include <QDateTime>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QSysInfo>
#include <algorithm>
#include <cerrno>
#include <csignal>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {
namespace {

std::optional<BatchProgress> progressOf(const CatalogDb::Impl& d, qint64 batchId, QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("SELECT status, count(*) FROM batch_items WHERE batch_id = ? GROUP "
                              "BY status"),
               {batchId}, error))
        return std::nullopt;
    BatchProgress p;
    while (q.next()) {
        const std::optional<ItemState> s = itemStateFromName(q.value(0).toString());
        const int n = q.value(1).toInt();
        if (!s)
            continue;
        switch (*s) {
            case ItemState::Pending:
                p.pending = n;
                break;
            case ItemState::Running:
                p.running = n;
                break;
            case ItemState::Done:
                p.done = n;
                break;
            case ItemState::Skipped:
                p.skipped = n;
                break;
            case ItemState::Failed:
                p.failed = n;
                break;
            case ItemState::Cancelled:
                p.cancelled = n;
                break;
        }
    }
    return p;
}

// How long a worker may hold an item before others may take it over (a worker that hangs while
// still connected). The lease starts when the item is taken and one item's work is far shorter;
// a dead worker's items come back at once, without waiting for it (see reclaimItems).
constexpr qint64 kLeaseSeconds = 30 * 60;

QString leaseEnd() {
    return QDateTime::currentDateTimeUtc().addSecs(kLeaseSeconds).toString(Qt::ISODateWithMs);
}

// True when the process named by a SQLite worker id ("local:<host>:<pid>:<connection>") on this
// machine is gone. A worker on another machine (a catalogue file on a share) is judged by its
// lease only.
bool localWorkerGone(const QString& worker) {
    const QStringList parts = worker.split(QLatin1Char(':'));
    if (parts.size() != 4 || parts[0] != QLatin1String("local") ||
        parts[1] != QSysInfo::machineHostName())
        return false;
    bool ok = false;
    const qint64 pid = parts[2].toLongLong(&ok);
    if (!ok || pid <= 0)
        return true;
    if (pid == QCoreApplication::applicationPid())  // this process: is that connection open?
        return !isLocalWorkerLive(worker);
    return ::kill(static_cast<pid_t>(pid), 0) != 0 && errno == ESRCH;
}

// Puts "running" items of the batch back to pending: those of workers that are gone (their
// PostgreSQL session ended — the advisory lock of the worker id is no longer held — or their
// process exited), those whose lease ran out, those of no worker (a catalogue from before
// version 4), and with `mine` this connection's own.
bool reclaimItems(CatalogDb::Impl& d, qint64 batchId, bool mine, int* count, QString* error) {
    const QString now = nowText();
    if (d.pg()) {
        return d.write(
            error,
            [&] {
                QSqlQuery q(d.db);
                if (!d.run(q,
                           QStringLiteral(
                               "UPDATE batch_items bi SET status = 'pending', started_at = NULL, "
                               "worker = '', lease_until = NULL WHERE bi.batch_id = ? AND "
                               "bi.status = 'running' AND (bi.worker = ? AND ? OR bi.worker <> ? "
                               "AND (bi.worker = '' OR bi.lease_until < ? OR NOT EXISTS (SELECT "
                               "1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.classid = "
                               "%1 AND l.objsubid = 2 AND 'pg:' || l.objid::text = bi.worker)))")
                               .arg(kWorkerLockClass),
                           {batchId, d.worker, mine, d.worker, now}, error))
                    return false;
                if (count)
                    *count = q.numRowsAffected();
                return true;
            },
            /*exclusive=*/false);
    }
    return d.write(error, [&] {
        QSqlQuery q(d.db);
        if (!d.run(q,
                   QStringLiteral("SELECT id, worker, lease_until FROM batch_items WHERE "
                                  "batch_id = ? AND status = 'running'"),
                   {batchId}, error))
            return false;
        QList<qint64> back;
        while (q.next()) {
            const QString worker = q.value(1).toString();
            const bool expired = !q.value(2).isNull() && q.value(2).toString() < now;
            if (worker == d.worker ? mine : worker.isEmpty() || expired || localWorkerGone(worker))
                back << q.value(0).toLongLong();
        }
        q.finish();
        for (qint64 id : back)
            if (!d.exec(QStringLiteral("UPDATE batch_items SET status = 'pending', started_at = "
                                       "NULL, worker = '', lease_until = NULL WHERE id = ?"),
                        {id}, error))
                return false;
        if (count)
            *count = int(back.size());
        return true;
    });
}

bool checkMode(const QString& mode, QString* error) {
    if (mode == QLatin1String("untagged") || mode == QLatin1String("replace") ||
        mode == QLatin1String("append"))
        return true;
    setError(
        error,
        trCatalog("Unknown batch mode “%1” (expected untagged, replace or append).").arg(mode));
    return false;
}

// Appends items for the images (positions after the batch's last), inside a write.
bool insertItems(const CatalogDb::Impl& d, qint64 batchId, const QList<qint64>& imageIds,
                 int firstPosition, QString* error) {
    QSqlQuery item(d.db);
    if (!item.prepare(QStringLiteral(
            "INSERT INTO batch_items (batch_id, image_id, position) VALUES (?, ?, ?)"))) {
        setError(error, d.describe(item.lastError()));
        return false;
    }
    for (int i = 0; i < imageIds.size(); ++i)
        if (!d.runPrepared(item, {batchId, imageIds[i], firstPosition + i}, error))
            return false;
    return true;
}

std::optional<qint64> insertBatch(const CatalogDb::Impl& d, const QString& mode,
                                  const QString& prompt, const QString& modelId,
                                  const QString& paramsJson, const QList<qint64>& imageIds,
                                  QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("INSERT INTO batches (mode, prompt, model_id, params_json, "
                              "created_at) VALUES (?, ?, ?, ?, ?)"),
               {mode, prompt, modelId, paramsJson, nowText()}, error))
        return std::nullopt;
    const std::optional<qint64> id = d.lastInsertId(q, error);
    if (!id || !insertItems(d, *id, imageIds, 0, error))
        return std::nullopt;
    return id;
}

}  // namespace

std::optional<qint64> CatalogDb::createBatch(const QString& mode, const QString& prompt,
                                             const QString& modelId, const QString& paramsJson,
                                             const QList<qint64>& imageIds, QString* error) {
    if (!checkMode(mode, error))
        return std::nullopt;
    std::optional<qint64> batchId;
    const bool ok = d_->write(error, [&] {
        batchId = insertBatch(*d_, mode, prompt, modelId, paramsJson, imageIds, error);
        return batchId.has_value();
    });
    if (!ok)
        return std::nullopt;
    return batchId;
}

std::optional<qint64> CatalogDb::joinOrCreateBatch(const QString& mode, const QString& prompt,
                                                   const QString& modelId,
                                                   const QString& paramsJson,
                                                   const QList<qint64>& imageIds, bool* joined,
                                                   QString* error) {
    if (!checkMode(mode, error))
        return std::nullopt;
    std::optional<qint64> batchId;
    bool found = false;
    // Under the write lock: two workers started together find one batch, not one each.
    const bool ok = d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q,
                     QStringLiteral("SELECT b.id FROM batches b WHERE b.cancelled = 0 AND b.mode "
                                    "= ? AND b.prompt = ? AND b.model_id = ? AND b.params_json = "
                                    "? AND EXISTS (SELECT 1 FROM batch_items bi WHERE "
                                    "bi.batch_id = b.id AND bi.status IN ('pending', 'running')) "
                                    "ORDER BY b.id LIMIT 1"),
                     {mode, prompt, modelId, paramsJson}, error))
            return false;
        if (!q.next()) {
            batchId = insertBatch(*d_, mode, prompt, modelId, paramsJson, imageIds, error);
            return batchId.has_value();
        }
        found = true;
        batchId = q.value(0).toLongLong();
        q.finish();
        // Images this worker brings that the batch does not have yet join it at the end.
        QSet<qint64> have;
        int next = 0;
        if (!d_->run(q,
                     QStringLiteral("SELECT image_id, position FROM batch_items WHERE batch_id "
                                    "= ?"),
                     {*batchId}, error))
            return false;
        while (q.next()) {
            have.insert(q.value(0).toLongLong());
            next = std::max(next, q.value(1).toInt() + 1);
        }
        q.finish();
        QList<qint64> missing;
        for (qint64 id : imageIds)
            if (!have.contains(id)) {
                have.insert(id);
                missing << id;
            }
        return insertItems(*d_, *batchId, missing, next, error);
    });
    if (!ok)
        return std::nullopt;
    if (joined)
        *joined = found;
    return batchId;
}

std::optional<BatchItem> CatalogDb::nextPendingItem(qint64 batchId, QString* error) {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    // Items of workers that died (or whose lease ran out) go back to the queue first.
    if (!reclaimItems(*d_, batchId, false, nullptr, error))
        return std::nullopt;
    std::optional<BatchItem> item;
    const QString now = nowText();
    const QString lease = leaseEnd();
    if (d_->pg()) {
        // The queue idiom: each worker locks the first pending row nobody else holds and marks
        // it; concurrent workers skip locked rows instead of waiting, so no item is handed out
        // twice. One statement, outside the catalogue's write lock.
        const bool ok = d_->write(
            error,
            [&] {
                QSqlQuery q(d_->db);
                if (!d_->run(q,
                             QStringLiteral(
                                 "UPDATE batch_items SET status = 'running', started_at = ?, "
                                 "worker = ?, lease_until = ? WHERE id = (SELECT bi.id FROM "
                                 "batch_items bi JOIN batches b ON b.id = bi.batch_id WHERE "
                                 "bi.batch_id = ? AND bi.status = 'pending' AND b.cancelled = 0 "
                                 "ORDER BY bi.position LIMIT 1 FOR UPDATE OF bi SKIP LOCKED) "
                                 "RETURNING id, image_id"),
                             {now, d_->worker, lease, batchId}, error))
                    return false;
                if (q.next())
                    item = BatchItem{q.value(0).toLongLong(), q.value(1).toLongLong()};
                return true;
            },
            /*exclusive=*/false);
        if (!ok)
            return std::nullopt;
        return item;
    }
    const bool ok = d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q,
                     QStringLiteral("SELECT bi.id, bi.image_id FROM batch_items bi JOIN batches b "
                                    "ON b.id = bi.batch_id WHERE bi.batch_id = ? AND bi.status = "
                                    "'pending' AND b.cancelled = 0 ORDER BY bi.position LIMIT 1"),
                     {batchId}, error))
            return false;
        if (!q.next())
            return true;
        item = BatchItem{q.value(0).toLongLong(), q.value(1).toLongLong()};
        q.finish();
        return d_->exec(QStringLiteral("UPDATE batch_items SET status = 'running', started_at = ?, "
                                       "worker = ?, lease_until = ? WHERE id = ?"),
                        {now, d_->worker, lease, item->itemId}, error);
    });
    if (!ok)
        return std::nullopt;
    return item;
}

bool CatalogDb::finishItem(qint64 itemId, ItemState state, const QString& message, QString* error) {
    const QString status = itemStateName(state);
    if (state != ItemState::Done && state != ItemState::Skipped && state != ItemState::Failed) {
        setError(error, trCatalog("A batch item cannot finish as “%1”.").arg(status));
        return false;
    }
    return d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q,
                     QStringLiteral("UPDATE batch_items SET status = ?, message = ?, finished_at "
                                    "= ? WHERE id = ?"),
                     {status, message, nowText(), itemId}, error))
            return false;
        if (q.numRowsAffected() == 1)
            return true;
        setError(error, trCatalog("This batch item no longer exists."));
        return false;
    });
}

std::optional<int> CatalogDb::resetInterrupted(qint64 batchId, QString* error) {
    if (!d_->checkOpen(error))
        return std::nullopt;
    int count = 0;
    if (!reclaimItems(*d_, batchId, true, &count, error))
        return std::nullopt;
    return count;
}

QString CatalogDb::workerId() const {
    return d_->worker;
}

bool CatalogDb::cancelBatch(qint64 batchId, QString* error) {
    return d_->write(error, [&] {
        return d_->exec(QStringLiteral("UPDATE batches SET cancelled = 1 WHERE id = ?"), {batchId},
                        error) &&
               d_->exec(QStringLiteral("UPDATE batch_items SET status = 'cancelled', finished_at "
                                       "= ? WHERE batch_id = ? AND status = 'pending'"),
                        {nowText(), batchId}, error);
    });
}

std::optional<BatchProgress> CatalogDb::batchProgress(qint64 batchId, QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    return progressOf(*d_, batchId, error);
}

std::optional<QList<BatchInfo>> CatalogDb::unfinishedBatches(QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT id, mode, prompt, model_id, params_json, cancelled, "
                                "created_at FROM batches b WHERE cancelled = 0 AND EXISTS "
                                "(SELECT 1 FROM batch_items bi WHERE bi.batch_id = b.id AND "
                                "bi.status IN ('pending', 'running')) ORDER BY id"),
                 {}, error))
        return std::nullopt;
    QList<BatchInfo> out;
    while (q.next()) {
        BatchInfo b;
        b.id = q.value(0).toLongLong();
        b.mode = q.value(1).toString();
        b.prompt = q.value(2).toString();
        b.modelId = q.value(3).toString();
        b.paramsJson = q.value(4).toString();
        b.cancelled = q.value(5).toInt() != 0;
        b.createdAt = timeFromSql(q.value(6));
        out << b;
    }
    q.finish();
    for (BatchInfo& b : out) {
        const auto p = progressOf(*d_, b.id, error);
        if (!p)
            return std::nullopt;
        b.progress = *p;
    }
    return out;
}

std::optional<QHash<qint64, ItemState>> CatalogDb::batchItemStates(qint64 batchId,
                                                                   QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    q.setForwardOnly(true);
    if (!d_->run(q, QStringLiteral("SELECT image_id, status FROM batch_items WHERE batch_id = ?"),
                 {batchId}, error))
        return std::nullopt;
    QHash<qint64, ItemState> out;
    while (q.next())
        if (const auto s = itemStateFromName(q.value(1).toString()))
            out.insert(q.value(0).toLongLong(), *s);
    return out;
}

std::optional<QHash<qint64, ItemOutcome>> CatalogDb::latestItemOutcomes(qint64 imageId,
                                                                        QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    q.setForwardOnly(true);
    // Each image's newest item (the highest id) of a batch that was not discarded, or of a
    // discarded one where the item was finished before.
    if (!d_->run(q,
                 QStringLiteral("SELECT i.image_id, i.status, i.message FROM batch_items i "
                                "JOIN (SELECT image_id, MAX(id) AS id FROM batch_items "
                                "WHERE status <> 'cancelled' AND (? = 0 OR image_id = ?) "
                                "GROUP BY image_id) last ON last.id = i.id"),
                 {imageId, imageId}, error))
        return std::nullopt;
    QHash<qint64, ItemOutcome> out;
    while (q.next())
        if (const auto s = itemStateFromName(q.value(1).toString()))
            out.insert(q.value(0).toLongLong(), {*s, q.value(2).toString()});
    return out;
}

}  // namespace vistag::catalog

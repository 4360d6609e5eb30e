#include "catalog/catalog_db_impl.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QMutex>
#include <QRandomGenerator>
#include <QSet>
#include <QSqlError>
#include <QSysInfo>
#include <atomic>

#include "catalog/catalog_errors.h"

namespace vistag::catalog {

void setError(QString* error, const QString& text) {
    if (error)
        *error = text;
}

QString trCatalog(const char* text) {
    return QCoreApplication::translate("CatalogDb", text);
}

QString nowText() {
    return QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
}

QDateTime timeFromSql(const QVariant& v) {
    if (v.isNull())
        return {};
    return QDateTime::fromString(v.toString(), Qt::ISODateWithMs);
}

QString ownerKey(qint64 imageId, const QString& skuGroup) {
    return skuGroup.isEmpty() ? QStringLiteral("i:") + QString::number(imageId)
                              : QStringLiteral("g:") + skuGroup;
}

QString baseName(const QString& path) {
    return path.mid(path.lastIndexOf(QLatin1Char('/')) + 1);
}

ImageRecord readImage(const QSqlQuery& q, int c) {
    ImageRecord r;
    r.id = q.value(c + 0).toLongLong();
    r.path = q.value(c + 1).toString();
    r.contentHash = q.value(c + 2).toString();
    r.width = q.value(c + 3).toInt();
    r.height = q.value(c + 4).toInt();
    r.skuGroup = q.value(c + 5).toString();
    r.addedAt = timeFromSql(q.value(c + 6));
    return r;
}

TagRecord readTag(const QSqlQuery& q, int c) {
    TagRecord r;
    r.id = q.value(c + 0).toLongLong();
    r.imageId = q.value(c + 1).toLongLong();
    r.skuGroup = q.value(c + 2).toString();
    r.attribute = q.value(c + 3).toString();
    r.valueCode = q.value(c + 4).toString();
    r.isNewValue = q.value(c + 5).toInt() != 0;
    r.source = q.value(c + 6).toString();
    r.confidence = q.value(c + 7).toDouble();
    r.status = tagStatusFromName(q.value(c + 8).toString()).value_or(TagStatus::Suggested);
    r.decidedBy = q.value(c + 9).toString();
    r.decidedAt = timeFromSql(q.value(c + 10));
    r.runId = q.value(c + 11).toLongLong();  // NULL → 0
    r.createdAt = timeFromSql(q.value(c + 12));
    r.allowedMass = q.value(c + 13).toDouble();
    r.version = q.value(c + 14).toInt();
    return r;
}

RunRecord readRun(const QSqlQuery& q, int c) {
    RunRecord r;
    r.id = q.value(c + 0).toLongLong();
    r.imageId = q.value(c + 1).toLongLong();
    r.backend = q.value(c + 2).toString();
    r.modelId = q.value(c + 3).toString();
    r.prompt = q.value(c + 4).toString();
    r.paramsJson = q.value(c + 5).toString();
    r.answer = q.value(c + 6).toString();
    r.finishReason = q.value(c + 7).toString();
    r.latencyMs = q.value(c + 8).toDouble();
    r.createdAt = timeFromSql(q.value(c + 9));
    r.tagsJson = q.value(c + 10).toString();
    return r;
}

QJsonObject imageJson(const ImageRecord& r) {
    return QJsonObject{{QStringLiteral("path"), r.path},
                       {QStringLiteral("content_hash"), r.contentHash},
                       {QStringLiteral("width"), r.width},
                       {QStringLiteral("height"), r.height},
                       {QStringLiteral("sku_group"), r.skuGroup}};
}

QJsonObject tagJson(const TagRecord& r) {
    QJsonObject o{{QStringLiteral("id"), static_cast<double>(r.id)},
                  {QStringLiteral("image_id"), static_cast<double>(r.imageId)},
                  {QStringLiteral("attribute"), r.attribute},
                  {QStringLiteral("value_code"), r.valueCode},
                  {QStringLiteral("status"), tagStatusName(r.status)},
                  {QStringLiteral("source"), r.source}};
    if (!r.skuGroup.isEmpty())
        o.insert(QStringLiteral("sku_group"), r.skuGroup);
    if (r.isNewValue)
        o.insert(QStringLiteral("is_new_value"), true);
    if (r.confidence >= 0)
        o.insert(QStringLiteral("confidence"), r.confidence);
    if (r.allowedMass >= 0)
        o.insert(QStringLiteral("allowed_mass"), r.allowedMass);
    if (!r.decidedBy.isEmpty())
        o.insert(QStringLiteral("decided_by"), r.decidedBy);
    if (r.runId != 0)
        o.insert(QStringLiteral("run_id"), static_cast<double>(r.runId));
    return o;
}

// ---- CatalogDb::Impl ------------------------------------------------------------------------

QString CatalogDb::Impl::toStored(const QString& path) const {
    if (imageRoot.isEmpty() || !path.startsWith(imageRoot) || path.size() <= imageRoot.size() ||
        path.at(imageRoot.size()) != QLatin1Char('/'))
        return path;
    return path.mid(imageRoot.size() + 1);
}

QString CatalogDb::Impl::fromStored(const QString& stored) const {
    if (imageRoot.isEmpty() || stored.isEmpty() || stored.startsWith(QLatin1Char('/')) ||
        (stored.size() > 1 && stored.at(1) == QLatin1Char(':')))  // absolute, or C:/…
        return stored;
    return imageRoot + QLatin1Char('/') + stored;
}

ImageRecord CatalogDb::Impl::image(const QSqlQuery& q, int first) const {
    ImageRecord r = readImage(q, first);
    r.path = fromStored(r.path);
    return r;
}

bool CatalogDb::Impl::checkOpen(QString* error) const {
    if (isOpen())
        return true;
    // A PostgreSQL connection that could not be made again while the server was down.
    if (pg() && db.isValid() && !connectionName.isEmpty()) {
        if (recover())
            return true;
        setError(error, describe(db.lastError()));
        return false;
    }
    setError(error, trCatalog("The catalogue is not open."));
    return false;
}

QString CatalogDb::Impl::describe(const QSqlError& e) const {
    return pg() ? describePgError(e, shown, inWrite) : describeSqliteError(e, path, inWrite);
}

namespace {

// The SQLite worker ids of this process's open connections: a connection of this process that
// was closed without giving its items back (a worker thread that ended) is gone like a dead
// process.
QMutex& liveLocalWorkersLock() {
    static QMutex lock;
    return lock;
}
QSet<QString>& liveLocalWorkers() {
    static QSet<QString> ids;
    return ids;
}

}  // namespace

bool isLocalWorkerLive(const QString& worker) {
    QMutexLocker lock(&liveLocalWorkersLock());
    return liveLocalWorkers().contains(worker);
}

void forgetLocalWorker(const QString& worker) {
    QMutexLocker lock(&liveLocalWorkersLock());
    liveLocalWorkers().remove(worker);
}

bool CatalogDb::Impl::takeWorkerId() {
    if (!pg()) {
        // One name per connection: several workers of one process (vistag-cli tag
        // --concurrency) must not take back each other's items.
        static std::atomic<quint64> connections{0};
        worker = QStringLiteral("local:%1:%2:%3")
                     .arg(QSysInfo::machineHostName())
                     .arg(QCoreApplication::applicationPid())
                     .arg(++connections);
        QMutexLocker lock(&liveLocalWorkersLock());
        liveLocalWorkers().insert(worker);
        return true;
    }
    // A random key whose session lock this connection holds until it ends: a worker that dies
    // (killed, power cut, network gone) releases it with its session, and its items come back.
    for (int attempt = 0; attempt < 8; ++attempt) {
        const quint32 key = QRandomGenerator::system()->bounded(1u, 0x7fffffffu);
        QSqlQuery q(db);
        if (!q.exec(QStringLiteral("SELECT pg_try_advisory_lock(%1, %2)")
                        .arg(kWorkerLockClass)
                        .arg(key)) ||
            !q.next())
            return false;
        if (q.value(0).toBool()) {
            worker = QStringLiteral("pg:%1").arg(key);
            return true;
        }
    }
    return false;
}

bool CatalogDb::Impl::recover() const {
    if (!pg() || inTransaction || !db.isValid())
        return false;
    {
        QSqlQuery probe(db);
        if (db.isOpen() && probe.exec(QStringLiteral("SELECT 1")))
            return false;  // the connection is fine: the statement itself failed
    }
    QSqlDatabase handle = db;  // shares the connection: reopening it reopens ours
    handle.close();
    if (!handle.open())
        return false;
    {
        QSqlQuery q(handle);
        q.exec(QStringLiteral("SET client_min_messages = warning"));
        if (readOnly)
            q.exec(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY"));
    }
    // The session lock went with the old session: a new worker id (items held under the old one
    // may be taken over; this worker still finishes what it is doing).
    const_cast<Impl*>(this)->takeWorkerId();
    if (onReconnected)
        onReconnected();
    return true;
}

bool CatalogDb::Impl::run(QSqlQuery& q, const QString& sql, const QVariantList& binds,
                          QString* error) const {
    // PostgreSQL prepares only queries and DML (PREPARE … AS CREATE fails): a statement without
    // parameters runs as it is.
    const auto attempt = [&] {
        if (pg() && binds.isEmpty())
            return q.exec(sql);
        return q.prepare(sql) && runPrepared(q, binds, error);
    };
    if (attempt())
        return true;
    // A PostgreSQL connection lost since the last statement (server restarted, network gone a
    // while): reconnect and try once more. Inside a transaction the caller's write fails instead.
    if (recover()) {
        q = QSqlQuery(db);
        if (attempt())
            return true;
    }
    if (q.lastError().isValid())
        setError(error, describe(q.lastError()));
    return false;
}

std::optional<qint64> CatalogDb::Impl::lastInsertId(const QSqlQuery& q, QString* error) const {
    if (!pg())
        return q.lastInsertId().toLongLong();
    // Identity columns draw from a sequence; lastval() is this session's last value drawn.
    QSqlQuery last(db);
    if (!last.exec(QStringLiteral("SELECT lastval()")) || !last.next()) {
        setError(error, describe(last.lastError()));
        return std::nullopt;
    }
    return last.value(0).toLongLong();
}

bool CatalogDb::Impl::runPrepared(QSqlQuery& q, const QVariantList& binds, QString* error) const {
    // Qt binds a null QString as SQL NULL; text columns are NOT NULL, so "" it is. An invalid
    // QVariant() still binds NULL where a column allows it.
    static const QVariant empty(QStringLiteral(""));
    for (int i = 0; i < binds.size(); ++i) {
        const QVariant& v = binds[i];
        const bool nullText = v.typeId() == QMetaType::QString && v.toString().isNull();
        q.bindValue(i, nullText ? empty : v);
    }
    if (!q.exec()) {
        setError(error, describe(q.lastError()));
        return false;
    }
    return true;
}

bool CatalogDb::Impl::exec(const QString& sql, const QVariantList& binds, QString* error) const {
    QSqlQuery q(db);
    return run(q, sql, binds, error);
}

// Every Vistag writer of a PostgreSQL catalogue takes this transaction-level advisory lock
// ("VISTAG01" as a number), so edits run one after another as they do on SQLite.
constexpr qint64 kWriteLockKey = 0x5649535441473031;

bool CatalogDb::Impl::begin(QString* error, bool exclusive) {
    // SQLite: IMMEDIATE takes the write lock now, so a busy file fails here (after the busy
    // timeout) rather than half-way through an edit.
    const auto start = [&](QSqlQuery& q) {
        if (!pg())
            return q.exec(QStringLiteral("BEGIN IMMEDIATE"));
        if (!q.exec(QStringLiteral("BEGIN")))
            return false;
        if (!exclusive || readOnly ||
            q.exec(QStringLiteral("SELECT pg_advisory_xact_lock(%1)").arg(kWriteLockKey)))
            return true;
        QSqlQuery(db).exec(QStringLiteral("ROLLBACK"));
        return false;
    };
    QSqlQuery q(db);
    bool ok = start(q);
    if (!ok && recover()) {  // nothing has run yet: a lost connection may be made again
        q = QSqlQuery(db);
        ok = start(q);
    }
    if (ok) {
        inTransaction = true;
        return true;
    }
    inWrite = true;
    setError(error, describe(q.lastError()));
    inWrite = false;
    return false;
}

bool CatalogDb::Impl::commit(QString* error) {
    if (pg() && !notifyChange(error))
        return false;
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("COMMIT"))) {
        inTransaction = false;
        return true;
    }
    setError(error, describe(q.lastError()));
    return false;
}

void CatalogDb::Impl::rollback() {
    // SQLite may already have rolled back (disk full, I/O error), a PostgreSQL connection may be
    // gone: a failing ROLLBACK is fine.
    QSqlQuery q(db);
    q.exec(QStringLiteral("ROLLBACK"));
    inTransaction = false;
}

bool CatalogDb::Impl::audit(const QString& who, const QString& action, const QString& entity,
                            qint64 entityId, const QJsonObject& before, const QJsonObject& after,
                            QString* error) const {
    const auto json = [](const QJsonObject& o) -> QVariant {
        if (o.isEmpty())
            return QVariant();  // NULL
        return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
    };
    return exec(QStringLiteral("INSERT INTO audit (at, who, action, entity, entity_id, "
                               "before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                {nowText(), who, action, entity, entityId, json(before), json(after)}, error);
}

std::optional<QString> CatalogDb::Impl::ownerOfImage(qint64 imageId, QString* skuGroup,
                                                     QString* error) const {
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("SELECT sku_group FROM images WHERE id = ?"), {imageId}, error))
        return std::nullopt;
    if (!q.next()) {
        setError(error, trCatalog("The image is no longer in the catalogue (id %1).").arg(imageId));
        return std::nullopt;
    }
    const QString group = q.value(0).toString();
    if (skuGroup)
        *skuGroup = group;
    return ownerKey(imageId, group);
}

std::optional<TagRecord> CatalogDb::Impl::currentTag(qint64 tagId, int shownVersion,
                                                     QString* error) const {
    QString lookupError;
    const auto t = tag(tagId, &lookupError);
    if (!t) {
        setError(error, lookupError.isEmpty()
                            ? trCatalog("This tag no longer exists: someone removed it. Your "
                                        "change was not saved.")
                            : lookupError);
        return std::nullopt;
    }
    if (shownVersion >= 0 && t->version != shownVersion) {
        const QString state = t->status == TagStatus::Accepted   ? trCatalog("accepted")
                              : t->status == TagStatus::Rejected ? trCatalog("rejected")
                                                                 : trCatalog("undecided");
        const QString by =
            t->decidedBy.isEmpty()
                ? QString()
                : QLatin1Char(' ') + trCatalog("by %1 at %2")
                                         .arg(t->decidedBy, t->decidedAt.toLocalTime().toString(
                                                                QStringLiteral("HH:mm")));
        setError(error, trCatalog("Someone else changed the tag “%1” since it was shown: it is "
                                  "now %2%3. Your change was not saved; the tags now show what "
                                  "is stored.")
                            .arg(t->valueCode, state, by));
        return std::nullopt;
    }
    return t;
}

std::optional<TagRecord> CatalogDb::Impl::tag(qint64 tagId, QString* error) const {
    setError(error, {});
    QSqlQuery q(db);
    if (!run(q, QStringLiteral("SELECT %1 FROM tags WHERE id = ?").arg(QLatin1String(kTagColumns)),
             {tagId}, error))
        return std::nullopt;
    if (!q.next())
        return std::nullopt;
    return readTag(q);
}

}  // namespace vistag::catalog

// Internal to the CatalogDb sources: the connection, statement helpers, the write-transaction
// wrapper, the audit writer and the row readers. Not a public header.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QPointer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <functional>
#include <optional>

#include "catalog/catalog_db.h"
#include "catalog/schema.h"

namespace vistag::catalog {

// Column lists matching the readers below.
inline constexpr const char* kImageColumns =
    "id, path, content_hash, width, height, sku_group, added_at";
inline constexpr const char* kTagColumns =
    "id, image_id, sku_group, attribute, value_code, is_new_value, source, confidence, status, "
    "decided_by, decided_at, run_id, created_at, allowed_mass, version";
inline constexpr const char* kRunColumns =
    "id, image_id, backend, model_id, prompt, params_json, answer, finish_reason, latency_ms, "
    "created_at, tags_json";
// The tag owner of the image row aliased `i`: its SKU group, or the image itself.
inline constexpr const char* kImageOwnerSql =
    "(CASE WHEN i.sku_group <> '' THEN 'g:' || i.sku_group ELSE 'i:' || i.id END)";

// The advisory-lock class of queue workers' session locks ("VIST").
inline constexpr int kWorkerLockClass = 0x56495354;

// This process's SQLite queue workers (connections still open).
bool isLocalWorkerLive(const QString& worker);
void forgetLocalWorker(const QString& worker);

void setError(QString* error, const QString& text);
QString trCatalog(const char* text);
QString nowText();                         // UTC, ISO 8601 with milliseconds
QDateTime timeFromSql(const QVariant& v);  // null QDateTime for NULL
QString ownerKey(qint64 imageId, const QString& skuGroup);
QString baseName(const QString& path);

ImageRecord readImage(const QSqlQuery& q, int first = 0);
TagRecord readTag(const QSqlQuery& q, int first = 0);
RunRecord readRun(const QSqlQuery& q, int first = 0);
QJsonObject imageJson(const ImageRecord& r);
QJsonObject tagJson(const TagRecord& r);

struct CatalogDb::Impl {
    QSqlDatabase db;
    QString connectionName;
    QString path;   // the file, or the PostgreSQL address without its password (reopenable)
    QString shown;  // what messages show: the native file path, or user@host:port/database
    schema::Dialect dialect = schema::Dialect::Sqlite;
    bool readOnly = false;
    bool inWrite = false;  // inside write(): errors say "your change was not saved"
    bool inTransaction = false;
    // This connection's name in the batch queue (batch_items.worker): "pg:<n>" while it holds
    // the session advisory lock (kWorkerLockClass, n) on PostgreSQL, "local:<host>:<pid>:<k>"
    // on SQLite (k counts the process's connections). Others see the worker alive by that lock (or
    // process).
    QString worker;
    bool takeWorkerId();
    // Called after a lost PostgreSQL connection was made again (subscriptions are renewed).
    std::function<void()> onReconnected;
    // The timers watchChanges() made (owned by its context): stopped and deleted by close(), so
    // none of them runs on a closed catalogue.
    QList<QPointer<QObject>> watchers;

    bool pg() const { return dialect == schema::Dialect::Postgres; }
    // Image paths: stored relative to the image root when under it (a team's shared folder,
    // mapped differently on each workstation), handed out resolved against it.
    QString imageRoot;  // absolute, no trailing '/'; "" = paths are stored as given
    QString toStored(const QString& path) const;
    QString fromStored(const QString& stored) const;
    ImageRecord image(const QSqlQuery& q, int first = 0) const;
    bool isOpen() const { return db.isValid() && db.isOpen(); }
    // Dialect fragments: a case-insensitive LIKE (ASCII), a case-insensitive sort key, a LIMIT
    // value for "no limit" (-1), and the id the last INSERT on `q` made.
    QString likeCi() const { return pg() ? QStringLiteral("ILIKE") : QStringLiteral("LIKE"); }
    QString sortCi(const QString& column) const {
        return pg() ? QStringLiteral("lower(%1)").arg(column)
                    : column + QStringLiteral(" COLLATE NOCASE");
    }
    QVariant limit(int n) const { return n < 0 && pg() ? QVariant() : QVariant(n); }
    std::optional<qint64> lastInsertId(const QSqlQuery& q, QString* error) const;
    // PostgreSQL: after a failed statement outside a transaction, checks the connection and
    // opens it again when it was lost. True when a statement may be tried again.
    bool recover() const;
    bool checkOpen(QString* error) const;
    // The error of `q` (or of the connection) in plain words.
    QString describe(const QSqlError& e) const;

    // Prepares and runs `sql` with positional `binds` on q (q must be made on `db`).
    bool run(QSqlQuery& q, const QString& sql, const QVariantList& binds, QString* error) const;
    // Runs a query prepared earlier with new binds (for loops).
    bool runPrepared(QSqlQuery& q, const QVariantList& binds, QString* error) const;
    // One statement, no result wanted.
    bool exec(const QString& sql, const QVariantList& binds, QString* error) const;

    // BEGIN IMMEDIATE; body(); ROLLBACK even when body succeeded: a dry run that computes what
    // an edit would do and changes nothing.
    template <class Body>
    bool dryRun(QString* error, Body&& body) {
        if (!checkOpen(error) || !begin(error))
            return false;
        inWrite = true;
        const bool ok = body();
        rollback();
        inWrite = false;
        return ok;
    }
    template <class Body>
    bool writeOrDryRun(bool dry, QString* error, Body&& body) {
        return dry ? dryRun(error, std::forward<Body>(body))
                   : write(error, std::forward<Body>(body));
    }

    // BEGIN IMMEDIATE; body(); COMMIT — or ROLLBACK when body or COMMIT fails.
    template <class Body>
    bool write(QString* error, Body&& body, bool exclusive = true) {
        if (!checkOpen(error) || !begin(error, exclusive))
            return false;
        inWrite = true;
        bool ok = body();
        if (ok)
            ok = commit(error);
        if (!ok)
            rollback();
        inWrite = false;
        return ok;
    }
    // SQLite: BEGIN IMMEDIATE (the file's write lock). PostgreSQL: BEGIN and a transaction-level
    // advisory lock that every Vistag writer of this database takes, so edits are serialized as
    // on SQLite and the read-check-write logic of each edit holds; `exclusive` false skips the
    // lock (the batch queue, which uses row locks with SKIP LOCKED instead).
    bool begin(QString* error, bool exclusive = true);
    // PostgreSQL: tells the other connections' watchChanges() that this transaction changed the
    // catalogue (sent when it commits).
    bool notifyChange(QString* error) const;
    bool commit(QString* error);
    void rollback();

    // Appends one audit row (call inside write()).
    bool audit(const QString& who, const QString& action, const QString& entity, qint64 entityId,
               const QJsonObject& before, const QJsonObject& after, QString* error) const;

    // The tag owner key of an image; nullopt with *error set when there is no such image.
    std::optional<QString> ownerOfImage(qint64 imageId, QString* skuGroup, QString* error) const;
    std::optional<TagRecord> tag(qint64 tagId, QString* error) const;  // empty error = missing
    // The tag as it is now, refused (nullopt, *error set) when it is gone or when shownVersion
    // (>= 0) is not its version: someone changed it since the person saw it.
    std::optional<TagRecord> currentTag(qint64 tagId, int shownVersion, QString* error) const;

    // Every tag row of these owners, by id (for TagEdit snapshots).
    std::optional<QMap<qint64, TagRow>> rowsOf(const QStringList& owners, QString* error) const;
    // The rows that differ between two snapshots, and how many images see them.
    std::optional<TagEdit> diff(const QMap<qint64, TagRow>& before,
                                const QMap<qint64, TagRow>& after, QString* error) const;
};

}  // namespace vistag::catalog

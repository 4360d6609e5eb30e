// Internal to the CatalogDb sources: the connection, statement helpers, the write-transaction
// wrapper, the audit writer and the row readers. Not a public header.
#pragma once

#include <QDateTime>
#include <QJsonObject>
#include <QMap>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariantList>
#include <optional>

#include "catalog/catalog_db.h"

namespace vistag::catalog {

// Column lists matching the readers below.
inline constexpr const char* kImageColumns =
    "id, path, content_hash, width, height, sku_group, added_at";
inline constexpr const char* kTagColumns =
    "id, image_id, sku_group, attribute, value_code, is_new_value, source, confidence, status, "
    "decided_by, decided_at, run_id, created_at, allowed_mass";
inline constexpr const char* kRunColumns =
    "id, image_id, backend, model_id, prompt, params_json, answer, finish_reason, latency_ms, "
    "created_at, tags_json";
// The tag owner of the image row aliased `i`: its SKU group, or the image itself.
inline constexpr const char* kImageOwnerSql =
    "(CASE WHEN i.sku_group <> '' THEN 'g:' || i.sku_group ELSE 'i:' || i.id END)";

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
    QString path;
    bool readOnly = false;
    bool inWrite = false;  // inside write(): errors say "your change was not saved"

    bool isOpen() const { return db.isValid() && db.isOpen(); }
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
        return dry ? dryRun(error, std::forward<Body>(body)) : write(error, std::forward<Body>(body));
    }

    // BEGIN IMMEDIATE; body(); COMMIT — or ROLLBACK when body or COMMIT fails.
    template <class Body>
    bool write(QString* error, Body&& body) {
        if (!checkOpen(error) || !begin(error))
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
    bool begin(QString* error);
    bool commit(QString* error);
    void rollback();

    // Appends one audit row (call inside write()).
    bool audit(const QString& who, const QString& action, const QString& entity, qint64 entityId,
               const QJsonObject& before, const QJsonObject& after, QString* error) const;

    // The tag owner key of an image; nullopt with *error set when there is no such image.
    std::optional<QString> ownerOfImage(qint64 imageId, QString* skuGroup, QString* error) const;
    std::optional<TagRecord> tag(qint64 tagId, QString* error) const;  // empty error = missing

    // Every tag row of these owners, by id (for TagEdit snapshots).
    std::optional<QMap<qint64, TagRow>> rowsOf(const QStringList& owners, QString* error) const;
    // The rows that differ between two snapshots, and how many images see them.
    std::optional<TagEdit> diff(const QMap<qint64, TagRow>& before,
                                const QMap<qint64, TagRow>& after, QString* error) const;
};

}  // namespace vistag::catalog

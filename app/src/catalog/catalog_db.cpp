// CatalogDb: opening, schema upgrades, closing, and the audit log reader. The other parts live
// in catalog_db_images.cpp, _runs, _tags, _export and _batch.
#include "catalog/catalog_db.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QStandardPaths>
#include <atomic>

#include "catalog/catalog_db_impl.h"
#include "catalog/schema.h"

namespace vistag::catalog {
namespace {

constexpr int kBusyTimeoutMs = 5000;

QString newConnectionName() {
    static std::atomic<quint64> counter{0};
    return QStringLiteral("vistag-catalog-%1").arg(++counter);
}

}  // namespace

CatalogDb::CatalogDb() : d_(std::make_unique<Impl>()) {}

CatalogDb::~CatalogDb() {
    close();
}

QString CatalogDb::defaultPath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation) +
           QStringLiteral("/catalogue.sqlite");
}

int CatalogDb::schemaVersion() {
    return schema::currentVersion();
}

bool CatalogDb::isOpen() const {
    return d_->isOpen();
}
QString CatalogDb::path() const {
    return d_->path;
}
QString CatalogDb::connectionName() const {
    return d_->connectionName;
}

void CatalogDb::close() {
    if (d_->connectionName.isEmpty())
        return;
    if (d_->db.isOpen())
        d_->db.close();
    d_->db = QSqlDatabase();  // no handle may outlive removeDatabase()
    QSqlDatabase::removeDatabase(d_->connectionName);
    d_->connectionName.clear();
}

std::optional<int> CatalogDb::fileSchemaVersion(QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q, QStringLiteral("PRAGMA user_version"), {}, error) || !q.next()) {
        if (error && error->isEmpty())
            *error = d_->describe(q.lastError());
        return std::nullopt;
    }
    return q.value(0).toInt();
}

bool CatalogDb::open(const QString& path, QString* error, OpenMode mode) {
    close();
    setError(error, {});
    // A database URI is not a file name: taking it as one would create folders named
    // "postgresql:" beside the working directory.
    if (path.contains(QLatin1String("://"))) {
        setError(error, trCatalog("“%1” is a database address; this version of Vistag keeps the "
                                  "catalogue in a file. Give the catalogue file's path.")
                            .arg(path.section(QLatin1Char('@'), -1)));
        return false;
    }
    const QFileInfo info(path);
    d_->path = info.absoluteFilePath();
    d_->readOnly = mode == OpenMode::ReadOnly;
    const QString file = QDir::toNativeSeparators(d_->path);
    if (info.isDir()) {
        setError(error, trCatalog("“%1” is a folder, not a catalogue file.").arg(file));
        return false;
    }
    if (d_->readOnly && !info.exists()) {
        setError(error, trCatalog("The catalogue file “%1” does not exist.").arg(file));
        return false;
    }
    if (!d_->readOnly && !QDir().mkpath(info.absolutePath())) {
        setError(error, trCatalog("The folder “%1” for the catalogue cannot be created.")
                            .arg(QDir::toNativeSeparators(info.absolutePath())));
        return false;
    }

    d_->connectionName = newConnectionName();
    d_->db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), d_->connectionName);
    if (!d_->db.isValid()) {
        setError(error, trCatalog("Qt's SQLite driver (QSQLITE) is missing: the catalogue cannot "
                                  "be opened. Reinstall Vistag."));
        close();
        return false;
    }
    d_->db.setDatabaseName(d_->path);
    QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(kBusyTimeoutMs);
    if (d_->readOnly)
        options += QStringLiteral(";QSQLITE_OPEN_READONLY");
    d_->db.setConnectOptions(options);
    if (!d_->db.open()) {
        setError(error, d_->describe(d_->db.lastError()));
        close();
        return false;
    }

    // Read the version before anything writes to the file: a newer file is left untouched.
    const std::optional<int> version = fileSchemaVersion(error);
    if (!version) {
        close();
        return false;
    }
    if (*version > schema::currentVersion()) {
        setError(error, trCatalog("The catalogue file “%1” was made by a newer version of Vistag "
                                  "(catalogue version %2; this Vistag reads up to version %3). "
                                  "Update Vistag to open it; the file was not changed.")
                            .arg(file)
                            .arg(*version)
                            .arg(schema::currentVersion()));
        close();
        return false;
    }

    const auto pragma = [&](const QString& sql) { return d_->exec(sql, {}, error); };
    if (!pragma(QStringLiteral("PRAGMA foreign_keys = ON"))) {
        close();
        return false;
    }
    if (d_->readOnly) {
        if (*version < schema::currentVersion()) {
            setError(error, trCatalog("The catalogue file “%1” is from an older Vistag and must "
                                      "be upgraded, but it is opened read-only.")
                                .arg(file));
            close();
            return false;
        }
        return true;
    }
    if (!pragma(QStringLiteral("PRAGMA journal_mode = WAL")) ||
        !pragma(QStringLiteral("PRAGMA synchronous = FULL"))) {
        close();
        return false;
    }

    for (int v = *version + 1; v <= schema::currentVersion(); ++v) {
        const QStringList statements = schema::stepSql(v);
        const bool ok = d_->write(error, [&] {
            for (const QString& sql : statements)
                if (!d_->exec(sql, {}, error))
                    return false;
            return d_->exec(QStringLiteral("PRAGMA user_version = %1").arg(v), {}, error);
        });
        if (!ok) {
            if (error)
                *error = trCatalog("The catalogue could not be upgraded to version %1: %2")
                             .arg(v)
                             .arg(*error);
            close();
            return false;
        }
    }
    return true;
}

std::optional<QList<AuditEntry>> CatalogDb::auditLog(int limit, int offset, QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT id, at, who, action, entity, entity_id, before_json, "
                                "after_json FROM audit ORDER BY id DESC LIMIT ? OFFSET ?"),
                 {limit, offset}, error))
        return std::nullopt;
    QList<AuditEntry> out;
    while (q.next()) {
        AuditEntry e;
        e.id = q.value(0).toLongLong();
        e.at = timeFromSql(q.value(1));
        e.who = q.value(2).toString();
        e.action = q.value(3).toString();
        e.entity = q.value(4).toString();
        e.entityId = q.value(5).toLongLong();
        e.beforeJson = q.value(6).toString();
        e.afterJson = q.value(7).toString();
        out << e;
    }
    return out;
}

}  // namespace vistag::catalog

// CatalogDb: opening, schema upgrades, closing, and the audit log reader. The other parts live
// in catalog_db_images.cpp, _runs, _tags, _export and _batch.
#include "catalog/catalog_db.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QReadWriteLock>
#include <QSqlError>
#include <QStandardPaths>
#include <QUrl>
#include <QUrlQuery>
#include <algorithm>
#include <atomic>

#include <unistd.h>

#include "catalog/catalog_db_impl.h"
#include "catalog/schema.h"

namespace vistag::catalog {
namespace {

constexpr int kBusyTimeoutMs = 5000;

// True when the catalogue file cannot get its "-shm" beside it: its folder is not writable
// (read-only mount, permissions) and no "-shm" exists already. access() answers EROFS on a
// read-only mount even for root.
bool onReadOnlyMedia(const QString& path) {
    const QByteArray folder = QFile::encodeName(QFileInfo(path).absolutePath());
    if (::access(folder.constData(), W_OK) == 0)
        return false;
    return !QFileInfo::exists(path + QStringLiteral("-shm"));
}

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
namespace {

QString normalizedRoot(const QString& folder) {
    if (folder.trimmed().isEmpty())
        return {};
    QString root = QDir::cleanPath(QFileInfo(folder.trimmed()).absoluteFilePath());
    while (root.size() > 1 && root.endsWith(QLatin1Char('/')))
        root.chop(1);
    return root == QLatin1String("/") ? QString() : root;
}

QReadWriteLock& defaultRootLock() {
    static QReadWriteLock lock;
    return lock;
}
QString& defaultRoot() {
    static QString root = normalizedRoot(qEnvironmentVariable("VISTAG_IMAGE_ROOT"));
    return root;
}

}  // namespace

void CatalogDb::setImageRoot(const QString& folder) {
    d_->imageRoot = normalizedRoot(folder);
}
QString CatalogDb::imageRoot() const {
    return d_->imageRoot;
}
void CatalogDb::setDefaultImageRoot(const QString& folder) {
    QWriteLocker lock(&defaultRootLock());
    defaultRoot() = normalizedRoot(folder);
}
QString CatalogDb::defaultImageRoot() {
    QReadLocker lock(&defaultRootLock());
    return defaultRoot();
}

bool CatalogDb::ping() {
    if (!d_->checkOpen(nullptr))
        return false;
    QSqlQuery q(d_->db);
    return d_->run(q, QStringLiteral("SELECT 1"), {}, nullptr) && q.next();
}

bool CatalogDb::isShared() const {
    return d_->pg();
}
QString CatalogDb::connectionName() const {
    return d_->connectionName;
}

void CatalogDb::close() {
    for (const QPointer<QObject>& w : std::as_const(d_->watchers))
        delete w.data();  // timers of watchChanges(): nothing runs on a closed catalogue
    d_->watchers.clear();
    d_->onReconnected = nullptr;
    if (!d_->worker.isEmpty() && !d_->pg())
        forgetLocalWorker(d_->worker);
    d_->worker.clear();
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
    if (d_->pg()) {
        // vistag_meta holds the version; a database without it is new (no tables at all) or
        // belongs to another application (tables, but not ours), which is refused: -1.
        // pg_class, not to_regclass(): a name looked up once and not found stays "not found" in
        // the session's relation cache, even after another workstation created the table.
        // Both facts in one statement, so one snapshot: read apart, another workstation could
        // commit the new schema between them, and its tables would look like a stranger's.
        if (!d_->run(q,
                     QStringLiteral("SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n "
                                    "ON n.oid = c.relnamespace WHERE c.relname = 'vistag_meta' AND "
                                    "n.nspname = current_schema()), (SELECT count(*) FROM "
                                    "information_schema.tables WHERE table_schema = "
                                    "current_schema())"),
                     {}, error) ||
            !q.next())
            return std::nullopt;
        const bool ours = q.value(0).toBool();
        const qint64 tables = q.value(1).toLongLong();
        if (ours) {
            if (!d_->run(q,
                         QStringLiteral("SELECT value FROM vistag_meta WHERE key = "
                                        "'schema_version'"),
                         {}, error))
                return std::nullopt;
            return q.next() ? q.value(0).toInt() : 0;
        }
        return tables == 0 ? 0 : -1;
    }
    if (!d_->run(q, QStringLiteral("PRAGMA user_version"), {}, error) || !q.next()) {
        if (error && error->isEmpty())
            *error = d_->describe(q.lastError());
        return std::nullopt;
    }
    return q.value(0).toInt();
}

bool CatalogDb::isDatabaseAddress(const QString& location) {
    return location.startsWith(QLatin1String("postgresql://"), Qt::CaseInsensitive) ||
           location.startsWith(QLatin1String("postgres://"), Qt::CaseInsensitive);
}

QString CatalogDb::displayAddress(const QString& location) {
    if (!isDatabaseAddress(location))
        return QDir::toNativeSeparators(location);
    QUrl url(location);
    url.setPassword({});
    return url.toString(QUrl::RemoveScheme | QUrl::RemovePassword | QUrl::RemoveQuery)
        .mid(2);  // "//user@host:port/db" → "user@host:port/db"
}

bool CatalogDb::open(const QString& location, QString* error, OpenMode mode) {
    close();
    setError(error, {});
    d_->readOnly = mode == OpenMode::ReadOnly;
    d_->imageRoot = defaultImageRoot();
    if (isDatabaseAddress(location))
        return openPostgres(location, error) && upgrade(error) && takeWorkerId(error);
    if (location.contains(QLatin1String("://"))) {
        // Not a file name: taking it as one would create folders named "mysql:" beside the
        // working directory.
        setError(error, trCatalog("“%1” is a database address Vistag cannot use: give a "
                                  "catalogue file's path or a PostgreSQL address "
                                  "(postgresql://user@host:port/database).")
                            .arg(location.section(QLatin1Char('@'), -1)));
        return false;
    }
    return openSqlite(location, error) && upgrade(error) && takeWorkerId(error);
}

bool CatalogDb::takeWorkerId(QString* error) {
    if (d_->takeWorkerId())
        return true;
    setError(error, trCatalog("The catalogue “%1” could not be opened: the batch queue's worker "
                              "lock was refused.")
                        .arg(d_->shown));
    close();
    return false;
}

bool CatalogDb::openPostgres(const QString& location, QString* error) {
    const QUrl url(location);
    d_->dialect = schema::Dialect::Postgres;
    QUrl withoutPassword = url;
    withoutPassword.setPassword({});
    d_->path = withoutPassword.toString();
    d_->shown = displayAddress(location);
    const QString database = url.path().mid(1);
    if (!url.isValid() || url.host().isEmpty() || database.isEmpty() || database.contains('/')) {
        setError(error, trCatalog("“%1” is not a PostgreSQL address Vistag understands. Write "
                                  "it as postgresql://user@host:port/database.")
                            .arg(d_->shown));
        return false;
    }
    d_->connectionName = newConnectionName();
    d_->db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), d_->connectionName);
    if (!d_->db.isValid()) {
        setError(error, trCatalog("Qt's PostgreSQL driver (QPSQL) is missing: a team catalogue "
                                  "cannot be opened. Install the package libqt6sql6-psql."));
        close();
        return false;
    }
    d_->db.setHostName(url.host());
    d_->db.setPort(url.port(5432));
    d_->db.setDatabaseName(database);
    d_->db.setUserName(url.userName());
    // A password in the address is used for this connection only; Vistag never writes it
    // anywhere (libpq reads ~/.pgpass and PGPASSWORD when there is none).
    d_->db.setPassword(url.password());
    // libpq options: give up on an unreachable server after a few seconds, and notice a dead
    // network within about half a minute instead of hanging on a half-open connection.
    QStringList options{
        QStringLiteral("connect_timeout=5"), QStringLiteral("application_name=Vistag"),
        QStringLiteral("keepalives_idle=10"), QStringLiteral("keepalives_interval=5"),
        QStringLiteral("keepalives_count=3")};
    const QUrlQuery query(url);
    for (const auto& [key, value] : query.queryItems(QUrl::FullyDecoded)) {
        options.erase(
            std::remove_if(options.begin(), options.end(),
                           [&](const QString& o) { return o.startsWith(key + QLatin1Char('=')); }),
            options.end());
        options << key + QLatin1Char('=') + value;
    }
    d_->db.setConnectOptions(options.join(QLatin1Char(';')));
    if (!d_->db.open()) {
        setError(error, d_->describe(d_->db.lastError()));
        close();
        return false;
    }
    QSqlQuery q(d_->db);
    const QString setup = QStringLiteral("SET client_min_messages = warning");
    if (!q.exec(setup) ||
        (d_->readOnly &&
         !q.exec(QStringLiteral("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")))) {
        setError(error, d_->describe(q.lastError()));
        close();
        return false;
    }
    return true;
}

bool CatalogDb::openSqlite(const QString& path, QString* error) {
    const QFileInfo info(path);
    d_->dialect = schema::Dialect::Sqlite;
    d_->path = info.absoluteFilePath();
    d_->shown = QDir::toNativeSeparators(d_->path);
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
    if (d_->readOnly && onReadOnlyMedia(d_->path)) {
        // An immutable read ignores the "-wal" file, so changes still in it would be missing
        // from what is read: refuse rather than read an older catalogue without saying so.
        if (QFileInfo(d_->path + QStringLiteral("-wal")).size() > 0) {
            setError(error, trCatalog("The catalogue “%1” is on a disk or in a folder that "
                                      "cannot be written, and its latest changes are still in "
                                      "“%2”, which SQLite can only read with write access. Copy "
                                      "both files to a writable folder and open the copy.")
                                .arg(file, file + QStringLiteral("-wal")));
            close();
            return false;
        }
        // A catalogue in WAL mode needs its "-shm" file even to be read; on read-only media
        // (a mounted backup, a write-protected folder) SQLite cannot create it. Nothing can
        // change such a file, so SQLite may read it as immutable: no locks, no -shm.
        QUrl uri = QUrl::fromLocalFile(d_->path);
        uri.setQuery(QStringLiteral("mode=ro&immutable=1"));
        d_->db.setDatabaseName(uri.toString(QUrl::FullyEncoded));
        options += QStringLiteral(";QSQLITE_OPEN_URI");
    }
    d_->db.setConnectOptions(options);
    if (!d_->db.open()) {
        setError(error, d_->describe(d_->db.lastError()));
        close();
        return false;
    }
    return true;
}

bool CatalogDb::upgrade(QString* error) {
    const QString where = d_->shown;
    // Read the version before anything writes: a newer catalogue is left untouched.
    std::optional<int> version = fileSchemaVersion(error);
    if (!version) {
        close();
        return false;
    }
    if (*version < 0) {
        setError(error, trCatalog("The database “%1” holds tables of another application. Give "
                                  "Vistag an empty database of its own (createdb) or one that "
                                  "Vistag made; nothing was changed.")
                            .arg(where));
        close();
        return false;
    }
    if (*version > schema::currentVersion()) {
        setError(error, trCatalog("The catalogue “%1” was made by a newer version of Vistag "
                                  "(catalogue version %2; this Vistag reads up to version %3). "
                                  "Update Vistag to open it; the catalogue was not changed.")
                            .arg(where)
                            .arg(*version)
                            .arg(schema::currentVersion()));
        close();
        return false;
    }

    const auto pragma = [&](const QString& sql) { return d_->exec(sql, {}, error); };
    if (!d_->pg() && !pragma(QStringLiteral("PRAGMA foreign_keys = ON"))) {
        close();
        return false;
    }
    if (d_->readOnly) {
        if (*version == 0) {
            setError(error, trCatalog("“%1” holds no catalogue yet: nothing to read.").arg(where));
            close();
            return false;
        }
        if (*version < schema::currentVersion()) {
            setError(error, trCatalog("The catalogue “%1” is from an older Vistag and must be "
                                      "upgraded, but it is opened read-only.")
                                .arg(where));
            close();
            return false;
        }
        return true;
    }
    if (!d_->pg() && (!pragma(QStringLiteral("PRAGMA journal_mode = WAL")) ||
                      !pragma(QStringLiteral("PRAGMA synchronous = FULL")))) {
        close();
        return false;
    }

    for (int v = *version + 1; v <= schema::currentVersion(); ++v) {
        const QStringList statements = schema::stepSql(v, d_->dialect);
        bool alreadyDone = false;
        const bool ok = d_->write(error, [&] {
            // Several workstations (or several vistag-cli processes on one new file) may open
            // an old catalogue at once: under the write lock (SQLite: BEGIN IMMEDIATE), the
            // first upgrades and the others find the step done.
            const std::optional<int> now = fileSchemaVersion(error);
            if (!now)
                return false;
            if (*now >= v) {
                alreadyDone = true;
                return true;
            }
            if (d_->pg() && v == 1 &&
                !d_->exec(QStringLiteral("CREATE TABLE vistag_meta (key TEXT "
                                         "PRIMARY KEY, value TEXT NOT NULL)"),
                          {}, error))
                return false;
            for (const QString& sql : statements)
                if (!d_->exec(sql, {}, error))
                    return false;
            if (d_->pg())
                return d_->exec(QStringLiteral("INSERT INTO vistag_meta (key, value) VALUES "
                                               "('schema_version', ?) ON CONFLICT (key) DO "
                                               "UPDATE SET value = excluded.value"),
                                {QString::number(v)}, error);
            return d_->exec(QStringLiteral("PRAGMA user_version = %1").arg(v), {}, error);
        });
        if (alreadyDone)
            continue;
        if (!ok) {
            if (error)
                *error = *version == 0
                             ? trCatalog("The catalogue could not be created: %1").arg(*error)
                             : trCatalog("The catalogue could not be upgraded to version %1: %2")
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
                 {d_->limit(limit), offset}, error))
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

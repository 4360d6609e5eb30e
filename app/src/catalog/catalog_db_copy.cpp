// CatalogDb: copying a whole catalogue into an empty one — a workstation's SQLite file into the
// team's PostgreSQL database, or back — with its ids, tags, audit log, result cache and batches.
#include <QSqlError>
#include <QSqlQuery>
#include <QSqlRecord>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {
namespace {

// In foreign-key order; every table has an integer id.
const char* const kTables[] = {"images",  "runs",        "tags",           "audit",
                               "batches", "batch_items", "review_rules",   "rule_runs",
                               "feeds",   "products",    "product_images", "product_variants"};
// Rows per INSERT statement (16 columns at most: well inside both databases' parameter limits).
constexpr int kRowsPerInsert = 200;

std::optional<QStringList> columnsOf(const CatalogDb::Impl& d, const QString& table,
                                     QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q, QStringLiteral("SELECT * FROM %1 WHERE 1 = 0").arg(table), {}, error))
        return std::nullopt;
    QStringList out;
    const QSqlRecord r = q.record();
    for (int i = 0; i < r.count(); ++i)
        out << r.fieldName(i);
    return out;
}

std::optional<qint64> countOf(const CatalogDb::Impl& d, const QString& table, QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q, QStringLiteral("SELECT count(*) FROM %1").arg(table), {}, error) || !q.next())
        return std::nullopt;
    return q.value(0).toLongLong();
}

// One INSERT of `rows` rows of `columns`, binding each value as it is (NULL stays NULL).
bool insertRows(const CatalogDb::Impl& d, const QString& table, const QStringList& columns,
                const QList<QVariantList>& rows, QString* error) {
    const QString one = QLatin1Char('(') +
                        QStringList(columns.size(), QStringLiteral("?")).join(QLatin1Char(',')) +
                        QLatin1Char(')');
    QStringList tuples;
    for (qsizetype i = 0; i < rows.size(); ++i)
        tuples << one;
    QSqlQuery q(d.db);
    if (!q.prepare(
            QStringLiteral("INSERT INTO %1 (%2) VALUES %3")
                .arg(table, columns.join(QLatin1Char(',')), tuples.join(QLatin1Char(','))))) {
        setError(error, d.describe(q.lastError()));
        return false;
    }
    int n = 0;
    for (const QVariantList& row : rows)
        for (const QVariant& v : row)
            q.bindValue(n++, v.isNull() ? QVariant() : v);
    if (!q.exec()) {
        setError(error, d.describe(q.lastError()));
        return false;
    }
    return true;
}

}  // namespace

bool CatalogDb::copyFrom(const CatalogDb& source, const QString& imageRoot,
                         const std::function<bool(qint64, qint64)>& progress, QString* error) {
    setError(error, {});
    if (!d_->checkOpen(error) || !source.d_->checkOpen(error))
        return false;
    if (source.d_->dialect == d_->dialect && source.d_->path == d_->path) {
        setError(error, trCatalog("A catalogue cannot be copied onto itself."));
        return false;
    }
    for (const char* table : kTables) {
        const auto n = countOf(*d_, QLatin1String(table), error);
        if (!n)
            return false;
        if (*n > 0) {
            setError(error, trCatalog("The catalogue “%1” is not empty (its %2 table has %3 "
                                      "rows): copy into a new, empty catalogue.")
                                .arg(d_->shown, QLatin1String(table))
                                .arg(*n));
            return false;
        }
    }
    qint64 total = 0;
    for (const char* table : kTables) {
        const auto n = countOf(*source.d_, QLatin1String(table), error);
        if (!n)
            return false;
        total += *n;
    }
    Impl rooted;  // paths under imageRoot become relative while copying
    rooted.imageRoot = imageRoot;
    if (!imageRoot.isEmpty()) {
        CatalogDb probe;
        probe.setImageRoot(imageRoot);  // the same normalization as everywhere else
        rooted.imageRoot = probe.imageRoot();
    }
    qint64 done = 0;
    bool cancelled = false;
    const bool ok = d_->write(error, [&] {
        for (const char* name : kTables) {
            const QString table = QLatin1String(name);
            const auto columns = columnsOf(*source.d_, table, error);
            const auto wanted = columnsOf(*d_, table, error);
            if (!columns || !wanted)
                return false;
            QStringList common;  // the same version on both sides; kept general all the same
            for (const QString& c : *columns)
                if (wanted->contains(c))
                    common << c;
            const int pathColumn =
                table == QLatin1String("images") ? int(common.indexOf(QStringLiteral("path"))) : -1;
            const int nameColumn = table == QLatin1String("images")
                                       ? int(common.indexOf(QStringLiteral("file_name")))
                                       : -1;
            QSqlQuery read(source.d_->db);
            read.setForwardOnly(true);
            if (!source.d_->run(read,
                                QStringLiteral("SELECT %1 FROM %2 ORDER BY id")
                                    .arg(common.join(QLatin1Char(',')), table),
                                {}, error))
                return false;
            QList<QVariantList> rows;
            const auto flush = [&] {
                if (rows.isEmpty())
                    return true;
                if (!insertRows(*d_, table, common, rows, error))
                    return false;
                done += rows.size();
                rows.clear();
                if (progress && !progress(done, total)) {
                    cancelled = true;
                    setError(error, trCatalog("The copy was cancelled; nothing was copied."));
                    return false;
                }
                return true;
            };
            while (read.next()) {
                QVariantList row;
                row.reserve(common.size());
                for (int i = 0; i < common.size(); ++i)
                    row << read.value(i);
                if (pathColumn >= 0 && !rooted.imageRoot.isEmpty()) {
                    const QString stored = rooted.toStored(row[pathColumn].toString());
                    row[pathColumn] = stored;
                    if (nameColumn >= 0)
                        row[nameColumn] = baseName(stored);
                }
                rows << row;
                if (rows.size() == kRowsPerInsert && !flush())
                    return false;
            }
            if (!flush())
                return false;
            // PostgreSQL's identity sequences continue after the copied ids.
            if (d_->pg() &&
                !d_->exec(QStringLiteral("SELECT setval(pg_get_serial_sequence('%1', 'id'), "
                                         "coalesce(max(id), 1), max(id) IS NOT NULL) FROM %1")
                              .arg(table),
                          {}, error))
                return false;
        }
        return true;
    });
    Q_UNUSED(cancelled);
    return ok;
}

}  // namespace vistag::catalog

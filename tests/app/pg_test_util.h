// The PostgreSQL server the test suite starts (tests/pg, scripts/pg_test_server.sh): its address
// comes in VISTAG_TEST_PG_URI_FILE and its passwords in PGPASSFILE. Each test gets a database of
// its own, made from scratch and dropped afterwards.
#pragma once

#include <QFile>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QUrl>
#include <QUuid>

namespace vistag::catalog::testing {

// The test server's address (postgresql://vistag@127.0.0.1:PORT/vistag_test), or empty when the
// test runs on SQLite (no VISTAG_TEST_PG_URI_FILE).
inline QString testPgAddress() {
    const QString file = qEnvironmentVariable("VISTAG_TEST_PG_URI_FILE");
    if (file.isEmpty())
        return {};
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return QStringLiteral("postgresql://unreadable-uri-file/") + file;  // fails loudly
    return QString::fromUtf8(f.readAll()).trimmed();
}

// Runs one statement on the test server's own database (outside any catalogue).
inline bool pgAdmin(const QString& sql, QString* error = nullptr) {
    const QUrl url(testPgAddress());
    const QString name = QStringLiteral("vistag-test-admin");
    bool ok = false;
    {
        QSqlDatabase db = QSqlDatabase::contains(name)
                              ? QSqlDatabase::database(name, false)
                              : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(url.host());
        db.setPort(url.port(5432));
        db.setUserName(url.userName());
        db.setDatabaseName(url.path().mid(1));
        if (db.isOpen() || db.open()) {
            QSqlQuery q(db);
            ok = q.exec(sql);
            if (!ok && error)
                *error = q.lastError().text();
        } else if (error) {
            *error = db.lastError().text();
        }
    }
    return ok;
}

// A new empty database on the test server; its address. Empty (and *error set) on failure.
inline QString freshPgDatabase(QString* error = nullptr) {
    const QString name =
        QStringLiteral("vt_") + QUuid::createUuid().toString(QUuid::Id128).left(16);
    if (!pgAdmin(QStringLiteral("CREATE DATABASE %1").arg(name), error))
        return {};
    QUrl url(testPgAddress());
    url.setPath(QLatin1Char('/') + name);
    return url.toString();
}

inline void dropPgDatabase(const QString& address) {
    const QString name = QUrl(address).path().mid(1);
    if (name.startsWith(QLatin1String("vt_")))
        pgAdmin(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(name));
}

}  // namespace vistag::catalog::testing

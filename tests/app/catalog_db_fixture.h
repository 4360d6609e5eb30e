// The fixture the catalogue database tests share: a fresh catalogue per test function — a SQLite
// file, or a new database on the test PostgreSQL server when VISTAG_TEST_PG_URI_FILE is set (the
// "_pg" variants of the tests) — and helpers that read it back row by row.
#pragma once

#include <QJsonDocument>
#include <QJsonObject>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QtTest>
#include <memory>

#include "catalog/catalog_db.h"
#include "catalog_test_util.h"
#include "pg_test_util.h"

namespace vistag::catalog::testing {

const QString kModel = QStringLiteral("model:Qwen3-VL-8B");
const QString kLi = QStringLiteral("li");

inline RunRecord run(qint64 imageId, const QString& finish,
                     const QString& params = QStringLiteral("{}"),
                     const QString& model = QStringLiteral("Qwen3-VL-8B")) {
    RunRecord r;
    r.imageId = imageId;
    r.backend = QStringLiteral("local");
    r.modelId = model;
    r.prompt = QStringLiteral("这件衣服是什么风格?");
    r.paramsJson = params;
    r.answer = QStringLiteral("波西米亚风格的连衣裙");
    r.finishReason = finish;
    r.latencyMs = 212.5;
    return r;
}

inline QJsonObject json(const QString& text) {
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

// Derive a Qt Test class from QObject and this; call openFresh() in init() and close() in
// cleanup().
class CatalogDbFixture {
protected:
    std::unique_ptr<QTemporaryDir> dir_;
    std::unique_ptr<CatalogDb> db_;
    QString pgDatabase_;  // the test's own PostgreSQL database, dropped in close()

    qint64 add(const QString& path, const QString& sku = {}) {
        return db_->addImage(image(path, {}, sku)).value_or(0);
    }
    qint64 suggest(qint64 imageId, const QString& attribute, const QString& value,
                   double confidence = 0.5) {
        return db_->addSuggestions(imageId, 0, {suggestion(attribute, value, confidence)}, kModel)
            .value_or(QList<qint64>{})
            .value(0);
    }

    // Every tags row, every column, in id order: "the exact rows".
    QStringList tagRows() const {
        QSqlQuery q(QSqlDatabase::database(db_->connectionName(), false));
        QStringList out;
        if (!q.exec(QStringLiteral("SELECT * FROM tags ORDER BY id")))
            return {QStringLiteral("query failed")};
        while (q.next()) {
            QStringList cols;
            for (int i = 0; i < q.record().count(); ++i)
                cols << q.record().fieldName(i) + QLatin1Char('=') +
                            (q.isNull(i) ? QStringLiteral("NULL") : q.value(i).toString());
            out << cols.join(QLatin1Char('|'));
        }
        return out;
    }
    AuditEntry lastAudit() const { return db_->auditLog(1).value().value(0); }
    int auditCount() const { return int(db_->auditLog(100000)->size()); }
    TagRecord tagOf(qint64 imageId, const QString& attribute, const QString& value) const {
        const QList<TagRecord> tags = db_->tagsForImage(imageId).value_or(QList<TagRecord>{});
        for (const TagRecord& t : tags)
            if (t.attribute == attribute && t.valueCode == value)
                return t;
        return {};
    }

    // Where the test's catalogue lives: a path or a postgresql:// address.
    QString location() const {
        return pgDatabase_.isEmpty() ? dir_->filePath(QStringLiteral("catalogue.sqlite"))
                                     : pgDatabase_;
    }
    bool onPostgres() const { return !pgDatabase_.isEmpty(); }
    void openFresh() {
        dir_ = std::make_unique<QTemporaryDir>();
        db_ = std::make_unique<CatalogDb>();
        QString error;
        if (!testPgAddress().isEmpty()) {
            pgDatabase_ = freshPgDatabase(&error);
            QVERIFY2(!pgDatabase_.isEmpty(), qPrintable(error));
        }
        QVERIFY2(db_->open(location(), &error), qPrintable(error));
    }
    void close() {
        db_.reset();
        dir_.reset();
        if (!pgDatabase_.isEmpty())
            dropPgDatabase(pgDatabase_);
        pgDatabase_.clear();
    }
};

}  // namespace vistag::catalog::testing

#include "catalog/schema.h"

#include <QRegularExpression>

namespace vistag::catalog::schema {
namespace {

// Version 1: images, inference runs, tags (one image each) and the append-only audit log.
const char* const kV1[] = {
    R"(CREATE TABLE images (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        content_hash TEXT NOT NULL DEFAULT '',
        width INTEGER NOT NULL DEFAULT 0,
        height INTEGER NOT NULL DEFAULT 0,
        added_at TEXT NOT NULL))",
    R"(CREATE INDEX images_hash ON images(content_hash))",
    R"(CREATE TABLE runs (
        id INTEGER PRIMARY KEY,
        image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
        backend TEXT NOT NULL,
        model_id TEXT NOT NULL,
        prompt TEXT NOT NULL,
        params_json TEXT NOT NULL,
        answer TEXT NOT NULL,
        finish_reason TEXT NOT NULL,
        latency_ms REAL NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL))",
    R"(CREATE INDEX runs_image ON runs(image_id))",
    R"(CREATE TABLE tags (
        id INTEGER PRIMARY KEY,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        attribute TEXT NOT NULL,
        value_code TEXT NOT NULL,
        is_new_value INTEGER NOT NULL DEFAULT 0,
        source TEXT NOT NULL,
        confidence REAL NOT NULL DEFAULT -1,
        status TEXT NOT NULL DEFAULT 'suggested'
            CHECK (status IN ('suggested', 'accepted', 'rejected')),
        decided_by TEXT NOT NULL DEFAULT '',
        decided_at TEXT,
        run_id INTEGER REFERENCES runs(id) ON DELETE SET NULL,
        created_at TEXT NOT NULL))",
    R"(CREATE INDEX tags_image ON tags(image_id))",
    R"(CREATE INDEX tags_run ON tags(run_id))",
    R"(CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        action TEXT NOT NULL,
        entity TEXT NOT NULL,
        entity_id INTEGER,
        before_json TEXT,
        after_json TEXT))",
    R"(CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END)",
    R"(CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END)",
};

// Version 2: SKU groups (several views share one tag set: a tag's `owner` is "g:<group>" or
// "i:<image id>"), file names for the name filter, the result-cache key on runs, and the
// persistent batch queue.
const char* const kV2[] = {
    R"(ALTER TABLE images ADD COLUMN sku_group TEXT NOT NULL DEFAULT '')",
    R"(ALTER TABLE images ADD COLUMN file_name TEXT NOT NULL DEFAULT '')",
    // basename: strip everything up to the last '/'
    R"(UPDATE images SET file_name = replace(path, rtrim(path, replace(path, '/', '')), ''))",
    R"(CREATE INDEX images_sku ON images(sku_group) WHERE sku_group <> '')",
    R"(ALTER TABLE tags ADD COLUMN sku_group TEXT NOT NULL DEFAULT '')",
    R"(ALTER TABLE tags ADD COLUMN owner TEXT NOT NULL DEFAULT '')",
    R"(UPDATE tags SET owner = 'i:' || image_id)",
    R"(CREATE INDEX tags_owner ON tags(owner, status))",
    R"(CREATE INDEX tags_value ON tags(value_code, attribute))",
    R"(ALTER TABLE runs ADD COLUMN content_hash TEXT NOT NULL DEFAULT '')",
    R"(UPDATE runs SET content_hash =
        coalesce((SELECT content_hash FROM images WHERE images.id = runs.image_id), ''))",
    R"(CREATE INDEX runs_cache ON runs(content_hash, model_id, params_json))",
    R"(CREATE TABLE batches (
        id INTEGER PRIMARY KEY,
        mode TEXT NOT NULL CHECK (mode IN ('untagged', 'replace', 'append')),
        prompt TEXT NOT NULL,
        model_id TEXT NOT NULL,
        params_json TEXT NOT NULL,
        cancelled INTEGER NOT NULL DEFAULT 0,
        created_at TEXT NOT NULL))",
    R"(CREATE TABLE batch_items (
        id INTEGER PRIMARY KEY,
        batch_id INTEGER NOT NULL REFERENCES batches(id) ON DELETE CASCADE,
        image_id INTEGER NOT NULL REFERENCES images(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        status TEXT NOT NULL DEFAULT 'pending' CHECK (status IN
            ('pending', 'running', 'done', 'skipped', 'failed', 'cancelled')),
        message TEXT NOT NULL DEFAULT '',
        started_at TEXT,
        finished_at TEXT))",
    R"(CREATE INDEX batch_items_queue ON batch_items(batch_id, status, position))",
    R"(CREATE INDEX batch_items_image ON batch_items(image_id))",
};

// Version 3: constrained tagging. A tag's allowed_mass is the share of probability the model gave
// to the taxonomy's values where it chose this one (-1 unknown); a run's tags_json keeps the
// values and confidences of a constrained answer, so a cached answer restores them.
const char* const kV3[] = {
    R"(ALTER TABLE tags ADD COLUMN allowed_mass REAL NOT NULL DEFAULT -1)",
    R"(ALTER TABLE runs ADD COLUMN tags_json TEXT NOT NULL DEFAULT '')",
};

// Version 4: a team catalogue. A tag's version counts its changes (an edit made on a stale view
// is refused); a batch item records the worker that took it and until when its lease runs, so
// several workers share one queue and a dead worker's items go back to the queue.
const char* const kV4[] = {
    R"(ALTER TABLE tags ADD COLUMN version INTEGER NOT NULL DEFAULT 0)",
    R"(ALTER TABLE batch_items ADD COLUMN worker TEXT NOT NULL DEFAULT '')",
    R"(ALTER TABLE batch_items ADD COLUMN lease_until TEXT)",
};

// Version 5: reviewing less. Rules that accept the model's suggestions at or above a confidence
// threshold measured on people's decisions (one per attribute), the runs that applied them (a run
// is undone as one step), and on each tag the run that accepted it and the threshold it used.
const char* const kV5[] = {
    R"(CREATE TABLE review_rules (
        id INTEGER PRIMARY KEY,
        attribute TEXT NOT NULL UNIQUE,
        enabled INTEGER NOT NULL DEFAULT 1,
        min_precision REAL NOT NULL,
        min_reviewed INTEGER NOT NULL,
        after_batch INTEGER NOT NULL DEFAULT 0,
        updated_by TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL))",
    R"(CREATE TABLE rule_runs (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        who TEXT NOT NULL,
        rules_json TEXT NOT NULL,
        accepted INTEGER NOT NULL DEFAULT 0,
        undone_at TEXT,
        undone_by TEXT NOT NULL DEFAULT ''))",
    R"(ALTER TABLE tags ADD COLUMN rule_run_id INTEGER)",
    R"(ALTER TABLE tags ADD COLUMN rule_threshold REAL NOT NULL DEFAULT -1)",
    R"(CREATE INDEX tags_rule_run ON tags(rule_run_id))",
};

// Version 6: product feeds. A feed file as it was imported (its bytes, so that an export writes
// the merchant's rows back unchanged); its products (one SKU group each: the product's tag set)
// with title, description and the feed rows they came from; each product's image URLs in
// position order with where their download stands (a failed one is retried later); and the
// variants' SKUs.
const char* const kV6[] = {
    R"(CREATE TABLE feeds (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        format TEXT NOT NULL,
        content TEXT NOT NULL,
        imported_at TEXT NOT NULL))",
    R"(CREATE TABLE products (
        id INTEGER PRIMARY KEY,
        feed_id INTEGER NOT NULL REFERENCES feeds(id) ON DELETE CASCADE,
        handle TEXT NOT NULL,
        sku_group TEXT NOT NULL,
        title TEXT NOT NULL DEFAULT '',
        description TEXT NOT NULL DEFAULT '',
        first_row INTEGER NOT NULL DEFAULT 0,
        updated_at TEXT NOT NULL,
        UNIQUE (feed_id, handle)))",
    R"(CREATE INDEX products_group ON products(sku_group))",
    R"(CREATE TABLE product_images (
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        url TEXT NOT NULL,
        feed_row INTEGER NOT NULL DEFAULT 0,
        image_id INTEGER REFERENCES images(id) ON DELETE SET NULL,
        status TEXT NOT NULL DEFAULT 'pending'
            CHECK (status IN ('pending', 'done', 'failed')),
        error TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL,
        UNIQUE (product_id, url)))",
    R"(CREATE INDEX product_images_status ON product_images(status))",
    R"(CREATE TABLE product_variants (
        id INTEGER PRIMARY KEY,
        product_id INTEGER NOT NULL REFERENCES products(id) ON DELETE CASCADE,
        sku TEXT NOT NULL,
        feed_row INTEGER NOT NULL DEFAULT 0,
        image_url TEXT NOT NULL DEFAULT ''))",
    R"(CREATE INDEX product_variants_product ON product_variants(product_id))",
};

// PostgreSQL spelling of the append-only audit triggers (SQLite's RAISE has no equivalent).
const char* const kPgAuditTriggers[] = {
    R"(CREATE FUNCTION vistag_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$)",
    R"(CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
        FOR EACH ROW EXECUTE FUNCTION vistag_audit_append_only())",
};

// The steps are written in SQLite's dialect; PostgreSQL gets 64-bit identity keys, 64-bit
// integers, double precision and its own trigger syntax. Everything else is common SQL.
QStringList forPostgres(const QStringList& sqlite) {
    static const QRegularExpression primaryKey(QStringLiteral("\\bINTEGER PRIMARY KEY\\b"));
    static const QRegularExpression integer(QStringLiteral("\\bINTEGER\\b"));
    static const QRegularExpression real(QStringLiteral("\\bREAL\\b"));
    QStringList out;
    bool triggersDone = false;
    for (QString sql : sqlite) {
        if (sql.startsWith(QLatin1String("CREATE TRIGGER audit_no_"))) {
            if (!triggersDone)
                for (const char* t : kPgAuditTriggers)
                    out << QString::fromUtf8(t);
            triggersDone = true;
            continue;
        }
        sql.replace(primaryKey,
                    QStringLiteral("BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"));
        sql.replace(integer, QStringLiteral("BIGINT"));
        sql.replace(real, QStringLiteral("DOUBLE PRECISION"));
        out << sql;
    }
    return out;
}

template <std::size_t N>
QStringList toList(const char* const (&statements)[N]) {
    QStringList out;
    for (const char* s : statements)
        out << QString::fromUtf8(s);
    return out;
}

}  // namespace

int currentVersion() {
    return 6;
}

QStringList stepSql(int version, Dialect dialect) {
    const QStringList sqlite = stepSql(version);
    return dialect == Dialect::Postgres ? forPostgres(sqlite) : sqlite;
}

QStringList stepSql(int version) {
    switch (version) {
        case 1:
            return toList(kV1);
        case 2:
            return toList(kV2);
        case 3:
            return toList(kV3);
        case 4:
            return toList(kV4);
        case 5:
            return toList(kV5);
        case 6:
            return toList(kV6);
        default:
            return {};
    }
}

}  // namespace vistag::catalog::schema

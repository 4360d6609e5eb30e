// CatalogDb: what people decided on the model's suggestions (to measure the model), the saved
// review rules, the runs that accept suggestions above a measured threshold (each tag audited,
// each run undone as one step), and answers the merchant already has, applied as reviews.
// The thresholds themselves are computed in review/ from reviewedSuggestions().
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QSqlQuery>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {

QString reviewOutcomeName(ReviewOutcome o) {
    switch (o) {
        case ReviewOutcome::Accepted:
            return QStringLiteral("accepted");
        case ReviewOutcome::Fixed:
            return QStringLiteral("fixed");
        case ReviewOutcome::Rejected:
            return QStringLiteral("rejected");
    }
    return {};
}

namespace {

QString ruleDecider(const QString& attribute) {
    return QStringLiteral("rule:") + attribute;
}

QString personSource(const QString& who) {
    return QStringLiteral("person:") + who;
}

QString groupOfOwner(const QString& owner) {
    return owner.startsWith(QLatin1String("g:")) ? owner.mid(2) : QString();
}

QJsonObject ruleJson(const RuleThreshold& r) {
    return {{QStringLiteral("attribute"), r.attribute},
            {QStringLiteral("threshold"), r.threshold},
            {QStringLiteral("min_precision"), r.minPrecision},
            {QStringLiteral("min_reviewed"), r.minReviewed},
            {QStringLiteral("precision_lower_bound"), r.precisionLowerBound},
            {QStringLiteral("reviewed_above"), r.reviewedAbove}};
}

RuleThreshold ruleFromJson(const QJsonObject& o) {
    RuleThreshold r;
    r.attribute = o.value(QStringLiteral("attribute")).toString();
    r.threshold = o.value(QStringLiteral("threshold")).toDouble(-1);
    r.minPrecision = o.value(QStringLiteral("min_precision")).toDouble();
    r.minReviewed = o.value(QStringLiteral("min_reviewed")).toInt();
    r.precisionLowerBound = o.value(QStringLiteral("precision_lower_bound")).toDouble();
    r.reviewedAbove = o.value(QStringLiteral("reviewed_above")).toInt();
    return r;
}

QList<RuleThreshold> rulesFromJson(const QString& text) {
    QList<RuleThreshold> out;
    for (const QJsonValue v : QJsonDocument::fromJson(text.toUtf8()).array())
        out << ruleFromJson(v.toObject());
    return out;
}

bool checkRule(const QString& attribute, double minPrecision, int minReviewed, QString* error) {
    if (attribute.trimmed().isEmpty()) {
        setError(error, trCatalog("A review rule needs an attribute."));
        return false;
    }
    if (!(minPrecision > 0 && minPrecision <= 1)) {
        setError(error, trCatalog("The target precision of the rule for “%1” must be above 0 and "
                                  "at most 1 (it is %2).")
                            .arg(attribute)
                            .arg(minPrecision));
        return false;
    }
    if (minReviewed < 1) {
        setError(error, trCatalog("The rule for “%1” needs at least 1 reviewed suggestion (it "
                                  "asks for %2).")
                            .arg(attribute)
                            .arg(minReviewed));
        return false;
    }
    return true;
}

}  // namespace

std::optional<QList<ReviewedSuggestion>> CatalogDb::reviewedSuggestions(QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    // Two linear reads instead of a correlated subquery per tag: the accepted values of each
    // tag set and attribute, then the decided model suggestions.
    QHash<QPair<QString, QString>, QSet<QString>> acceptedValues;
    QSqlQuery q(d_->db);
    q.setForwardOnly(true);
    if (!d_->run(q,
                 QStringLiteral("SELECT owner, attribute, value_code FROM tags WHERE status = "
                                "'accepted'"),
                 {}, error))
        return std::nullopt;
    while (q.next())
        acceptedValues[{q.value(0).toString(), q.value(1).toString()}].insert(
            q.value(2).toString());
    q.finish();
    if (!d_->run(q,
                 QStringLiteral("SELECT id, attribute, confidence, status, owner, value_code FROM "
                                "tags WHERE source LIKE 'model:%' AND (status = 'rejected' OR "
                                "(status = 'accepted' AND decided_by NOT LIKE 'rule:%')) ORDER BY "
                                "attribute, id"),
                 {}, error))
        return std::nullopt;
    QList<ReviewedSuggestion> out;
    while (q.next()) {
        ReviewedSuggestion r;
        r.tagId = q.value(0).toLongLong();
        r.attribute = q.value(1).toString();
        r.confidence = q.value(2).toDouble();
        if (q.value(3).toString() == QLatin1String("accepted")) {
            r.outcome = ReviewOutcome::Accepted;
        } else {
            // Fixed: the tag set has another value of the attribute accepted.
            const QSet<QString> values = acceptedValues.value({q.value(4).toString(), r.attribute});
            const QString value = q.value(5).toString();
            const bool replaced = values.size() > (values.contains(value) ? 1 : 0);
            r.outcome = replaced ? ReviewOutcome::Fixed : ReviewOutcome::Rejected;
        }
        out << r;
    }
    return out;
}

std::optional<QList<PendingSuggestion>> CatalogDb::pendingSuggestions(QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT id, image_id, attribute, value_code, confidence FROM tags "
                                "WHERE source LIKE 'model:%' AND status = 'suggested' ORDER BY "
                                "attribute, id"),
                 {}, error))
        return std::nullopt;
    QList<PendingSuggestion> out;
    while (q.next())
        out << PendingSuggestion{q.value(0).toLongLong(), q.value(1).toLongLong(),
                                 q.value(2).toString(), q.value(3).toString(),
                                 q.value(4).toDouble()};
    return out;
}

// ---- rules ------------------------------------------------------------------------------------

std::optional<QList<ReviewRule>> CatalogDb::reviewRules(QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT attribute, enabled, min_precision, min_reviewed, "
                                "after_batch FROM review_rules ORDER BY attribute"),
                 {}, error))
        return std::nullopt;
    QList<ReviewRule> out;
    while (q.next())
        out << ReviewRule{q.value(0).toString(), q.value(1).toInt() != 0, q.value(2).toDouble(),
                          q.value(3).toInt(), q.value(4).toInt() != 0};
    return out;
}

bool CatalogDb::setReviewRule(const ReviewRule& rule, const QString& who, QString* error) {
    if (!checkRule(rule.attribute, rule.minPrecision, rule.minReviewed, error))
        return false;
    return d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q,
                     QStringLiteral("SELECT enabled, min_precision, min_reviewed, after_batch FROM "
                                    "review_rules WHERE attribute = ?"),
                     {rule.attribute}, error))
            return false;
        QJsonObject before;
        const bool exists = q.next();
        if (exists)
            before = {{QStringLiteral("attribute"), rule.attribute},
                      {QStringLiteral("enabled"), q.value(0).toInt() != 0},
                      {QStringLiteral("min_precision"), q.value(1).toDouble()},
                      {QStringLiteral("min_reviewed"), q.value(2).toInt()},
                      {QStringLiteral("after_batch"), q.value(3).toInt() != 0}};
        q.finish();
        const QVariantList values{rule.enabled ? 1 : 0,
                                  rule.minPrecision,
                                  rule.minReviewed,
                                  rule.afterBatch ? 1 : 0,
                                  who,
                                  nowText(),
                                  rule.attribute};
        const bool ok =
            exists ? d_->exec(QStringLiteral("UPDATE review_rules SET enabled = ?, min_precision = "
                                             "?, min_reviewed = ?, after_batch = ?, updated_by = "
                                             "?, updated_at = ? WHERE attribute = ?"),
                              values, error)
                   : d_->exec(QStringLiteral("INSERT INTO review_rules (enabled, min_precision, "
                                             "min_reviewed, after_batch, updated_by, updated_at, "
                                             "attribute) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                              values, error);
        const QJsonObject after{{QStringLiteral("attribute"), rule.attribute},
                                {QStringLiteral("enabled"), rule.enabled},
                                {QStringLiteral("min_precision"), rule.minPrecision},
                                {QStringLiteral("min_reviewed"), rule.minReviewed},
                                {QStringLiteral("after_batch"), rule.afterBatch}};
        return ok && d_->audit(who, QStringLiteral("set_rule"), QStringLiteral("rule"), 0, before,
                               after, error);
    });
}

bool CatalogDb::removeReviewRule(const QString& attribute, const QString& who, QString* error) {
    return d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q, QStringLiteral("SELECT count(*) FROM review_rules WHERE attribute = ?"),
                     {attribute}, error) ||
            !q.next())
            return false;
        if (q.value(0).toInt() == 0)
            return true;
        q.finish();
        return d_->exec(QStringLiteral("DELETE FROM review_rules WHERE attribute = ?"), {attribute},
                        error) &&
               d_->audit(who, QStringLiteral("remove_rule"), QStringLiteral("rule"), 0,
                         {{QStringLiteral("attribute"), attribute}}, {}, error);
    });
}

// ---- rule runs --------------------------------------------------------------------------------

std::optional<AutoAcceptResult> CatalogDb::autoAccept(const QList<RuleThreshold>& rules,
                                                      const QString& who, QString* error,
                                                      bool dry) {
    QSet<QString> seen;
    for (const RuleThreshold& r : rules) {
        if (!checkRule(r.attribute, r.minPrecision, r.minReviewed, error))
            return std::nullopt;
        if (!(r.threshold >= 0 && r.threshold <= 1)) {
            setError(error, trCatalog("The rule for “%1” has no threshold between 0 and 1 (%2).")
                                .arg(r.attribute)
                                .arg(r.threshold));
            return std::nullopt;
        }
        if (seen.contains(r.attribute)) {
            setError(error, trCatalog("Two rules for “%1” in one run.").arg(r.attribute));
            return std::nullopt;
        }
        seen.insert(r.attribute);
    }
    AutoAcceptResult result;
    const bool ok = d_->writeOrDryRun(dry, error, [&] {
        QList<QPair<TagRecord, const RuleThreshold*>> chosen;
        for (const RuleThreshold& r : rules) {
            QSqlQuery q(d_->db);
            if (!d_->run(q,
                         QStringLiteral("SELECT %1 FROM tags WHERE attribute = ? AND status = "
                                        "'suggested' AND source LIKE 'model:%' AND confidence >= ? "
                                        "ORDER BY id")
                             .arg(QLatin1String(kTagColumns)),
                         {r.attribute, r.threshold}, error))
                return false;
            int n = 0;
            while (q.next()) {
                chosen.append({readTag(q), &r});
                ++n;
            }
            result.acceptedPerAttribute.insert(r.attribute, n);
        }
        for (const auto& c : chosen)
            result.tagIds << c.first.id;
        if (dry || chosen.isEmpty())
            return true;
        QJsonArray rulesJson;
        for (const RuleThreshold& r : rules)
            rulesJson.append(ruleJson(r));
        const QString now = nowText();
        QSqlQuery ins(d_->db);
        if (!d_->run(ins,
                     QStringLiteral("INSERT INTO rule_runs (at, who, rules_json, accepted) VALUES "
                                    "(?, ?, ?, ?)"),
                     {now, who,
                      QString::fromUtf8(QJsonDocument(rulesJson).toJson(QJsonDocument::Compact)),
                      static_cast<int>(chosen.size())},
                     error))
            return false;
        const auto runId = d_->lastInsertId(ins, error);
        if (!runId)
            return false;
        result.runId = *runId;
        for (const auto& [old, rule] : chosen) {
            const QString decider = ruleDecider(rule->attribute);
            if (!d_->exec(QStringLiteral("UPDATE tags SET status = 'accepted', decided_by = ?, "
                                         "decided_at = ?, version = version + 1, rule_run_id = ?, "
                                         "rule_threshold = ? WHERE id = ?"),
                          {decider, now, *runId, rule->threshold, old.id}, error))
                return false;
            TagRecord updated = old;
            updated.status = TagStatus::Accepted;
            updated.decidedBy = decider;
            QJsonObject after = tagJson(updated);
            QJsonObject ruleInfo = ruleJson(*rule);
            ruleInfo.insert(QStringLiteral("run"), static_cast<double>(*runId));
            after.insert(QStringLiteral("rule"), ruleInfo);
            if (!d_->audit(who, QStringLiteral("auto_accept"), QStringLiteral("tag"), old.id,
                           tagJson(old), after, error))
                return false;
        }
        return true;
    });
    if (!ok)
        return std::nullopt;
    return result;
}

bool CatalogDb::undoRuleRun(qint64 runId, const QString& who, QString* error, int* restored) {
    return d_->write(error, [&] {
        QSqlQuery q(d_->db);
        if (!d_->run(q, QStringLiteral("SELECT undone_at FROM rule_runs WHERE id = ?"), {runId},
                     error))
            return false;
        if (!q.next()) {
            setError(error,
                     trCatalog("There is no run of the review rules with id %1.").arg(runId));
            return false;
        }
        if (!q.value(0).isNull()) {
            setError(error, trCatalog("The run %1 of the review rules was undone already (%2).")
                                .arg(runId)
                                .arg(q.value(0).toString()));
            return false;
        }
        q.finish();
        if (!d_->run(q,
                     QStringLiteral("SELECT %1 FROM tags WHERE rule_run_id = ? AND status = "
                                    "'accepted' AND decided_by = 'rule:' || attribute ORDER BY id")
                         .arg(QLatin1String(kTagColumns)),
                     {runId}, error))
            return false;
        QList<TagRecord> tags;
        while (q.next())
            tags << readTag(q);
        q.finish();
        QJsonArray before, after;
        for (const TagRecord& t : tags) {
            if (!d_->exec(QStringLiteral("UPDATE tags SET status = 'suggested', decided_by = '', "
                                         "decided_at = NULL, version = version + 1, rule_run_id = "
                                         "NULL, rule_threshold = -1 WHERE id = ?"),
                          {t.id}, error))
                return false;
            before.append(tagJson(t));
            TagRecord now = t;
            now.status = TagStatus::Suggested;
            now.decidedBy.clear();
            after.append(tagJson(now));
        }
        if (restored)
            *restored = static_cast<int>(tags.size());
        return d_->exec(QStringLiteral("UPDATE rule_runs SET undone_at = ?, undone_by = ? WHERE "
                                       "id = ?"),
                        {nowText(), who, runId}, error) &&
               d_->audit(who, QStringLiteral("undo_auto_accept"), QStringLiteral("tags"), 0,
                         {{QStringLiteral("run"), static_cast<double>(runId)},
                          {QStringLiteral("tags"), before}},
                         {{QStringLiteral("run"), static_cast<double>(runId)},
                          {QStringLiteral("tags"), after}},
                         error);
    });
}

std::optional<QList<RuleRun>> CatalogDb::ruleRuns(QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT id, at, who, accepted, rules_json, undone_at, undone_by "
                                "FROM rule_runs ORDER BY id DESC"),
                 {}, error))
        return std::nullopt;
    QList<RuleRun> out;
    while (q.next()) {
        RuleRun r;
        r.id = q.value(0).toLongLong();
        r.at = timeFromSql(q.value(1));
        r.who = q.value(2).toString();
        r.accepted = q.value(3).toInt();
        r.rules = rulesFromJson(q.value(4).toString());
        r.undoneAt = timeFromSql(q.value(5));
        r.undoneBy = q.value(6).toString();
        out << r;
    }
    return out;
}

std::optional<RuleAcceptance> CatalogDb::ruleAcceptance(qint64 tagId, QString* error) const {
    setError(error, {});
    if (!d_->checkOpen(error))
        return std::nullopt;
    QSqlQuery q(d_->db);
    if (!d_->run(q,
                 QStringLiteral("SELECT r.id, r.at, r.who, r.rules_json, t.attribute, "
                                "t.rule_threshold FROM tags t JOIN rule_runs r ON r.id = "
                                "t.rule_run_id WHERE t.id = ? AND t.status = 'accepted' AND "
                                "t.decided_by = 'rule:' || t.attribute"),
                 {tagId}, error))
        return std::nullopt;
    if (!q.next())
        return std::nullopt;
    RuleAcceptance a;
    a.runId = q.value(0).toLongLong();
    a.at = timeFromSql(q.value(1));
    a.who = q.value(2).toString();
    const QString attribute = q.value(4).toString();
    for (const RuleThreshold& r : rulesFromJson(q.value(3).toString()))
        if (r.attribute == attribute)
            a.rule = r;
    a.rule.attribute = attribute;
    a.rule.threshold = q.value(5).toDouble();
    return a;
}

// ---- answers the merchant already has ---------------------------------------------------------

namespace {

bool decideAs(const CatalogDb::Impl& d, qint64 id, TagStatus status, const QString& who,
              QString* error) {
    return d.exec(QStringLiteral("UPDATE tags SET status = ?, decided_by = ?, decided_at = ?, "
                                 "version = version + 1 WHERE id = ?"),
                  {tagStatusName(status), who, nowText(), id}, error);
}

// The owner's tag with this value (any status), or nullopt inside an optional when none.
std::optional<std::optional<TagRecord>> tagWithValue(const CatalogDb::Impl& d, const QString& owner,
                                                     const QString& attribute, const QString& value,
                                                     QString* error) {
    QSqlQuery q(d.db);
    if (!d.run(q,
               QStringLiteral("SELECT %1 FROM tags WHERE owner = ? AND attribute = ? AND "
                              "value_code = ? ORDER BY id LIMIT 1")
                   .arg(QLatin1String(kTagColumns)),
               {owner, attribute, value}, error))
        return std::nullopt;
    if (!q.next())
        return std::optional<TagRecord>();
    return std::optional<TagRecord>(readTag(q));
}

}  // namespace

std::optional<ResolveResult> CatalogDb::resolveWithAnswers(const QList<KnownAnswer>& answers,
                                                           const QString& who,
                                                           const QString& source, QString* error,
                                                           bool dry) {
    for (const KnownAnswer& a : answers)
        if (a.attribute.trimmed().isEmpty() || a.valueCode.trimmed().isEmpty()) {
            setError(error,
                     trCatalog("%1: an answer needs an attribute and a value.").arg(a.where));
            return std::nullopt;
        }
    ResolveResult result;
    // A dry run only reads (it works on a catalogue opened read-only): what the writes would
    // change is followed in `acceptedNow`.
    const bool write = !dry;
    const auto body = [&] {
        // (owner, attribute) → the answer values in file order, and the image of the first answer.
        QList<QPair<QString, QString>> order;
        QHash<QPair<QString, QString>, QStringList> values;
        QHash<QPair<QString, QString>, qint64> imageOf;
        for (const KnownAnswer& a : answers) {
            QString lookupError;
            const auto owner = d_->ownerOfImage(a.imageId, nullptr, &lookupError);
            if (!owner) {
                setError(error, QStringLiteral("%1: %2").arg(a.where, lookupError));
                return false;
            }
            const QPair<QString, QString> key{*owner, a.attribute};
            if (!values.contains(key)) {
                order << key;
                imageOf.insert(key, a.imageId);
            }
            if (!values[key].contains(a.valueCode))
                values[key] << a.valueCode;
        }
        for (const auto& key : order) {
            const auto& [owner, attribute] = key;
            const QStringList& wanted = values.value(key);
            QSqlQuery q(d_->db);
            if (!d_->run(q,
                         QStringLiteral("SELECT %1 FROM tags WHERE owner = ? AND attribute = ? "
                                        "AND status = 'suggested' AND source LIKE 'model:%' ORDER "
                                        "BY id")
                             .arg(QLatin1String(kTagColumns)),
                         {owner, attribute}, error))
                return false;
            QList<TagRecord> right, wrong;
            while (q.next()) {
                const TagRecord t = readTag(q);
                (wanted.contains(t.valueCode) ? right : wrong) << t;
            }
            q.finish();
            if (right.isEmpty() && wrong.isEmpty()) {
                ++result.answersWithoutSuggestion;
                continue;
            }
            QSet<QString> acceptedNow;  // values of this tag set accepted by this import
            for (const TagRecord& t : right) {
                TagRecord now = t;
                now.decidedBy = who;
                now.status = TagStatus::Accepted;
                QJsonObject after = tagJson(now);
                after.insert(QStringLiteral("import"), source);
                if (write && (!decideAs(*d_, t.id, TagStatus::Accepted, who, error) ||
                              !d_->audit(who, QStringLiteral("accept"), QStringLiteral("tag"), t.id,
                                         tagJson(t), after, error)))
                    return false;
                acceptedNow.insert(t.valueCode);
                ++result.accepted;
            }
            for (const TagRecord& t : wrong) {
                TagRecord now = t;
                now.decidedBy = who;
                // The first answer value the tag set lacks (accepted) yet: the fix. None: rejected.
                QString target;
                std::optional<TagRecord> existing;
                for (const QString& v : wanted) {
                    if (acceptedNow.contains(v))
                        continue;
                    const auto found = tagWithValue(*d_, owner, attribute, v, error);
                    if (!found)
                        return false;
                    if (!*found || (*found)->status != TagStatus::Accepted) {
                        target = v;
                        existing = *found;
                        break;
                    }
                }
                now.status = TagStatus::Rejected;
                if (write && !decideAs(*d_, t.id, TagStatus::Rejected, who, error))
                    return false;
                if (target.isEmpty()) {
                    QJsonObject after = tagJson(now);
                    after.insert(QStringLiteral("import"), source);
                    if (write && !d_->audit(who, QStringLiteral("reject"), QStringLiteral("tag"),
                                            t.id, tagJson(t), after, error))
                        return false;
                    ++result.rejected;
                    continue;
                }
                acceptedNow.insert(target);
                ++result.fixed;
                if (!write)
                    continue;
                TagRecord accepted;
                if (existing) {
                    accepted = *existing;
                    if (!decideAs(*d_, accepted.id, TagStatus::Accepted, who, error))
                        return false;
                } else {
                    accepted.imageId = imageOf.value(key);
                    accepted.attribute = attribute;
                    accepted.valueCode = target;
                    accepted.source = personSource(who);
                    const QString at = nowText();
                    QSqlQuery ins(d_->db);
                    if (!d_->run(ins,
                                 QStringLiteral(
                                     "INSERT INTO tags (image_id, owner, sku_group, attribute, "
                                     "value_code, is_new_value, source, confidence, status, "
                                     "decided_by, decided_at, created_at) VALUES (?, ?, ?, ?, ?, "
                                     "0, ?, -1, 'accepted', ?, ?, ?)"),
                                 {accepted.imageId, owner, groupOfOwner(owner), attribute, target,
                                  accepted.source, who, at, at},
                                 error))
                        return false;
                    const auto id = d_->lastInsertId(ins, error);
                    if (!id)
                        return false;
                    accepted.id = *id;
                    accepted.skuGroup = groupOfOwner(owner);
                }
                accepted.status = TagStatus::Accepted;
                accepted.decidedBy = who;
                QJsonObject after{{QStringLiteral("rejected"), tagJson(now)},
                                  {QStringLiteral("accepted"), tagJson(accepted)}};
                after.insert(QStringLiteral("import"), source);
                if (!d_->audit(who, QStringLiteral("fix"), QStringLiteral("tag"), t.id, tagJson(t),
                               after, error))
                    return false;
            }
        }
        return true;
    };
    const bool ok = dry ? d_->checkOpen(error) && body() : d_->write(error, body);
    if (!ok)
        return std::nullopt;
    return result;
}

}  // namespace vistag::catalog

// Reviewing less, in the catalogue (SQLite, and PostgreSQL in the _pg variant): what people did
// with the model's suggestions (accepted unchanged / fixed / rejected; a rule's accept is no
// review), rule runs that accept exactly the suggestions at or above a threshold with one audit
// row each and are undone as one step, saved rules, and answers imported as reviews.
#include <QJsonArray>

#include "catalog_db_fixture.h"
#include "review/review_stats.h"

using namespace vistag::catalog;
using namespace vistag::catalog::testing;

namespace {

const QString kColour = QStringLiteral("colour");

QHash<qint64, ReviewOutcome> outcomes(const CatalogDb& db) {
    QHash<qint64, ReviewOutcome> out;
    const QList<ReviewedSuggestion> reviewed = db.reviewedSuggestions().value();
    for (const ReviewedSuggestion& r : reviewed)
        out.insert(r.tagId, r.outcome);
    return out;
}

RuleThreshold rule(const QString& attribute, double threshold) {
    return {attribute, threshold, 0.9, 5, 0.93, 40};
}

}  // namespace

class TestReviewRules final : public QObject, CatalogDbFixture {
    Q_OBJECT

private slots:
    void init() { openFresh(); }
    void cleanup() { close(); }

    void acceptedFixedAndRejectedAreToldApart() {
        const qint64 a = add(QStringLiteral("/p/a.jpg"));
        const qint64 b = add(QStringLiteral("/p/b.jpg"));
        const qint64 c = add(QStringLiteral("/p/c.jpg"));
        const qint64 right = suggest(a, kColour, QStringLiteral("red"), 0.9);
        const qint64 fixed = suggest(b, kColour, QStringLiteral("red"), 0.6);
        const qint64 rejected = suggest(c, kColour, QStringLiteral("red"), 0.3);
        const qint64 open = suggest(c, QStringLiteral("season"), QStringLiteral("summer"), 0.7);
        QVERIFY(db_->acceptTag(right, kLi));
        QVERIFY(db_->fixTag(fixed, QStringLiteral("blue"), false, kLi));
        QVERIFY(db_->rejectTag(rejected, kLi));
        const auto got = outcomes(*db_);
        QCOMPARE(got.size(), 3);  // the person's "blue" and the open suggestion are no reviews
        QCOMPARE(got.value(right), ReviewOutcome::Accepted);
        QCOMPARE(got.value(fixed), ReviewOutcome::Fixed);
        QCOMPARE(got.value(rejected), ReviewOutcome::Rejected);
        const auto pending = db_->pendingSuggestions().value();
        QCOMPARE(pending.size(), 1);
        QCOMPARE(pending.first().tagId, open);
        QCOMPARE(pending.first().confidence, 0.7);
        // Reopened: no longer a review.
        QVERIFY(db_->reopenTag(right, kLi));
        QVERIFY(!outcomes(*db_).contains(right));
    }

    void aRuleAcceptsExactlyWhatIsAtOrAboveItsThresholdAndUndoRestoresIt() {
        QList<qint64> ids;
        const double confidences[] = {0.95, 0.9, 0.9, 0.89, 0.5, 1.0};
        for (int i = 0; i < 6; ++i) {
            const qint64 img = add(QStringLiteral("/p/%1.jpg").arg(i));
            ids << suggest(img, kColour, QStringLiteral("red"), confidences[i]);
            suggest(img, QStringLiteral("season"), QStringLiteral("summer"), 0.99);
        }
        QVERIFY(db_->rejectTag(ids[5], kLi));  // decided: not the rule's to take
        const QStringList start = tagRows();
        const int audits = auditCount();

        const auto dry = db_->autoAccept({rule(kColour, 0.9)}, kLi, nullptr, /*dryRun=*/true);
        QVERIFY(dry);
        QCOMPARE(dry->acceptedPerAttribute.value(kColour), 3);
        QCOMPARE(dry->runId, 0);
        QCOMPARE(tagRows(), start);
        QCOMPARE(auditCount(), audits);

        QString error;
        const auto done = db_->autoAccept({rule(kColour, 0.9)}, QStringLiteral("bot"), &error);
        QVERIFY2(done, qPrintable(error));
        QVERIFY(done->runId > 0);
        QCOMPARE(QSet<qint64>(done->tagIds.cbegin(), done->tagIds.cend()),
                 (QSet<qint64>{ids[0], ids[1], ids[2]}));  // 0.95, 0.9 and the tie at 0.9
        for (int i = 0; i < 6; ++i) {
            const TagRecord t = db_->tagById(ids[i]).value();
            const bool taken = i < 3;
            QCOMPARE(t.status, taken    ? TagStatus::Accepted
                               : i == 5 ? TagStatus::Rejected
                                        : TagStatus::Suggested);
            QCOMPARE(t.decidedBy, taken ? QStringLiteral("rule:colour") : i == 5 ? kLi : QString());
            const auto how = db_->ruleAcceptance(ids[i]);
            QCOMPARE(bool(how), taken);
            if (how) {
                QCOMPARE(how->runId, done->runId);
                QCOMPARE(how->rule.threshold, 0.9);
                QCOMPARE(how->rule.minPrecision, 0.9);
                QCOMPARE(how->rule.minReviewed, 5);
                QCOMPARE(how->who, QStringLiteral("bot"));
            }
        }
        // One audit row per accepted tag, naming the rule.
        const auto log = db_->auditLog(3).value();
        for (const AuditEntry& e : log) {
            QCOMPARE(e.action, QStringLiteral("auto_accept"));
            QCOMPARE(e.who, QStringLiteral("bot"));
            const QJsonObject r = json(e.afterJson).value(QStringLiteral("rule")).toObject();
            QCOMPARE(r.value(QStringLiteral("attribute")).toString(), kColour);
            QCOMPARE(r.value(QStringLiteral("threshold")).toDouble(), 0.9);
            QCOMPARE(qint64(r.value(QStringLiteral("run")).toDouble()), done->runId);
        }
        QCOMPARE(auditCount(), audits + 3);
        // A rule's accepts are no one's review.
        QCOMPARE(outcomes(*db_).size(), 1);
        // The grid's filter "Accepted by a rule" lists their images.
        ImageFilter byRule;
        byRule.acceptedByRule = true;
        QCOMPARE(db_->countImages(byRule).value_or(-1), 3);

        // A person rejects one of them afterwards: undo leaves that decision alone.
        QVERIFY(db_->rejectTag(ids[2], kLi));
        int restored = -1;
        QVERIFY2(db_->undoRuleRun(done->runId, kLi, &error, &restored), qPrintable(error));
        QCOMPARE(restored, 2);
        QCOMPARE(db_->tagById(ids[0])->status, TagStatus::Suggested);
        QCOMPARE(db_->tagById(ids[1])->status, TagStatus::Suggested);
        QCOMPARE(db_->tagById(ids[2])->status, TagStatus::Rejected);
        QVERIFY(!db_->ruleAcceptance(ids[0]));
        QCOMPARE(db_->countImages(byRule).value_or(-1), 0);
        QCOMPARE(lastAudit().action, QStringLiteral("undo_auto_accept"));
        const auto runs = db_->ruleRuns().value();
        QCOMPARE(runs.size(), 1);
        QVERIFY(runs.first().undoneAt.isValid());
        QCOMPARE(runs.first().accepted, 3);
        QCOMPARE(runs.first().rules.value(0).attribute, kColour);
        QVERIFY(!db_->undoRuleRun(done->runId, kLi, &error));
        QVERIFY2(error.contains(QLatin1String("undone already")), qPrintable(error));
        QVERIFY(!db_->undoRuleRun(999, kLi, &error));
        QVERIFY2(error.contains(QLatin1String("999")), qPrintable(error));
    }

    void undoPutsTheRowsBackExactly() {
        const qint64 img = add(QStringLiteral("/p/x.jpg"));
        const qint64 t = suggest(img, kColour, QStringLiteral("red"), 0.97);
        Q_UNUSED(t);
        const QStringList before = tagRows();
        const auto done = db_->autoAccept({rule(kColour, 0.95)}, kLi);
        QVERIFY(done && done->runId > 0);
        QVERIFY(tagRows() != before);
        QVERIFY(db_->undoRuleRun(done->runId, kLi));
        // Everything but the version counter (which counts the two changes) is as it was.
        QStringList after = tagRows();
        QCOMPARE(after.size(), before.size());
        for (QString& row : after)
            row.replace(QLatin1String("version=2"), QLatin1String("version=0"));
        QCOMPARE(after, before);
    }

    void badRulesAreRefused() {
        QString error;
        QVERIFY(!db_->autoAccept({{kColour, 0.5, 0, 5, 0, 0}}, kLi, &error));
        QVERIFY2(error.contains(QLatin1String("precision")), qPrintable(error));
        QVERIFY(!db_->autoAccept({{kColour, 0.5, 1.2, 5, 0, 0}}, kLi, &error));
        QVERIFY(!db_->autoAccept({{kColour, 1.5, 0.9, 5, 0, 0}}, kLi, &error));
        QVERIFY(!db_->autoAccept({rule(kColour, 0.5), rule(kColour, 0.6)}, kLi, &error));
        QVERIFY(!db_->setReviewRule({kColour, true, 0, 30, false}, kLi, &error));
        QVERIFY(!db_->setReviewRule({kColour, true, 0.9, 0, false}, kLi, &error));
        QCOMPARE(db_->reviewRules()->size(), 0);
        QCOMPARE(db_->ruleRuns()->size(), 0);
    }

    void savedRules() {
        QVERIFY(db_->setReviewRule({kColour, true, 0.95, 30, true}, kLi));
        QVERIFY(db_->setReviewRule({QStringLiteral("season"), false, 0.9, 10, false}, kLi));
        QVERIFY(db_->setReviewRule({kColour, true, 0.97, 40, false}, kLi));  // replaces
        const auto rules = db_->reviewRules().value();
        QCOMPARE(rules.size(), 2);
        QCOMPARE(rules[0].attribute, kColour);
        QCOMPARE(rules[0].minPrecision, 0.97);
        QCOMPARE(rules[0].minReviewed, 40);
        QCOMPARE(rules[0].afterBatch, false);
        QCOMPARE(rules[1].enabled, false);
        QCOMPARE(lastAudit().action, QStringLiteral("set_rule"));
        QVERIFY(db_->removeReviewRule(kColour, kLi));
        QCOMPARE(db_->reviewRules()->size(), 1);
        QCOMPARE(lastAudit().action, QStringLiteral("remove_rule"));
    }

    void answersResolveSuggestionsAsAPersonWould() {
        const qint64 a = add(QStringLiteral("/p/a.jpg"));
        const qint64 front = add(QStringLiteral("/p/front.jpg"), QStringLiteral("SKU-9"));
        const qint64 back = add(QStringLiteral("/p/back.jpg"), QStringLiteral("SKU-9"));
        const qint64 right = suggest(a, kColour, QStringLiteral("red"), 0.8);
        const qint64 wrong = suggest(front, kColour, QStringLiteral("red"), 0.7);
        const qint64 extra = suggest(front, QStringLiteral("material"), QStringLiteral("silk"));
        const qint64 kept = suggest(front, QStringLiteral("material"), QStringLiteral("cotton"));
        const QList<KnownAnswer> answers{
            {a, kColour, QStringLiteral("red"), QStringLiteral("f.csv:2")},
            {back, kColour, QStringLiteral("green"), QStringLiteral("f.csv:3")},  // same SKU
            {back, QStringLiteral("material"), QStringLiteral("cotton"), QStringLiteral("f.csv:4")},
            {a, QStringLiteral("season"), QStringLiteral("summer"), QStringLiteral("f.csv:5")},
        };
        const QStringList start = tagRows();
        const auto dry = db_->resolveWithAnswers(answers, kLi, QStringLiteral("f.csv"), nullptr,
                                                 /*dryRun=*/true);
        QVERIFY(dry);
        QCOMPARE(tagRows(), start);
        QString error;
        const auto r = db_->resolveWithAnswers(answers, kLi, QStringLiteral("f.csv"), &error);
        QVERIFY2(r, qPrintable(error));
        QCOMPARE(r->accepted, 2);                  // red on a, cotton on the SKU
        QCOMPARE(r->fixed, 1);                     // red → green on the SKU
        QCOMPARE(r->rejected, 1);                  // silk: the answer's cotton is there already
        QCOMPARE(r->answersWithoutSuggestion, 1);  // season on a
        QCOMPARE(dry->accepted, r->accepted);
        QCOMPARE(dry->fixed, r->fixed);
        QCOMPARE(dry->rejected, r->rejected);
        QCOMPARE(tagOf(back, kColour, QStringLiteral("green")).status, TagStatus::Accepted);
        QCOMPARE(tagOf(back, kColour, QStringLiteral("green")).source, QStringLiteral("person:li"));
        const auto got = outcomes(*db_);
        QCOMPARE(got.value(right), ReviewOutcome::Accepted);
        QCOMPARE(got.value(wrong), ReviewOutcome::Fixed);
        QCOMPARE(got.value(extra), ReviewOutcome::Fixed);  // another material is accepted
        QCOMPARE(got.value(kept), ReviewOutcome::Accepted);
        QVERIFY(lastAudit().afterJson.contains(QLatin1String("f.csv")));

        // An unknown image fails the whole import and changes nothing.
        const QStringList now = tagRows();
        QVERIFY(!db_->resolveWithAnswers(
            {{a, kColour, QStringLiteral("red"), QStringLiteral("g:1")},
             {4242, kColour, QStringLiteral("red"), QStringLiteral("g:2")}},
            kLi, QStringLiteral("g"), &error));
        QVERIFY2(error.startsWith(QLatin1String("g:2")), qPrintable(error));
        QCOMPARE(tagRows(), now);
    }

    void theQueueOrdersByTheCalibratedConfidence() {
        // a: colour 0.9, which the calibration maps to 0.2; b: season 0.5 (not calibrated);
        // c: colour 0.3 → 0.1.
        const qint64 a = add(QStringLiteral("/p/a.jpg"));
        const qint64 b = add(QStringLiteral("/p/b.jpg"));
        const qint64 c = add(QStringLiteral("/p/c.jpg"));
        suggest(a, kColour, QStringLiteral("red"), 0.9);
        suggest(b, QStringLiteral("season"), QStringLiteral("summer"), 0.5);
        suggest(c, kColour, QStringLiteral("red"), 0.3);
        ImageFilter f;
        f.sort = ImageSort::LeastCertain;
        const auto ids = [&] {
            QList<qint64> out;
            const QList<ImageRecord> rows = db_->listImages(f).value();
            for (const ImageRecord& r : rows)
                out << r.id;
            return out;
        };
        QCOMPARE(ids(), (QList<qint64>{c, b, a}));  // raw: 0.3, 0.5, 0.9
        // Points (0.2 → 0), (1.0 → 0.25): 0.9 → 0.21875, 0.3 → 0.03125; a quote in a code is
        // kept as text.
        f.calibration.insert(kColour, {{0.2, 0.0}, {1.0, 0.25}});
        f.calibration.insert(QStringLiteral("it's"), {{0.0, 1.0}});
        QCOMPARE(ids(), (QList<qint64>{c, a, b}));
        // Clipped outside the points: below 0.2 → 0, above 1.0 → 0.25.
        f.calibration.insert(kColour, {{0.95, 0.6}, {0.99, 0.7}});
        QCOMPARE(ids(), (QList<qint64>{b, a, c}));  // 0.5, then a and c at 0.6 (by id)
    }

    void statisticsOfTheCatalogue() {
        // 10 suggestions: confidences 0.1 … 1.0, the top 7 accepted, the rest rejected.
        for (int i = 1; i <= 10; ++i) {
            const qint64 img = add(QStringLiteral("/p/%1.jpg").arg(i));
            const qint64 t = suggest(img, kColour, QStringLiteral("red"), i / 10.0);
            QVERIFY(i > 3 ? db_->acceptTag(t, kLi) : db_->rejectTag(t, kLi));
        }
        const auto stats = vistag::review::measure(*db_, {}, nullptr).value();
        QCOMPARE(stats.size(), 1);
        QCOMPARE(stats[0].reviewed, 10);
        QCOMPARE(stats[0].correct(), 7);
        QCOMPARE(stats[0].rejected, 3);
        const auto t = vistag::review::findThreshold(stats[0].samples, 0.6, 5);
        QVERIFY(t.threshold);
        // At 0.4: 7 of 7 correct, Wilson 0.6457 ≥ 0.6; at 0.3: 7 of 8, 0.5291 < 0.6.
        QCOMPARE(*t.threshold, 0.4);
        QCOMPARE(t.reviewedAbove, 7);
    }
};

QTEST_GUILESS_MAIN(TestReviewRules)
#include "test_review_rules.moc"

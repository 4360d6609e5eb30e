// The measurement itself (review/review_stats): the Wilson lower bound, the rule's threshold on
// ties and tiny counts, isotonic calibration (values as scikit-learn's IsotonicRegression gives
// them; tests/parity/test_review.py compares against scikit-learn itself) and the bins.
#include <QtTest>

#include "review/review_stats.h"

using namespace vistag::review;
using vistag::catalog::PendingSuggestion;
using vistag::catalog::ReviewedSuggestion;
using vistag::catalog::ReviewOutcome;

namespace {

QList<Sample> samples(std::initializer_list<std::pair<double, bool>> list) {
    QList<Sample> out;
    for (const auto& [c, ok] : list)
        out.append({c, ok});
    return out;
}

}  // namespace

class TestReviewStats final : public QObject {
    Q_OBJECT

private slots:
    void wilson() {
        QCOMPARE(wilsonLowerBound(0, 0), 0.0);
        // 5 out of 5 is not trusted: about 0.566 (merchant-data.md §4).
        QVERIFY(qAbs(wilsonLowerBound(5, 5) - 0.565509) < 1e-6);
        QVERIFY(qAbs(wilsonLowerBound(7, 8) - 0.529106) < 1e-6);
        QVERIFY(qAbs(wilsonLowerBound(95, 100) - 0.888248) < 1e-6);
        QVERIFY(qAbs(wilsonLowerBound(0, 10)) < 1e-12);
        QVERIFY(wilsonLowerBound(1000, 1000) > 0.996);
    }

    void thresholdTakesTiesTogether() {
        // Three at 0.9 (one wrong), two at 0.95: with M = 4 the candidate 0.95 has too few
        // reviews, 0.9 takes all five ties included (4 of 5).
        const auto s =
            samples({{0.95, true}, {0.95, true}, {0.9, true}, {0.9, false}, {0.9, true}});
        const auto r = findThreshold(s, 0.3, 4);
        QVERIFY(r.threshold);
        QCOMPARE(*r.threshold, 0.9);
        QCOMPARE(r.reviewedAbove, 5);
        QCOMPARE(r.correctAbove, 4);
        QCOMPARE(r.lowerBound, wilsonLowerBound(4, 5));
    }

    void thresholdIsTheLowestQualifyingConfidence() {
        // Not monotonic: qualifies at 0.8 and at 0.2 but not at 0.5 (the lowest wins).
        QList<Sample> s;
        for (int i = 0; i < 20; ++i)
            s.append({0.8, true});
        for (int i = 0; i < 6; ++i)
            s.append({0.5, false});
        for (int i = 0; i < 40; ++i)
            s.append({0.2, true});
        const double at05 = wilsonLowerBound(20, 26);
        const double at02 = wilsonLowerBound(60, 66);
        QVERIFY(at05 < 0.75 && at02 >= 0.75);
        const auto r = findThreshold(s, 0.75, 10);
        QCOMPARE(r.threshold.value_or(-1), 0.2);
        QCOMPARE(r.reviewedAbove, 66);
    }

    void noThresholdSaysWhy() {
        const auto none = findThreshold({}, 0.9, 5);
        QVERIFY(!none.threshold);
        QVERIFY(none.reason.contains(QLatin1String("no reviewed")));
        const auto tiny = findThreshold(samples({{0.9, true}, {0.8, true}}), 0.5, 3);
        QVERIFY(!tiny.threshold);
        QCOMPARE(tiny.reviewedAbove, 2);
        QVERIFY(tiny.reason.contains(QLatin1String("fewer than the 3")));
        const auto wrong =
            findThreshold(samples({{0.9, false}, {0.8, false}, {0.7, true}}), 0.5, 1);
        QVERIFY(!wrong.threshold);
        QVERIFY(wrong.reason.contains(QLatin1String("below the target")));
        // 5 of 5 right is not 95 %.
        QVERIFY(!findThreshold(
                     samples({{0.9, true}, {0.9, true}, {0.9, true}, {0.9, true}, {0.9, true}}),
                     0.95, 1)
                     .threshold);
    }

    void isotonicPoolsTiesAndViolators() {
        // x: 0.2 0.2 0.4 0.4 0.6 0.8 / y: 1 0 0 0 1 1 → ties pooled to (0.2, 0.5 w2), (0.4, 0 w2);
        // the violation pools them to 0.25; scikit-learn's X_thresholds_ [0.2 0.4 0.6 0.8],
        // y_thresholds_ [0.25 0.25 1 1].
        const auto c = Calibration::fit(samples(
            {{0.2, true}, {0.2, false}, {0.4, false}, {0.4, false}, {0.6, true}, {0.8, true}}));
        QCOMPARE(c.x(), (QList<double>{0.2, 0.4, 0.6, 0.8}));
        QCOMPARE(c.y(), (QList<double>{0.25, 0.25, 1.0, 1.0}));
        QCOMPARE(c.map(0.0), 0.25);                 // clipped below
        QVERIFY(qAbs(c.map(0.5) - 0.625) < 1e-12);  // interpolated
        QCOMPARE(c.map(0.95), 1.0);                 // clipped above
        QVERIFY(Calibration::fit({}).isEmpty());
        QCOMPARE(Calibration::fit({}).map(0.42), 0.42);
        // Constant runs keep their first and last point only.
        const auto flat =
            Calibration::fit(samples({{0.1, true}, {0.2, true}, {0.3, true}, {0.4, true}}));
        QCOMPARE(flat.x(), (QList<double>{0.1, 0.4}));
    }

    void coverageOfContinuousConfidencesIsThinned() {
        QList<ReviewedSuggestion> reviewed;
        for (int i = 0; i < 5000; ++i)
            reviewed.append({i + 1, QStringLiteral("colour"), (i + 0.5) / 5000.0,
                             i % 7 ? ReviewOutcome::Accepted : ReviewOutcome::Rejected});
        const AttributeStats s = computeStats(reviewed, {}).value(0);
        QVERIFY(s.coverage.size() <= kMaxCoveragePoints);
        QVERIFY(s.coverage.size() > kMaxCoveragePoints / 2);
        QCOMPARE(s.coverage.first().reviewedAbove, 1);    // the highest confidence
        QCOMPARE(s.coverage.last().reviewedAbove, 5000);  // every review
        QCOMPARE(s.coverage.last().coverage, 1.0);
        // The threshold search uses every confidence, not the thinned points.
        const auto t = findThreshold(s.samples, 0.8, 30);
        QVERIFY(t.threshold);
        QCOMPARE(t.lowerBound, wilsonLowerBound(t.correctAbove, t.reviewedAbove));
    }

    void binsAndUnknownConfidence() {
        const QList<ReviewedSuggestion> reviewed{
            {1, QStringLiteral("colour"), 1.0, ReviewOutcome::Accepted},
            {2, QStringLiteral("colour"), 0.95, ReviewOutcome::Fixed},
            {3, QStringLiteral("colour"), 0.05, ReviewOutcome::Rejected},
            {4, QStringLiteral("colour"), -1, ReviewOutcome::Accepted},
            {5, QStringLiteral("aaa"), 0.5, ReviewOutcome::Accepted},
        };
        const QList<PendingSuggestion> pending{
            {9, 1, QStringLiteral("colour"), QStringLiteral("x"), 0.92}};
        const auto stats = computeStats(reviewed, pending, {QStringLiteral("colour")});
        QCOMPARE(stats.size(), 2);
        QCOMPARE(stats[0].attribute, QStringLiteral("colour"));  // the given order first
        const AttributeStats& s = stats[0];
        QCOMPARE(s.reviewed, 4);
        QCOMPARE(s.correct(), 2);
        QCOMPARE(s.wrong(), 2);
        QCOMPARE(s.withoutConfidence, 1);
        QCOMPARE(s.samples.size(), 3);
        QCOMPARE(s.bins.size(), kBins);
        QCOMPARE(s.bins[9].reviewed, 2);  // 0.95 and 1.0 (the last bin holds 1.0)
        QCOMPARE(s.bins[9].correct, 1);
        QCOMPARE(s.bins[9].pending, 1);
        QCOMPARE(s.bins[9].meanConfidence, 0.975);
        QCOMPARE(s.bins[0].reviewed, 1);
        QCOMPARE(s.coverage.size(), 3);
        QCOMPARE(s.coverage[0].threshold, 1.0);
        QCOMPARE(s.coverage[2].coverage, 1.0);
        QCOMPARE(wouldAccept(s, 0.9), 1);
        QCOMPARE(wouldAccept(s, 0.93), 0);
        QVERIFY(s.calibration.isEmpty());  // far fewer than kMinReviewsForCalibration
        const QJsonObject j = statsJson(s);
        QCOMPARE(j.value(QStringLiteral("reviewed")).toInt(), 4);
        QCOMPARE(j.value(QStringLiteral("precision")).toDouble(), 0.5);
    }
};

QTEST_GUILESS_MAIN(TestReviewStats)
#include "test_review_stats.moc"

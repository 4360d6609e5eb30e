// Measuring the model on the merchant's own catalogue: per attribute, how the suggestions people
// reviewed came out (accepted unchanged = correct; fixed or rejected = wrong), precision by
// confidence (a reliability curve), coverage against precision, the 95 % Wilson lower bound, the
// threshold a review rule may trust, and isotonic calibration of the raw confidence.
// Formulas: ../shared/docs/merchant-data.md §4; docs/user-guide.md "Measuring the model and
// reviewing less". Pure computation on what CatalogDb::reviewedSuggestions() and
// pendingSuggestions() return: no database, no widgets.
#pragma once

#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

#include "catalog/catalog_records.h"

namespace vistag::catalog {
class CatalogDb;
}

namespace vistag::review {

// z of the two-sided 95 % interval, as merchant-data.md §4 writes it.
inline constexpr double kWilsonZ = 1.96;
// Reliability bins: [0, 0.1), [0.1, 0.2), …, [0.9, 1.0].
inline constexpr int kBins = 10;
// Coverage points kept per attribute (one per distinct confidence up to this many).
inline constexpr int kMaxCoveragePoints = 201;
// Reviewed suggestions with a known confidence an attribute needs before its confidence is shown
// calibrated.
inline constexpr int kMinReviewsForCalibration = 30;

// The 95 % Wilson score lower bound of k correct out of n: (p + z²/2n − z·sqrt(p(1−p)/n +
// z²/4n²)) / (1 + z²/n), p = k/n. 0 for n = 0.
double wilsonLowerBound(int correct, int n, double z = kWilsonZ);

// One reviewed suggestion with a known confidence.
struct Sample {
    double confidence = 0;
    bool correct = false;
};

// Isotonic regression (pool adjacent violators) of correct (1/0) on confidence, as
// scikit-learn's IsotonicRegression(out_of_bounds="clip") fits and predicts: equal confidences
// are pooled first, predictions interpolate linearly between the fitted points and are clipped
// to the first and last one outside them.
class Calibration {
public:
    static Calibration fit(const QList<Sample>& samples);
    bool isEmpty() const { return x_.isEmpty(); }
    double map(double raw) const;  // raw itself when empty
    const QList<double>& x() const { return x_; }
    const QList<double>& y() const { return y_; }

private:
    QList<double> x_, y_;
};

struct ConfidenceBin {
    double lower = 0;
    double upper = 0;
    int reviewed = 0;
    int correct = 0;
    int pending = 0;            // undecided suggestions in the bin (the confidence histogram)
    double meanConfidence = 0;  // of the reviewed ones (0 when none)
    double precision() const { return reviewed > 0 ? double(correct) / reviewed : 0; }
};

// Keeping only the reviewed suggestions with confidence >= threshold.
struct CoveragePoint {
    double threshold = 0;
    int reviewedAbove = 0;
    int correctAbove = 0;
    double coverage = 0;  // reviewedAbove / reviewed with a known confidence
    double precision = 0;
    double lowerBound = 0;
};

struct ThresholdResult {
    std::optional<double> threshold;  // none: no rule
    int reviewedAbove = 0;
    int correctAbove = 0;
    double lowerBound = 0;
    int wouldAccept = 0;  // pending suggestions with confidence >= threshold
    QString reason;       // why there is none, in words (empty when there is one)
};

// The rule's threshold: the lowest confidence c among the reviewed samples such that the samples
// with confidence >= c number at least minReviewed and the Wilson lower bound of their precision
// is at least minPrecision. With none, reviewedAbove/lowerBound describe the best candidate with
// enough reviews (or all samples when none has enough) and `reason` says why.
ThresholdResult findThreshold(const QList<Sample>& samples, double minPrecision, int minReviewed);

struct AttributeStats {
    QString attribute;
    int reviewed = 0;  // accepted + fixed + rejected
    int accepted = 0;  // = correct
    int fixed = 0;
    int rejected = 0;
    int withoutConfidence = 0;  // reviewed ones with no confidence (left out of the curves)
    int pending = 0;
    double lowerBound = 0;      // Wilson, all reviewed
    double meanConfidence = 0;  // of the reviewed ones with a known confidence
    int correct() const { return accepted; }
    int wrong() const { return fixed + rejected; }
    double precision() const { return reviewed > 0 ? double(accepted) / reviewed : 0; }
    QList<Sample> samples;             // reviewed, known confidence, in catalogue order
    QList<double> pendingConfidences;  // known ones
    QList<ConfidenceBin> bins;
    // One point per distinct confidence, highest first (at most kMaxCoveragePoints, spread evenly
    // over the distinct confidences when there are more).
    QList<CoveragePoint> coverage;
    double calibrationError = 0;  // expected calibration error over the bins
    Calibration calibration;      // empty until kMinReviewsForCalibration samples
};

// Per attribute that has reviewed or pending model suggestions: those named in `order` (a
// taxonomy's order) first, in that order, then the others by code.
QList<AttributeStats> computeStats(const QList<catalog::ReviewedSuggestion>& reviewed,
                                   const QList<catalog::PendingSuggestion>& pending,
                                   const QStringList& order = {});

// computeStats() on the catalogue's reviewed and pending suggestions.
std::optional<QList<AttributeStats>> measure(const catalog::CatalogDb& db, const QStringList& order,
                                             QString* error);

// The calibrated attributes' points (raw → calibrated), for ImageFilter::calibration.
QHash<QString, QList<QPair<double, double>>> calibrationPoints(
    const QHash<QString, Calibration>& calibrations);

// The calibrations of the catalogue's attributes, measured again only when the catalogue's audit
// log has grown (every decision writes to it): what the window shows and sorts by. Per catalogue
// location; empty on an error. Use from the thread of `db`.
QHash<QString, Calibration> cachedCalibrations(const catalog::CatalogDb& db);

// JSON of one attribute (review stats --json, the report): counts, bins, coverage, calibration.
QJsonObject statsJson(const AttributeStats& s);
// The pending suggestions a threshold would accept.
int wouldAccept(const AttributeStats& s, double threshold);

}  // namespace vistag::review

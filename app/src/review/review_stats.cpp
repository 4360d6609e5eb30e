#include "review/review_stats.h"

#include <QHash>
#include <QJsonArray>
#include <QMutex>
#include <algorithm>
#include <cmath>
#include <map>

#include "catalog/catalog_db.h"

namespace vistag::review {

double wilsonLowerBound(int correct, int n, double z) {
    if (n <= 0)
        return 0;
    const double nn = n;
    const double p = correct / nn;
    const double z2 = z * z;
    return (p + z2 / (2 * nn) - z * std::sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn))) /
           (1 + z2 / nn);
}

// ---- isotonic calibration ---------------------------------------------------------------------

Calibration Calibration::fit(const QList<Sample>& samples) {
    Calibration c;
    if (samples.isEmpty())
        return c;
    // Pool equal confidences (weighted mean of their outcomes).
    std::map<double, std::pair<double, double>> pooled;  // x → (sum y, weight)
    for (const Sample& s : samples) {
        auto& [sum, weight] = pooled[s.confidence];
        sum += s.correct ? 1.0 : 0.0;
        weight += 1.0;
    }
    struct Block {
        double y;
        double w;
        int count;  // unique x values in the block
    };
    QList<double> xs;
    QList<Block> blocks;
    for (const auto& [x, sw] : pooled) {
        xs << x;
        blocks.append({sw.first / sw.second, sw.second, 1});
        // Pool adjacent violators: merge while the previous block is above this one.
        while (blocks.size() > 1 && blocks[blocks.size() - 2].y >= blocks.last().y) {
            const Block b = blocks.takeLast();
            Block& a = blocks.last();
            a.y = (a.y * a.w + b.y * b.w) / (a.w + b.w);
            a.w += b.w;
            a.count += b.count;
        }
    }
    QList<double> ys;
    for (const Block& b : blocks)
        for (int i = 0; i < b.count; ++i)
            ys << b.y;
    // Keep the first and last point of each constant run (interpolation is unchanged).
    for (int i = 0; i < xs.size(); ++i) {
        const bool inner = i > 0 && i + 1 < xs.size();
        if (inner && ys[i - 1] == ys[i] && ys[i] == ys[i + 1])
            continue;
        c.x_ << xs[i];
        c.y_ << ys[i];
    }
    return c;
}

double Calibration::map(double raw) const {
    if (x_.isEmpty())
        return raw;
    if (raw <= x_.first())
        return y_.first();
    if (raw >= x_.last())
        return y_.last();
    const auto it = std::upper_bound(x_.cbegin(), x_.cend(), raw);
    const int hi = static_cast<int>(it - x_.cbegin());
    const int lo = hi - 1;
    const double t = (raw - x_[lo]) / (x_[hi] - x_[lo]);
    return y_[lo] + t * (y_[hi] - y_[lo]);
}

// ---- thresholds -------------------------------------------------------------------------------

namespace {

// (confidence, reviewed at or above, correct at or above), one per distinct confidence, highest
// first.
struct Cumulative {
    double confidence;
    int n;
    int k;
};

QList<Cumulative> cumulative(const QList<Sample>& samples) {
    QList<Sample> sorted = samples;
    std::sort(sorted.begin(), sorted.end(),
              [](const Sample& a, const Sample& b) { return a.confidence > b.confidence; });
    QList<Cumulative> out;
    int n = 0, k = 0;
    for (int i = 0; i < sorted.size(); ++i) {
        ++n;
        k += sorted[i].correct ? 1 : 0;
        if (i + 1 < sorted.size() && sorted[i + 1].confidence == sorted[i].confidence)
            continue;  // ties: the threshold takes every suggestion with that confidence
        out.append({sorted[i].confidence, n, k});
    }
    return out;
}

QString percent(double v) {
    return QString::number(v * 100, 'f', 1) + QLatin1Char('%');
}

}  // namespace

ThresholdResult findThreshold(const QList<Sample>& samples, double minPrecision, int minReviewed) {
    ThresholdResult r;
    const QList<Cumulative> points = cumulative(samples);
    if (points.isEmpty()) {
        r.reason = QStringLiteral("no reviewed suggestions with a confidence yet");
        return r;
    }
    const Cumulative* best = nullptr;  // enough reviews, highest lower bound
    double bestBound = -1;
    for (const Cumulative& p : points) {
        if (p.n < minReviewed)
            continue;
        const double lb = wilsonLowerBound(p.k, p.n);
        if (lb >= minPrecision) {
            r.threshold = p.confidence;  // points run downwards: the last one wins
            r.reviewedAbove = p.n;
            r.correctAbove = p.k;
            r.lowerBound = lb;
        } else if (!r.threshold && lb > bestBound) {
            best = &p;
            bestBound = lb;
        }
    }
    if (r.threshold)
        return r;
    if (!best) {
        const Cumulative& all = points.last();
        r.reviewedAbove = all.n;
        r.correctAbove = all.k;
        r.lowerBound = wilsonLowerBound(all.k, all.n);
        r.reason = QStringLiteral(
                       "%1 reviewed suggestions with a confidence, fewer than the %2 "
                       "the rule needs")
                       .arg(all.n)
                       .arg(minReviewed);
        return r;
    }
    r.reviewedAbove = best->n;
    r.correctAbove = best->k;
    r.lowerBound = bestBound;
    r.reason = QStringLiteral(
                   "the precision lower bound reaches at most %1 (%2 of %3 correct at "
                   "confidence %4 or above), below the target %5")
                   .arg(percent(bestBound))
                   .arg(best->k)
                   .arg(best->n)
                   .arg(best->confidence)
                   .arg(percent(minPrecision));
    return r;
}

// ---- statistics -------------------------------------------------------------------------------

namespace {

int binOf(double confidence) {
    return std::clamp(static_cast<int>(std::floor(confidence * kBins)), 0, kBins - 1);
}

}  // namespace

QList<AttributeStats> computeStats(const QList<catalog::ReviewedSuggestion>& reviewed,
                                   const QList<catalog::PendingSuggestion>& pending,
                                   const QStringList& order) {
    QHash<QString, AttributeStats> by;
    const auto entry = [&](const QString& attribute) -> AttributeStats& {
        auto it = by.find(attribute);
        if (it == by.end()) {
            it = by.insert(attribute, AttributeStats{});
            it->attribute = attribute;
            for (int i = 0; i < kBins; ++i) {
                ConfidenceBin b;
                b.lower = double(i) / kBins;
                b.upper = double(i + 1) / kBins;
                it->bins << b;
            }
        }
        return *it;
    };
    for (const catalog::ReviewedSuggestion& r : reviewed) {
        AttributeStats& s = entry(r.attribute);
        ++s.reviewed;
        switch (r.outcome) {
            case catalog::ReviewOutcome::Accepted:
                ++s.accepted;
                break;
            case catalog::ReviewOutcome::Fixed:
                ++s.fixed;
                break;
            case catalog::ReviewOutcome::Rejected:
                ++s.rejected;
                break;
        }
        if (!(r.confidence >= 0 && r.confidence <= 1)) {
            ++s.withoutConfidence;
            continue;
        }
        const bool correct = r.outcome == catalog::ReviewOutcome::Accepted;
        s.samples.append({r.confidence, correct});
        ConfidenceBin& b = s.bins[binOf(r.confidence)];
        ++b.reviewed;
        b.correct += correct ? 1 : 0;
        b.meanConfidence += r.confidence;  // a sum until the end
    }
    for (const catalog::PendingSuggestion& p : pending) {
        AttributeStats& s = entry(p.attribute);
        ++s.pending;
        if (p.confidence >= 0 && p.confidence <= 1) {
            s.pendingConfidences << p.confidence;
            ++s.bins[binOf(p.confidence)].pending;
        }
    }
    for (AttributeStats& s : by) {
        s.lowerBound = wilsonLowerBound(s.accepted, s.reviewed);
        double sum = 0;
        for (const Sample& x : s.samples)
            sum += x.confidence;
        s.meanConfidence = s.samples.isEmpty() ? 0 : sum / s.samples.size();
        double ece = 0;
        for (ConfidenceBin& b : s.bins) {
            if (b.reviewed == 0)
                continue;
            b.meanConfidence /= b.reviewed;
            ece +=
                double(b.reviewed) / s.samples.size() * std::abs(b.meanConfidence - b.precision());
        }
        s.calibrationError = ece;
        const QList<Cumulative> points = cumulative(s.samples);
        // At most kMaxCoveragePoints: beyond that, the points nearest to evenly spaced coverage
        // (the first and last always kept), so that a catalogue of continuous confidences stays
        // readable in a chart and small in JSON.
        const int step = points.size() <= kMaxCoveragePoints
                             ? 1
                             : (static_cast<int>(points.size()) + kMaxCoveragePoints - 2) /
                                   (kMaxCoveragePoints - 1);
        for (int i = 0; i < points.size(); ++i) {
            if (i % step != 0 && i + 1 != points.size())
                continue;
            const Cumulative& c = points[i];
            s.coverage.append({c.confidence, c.n, c.k, double(c.n) / s.samples.size(),
                               double(c.k) / c.n, wilsonLowerBound(c.k, c.n)});
        }
        if (s.samples.size() >= kMinReviewsForCalibration)
            s.calibration = Calibration::fit(s.samples);
    }
    QList<AttributeStats> out;
    for (const QString& a : order)
        if (by.contains(a))
            out << by.take(a);
    QStringList rest = by.keys();
    rest.sort();
    for (const QString& a : rest)
        out << by.value(a);
    return out;
}

std::optional<QList<AttributeStats>> measure(const catalog::CatalogDb& db, const QStringList& order,
                                             QString* error) {
    const auto reviewed = db.reviewedSuggestions(error);
    if (!reviewed)
        return std::nullopt;
    const auto pending = db.pendingSuggestions(error);
    if (!pending)
        return std::nullopt;
    return computeStats(*reviewed, *pending, order);
}

QHash<QString, QList<QPair<double, double>>> calibrationPoints(
    const QHash<QString, Calibration>& calibrations) {
    QHash<QString, QList<QPair<double, double>>> out;
    for (auto it = calibrations.cbegin(); it != calibrations.cend(); ++it) {
        QList<QPair<double, double>>& points = out[it.key()];
        for (int i = 0; i < it->x().size(); ++i)
            points.append({it->x()[i], it->y()[i]});
    }
    return out;
}

QHash<QString, Calibration> cachedCalibrations(const catalog::CatalogDb& db) {
    struct Entry {
        qint64 auditId = -1;
        QHash<QString, Calibration> calibrations;
    };
    static QMutex mutex;
    static QHash<QString, Entry> cache;  // by catalogue location
    const QMutexLocker lock(&mutex);
    const auto newest = db.auditLog(1);
    if (!newest)
        return {};
    const qint64 auditId = newest->isEmpty() ? 0 : newest->first().id;
    Entry& e = cache[db.path()];
    if (e.auditId == auditId)
        return e.calibrations;
    const auto stats = measure(db, {}, nullptr);
    if (!stats)
        return {};
    e.auditId = auditId;
    e.calibrations.clear();
    for (const AttributeStats& s : *stats)
        if (!s.calibration.isEmpty())
            e.calibrations.insert(s.attribute, s.calibration);
    return e.calibrations;
}

int wouldAccept(const AttributeStats& s, double threshold) {
    return static_cast<int>(std::count_if(s.pendingConfidences.cbegin(),
                                          s.pendingConfidences.cend(),
                                          [&](double c) { return c >= threshold; }));
}

QJsonObject statsJson(const AttributeStats& s) {
    const auto orNull = [](bool has, double v) { return has ? QJsonValue(v) : QJsonValue(); };
    QJsonArray bins;
    for (const ConfidenceBin& b : s.bins)
        bins.append(QJsonObject{
            {QStringLiteral("lower"), b.lower},
            {QStringLiteral("upper"), b.upper},
            {QStringLiteral("reviewed"), b.reviewed},
            {QStringLiteral("correct"), b.correct},
            {QStringLiteral("pending"), b.pending},
            {QStringLiteral("mean_confidence"), orNull(b.reviewed > 0, b.meanConfidence)},
            {QStringLiteral("precision"), orNull(b.reviewed > 0, b.precision())}});
    QJsonArray coverage;
    for (const CoveragePoint& p : s.coverage)
        coverage.append(QJsonObject{{QStringLiteral("threshold"), p.threshold},
                                    {QStringLiteral("reviewed_above"), p.reviewedAbove},
                                    {QStringLiteral("correct_above"), p.correctAbove},
                                    {QStringLiteral("coverage"), p.coverage},
                                    {QStringLiteral("precision"), p.precision},
                                    {QStringLiteral("precision_lower_bound"), p.lowerBound}});
    QJsonArray points;
    for (int i = 0; i < s.calibration.x().size(); ++i)
        points.append(QJsonArray{s.calibration.x()[i], s.calibration.y()[i]});
    return {{QStringLiteral("attribute"), s.attribute},
            {QStringLiteral("reviewed"), s.reviewed},
            {QStringLiteral("correct"), s.correct()},
            {QStringLiteral("wrong"), s.wrong()},
            {QStringLiteral("accepted"), s.accepted},
            {QStringLiteral("fixed"), s.fixed},
            {QStringLiteral("rejected"), s.rejected},
            {QStringLiteral("without_confidence"), s.withoutConfidence},
            {QStringLiteral("pending"), s.pending},
            {QStringLiteral("precision"), orNull(s.reviewed > 0, s.precision())},
            {QStringLiteral("precision_lower_bound"), s.lowerBound},
            {QStringLiteral("mean_confidence"), orNull(!s.samples.isEmpty(), s.meanConfidence)},
            {QStringLiteral("calibration_error"), orNull(!s.samples.isEmpty(), s.calibrationError)},
            {QStringLiteral("bins"), bins},
            {QStringLiteral("coverage"), coverage},
            {QStringLiteral("calibration"),
             QJsonObject{{QStringLiteral("calibrated"), !s.calibration.isEmpty()},
                         {QStringLiteral("min_reviewed"), kMinReviewsForCalibration},
                         {QStringLiteral("points"), points}}}};
}

}  // namespace vistag::review

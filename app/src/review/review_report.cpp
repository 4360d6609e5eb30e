#include "review/review_report.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cmath>

#include "catalog/catalog_db.h"
#include "review/review_stats.h"

namespace vistag::review {
namespace {

// Headings and labels, English and Chinese.
struct Words {
    const char* en;
    const char* zh;
};
const Words kTitle{"Vistag quality report", "Vistag 质量报告"};
const Words kIntro{
    "How often the model's suggestions were right, measured on the decisions "
    "people made in this catalogue. Accepted unchanged counts as correct; fixed "
    "or rejected as wrong. The lower bound is the 95 % Wilson score bound: the "
    "precision one can rely on given how few reviews there are.",
    "模型建议的正确率，依据本目录中人工审核的决定计算：原样接受为正确，修改或拒绝为错误。"
    "下限为 95% Wilson 置信下限：在审核数量有限时可以信赖的精确率。"};
const Words kAttribute{"Attribute", "属性"};
const Words kReviewed{"Reviewed", "已审核"};
const Words kAccepted{"Accepted", "接受"};
const Words kFixed{"Fixed", "修改"};
const Words kRejected{"Rejected", "拒绝"};
const Words kPrecision{"Precision", "精确率"};
const Words kLower{"Lower bound (95 %)", "下限 (95%)"};
const Words kPending{"Pending", "待审核"};
const Words kThreshold{"Rule threshold", "规则阈值"};
const Words kWould{"Would accept", "可自动接受"};
const Words kNoRule{"no rule", "无规则"};
const Words kReliability{"Reliability: share correct by confidence",
                         "可靠性：各置信度区间的正确比例"};
const Words kCoverage{"Coverage against precision", "覆盖率与精确率"};
const Words kHistogram{"Confidence histogram", "置信度分布"};
const Words kConfidence{"confidence", "置信度"};
const Words kCorrectShare{"share correct", "正确比例"};
const Words kCoverageAxis{"coverage (share of reviewed at or above the threshold)",
                          "覆盖率（阈值以上的已审核比例）"};
const Words kCalibrated{"Calibrated (isotonic regression)", "已校准（保序回归）"};
const Words kNotCalibrated{"Not calibrated yet: fewer than %1 reviews with a confidence",
                           "尚未校准：带置信度的审核少于 %1 条"};
const Words kNone{
    "No reviewed suggestions yet: accept, fix or reject some (or import answers "
    "you have with `vistag-cli review import`) to measure the model.",
    "尚无已审核的建议：请先接受、修改或拒绝一些建议（或用 `vistag-cli review import` "
    "导入已有答案），再衡量模型。"};
const Words kRuleAt{
    "Thresholds at target precision %1 with at least %2 reviews (saved rules "
    "where set).",
    "阈值按目标精确率 %1、至少 %2 条审核计算（已保存的规则优先）。"};
const Words kCorrect{"correct", "正确"};
const Words kSuggestions{"suggestions", "建议数"};
const Words kWrong{"wrong", "错误"};
const Words kTotal{"All attributes", "全部属性"};
const Words kGenerated{"Catalogue %1 · generated %2", "目录 %1 · 生成于 %2"};

QString w(const Words& words, const QString& language) {
    return QString::fromUtf8(language == QLatin1String("zh") ? words.zh : words.en);
}

QString esc(const QString& s) {
    return s.toHtmlEscaped();
}

QString pct(double v) {
    return QString::number(v * 100, 'f', 1) + QStringLiteral("%");
}

QString num(double v) {
    return QString::number(v, 'f', 1);
}

const char kGreen[] = "#2e7d32";
const char kOrange[] = "#ef6c00";
const char kRed[] = "#c62828";
const char kGrey[] = "#9e9e9e";
const char kBlue[] = "#1565c0";

// A chart frame: 320×220, plot area x 44..304, y 16..180, axes 0..1 on both.
struct Frame {
    static constexpr double left = 44, right = 304, top = 16, bottom = 180;
    static double x(double v) { return left + v * (right - left); }
    static double y(double v) { return bottom - v * (bottom - top); }
};

// yMax: what the top of the y axis stands for (1 for shares, the largest bar for counts).
QString axes(const QString& xLabel, const QString& yLabel, double yMax = 1) {
    QString s;
    for (int i = 0; i <= 4; ++i) {
        const double v = i / 4.0;
        s += QStringLiteral("<line x1='%1' y1='%2' x2='%3' y2='%2' class='grid'/>")
                 .arg(num(Frame::left), num(Frame::y(v)), num(Frame::right));
        s +=
            QStringLiteral("<text x='%1' y='%2' class='tick' text-anchor='end'>%3</text>")
                .arg(num(Frame::left - 4), num(Frame::y(v) + 4), QString::number(v * yMax, 'g', 3));
        s += QStringLiteral("<text x='%1' y='%2' class='tick' text-anchor='middle'>%3</text>")
                 .arg(num(Frame::x(v)), num(Frame::bottom + 14), QString::number(v, 'g', 2));
    }
    s += QStringLiteral("<text x='%1' y='214' class='label' text-anchor='middle'>%2</text>")
             .arg(num((Frame::left + Frame::right) / 2), esc(xLabel));
    s += QStringLiteral(
             "<text x='12' y='%1' class='label' text-anchor='middle' "
             "transform='rotate(-90 12 %1)'>%2</text>")
             .arg(num((Frame::top + Frame::bottom) / 2), esc(yLabel));
    return s;
}

QString svg(const QString& title, const QString& body) {
    return QStringLiteral(
               "<figure><figcaption>%1</figcaption><svg xmlns='http://www.w3.org/2000/"
               "svg' viewBox='0 0 320 220' width='320' height='220' role='img' "
               "aria-label='%1'>%2</svg></figure>")
        .arg(esc(title), body);
}

QString reliabilityChart(const AttributeStats& s, const QString& lang) {
    QString b = axes(w(kConfidence, lang), w(kCorrectShare, lang));
    b += QStringLiteral("<line x1='%1' y1='%2' x2='%3' y2='%4' class='diag'/>")
             .arg(num(Frame::x(0)), num(Frame::y(0)), num(Frame::x(1)), num(Frame::y(1)));
    int most = 1;
    for (const ConfidenceBin& bin : s.bins)
        most = std::max(most, bin.reviewed);
    for (const ConfidenceBin& bin : s.bins) {
        if (bin.reviewed == 0)
            continue;
        const double r = 3 + 7 * std::sqrt(double(bin.reviewed) / most);
        b += QStringLiteral(
                 "<circle cx='%1' cy='%2' r='%3' fill='%4' fill-opacity='0.75'>"
                 "<title>%5–%6: %7/%8 (%9)</title></circle>")
                 .arg(num(Frame::x(bin.meanConfidence)), num(Frame::y(bin.precision())), num(r),
                      QLatin1String(kBlue), QString::number(bin.lower, 'g', 2),
                      QString::number(bin.upper, 'g', 2))
                 .arg(bin.correct)
                 .arg(bin.reviewed)
                 .arg(pct(bin.precision()));
    }
    if (!s.calibration.isEmpty()) {
        QStringList pts;
        const auto& xs = s.calibration.x();
        const auto& ys = s.calibration.y();
        pts << QStringLiteral("%1,%2").arg(num(Frame::x(0)), num(Frame::y(ys.first())));
        for (int i = 0; i < xs.size(); ++i)
            pts << QStringLiteral("%1,%2").arg(num(Frame::x(xs[i])), num(Frame::y(ys[i])));
        pts << QStringLiteral("%1,%2").arg(num(Frame::x(1)), num(Frame::y(ys.last())));
        b += QStringLiteral("<polyline points='%1' fill='none' stroke='%2' stroke-width='2'/>")
                 .arg(pts.join(QLatin1Char(' ')), QLatin1String(kOrange));
    }
    return svg(w(kReliability, lang), b);
}

QString coverageChart(const AttributeStats& s, const ThresholdResult& t, const QString& lang) {
    QString b = axes(w(kCoverageAxis, lang), w(kPrecision, lang));
    QStringList precision, lower;
    for (const CoveragePoint& p : s.coverage) {
        precision << QStringLiteral("%1,%2").arg(num(Frame::x(p.coverage)),
                                                 num(Frame::y(p.precision)));
        lower << QStringLiteral("%1,%2").arg(num(Frame::x(p.coverage)),
                                             num(Frame::y(p.lowerBound)));
    }
    b += QStringLiteral("<polyline points='%1' fill='none' stroke='%2' stroke-width='2'/>")
             .arg(precision.join(QLatin1Char(' ')), QLatin1String(kBlue));
    b += QStringLiteral(
             "<polyline points='%1' fill='none' stroke='%2' stroke-width='1.5' "
             "stroke-dasharray='4 3'/>")
             .arg(lower.join(QLatin1Char(' ')), QLatin1String(kGrey));
    if (t.threshold)
        for (const CoveragePoint& p : s.coverage)
            if (p.threshold == *t.threshold)
                b += QStringLiteral(
                         "<circle cx='%1' cy='%2' r='5' fill='%3'><title>%4 "
                         "%5</title></circle>")
                         .arg(num(Frame::x(p.coverage)), num(Frame::y(p.lowerBound)),
                              QLatin1String(kGreen), esc(w(kThreshold, lang)))
                         .arg(*t.threshold);
    return svg(w(kCoverage, lang), b);
}

QString histogramChart(const AttributeStats& s, const QString& lang) {
    int most = 1;
    for (const ConfidenceBin& bin : s.bins)
        most = std::max(most, bin.reviewed + bin.pending);
    QString b = axes(w(kConfidence, lang), w(kSuggestions, lang), most);
    const double width = (Frame::right - Frame::left) / kBins;
    for (int i = 0; i < s.bins.size(); ++i) {
        const ConfidenceBin& bin = s.bins[i];
        double base = 0;
        const auto bar = [&](int count, const char* colour, const QString& what) {
            if (count == 0)
                return;
            const double h = double(count) / most;
            b += QStringLiteral(
                     "<rect x='%1' y='%2' width='%3' height='%4' fill='%5'><title>%6: "
                     "%7</title></rect>")
                     .arg(num(Frame::left + i * width + 1), num(Frame::y(base + h)), num(width - 2),
                          num((Frame::bottom - Frame::top) * h), QLatin1String(colour), esc(what))
                     .arg(count);
            base += h;
        };
        bar(bin.correct, kGreen, w(kCorrect, lang));
        bar(bin.reviewed - bin.correct, kRed, w(kWrong, lang));
        bar(bin.pending, kGrey, w(kPending, lang));
    }
    return svg(w(kHistogram, lang), b);
}

QString outcomeBar(const AttributeStats& s) {
    if (s.reviewed == 0)
        return {};
    QString b;
    double x = 0;
    const auto part = [&](int n, const char* colour) {
        const double width = 300.0 * n / s.reviewed;
        b += QStringLiteral("<rect x='%1' y='0' width='%2' height='14' fill='%3'/>")
                 .arg(num(x), num(width), QLatin1String(colour));
        x += width;
    };
    part(s.accepted, kGreen);
    part(s.fixed, kOrange);
    part(s.rejected, kRed);
    return QStringLiteral(
               "<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 300 14' "
               "width='300' height='14' class='bar'>%1</svg>")
        .arg(b);
}

const char kStyle[] = R"(
body{font-family:"Noto Sans","WenQuanYi Micro Hei","Microsoft YaHei",Arial,sans-serif;margin:24px;
color:#212121;max-width:1040px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #ddd}
p.meta{color:#616161;margin:0 0 12px}
table{border-collapse:collapse;width:100%;font-size:13px}
th,td{padding:4px 8px;border-bottom:1px solid #e0e0e0;text-align:right}
th:first-child,td:first-child{text-align:left}
tr.total td{font-weight:bold;border-top:2px solid #9e9e9e}
.charts{display:flex;flex-wrap:wrap;gap:8px}
figure{margin:0}figcaption{font-size:13px;font-weight:bold;margin:4px 0}
.grid{stroke:#eeeeee}.diag{stroke:#bdbdbd;stroke-dasharray:3 3}
.tick{font-size:9px;fill:#757575}.label{font-size:10px;fill:#424242}
.legend span{display:inline-block;width:10px;height:10px;margin:0 4px 0 12px}
.note{font-size:12px;color:#616161}
section.attr{page-break-inside:avoid;break-inside:avoid}
@media print{body{margin:8mm}h2{page-break-after:avoid}}
)";

}  // namespace

std::optional<QString> reportHtml(const catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy,
                                  const ReportOptions& options, QString* error) {
    QStringList order;
    for (const catalog::TaxonomyAttribute& a : taxonomy.attributes())
        order << a.code;
    const auto stats = measure(db, order, error);
    if (!stats)
        return std::nullopt;
    const auto rules = db.reviewRules(error);
    if (!rules)
        return std::nullopt;
    const QString& lang = options.language;
    const auto label = [&](const QString& code) {
        const catalog::TaxonomyAttribute* a = taxonomy.attribute(code);
        return a ? catalog::Taxonomy::label(*a, lang) : code;
    };
    QString html;
    html += QStringLiteral(
                "<!DOCTYPE html><html lang='%1'><head><meta charset='utf-8'><title>%2"
                "</title><style>%3</style></head><body>")
                .arg(lang == QLatin1String("zh") ? QStringLiteral("zh-CN") : QStringLiteral("en"),
                     esc(w(kTitle, lang)), QString::fromUtf8(kStyle));
    html += QStringLiteral("<h1>%1</h1><p class='meta'>%2</p><p>%3</p>")
                .arg(esc(w(kTitle, lang)),
                     esc(w(kGenerated, lang)
                             .arg(catalog::CatalogDb::displayAddress(db.path()),
                                  QDateTime::currentDateTimeUtc().toString(
                                      QStringLiteral("yyyy-MM-dd HH:mm 'UTC'")))),
                     esc(w(kIntro, lang)));
    int reviewed = 0, accepted = 0, fixed = 0, rejected = 0, pending = 0, would = 0;
    QJsonArray json;
    QString rows, sections;
    for (const AttributeStats& s : *stats) {
        json.append(statsJson(s));
        double minPrecision = options.minPrecision;
        int minReviewed = options.minReviewed;
        for (const catalog::ReviewRule& r : *rules)
            if (r.attribute == s.attribute) {
                minPrecision = r.minPrecision;
                minReviewed = r.minReviewed;
            }
        ThresholdResult t = findThreshold(s.samples, minPrecision, minReviewed);
        if (t.threshold)
            t.wouldAccept = wouldAccept(s, *t.threshold);
        reviewed += s.reviewed;
        accepted += s.accepted;
        fixed += s.fixed;
        rejected += s.rejected;
        pending += s.pending;
        would += t.wouldAccept;
        rows += QStringLiteral(
                    "<tr data-attribute='%1'><td>%2</td><td>%3</td><td>%4</td><td>%5"
                    "</td><td>%6</td><td>%7</td><td>%8</td><td>%9</td>")
                    .arg(esc(s.attribute), esc(label(s.attribute)))
                    .arg(s.reviewed)
                    .arg(s.accepted)
                    .arg(s.fixed)
                    .arg(s.rejected)
                    .arg(s.reviewed ? pct(s.precision()) : QStringLiteral("–"))
                    .arg(pct(s.lowerBound))
                    .arg(s.pending);
        rows += QStringLiteral("<td title='%1'>%2</td><td>%3</td></tr>")
                    .arg(esc(t.reason), t.threshold ? QString::number(*t.threshold, 'g', 4)
                                                    : esc(w(kNoRule, lang)))
                    .arg(t.wouldAccept);
        sections += QStringLiteral("<section class='attr'><h2>%1 <small>(%2)</small></h2>")
                        .arg(esc(label(s.attribute)), esc(s.attribute));
        sections += QStringLiteral("<p>%1 %2 · %3 %4 · %5 %6 · %7 %8 · %9 %10</p>")
                        .arg(esc(w(kReviewed, lang)))
                        .arg(s.reviewed)
                        .arg(esc(w(kAccepted, lang)))
                        .arg(s.accepted)
                        .arg(esc(w(kFixed, lang)))
                        .arg(s.fixed)
                        .arg(esc(w(kRejected, lang)))
                        .arg(s.rejected)
                        .arg(esc(w(kLower, lang)), pct(s.lowerBound));
        sections += outcomeBar(s);
        sections +=
            QStringLiteral("<div class='charts'>%1%2%3</div>")
                .arg(reliabilityChart(s, lang), coverageChart(s, t, lang), histogramChart(s, lang));
        sections += QStringLiteral("<p class='note'>%1</p></section>")
                        .arg(esc(s.calibration.isEmpty()
                                     ? w(kNotCalibrated, lang).arg(kMinReviewsForCalibration)
                                     : w(kCalibrated, lang)));
    }
    if (reviewed == 0)
        html += QStringLiteral("<p class='note'><strong>%1</strong></p>").arg(esc(w(kNone, lang)));
    html += QStringLiteral("<p class='note'>%1</p>")
                .arg(esc(w(kRuleAt, lang).arg(pct(options.minPrecision)).arg(options.minReviewed)));
    html += QStringLiteral(
                "<p class='legend'><span style='background:%1'></span>%2<span "
                "style='background:%3'></span>%4<span style='background:%5'></span>%6"
                "<span style='background:%7'></span>%8</p>")
                .arg(QLatin1String(kGreen), esc(w(kAccepted, lang)), QLatin1String(kOrange),
                     esc(w(kFixed, lang)), QLatin1String(kRed), esc(w(kRejected, lang)),
                     QLatin1String(kGrey), esc(w(kPending, lang)));
    html += QStringLiteral(
                "<table id='summary'><thead><tr><th>%1</th><th>%2</th><th>%3</th><th>"
                "%4</th><th>%5</th><th>%6</th><th>%7</th><th>%8</th><th>%9</th>")
                .arg(esc(w(kAttribute, lang)), esc(w(kReviewed, lang)), esc(w(kAccepted, lang)),
                     esc(w(kFixed, lang)), esc(w(kRejected, lang)), esc(w(kPrecision, lang)),
                     esc(w(kLower, lang)), esc(w(kPending, lang)), esc(w(kThreshold, lang)));
    html += QStringLiteral("<th>%1</th></tr></thead><tbody>").arg(esc(w(kWould, lang)));
    html += rows;
    html += QStringLiteral(
                "<tr class='total'><td>%1</td><td>%2</td><td>%3</td><td>%4</td><td>%5"
                "</td><td>%6</td><td>%7</td><td>%8</td><td></td><td>%9</td></tr>"
                "</tbody></table>")
                .arg(esc(w(kTotal, lang)))
                .arg(reviewed)
                .arg(accepted)
                .arg(fixed)
                .arg(rejected)
                .arg(reviewed ? pct(double(accepted) / reviewed) : QStringLiteral("–"))
                .arg(pct(wilsonLowerBound(accepted, reviewed)))
                .arg(pending)
                .arg(would);
    html += sections;
    // The numbers as `review stats --json` prints them ('<' escaped so no text ends the script).
    QString data =
        QString::fromUtf8(QJsonDocument(QJsonObject{{QStringLiteral("attributes"), json}})
                              .toJson(QJsonDocument::Compact));
    data.replace(QLatin1Char('<'), QStringLiteral("\\u003c"));
    html +=
        QStringLiteral("<script type='application/json' id='vistag-stats'>%1</script>").arg(data);
    html += QStringLiteral("</body></html>\n");
    return html;
}

}  // namespace vistag::review

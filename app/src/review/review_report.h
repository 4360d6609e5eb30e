// The quality report: one self-contained HTML page (inline SVG charts and CSS, no script, no
// network, printable) with the numbers of `vistag-cli review stats` — per attribute the reviewed
// suggestions (accepted / fixed / rejected), precision and its 95 % Wilson lower bound, a
// reliability diagram, coverage against precision, a confidence histogram and the threshold a
// review rule would use. The statistics are also embedded as JSON
// (<script type="application/json" id="vistag-stats">), exactly as `review stats --json` prints
// them.
#pragma once

#include <QString>
#include <optional>

#include "tags/taxonomy.h"

namespace vistag::catalog {
class CatalogDb;
}

namespace vistag::review {

struct ReportOptions {
    // The thresholds shown for attributes without a saved rule.
    double minPrecision = 0.95;
    int minReviewed = 30;
    QString language = QStringLiteral("en");  // "en" or "zh": labels and headings
};

std::optional<QString> reportHtml(const catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy,
                                  const ReportOptions& options, QString* error);

}  // namespace vistag::review

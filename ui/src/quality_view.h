// Tools → Model quality…: how often the model was right, per attribute, measured on the decisions
// people made in this catalogue (review/review_stats: the numbers of `vistag-cli review stats`).
// A table of every attribute (reviewed, accepted, fixed, rejected, precision, 95 % lower bound,
// pending) and, for the attribute selected, four charts: accepted / fixed / rejected, the
// reliability diagram with the calibrated curve, coverage against precision, and the confidence
// histogram. Refresh reads the catalogue again; "Write report…" saves the HTML quality report.
#pragma once

#include <QDialog>
#include <QList>

#include "catalog/catalog_db.h"
#include "review/review_stats.h"
#include "tags/taxonomy.h"

class QLabel;
class QPushButton;
class QTableWidget;

QT_BEGIN_NAMESPACE
class QChartView;
QT_END_NAMESPACE

namespace vistag::ui {

class QualityView final : public QDialog {
    Q_OBJECT
public:
    // Opens its own connection to the catalogue at `location` (a file or postgresql:// address).
    QualityView(const QString& location, const catalog::Taxonomy& taxonomy,
                QWidget* parent = nullptr);

    void refresh();  // reads the catalogue again
    QTableWidget* table() const { return table_; }
    const QList<review::AttributeStats>& stats() const { return stats_; }
    // The chart views: outcomes, reliability, coverage, histogram.
    QList<QChartView*> chartViews() const { return charts_; }
    bool writeReport(const QString& path, QString* error);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void fillTable();
    void showAttribute(int row);
    QString label(const QString& code) const;

    catalog::CatalogDb db_;
    const catalog::Taxonomy taxonomy_;
    QList<review::AttributeStats> stats_;
    QLabel* summary_ = nullptr;
    QTableWidget* table_ = nullptr;
    QList<QChartView*> charts_;
    QPushButton* refreshButton_ = nullptr;
    QPushButton* reportButton_ = nullptr;
    QString error_;
};

// Shows a quality view of the window's catalogue (one at a time, closing an earlier one), or says
// that no catalogue is open.
void showQualityView(QWidget* window, catalog::CatalogDb* db, const catalog::Taxonomy& taxonomy);

}  // namespace vistag::ui

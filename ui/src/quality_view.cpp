#include "quality_view.h"

#include <QBarCategoryAxis>
#include <QBarSet>
#include <QChart>
#include <QChartView>
#include <QEvent>
#include <QFileDialog>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineSeries>
#include <QMessageBox>
#include <QPointer>
#include <QPushButton>
#include <QSaveFile>
#include <QScatterSeries>
#include <QStackedBarSeries>
#include <QTableWidget>
#include <QVBoxLayout>
#include <QValueAxis>

#include "catalog/catalog_db.h"
#include "review/review_report.h"
#include "translations.h"

namespace vistag::ui {
namespace {

const QColor kGreen(0x2e, 0x7d, 0x32);
const QColor kOrange(0xef, 0x6c, 0x00);
const QColor kRed(0xc6, 0x28, 0x28);
const QColor kGrey(0x9e, 0x9e, 0x9e);
const QColor kBlue(0x15, 0x65, 0xc0);

QString pct(double v) {
    return QString::number(v * 100, 'f', 1) + QStringLiteral(" %");
}

QValueAxis* unitAxis(const QString& title, double max = 1) {
    auto* a = new QValueAxis;
    a->setRange(0, max);
    a->setTickCount(5);
    a->setTitleText(title);
    a->setLabelFormat(max == 1 ? QStringLiteral("%.2g") : QStringLiteral("%d"));
    return a;
}

QChart* newChart(const QString& title) {
    auto* c = new QChart;
    c->setTitle(title);
    c->legend()->setVisible(false);
    c->setMargins(QMargins(4, 4, 4, 4));
    return c;
}

void attach(QChart* chart, QAbstractSeries* series, QAbstractAxis* x, QAbstractAxis* y) {
    chart->addSeries(series);
    if (!chart->axes(Qt::Horizontal).contains(x))
        chart->addAxis(x, Qt::AlignBottom);
    if (!chart->axes(Qt::Vertical).contains(y))
        chart->addAxis(y, Qt::AlignLeft);
    series->attachAxis(x);
    series->attachAxis(y);
}

enum Column { Attribute, Reviewed, Accepted, Fixed, Rejected, Precision, Lower, Pending, Columns };

}  // namespace

QualityView::QualityView(const QString& location, const catalog::Taxonomy& taxonomy,
                         QWidget* parent)
    : QDialog(parent), taxonomy_(taxonomy) {
    setObjectName(QStringLiteral("qualityView"));
    setAttribute(Qt::WA_DeleteOnClose);
    db_.open(location, &error_, catalog::CatalogDb::OpenMode::ReadWrite);
    summary_ = new QLabel(this);
    summary_->setWordWrap(true);
    table_ = new QTableWidget(0, Columns, this);
    table_->setObjectName(QStringLiteral("qualityTable"));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    auto* grid = new QGridLayout;
    for (int i = 0; i < 4; ++i) {
        auto* view = new QChartView(newChart(QString()), this);
        view->setRenderHint(QPainter::Antialiasing);
        view->setMinimumSize(320, 230);
        charts_ << view;
        grid->addWidget(view, i / 2, i % 2);
    }
    refreshButton_ = new QPushButton(this);
    refreshButton_->setObjectName(QStringLiteral("refreshButton"));
    reportButton_ = new QPushButton(this);
    reportButton_->setObjectName(QStringLiteral("reportButton"));
    auto* buttons = new QHBoxLayout;
    buttons->addStretch();
    buttons->addWidget(refreshButton_);
    buttons->addWidget(reportButton_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(summary_);
    layout->addWidget(table_, 1);
    layout->addLayout(grid, 3);
    layout->addLayout(buttons);
    connect(refreshButton_, &QPushButton::clicked, this, &QualityView::refresh);
    connect(reportButton_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Write the quality report"),
                                                          QStringLiteral("quality-report.html"),
                                                          tr("Web page (*.html)"));
        if (path.isEmpty())
            return;
        QString error;
        if (!writeReport(path, &error))
            QMessageBox::warning(this, tr("Quality report"), error);
    });
    connect(table_, &QTableWidget::currentCellChanged, this,
            [this](int row) { showAttribute(row); });
    resize(980, 860);
    retranslateUi();
    refresh();
}

QString QualityView::label(const QString& code) const {
    const catalog::TaxonomyAttribute* a = taxonomy_.attribute(code);
    return a ? catalog::Taxonomy::label(*a, uiLanguage()) : code;
}

void QualityView::refresh() {
    QStringList order;
    for (const catalog::TaxonomyAttribute& a : taxonomy_.attributes())
        order << a.code;
    if (!db_.isOpen() && !error_.isEmpty()) {
        fillTable();
        return;
    }
    error_.clear();
    const auto stats = review::measure(db_, order, &error_);
    stats_ = stats.value_or(QList<review::AttributeStats>{});
    fillTable();
}

void QualityView::fillTable() {
    const int keep = std::max(0, table_->currentRow());
    table_->setRowCount(static_cast<int>(stats_.size()));
    int reviewed = 0, correct = 0;
    for (int row = 0; row < stats_.size(); ++row) {
        const review::AttributeStats& s = stats_[row];
        reviewed += s.reviewed;
        correct += s.correct();
        const QStringList cells{
            label(s.attribute),          QString::number(s.reviewed),
            QString::number(s.accepted), QString::number(s.fixed),
            QString::number(s.rejected), s.reviewed ? pct(s.precision()) : QStringLiteral("–"),
            pct(s.lowerBound),           QString::number(s.pending)};
        for (int c = 0; c < Columns; ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c == Attribute)
                item->setData(Qt::UserRole, s.attribute);
            else
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(row, c, item);
        }
    }
    if (!error_.isEmpty())
        summary_->setText(error_);
    else if (reviewed == 0)
        summary_->setText(
            tr("No reviewed suggestions yet: accept, fix or reject some (or import "
               "answers you have with vistag-cli review import) to measure the "
               "model."));
    else
        summary_->setText(tr("%1 suggestions reviewed, %2 accepted unchanged (%3). The lower "
                             "bound is the precision one can rely on with 95 % confidence given "
                             "how many reviews there are.")
                              .arg(reviewed)
                              .arg(correct)
                              .arg(pct(double(correct) / reviewed)));
    if (!stats_.isEmpty())
        table_->setCurrentCell(std::min<int>(keep, stats_.size() - 1), 0);
    else
        showAttribute(-1);
}

void QualityView::showAttribute(int row) {
    const review::AttributeStats s =
        row >= 0 && row < stats_.size() ? stats_[row] : review::AttributeStats{};
    const QString name = label(s.attribute);
    // 1. accepted / fixed / rejected
    {
        QChart* c = newChart(tr("%1: accepted, fixed, rejected").arg(name));
        auto* series = new QStackedBarSeries;
        const struct {
            QString text;
            int n;
            QColor colour;
        } parts[] = {{tr("Accepted"), s.accepted, kGreen},
                     {tr("Fixed"), s.fixed, kOrange},
                     {tr("Rejected"), s.rejected, kRed}};
        for (const auto& p : parts) {
            auto* set = new QBarSet(p.text);
            *set << p.n;
            set->setColor(p.colour);
            series->append(set);
        }
        auto* x = new QBarCategoryAxis;
        x->append(name.isEmpty() ? QStringLiteral(" ") : name);
        attach(c, series, x, unitAxis(tr("suggestions"), std::max(1, s.reviewed)));
        c->legend()->setVisible(true);
        c->legend()->setAlignment(Qt::AlignBottom);
        charts_[0]->setChart(c);
    }
    // 2. reliability: share correct by confidence, the diagonal, the calibrated curve
    {
        QChart* c = newChart(tr("Reliability: share correct by confidence"));
        auto* x = unitAxis(tr("confidence"));
        auto* y = unitAxis(tr("share correct"));
        auto* diagonal = new QLineSeries;
        *diagonal << QPointF(0, 0) << QPointF(1, 1);
        diagonal->setPen(QPen(kGrey, 1, Qt::DashLine));
        attach(c, diagonal, x, y);
        auto* dots = new QScatterSeries;
        dots->setColor(kBlue);
        dots->setMarkerSize(11);
        for (const review::ConfidenceBin& b : s.bins)
            if (b.reviewed > 0)
                *dots << QPointF(b.meanConfidence, b.precision());
        attach(c, dots, x, y);
        if (!s.calibration.isEmpty()) {
            auto* curve = new QLineSeries;
            curve->setPen(QPen(kOrange, 2));
            *curve << QPointF(0, s.calibration.y().first());
            for (int i = 0; i < s.calibration.x().size(); ++i)
                *curve << QPointF(s.calibration.x()[i], s.calibration.y()[i]);
            *curve << QPointF(1, s.calibration.y().last());
            attach(c, curve, x, y);
        }
        charts_[1]->setChart(c);
    }
    // 3. coverage against precision (and its lower bound)
    {
        QChart* c = newChart(tr("Coverage against precision"));
        auto* x = unitAxis(tr("coverage"));
        auto* y = unitAxis(tr("precision"));
        auto* precision = new QLineSeries;
        precision->setPen(QPen(kBlue, 2));
        auto* lower = new QLineSeries;
        lower->setPen(QPen(kGrey, 1.5, Qt::DashLine));
        for (const review::CoveragePoint& p : s.coverage) {
            *precision << QPointF(p.coverage, p.precision);
            *lower << QPointF(p.coverage, p.lowerBound);
        }
        attach(c, precision, x, y);
        attach(c, lower, x, y);
        charts_[2]->setChart(c);
    }
    // 4. confidence histogram: correct, wrong, pending per band
    {
        QChart* c = newChart(tr("Confidence histogram"));
        auto* series = new QStackedBarSeries;
        auto* right = new QBarSet(tr("Correct"));
        auto* wrong = new QBarSet(tr("Wrong"));
        auto* pending = new QBarSet(tr("Pending"));
        right->setColor(kGreen);
        wrong->setColor(kRed);
        pending->setColor(kGrey);
        auto* x = new QBarCategoryAxis;
        int most = 1;
        for (const review::ConfidenceBin& b : s.bins) {
            *right << b.correct;
            *wrong << b.reviewed - b.correct;
            *pending << b.pending;
            most = std::max(most, b.reviewed + b.pending);
            x->append(QString::number(b.lower, 'f', 1));
        }
        series->append(right);
        series->append(wrong);
        series->append(pending);
        series->setBarWidth(0.9);
        x->setTitleText(tr("confidence"));
        attach(c, series, x, unitAxis(tr("suggestions"), most));
        c->legend()->setVisible(true);
        c->legend()->setAlignment(Qt::AlignBottom);
        charts_[3]->setChart(c);
    }
}

bool QualityView::writeReport(const QString& path, QString* error) {
    review::ReportOptions options;
    options.language = uiLanguage();
    const auto html = review::reportHtml(db_, taxonomy_, options, error);
    if (!html)
        return false;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(html->toUtf8()) < 0 || !file.commit()) {
        *error = tr("The report could not be written to %1: %2").arg(path, file.errorString());
        return false;
    }
    return true;
}

void QualityView::retranslateUi() {
    setWindowTitle(tr("Model quality"));
    table_->setHorizontalHeaderLabels({tr("Attribute"), tr("Reviewed"), tr("Accepted"), tr("Fixed"),
                                       tr("Rejected"), tr("Precision"), tr("Lower bound (95 %)"),
                                       tr("Pending")});
    refreshButton_->setText(tr("&Refresh"));
    reportButton_->setText(tr("&Write report…"));
}

void QualityView::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
        fillTable();
    }
    QDialog::changeEvent(event);
}

void showQualityView(QWidget* window, catalog::CatalogDb* db, const catalog::Taxonomy& taxonomy) {
    if (!db || !db->isOpen()) {
        QMessageBox::information(window, QualityView::tr("Model quality"),
                                 QualityView::tr("Open a catalogue first."));
        return;
    }
    // Its own connection to the catalogue the window has open now (the window may open another).
    if (auto* old = window->findChild<QualityView*>())
        old->close();
    auto* view = new QualityView(db->path(), taxonomy, window);
    view->show();
    view->raise();
    view->activateWindow();
}

}  // namespace vistag::ui

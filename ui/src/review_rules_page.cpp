#include "review_rules_page.h"

#include <QCheckBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMessageBox>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include "settings/app_settings.h"
#include "translations.h"

namespace vistag::ui {
namespace {

enum Column { Attribute, On, Target, MinReviews, Threshold, WouldAccept, Columns };

// The thresholds of the enabled rules that have one, from the catalogue's statistics.
QList<catalog::RuleThreshold> thresholds(const QList<review::AttributeStats>& stats,
                                         const QList<catalog::ReviewRule>& rules,
                                         bool afterBatchOnly) {
    QList<catalog::RuleThreshold> out;
    for (const catalog::ReviewRule& r : rules) {
        if (!r.enabled || (afterBatchOnly && !r.afterBatch))
            continue;
        for (const review::AttributeStats& s : stats) {
            if (s.attribute != r.attribute)
                continue;
            const review::ThresholdResult t =
                review::findThreshold(s.samples, r.minPrecision, r.minReviewed);
            if (t.threshold)
                out.append({r.attribute, *t.threshold, r.minPrecision, r.minReviewed, t.lowerBound,
                            t.reviewedAbove});
        }
    }
    return out;
}

QStringList taxonomyOrder(const catalog::Taxonomy& t) {
    QStringList out;
    for (const catalog::TaxonomyAttribute& a : t.attributes())
        out << a.code;
    return out;
}

}  // namespace

ReviewRulesPage::ReviewRulesPage(const QString& location, const catalog::Taxonomy& taxonomy,
                                 const QString& who, QWidget* parent)
    : QDialog(parent), taxonomy_(taxonomy), who_(who) {
    setObjectName(QStringLiteral("reviewRules"));
    setAttribute(Qt::WA_DeleteOnClose);
    intro_ = new QLabel(this);
    intro_->setWordWrap(true);
    table_ = new QTableWidget(0, Columns, this);
    table_->setObjectName(QStringLiteral("rulesTable"));
    table_->verticalHeader()->hide();
    table_->setSelectionMode(QAbstractItemView::NoSelection);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    afterBatch_ = new QCheckBox(this);
    afterBatch_->setObjectName(QStringLiteral("afterBatch"));
    status_ = new QLabel(this);
    status_->setObjectName(QStringLiteral("rulesStatus"));
    status_->setWordWrap(true);
    saveButton_ = new QPushButton(this);
    saveButton_->setObjectName(QStringLiteral("saveRules"));
    acceptButton_ = new QPushButton(this);
    acceptButton_->setObjectName(QStringLiteral("acceptNow"));
    undoButton_ = new QPushButton(this);
    undoButton_->setObjectName(QStringLiteral("undoRun"));
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(undoButton_);
    buttons->addStretch();
    buttons->addWidget(saveButton_);
    buttons->addWidget(acceptButton_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro_);
    layout->addWidget(table_, 1);
    layout->addWidget(afterBatch_);
    layout->addWidget(status_);
    layout->addLayout(buttons);
    connect(saveButton_, &QPushButton::clicked, this, &ReviewRulesPage::save);
    connect(acceptButton_, &QPushButton::clicked, this, &ReviewRulesPage::acceptNow);
    connect(undoButton_, &QPushButton::clicked, this, &ReviewRulesPage::undoLastRun);
    resize(900, 480);
    retranslateUi();
    QString error;
    if (!db_.open(location, &error))
        status_->setText(error);
    else
        load();
}

QString ReviewRulesPage::label(const QString& code) const {
    const catalog::TaxonomyAttribute* a = taxonomy_.attribute(code);
    return a ? catalog::Taxonomy::label(*a, uiLanguage()) : code;
}

void ReviewRulesPage::load() {
    QString error;
    const auto stats = review::measure(db_, taxonomyOrder(taxonomy_), &error);
    const auto saved = db_.reviewRules(&error);
    if (!stats || !saved) {
        status_->setText(error);
        return;
    }
    stats_ = *stats;
    table_->setRowCount(static_cast<int>(stats_.size()));
    bool afterBatch = false;
    for (int row = 0; row < stats_.size(); ++row) {
        catalog::ReviewRule rule;
        rule.attribute = stats_[row].attribute;
        rule.enabled = false;
        for (const catalog::ReviewRule& r : *saved)
            if (r.attribute == rule.attribute) {
                rule = r;
                afterBatch = afterBatch || r.afterBatch;
            }
        auto* name = new QTableWidgetItem(label(rule.attribute));
        name->setData(Qt::UserRole, rule.attribute);
        name->setFlags(Qt::ItemIsEnabled);
        table_->setItem(row, Attribute, name);
        auto* on = new QCheckBox(table_);
        on->setChecked(rule.enabled);
        table_->setCellWidget(row, On, on);
        auto* target = new QDoubleSpinBox(table_);
        target->setRange(50, 100);
        target->setDecimals(1);
        target->setSingleStep(0.5);
        target->setSuffix(QStringLiteral(" %"));
        target->setValue(rule.minPrecision * 100);
        table_->setCellWidget(row, Target, target);
        auto* reviews = new QSpinBox(table_);
        reviews->setRange(1, 1000000);
        reviews->setValue(rule.minReviewed);
        table_->setCellWidget(row, MinReviews, reviews);
        for (int c : {Threshold, WouldAccept}) {
            auto* item = new QTableWidgetItem;
            item->setFlags(Qt::ItemIsEnabled);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            table_->setItem(row, c, item);
        }
        connect(on, &QCheckBox::toggled, this, [this, row] { updateRow(row); });
        connect(target, &QDoubleSpinBox::valueChanged, this, [this, row] { updateRow(row); });
        connect(reviews, &QSpinBox::valueChanged, this, [this, row] { updateRow(row); });
    }
    afterBatch_->setChecked(afterBatch);
    for (int row = 0; row < table_->rowCount(); ++row)
        updateRow(row);
}

void ReviewRulesPage::updateRow(int row) {
    const catalog::ReviewRule r = rules().value(row);
    const review::ThresholdResult t =
        review::findThreshold(stats_[row].samples, r.minPrecision, r.minReviewed);
    QTableWidgetItem* threshold = table_->item(row, Threshold);
    QTableWidgetItem* would = table_->item(row, WouldAccept);
    if (t.threshold) {
        threshold->setText(QString::number(*t.threshold, 'g', 3));
        threshold->setToolTip(tr("%1 reviewed at or above it, %2 correct: precision at least %3 "
                                 "% (95 %)")
                                  .arg(t.reviewedAbove)
                                  .arg(t.correctAbove)
                                  .arg(QString::number(t.lowerBound * 100, 'f', 1)));
        would->setText(QString::number(review::wouldAccept(stats_[row], *t.threshold)));
    } else {
        threshold->setText(tr("no rule"));
        threshold->setToolTip(t.reason);
        would->setText(QStringLiteral("0"));
    }
    const bool active = r.enabled && t.threshold;
    would->setForeground(active ? palette().text() : palette().placeholderText());
}

QList<catalog::ReviewRule> ReviewRulesPage::rules() const {
    QList<catalog::ReviewRule> out;
    for (int row = 0; row < table_->rowCount(); ++row) {
        catalog::ReviewRule r;
        r.attribute = table_->item(row, Attribute)->data(Qt::UserRole).toString();
        r.enabled = static_cast<QCheckBox*>(table_->cellWidget(row, On))->isChecked();
        r.minPrecision =
            static_cast<QDoubleSpinBox*>(table_->cellWidget(row, Target))->value() / 100;
        r.minReviewed = static_cast<QSpinBox*>(table_->cellWidget(row, MinReviews))->value();
        r.afterBatch = afterBatch_->isChecked();
        out << r;
    }
    return out;
}

bool ReviewRulesPage::save() {
    QString error;
    for (const catalog::ReviewRule& r : rules())
        if (!db_.setReviewRule(r, who_, &error)) {
            status_->setText(error);
            return false;
        }
    status_->setText(tr("Rules saved."));
    return true;
}

int ReviewRulesPage::acceptNow() {
    if (!save())
        return -1;
    const QList<catalog::RuleThreshold> run = thresholds(stats_, rules(), false);
    if (run.isEmpty()) {
        status_->setText(tr("No enabled rule has a threshold yet: nothing was accepted."));
        return 0;
    }
    QString error;
    const auto done = db_.autoAccept(run, who_, &error);
    if (!done) {
        status_->setText(error);
        return -1;
    }
    load();
    const int n = static_cast<int>(done->tagIds.size());
    status_->setText(
        tr("%n suggestions accepted by the rules (Undo last run takes them back).", nullptr, n));
    return n;
}

bool ReviewRulesPage::undoLastRun() {
    QString error;
    const auto runs = db_.ruleRuns(&error);
    if (!runs) {
        status_->setText(error);
        return false;
    }
    for (const catalog::RuleRun& r : *runs) {
        if (r.undoneAt.isValid())
            continue;
        int restored = 0;
        if (!db_.undoRuleRun(r.id, who_, &error, &restored)) {
            status_->setText(error);
            return false;
        }
        load();
        status_->setText(
            tr("%n suggestions are pending again (the rules' run was undone).", nullptr, restored));
        return true;
    }
    status_->setText(tr("No run of the rules to undo."));
    return false;
}

void ReviewRulesPage::retranslateUi() {
    setWindowTitle(tr("Review rules"));
    intro_->setText(
        tr("A rule accepts an attribute's suggestions whose confidence is at or above "
           "a threshold measured on your own reviews: the lowest confidence at which "
           "at least the minimum number of reviewed suggestions reach the target "
           "precision with 95 % confidence. Accepts made by a rule are audited and "
           "do not count as reviews."));
    table_->setHorizontalHeaderLabels({tr("Attribute"), tr("On"), tr("Target precision"),
                                       tr("Minimum reviews"), tr("Threshold"),
                                       tr("Would accept now")});
    afterBatch_->setText(tr("Run the rules after every batch of tagging"));
    saveButton_->setText(tr("&Save"));
    acceptButton_->setText(tr("&Accept now"));
    undoButton_->setText(tr("&Undo last run"));
}

void ReviewRulesPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange) {
        retranslateUi();
        for (int row = 0; row < table_->rowCount(); ++row)
            updateRow(row);
    }
    QDialog::changeEvent(event);
}

void showReviewRules(QWidget* window, catalog::CatalogDb* db, const catalog::Taxonomy& taxonomy) {
    if (!db || !db->isOpen()) {
        QMessageBox::information(window, ReviewRulesPage::tr("Review rules"),
                                 ReviewRulesPage::tr("Open a catalogue first."));
        return;
    }
    if (auto* old = window->findChild<ReviewRulesPage*>())
        old->close();
    auto* page =
        new ReviewRulesPage(db->path(), taxonomy, settings::AppSettings::load().reviewer(), window);
    page->show();
    page->raise();
    page->activateWindow();
}

QString runRulesAfterBatch(const QString& location, const catalog::Taxonomy& taxonomy) {
    catalog::CatalogDb db;  // its own connection: the window sees the change and refreshes
    QString error;
    if (!db.open(location, &error))
        return error;
    const auto saved = db.reviewRules(&error);
    if (!saved)
        return error;
    if (std::none_of(saved->cbegin(), saved->cend(),
                     [](const catalog::ReviewRule& r) { return r.enabled && r.afterBatch; }))
        return {};
    const auto stats = review::measure(db, taxonomyOrder(taxonomy), &error);
    if (!stats)
        return error;
    const QList<catalog::RuleThreshold> run = thresholds(*stats, *saved, true);
    if (run.isEmpty())
        return {};
    const auto done = db.autoAccept(run, settings::AppSettings::load().reviewer(), &error);
    if (!done)
        return error;
    return ReviewRulesPage::tr("%n suggestions accepted by the review rules.", nullptr,
                               static_cast<int>(done->tagIds.size()));
}

}  // namespace vistag::ui

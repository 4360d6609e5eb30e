// Tools → Review rules…: per attribute a rule that accepts the model's suggestions at or above a
// confidence threshold measured on people's decisions (review/review_stats: the lowest confidence
// at which at least "minimum reviews" reviewed suggestions have a 95 % Wilson lower bound of at
// least the target precision). Each row shows the threshold and how many pending suggestions it
// would accept now; Save keeps the rules in the catalogue, "Accept now" runs the enabled ones
// (each accept audited with its rule), "Undo last run" takes the newest run back as one step, and
// "Run after every batch" lets the window run them when tagging finishes.
#pragma once

#include <QDialog>
#include <QList>

#include "catalog/catalog_db.h"
#include "review/review_stats.h"
#include "tags/taxonomy.h"

class QCheckBox;
class QLabel;
class QPushButton;
class QTableWidget;

namespace vistag::ui {

class ReviewRulesPage final : public QDialog {
    Q_OBJECT
public:
    // Opens its own connection to the catalogue at `location`; `who` names the person in the
    // audit log.
    ReviewRulesPage(const QString& location, const catalog::Taxonomy& taxonomy, const QString& who,
                    QWidget* parent = nullptr);

    QTableWidget* table() const { return table_; }
    QCheckBox* afterBatchBox() const { return afterBatch_; }
    QLabel* statusLabel() const { return status_; }
    // The rules as the table has them now (enabled or not).
    QList<catalog::ReviewRule> rules() const;
    bool save();
    int acceptNow();  // accepted count, -1 on error
    bool undoLastRun();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void load();
    void updateRow(int row);
    QString label(const QString& code) const;

    catalog::CatalogDb db_;
    const catalog::Taxonomy taxonomy_;
    const QString who_;
    QList<review::AttributeStats> stats_;
    QLabel* intro_ = nullptr;
    QTableWidget* table_ = nullptr;
    QCheckBox* afterBatch_ = nullptr;
    QLabel* status_ = nullptr;
    QPushButton* saveButton_ = nullptr;
    QPushButton* acceptButton_ = nullptr;
    QPushButton* undoButton_ = nullptr;
};

// Tools → Review rules…, or a note that no catalogue is open.
void showReviewRules(QWidget* window, catalog::CatalogDb* db, const catalog::Taxonomy& taxonomy);

// After a batch: runs the enabled rules marked "run after every batch" on the catalogue at
// `location` (its own connection). Returns what it did in words, empty when nothing ran.
QString runRulesAfterBatch(const QString& location, const catalog::Taxonomy& taxonomy);

}  // namespace vistag::ui

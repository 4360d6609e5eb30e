// Bulk tag edits: add, remove or replace one tag value on the selected images or on the whole
// catalogue ("find and replace tags", Ctrl+R). The preview under the form is a dry run of the very
// same catalogue call, so its counts are exact; Apply runs it in one transaction, audited. The
// caller puts the resulting edit on the undo stack.
#pragma once

#include <QDialog>
#include <optional>

#include "catalog/catalog_db.h"
#include "tags/taxonomy.h"

class QComboBox;
class QLabel;
class QPushButton;
class QRadioButton;

namespace vistag::ui {

class BulkTagDialog final : public QDialog {
    Q_OBJECT
public:
    enum class Operation { Add, Remove, Replace };

    BulkTagDialog(catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy, QString user,
                  QList<qint64> selectedImages, Operation operation, QWidget* parent = nullptr);

    QComboBox* operationBox() const { return operation_; }
    QComboBox* attributeBox() const { return attribute_; }
    QComboBox* valueBox() const { return value_; }
    QComboBox* replacementBox() const { return replacement_; }
    QRadioButton* selectionScope() const { return scopeSelection_; }
    QRadioButton* catalogueScope() const { return scopeAll_; }
    QLabel* previewLabel() const { return preview_; }
    QPushButton* applyButton() const { return apply_; }

    // After Apply: what was stored, and words for the undo history.
    const std::optional<catalog::TagEdit>& result() const { return result_; }
    QString description() const;

    // Recomputes the preview (a dry run); false when the form is incomplete or refused.
    bool updatePreview();

private:
    struct Request {
        QString attribute;
        QString value;
        bool valueIsNew = false;
        QString replacement;
        bool replacementIsNew = false;
    };
    std::optional<Request> request(QString* problem) const;
    std::optional<catalog::TagEdit> run(bool dryRun, QString* error);
    void fillValues();
    void apply();
    Operation operation() const;

    catalog::CatalogDb& db_;
    const catalog::Taxonomy& taxonomy_;
    QString user_;
    QList<qint64> selected_;
    QComboBox* operation_ = nullptr;
    QComboBox* attribute_ = nullptr;
    QComboBox* value_ = nullptr;
    QComboBox* replacement_ = nullptr;
    QLabel* replacementLabel_ = nullptr;
    QRadioButton* scopeSelection_ = nullptr;
    QRadioButton* scopeAll_ = nullptr;
    QLabel* preview_ = nullptr;
    QPushButton* apply_ = nullptr;
    std::optional<catalog::TagEdit> result_;
};

}  // namespace vistag::ui

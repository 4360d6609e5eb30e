// Help → Taxonomy (and the tag editor's "Taxonomy" button): the taxonomy at a glance — the
// category tree (searchable in every language), the attributes that apply to the selected
// category, and the values of the selected attribute, labels in the interface language. A
// version-1 taxonomy (no tree) shows its attributes and values only.
#pragma once

#include <QDialog>

#include "tags/taxonomy.h"

class QLabel;
class QLineEdit;
class QListWidget;
class QTreeView;

namespace vistag::ui {

class CategoryFilterModel;
class CategoryTreeModel;

class TaxonomyBrowser final : public QDialog {
    Q_OBJECT
public:
    TaxonomyBrowser(const catalog::Taxonomy& taxonomy, QWidget* parent = nullptr);

    // Selects a category ("" = none) and shows its attributes.
    void showCategory(const QString& code);
    QString currentCategory() const;
    QLineEdit* searchField() const { return search_; }
    QTreeView* categoryView() const { return categories_; }
    QListWidget* attributeList() const { return attributes_; }
    QListWidget* valueList() const { return values_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void fillAttributes();
    void fillValues();

    const catalog::Taxonomy& taxonomy_;
    CategoryTreeModel* model_ = nullptr;
    CategoryFilterModel* filter_ = nullptr;
    QLineEdit* search_ = nullptr;
    QTreeView* categories_ = nullptr;
    QListWidget* attributes_ = nullptr;
    QListWidget* values_ = nullptr;
    QLabel* path_ = nullptr;
    QLabel* summary_ = nullptr;
    QLabel* attributesTitle_ = nullptr;
    QLabel* valuesTitle_ = nullptr;
};

}  // namespace vistag::ui

// The catalogue pane: a filterable, sortable thumbnail grid over CatalogModel (filters and sorts
// run in SQL, in CatalogDb). Dropped files and folders are handled by the main window, whatever
// page is showing.
#pragma once

#include <QWidget>

#include "catalog/catalog_records.h"

class QComboBox;
class QLineEdit;
class QPushButton;
class QListView;
class QMimeData;

namespace vistag::catalog {
class Taxonomy;
}

namespace vistag::ui {

class CatalogModel;
class CategoryPicker;

class CatalogPane final : public QWidget {
    Q_OBJECT
public:
    CatalogPane(CatalogModel* model, QWidget* parent = nullptr);
    QListView* view() const { return view_; }
    // The attributes and values offered by the tag filter (labels in the UI language).
    void setTaxonomy(const catalog::Taxonomy& taxonomy);

    QLineEdit* searchField() const { return search_; }
    QComboBox* stateBox() const { return state_; }
    QComboBox* attributeBox() const { return attribute_; }  // "any tag" or an attribute code
    QComboBox* conditionBox() const { return condition_; }  // "has" / "lacks"
    QComboBox* valueBox() const { return value_; }          // editable: a value code or label
    QComboBox* sortBox() const { return sort_; }            // catalog::ImageSort values
    // "Category…" (a taxonomy with a category tree): images whose category is the chosen one or
    // below it. chooseCategory() opens the picker (window-modal, returns at once).
    QPushButton* categoryButton() const { return category_; }
    CategoryPicker* chooseCategory();
    void setCategoryFilter(const QString& code);  // "" = any category
    const QString& categoryFilter() const { return categoryCode_; }
    // The filter the controls describe now.
    catalog::ImageFilter currentFilter() const;
    void setSort(catalog::ImageSort sort);

signals:
    void addRequested();
    void errorOccurred(const QString& message);

protected:
    void changeEvent(QEvent* event) override;  // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    void applyFilter();
    void fillValues();
    void updateCategoryButton();

    CatalogModel* model_;
    const catalog::Taxonomy* taxonomy_ = nullptr;
    QListView* view_ = nullptr;
    QLineEdit* search_ = nullptr;
    QComboBox* state_ = nullptr;
    QComboBox* attribute_ = nullptr;
    QComboBox* condition_ = nullptr;
    QComboBox* value_ = nullptr;
    QComboBox* sort_ = nullptr;
    QPushButton* add_ = nullptr;
    QPushButton* category_ = nullptr;
    QPushButton* clearCategory_ = nullptr;
    QString categoryCode_;
    bool filling_ = false;
};

// Local files among a drag's URLs (shared by the pane and the main window).
QStringList localPathsFromMime(const QMimeData* mime);

}  // namespace vistag::ui

// The category tree of a version-2 taxonomy as an item model (CategoryTreeModel), its search
// filter (CategoryFilterModel: code, labels in every language, synonyms and the full path; a
// match is shown with its ancestors), and the dialog that picks one category (CategoryPicker:
// search box, tree, OK / Cancel; type, arrows, Enter). Both models are built once per taxonomy:
// Shopify's 10,000 categories filter per keystroke without rebuilding anything.
#pragma once

#include <QAbstractItemModel>
#include <QDialog>
#include <QSortFilterProxyModel>
#include <QVector>

#include "tags/taxonomy.h"

class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QTreeView;

namespace vistag::ui {

class CategoryTreeModel final : public QAbstractItemModel {
    Q_OBJECT
public:
    enum Role {
        CodeRole = Qt::UserRole + 1,  // the category's code
        SearchTextRole,               // every name, normalised (Taxonomy::normalizeTerm)
    };
    // `taxonomy` must outlive the model. Labels in uiLanguage(); retranslate() after a switch.
    explicit CategoryTreeModel(const catalog::Taxonomy& taxonomy, QObject* parent = nullptr);

    QModelIndex indexOf(const QString& code) const;  // invalid when unknown
    void retranslate();
    const catalog::Taxonomy& taxonomy() const { return taxonomy_; }

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

private:
    const catalog::Taxonomy& taxonomy_;
    QVector<QList<int>> children_;  // per category index + 1 (0 = the roots): child indexes
    QVector<int> parent_;           // per category index: the parent's index, -1 for a root
    QVector<int> row_;              // per category index: its row under its parent
    QVector<QString> search_;       // per category index: normalised names and paths
    QString language_;
};

// Filters a CategoryTreeModel by a search text (recursive: matches keep their ancestors).
class CategoryFilterModel final : public QSortFilterProxyModel {
    Q_OBJECT
public:
    using QSortFilterProxyModel::QSortFilterProxyModel;
    void setSearch(const QString& text);
    const QString& search() const { return needle_; }
    // The first row (depth first) that matches the search itself, not only through a child.
    QModelIndex firstMatch(const QModelIndex& parent = {}) const;
    bool matches(const QModelIndex& sourceIndex) const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString needle_;  // normalised
};

class CategoryPicker final : public QDialog {
    Q_OBJECT
public:
    // `current`: the category selected when the dialog opens ("" = none).
    CategoryPicker(const catalog::Taxonomy& taxonomy, const QString& current,
                   QWidget* parent = nullptr);

    QString chosenCode() const;  // "" when nothing is selected
    QLineEdit* searchField() const { return search_; }
    QTreeView* view() const { return view_; }
    void select(const QString& code);

    // Opens the picker modally; the chosen code, or "" when cancelled.
    static QString pick(const catalog::Taxonomy& taxonomy, const QString& current, QWidget* parent);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void retranslateUi();
    void applySearch();
    void updatePath();

    const catalog::Taxonomy& taxonomy_;
    CategoryTreeModel* model_ = nullptr;
    CategoryFilterModel* filter_ = nullptr;
    QLineEdit* search_ = nullptr;
    QTreeView* view_ = nullptr;
    QLabel* path_ = nullptr;
    QLabel* count_ = nullptr;
    QDialogButtonBox* buttons_ = nullptr;
};

}  // namespace vistag::ui

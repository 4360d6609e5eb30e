// The tag editor for one image (or its SKU group): suggestions per attribute of the taxonomy with
// their source and confidence; accept, reject, add (with completion over codes, Chinese and
// English labels and synonyms); every change goes to the catalogue at once and can be undone.
#pragma once

#include <QWidget>

#include "catalog/catalog_db.h"
#include "catalog/taxonomy.h"

class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;
class QUndoStack;
class QLabel;

namespace vistag::ui {

class TagEditor final : public QWidget {
    Q_OBJECT
public:
    TagEditor(catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy, QString user,
              QWidget* parent = nullptr);

    void setImage(qint64 imageId);  // 0 = none
    qint64 imageId() const { return imageId_; }
    QUndoStack* undoStack() const { return undo_; }
    QTreeWidget* tree() const { return tree_; }
    QLineEdit* addField() const { return add_; }

    // Each returns false (and reports through errorOccurred) when the catalogue refused.
    bool acceptSelected();
    bool rejectSelected();
    bool acceptAll();  // every undecided suggestion
    // "attribute: value" as typed or picked from the completer (labels, codes or synonyms).
    bool addFromText(const QString& text);
    void refresh();

signals:
    void errorOccurred(const QString& message);
    void tagsChanged(qint64 imageId);

private:
    bool setStatus(const QList<qint64>& tagIds, catalog::TagStatus status, const QString& label);
    QList<qint64> selectedTagIds() const;

    catalog::CatalogDb& db_;
    const catalog::Taxonomy& taxonomy_;
    QString user_;
    qint64 imageId_ = 0;
    QTreeWidget* tree_ = nullptr;
    QLineEdit* add_ = nullptr;
    QLabel* hint_ = nullptr;
    QUndoStack* undo_ = nullptr;
};

}  // namespace vistag::ui

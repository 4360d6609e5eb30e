// The tag editor for one image (or its SKU group): every attribute of the taxonomy with the
// image's tags under it, each with its source and confidence; accept, reject, rename (fix) with
// F2, delete with Del, pick option N of the focused attribute with 1–9, add (Alt+A, completion
// over codes, Chinese and English labels and synonyms). Every change goes to the catalogue at
// once and can be undone; the undo history spans images (bulk edits and find-and-replace from the
// main window go on the same stack through pushEdit()).
//
// With a taxonomy that has a category tree, the image's category comes first (a button that
// opens the category picker; F2 on the category does too), then only the attributes that apply
// to it; tags of other attributes are marked as not applying and "Drop N tag(s) that do not
// apply" deletes them in one undoable step (tag_editor_scope.cpp). The header's "Taxonomy"
// button asks the window for the taxonomy browser.
#pragma once

#include <QHash>

#include <QWidget>

#include "catalog/catalog_db.h"
#include "tags/taxonomy.h"

class QAction;
class QLineEdit;
class QTreeWidget;
class QTreeWidgetItem;
class QUndoStack;
class QLabel;
class QPushButton;

namespace vistag::ui {

class CategoryPicker;

class TagEditor final : public QWidget {
    Q_OBJECT
public:
    TagEditor(catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy, QString user,
              QWidget* parent = nullptr);

    // The product the editor shows and edits: the window's one current product. The header names
    // it (thumbnail, file name, SKU group); 0 = none: the list is empty and every action that
    // writes is disabled. `selected` is how many images the grid has selected: with more than
    // one, the header says that only this one is edited (bulk edits are in the Tags menu).
    void setImage(qint64 imageId, const QPixmap& thumbnail = {}, int selected = 1);
    qint64 imageId() const { return imageId_; }
    QLabel* titleLabel() const { return title_; }
    QLabel* noteLabel() const { return note_; }
    // The thumbnail arrived after setImage() (thumbnails are decoded off the GUI thread).
    void setThumbnail(const QPixmap& thumbnail);
    // Why the model could not tag this image (the last batch's failure, in words); "" = none.
    void setFailure(const QString& reason);
    QUndoStack* undoStack() const { return undo_; }
    QTreeWidget* tree() const { return tree_; }
    QLineEdit* addField() const { return add_; }
    QLabel* hintLabel() const { return hint_; }
    const QString& user() const { return user_; }
    // The name the audit log records for this person's decisions (Settings → Your name).
    void setUser(const QString& user) { user_ = user; }
    // The editor's keyboard actions, by id ("tag.rename", "tag.delete", "tag.add",
    // "tag.pick1".."tag.pick9", "edit.undo", "edit.redo"); all made in createActions().
    QAction* action(const QString& id) const;

    // Each returns false (and reports through errorOccurred) when the catalogue refused.
    bool acceptSelected();
    bool rejectSelected();
    bool acceptAll();  // every undecided suggestion
    // "attribute: value" as typed or picked from the completer (labels, codes or synonyms).
    bool addFromText(const QString& text);
    // A person's tag (attribute and value codes), e.g. from a chip in the ask pane's answer.
    bool addTag(const QString& attribute, const QString& valueCode, bool isNewValue);
    // F2: the tag's value becomes another value of its attribute (a label, code or synonym);
    // recorded as a fix (the old value rejected, the new one accepted).
    bool renameTag(qint64 tagId, const QString& valueText);
    // Opens the inline editor (with completion over the attribute's values) on the current tag.
    void renameCurrent();
    bool deleteSelected();
    // Keys 1–9: the n-th allowed value of the focused attribute (taxonomy order) becomes the
    // image's value: accepted, added when missing; for a single-valued attribute every other value
    // is rejected.
    bool pickOption(int n);
    // The attribute code of the current row (an attribute row or a tag under it); "" when none.
    QString focusedAttribute() const;
    // Alt+A / "Add as tag…": focuses the add field with `prefill`, completer open.
    void beginAdd(const QString& prefill = {});
    // Puts an edit that is already stored (a bulk edit) on the undo stack.
    void pushEdit(const QString& label, const catalog::TagEdit& edit);
    void refresh();
    // The taxonomy (held by reference) was replaced: completions and the list follow it.
    void taxonomyChanged();

    // ---- the category (a taxonomy with a category tree; tag_editor_scope.cpp) ----------------
    // The image's category: its accepted category tag, else its first suggested one; "" when
    // none (or no tree). With a category, the list shows only the attributes that apply to it;
    // tags of other attributes are listed as not applying and can be dropped.
    const QString& categoryCode() const { return category_; }
    QPushButton* categoryButton() const { return categoryButton_; }
    QPushButton* dropButton() const { return dropButton_; }
    QPushButton* taxonomyButton() const { return taxonomyButton_; }
    // Opens the category picker (window-modal, returns at once); choosing calls setCategory().
    CategoryPicker* chooseCategory();
    // The person's category for the image: accepted, every other category rejected (audited as
    // a pick); one undoable step.
    bool setCategory(const QString& code);
    // Deletes the tags (not rejected) of attributes that do not apply to the category; one
    // undoable step. False when there were none or the catalogue refused.
    bool dropInapplicable();
    // Tags listed as not applying to the category (suggested or accepted).
    const QList<qint64>& inapplicableTags() const { return inapplicable_; }
    // After someone else changed the catalogue: refresh() unless a tag is being renamed in place
    // (the edit in progress stays; it is checked against the stored version when committed).
    void refreshUnlessEditing();

signals:
    void errorOccurred(const QString& message);
    // The header's "Taxonomy" button: the browser, showing this category ("" = none).
    void taxonomyBrowserRequested(const QString& categoryCode);
    void tagsChanged(qint64 imageId);

protected:
    void changeEvent(QEvent* event) override;  // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    void createCategoryControls();
    void retranslateCategoryControls();
    void createActions();
    void updateHeader();
    void updateEnabled();
    void showOptions();
    bool setStatus(const QList<qint64>& tagIds, catalog::TagStatus status, const QString& label);
    QList<qint64> selectedTagIds() const;
    void selectTag(qint64 tagId, const QString& attribute);

    catalog::CatalogDb& db_;
    QHash<qint64, int> shownVersions_;  // tag id → the version the list shows
    const catalog::Taxonomy& taxonomy_;
    QString user_;
    qint64 imageId_ = 0;
    int selected_ = 0;
    QString failure_;
    QLabel* thumb_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* note_ = nullptr;
    QTreeWidget* tree_ = nullptr;
    QLineEdit* add_ = nullptr;
    QLabel* hint_ = nullptr;
    QPushButton* accept_ = nullptr;
    QPushButton* reject_ = nullptr;
    QPushButton* acceptAll_ = nullptr;
    QUndoStack* undo_ = nullptr;
    QPushButton* categoryButton_ = nullptr;
    QPushButton* dropButton_ = nullptr;
    QPushButton* taxonomyButton_ = nullptr;
    QString category_;            // the image's category as the list shows it
    QList<qint64> inapplicable_;  // tags of attributes that do not apply to it
};

}  // namespace vistag::ui

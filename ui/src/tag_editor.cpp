#include "tag_editor.h"

#include <QApplication>
#include <QLocale>
#include "tag_editor_p.h"
#include "translations.h"

#include <QAction>
#include <QCompleter>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QStyledItemDelegate>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

namespace vistag::ui {
namespace {

using catalog::TagStatus;
using namespace tag_editor_detail;

// A change to the catalogue that the undo stack can take back. The edit is already stored when
// the command is pushed (redo() skips its first call); undo and redo write to the catalogue too.
class CatalogCommand final : public QUndoCommand {
public:
    CatalogCommand(const QString& text, std::function<bool()> redoFn, std::function<bool()> undoFn,
                   TagEditor* editor)
        : QUndoCommand(text), redo_(std::move(redoFn)), undo_(std::move(undoFn)), editor_(editor) {}
    void redo() override {
        if (first_) {
            first_ = false;
            return;
        }
        redo_();
        editor_->refresh();
    }
    void undo() override {
        undo_();
        editor_->refresh();
    }

private:
    std::function<bool()> redo_, undo_;
    TagEditor* editor_;
    bool first_ = true;
};

// Edits recorded row by row (rename, delete, pick, bulk edits, find and replace): undo puts the
// exact rows back, redo does the edits again. When the catalogue refuses (the rows were changed
// since, e.g. by a colleague), the error is shown and the command leaves the stack.
class EditCommand final : public QUndoCommand {
public:
    EditCommand(const QString& text, QList<catalog::TagEdit> edits, catalog::CatalogDb& db,
                TagEditor* editor)
        : QUndoCommand(text), edits_(std::move(edits)), db_(db), editor_(editor) {}
    void redo() override {
        if (first_) {
            first_ = false;
            return;
        }
        for (const auto& e : edits_) {
            QString error;
            if (!db_.redoTagEdit(e, editor_->user(), &error)) {
                fail(error);
                break;
            }
        }
        editor_->refresh();
    }
    void undo() override {
        for (auto it = edits_.crbegin(); it != edits_.crend(); ++it) {
            QString error;
            if (!db_.undoTagEdit(*it, editor_->user(), &error)) {
                fail(error);
                break;
            }
        }
        editor_->refresh();
    }

private:
    void fail(const QString& error) {
        setObsolete(true);
        emit editor_->errorOccurred(error);
    }
    QList<catalog::TagEdit> edits_;
    catalog::CatalogDb& db_;
    TagEditor* editor_;
    bool first_ = true;
};

// F2 on a tag: a line edit over the tag's value with completion over the attribute's allowed
// values (labels in both languages, codes, synonyms). The rename itself is queued: it rebuilds
// the tree, which must not happen while the view is still closing the editor.
class RenameDelegate final : public QStyledItemDelegate {
public:
    RenameDelegate(const catalog::Taxonomy& taxonomy, TagEditor* editor)
        : QStyledItemDelegate(editor), taxonomy_(taxonomy), editor_(editor) {}

    QWidget* createEditor(QWidget* parent, const QStyleOptionViewItem&,
                          const QModelIndex& index) const override {
        // A category is chosen in the picker (a tree of thousands is no completion list).
        if (taxonomy_.hasCategoryTree() &&
            index.data(kAttributeRole).toString() ==
                QLatin1String(catalog::Taxonomy::kCategoryAttribute)) {
            QMetaObject::invokeMethod(
                editor_, [e = editor_] { e->chooseCategory(); }, Qt::QueuedConnection);
            return nullptr;
        }
        auto* line = new QLineEdit(parent);
        line->setObjectName(QStringLiteral("renameEditor"));
        QStringList values;
        if (const auto* a = taxonomy_.attribute(index.data(kAttributeRole).toString()))
            for (const auto& v : a->values)
                for (const QString& term : catalog::Taxonomy::terms(v))
                    if (!values.contains(term))
                        values << term;
        auto* completer = new QCompleter(values, line);
        completer->setCaseSensitivity(Qt::CaseInsensitive);
        completer->setFilterMode(Qt::MatchContains);
        line->setCompleter(completer);
        return line;
    }
    void setEditorData(QWidget* w, const QModelIndex& index) const override {
        auto* line = static_cast<QLineEdit*>(w);
        line->setText(index.data(kValueTextRole).toString());
        line->selectAll();
    }
    void setModelData(QWidget* w, QAbstractItemModel*, const QModelIndex& index) const override {
        const QString text = static_cast<QLineEdit*>(w)->text().trimmed();
        const qint64 id = index.data(kTagIdRole).toLongLong();
        if (text.isEmpty() || id == 0)
            return;
        QMetaObject::invokeMethod(
            editor_, [e = editor_, id, text] { e->renameTag(id, text); }, Qt::QueuedConnection);
    }

private:
    const catalog::Taxonomy& taxonomy_;
    TagEditor* editor_;
};

}  // namespace

QString tag_editor_detail::statusText(TagStatus s) {
    switch (s) {
        case TagStatus::Suggested:
            return TagEditor::tr("suggested");
        case TagStatus::Accepted:
            return TagEditor::tr("accepted");
        case TagStatus::Rejected:
            return TagEditor::tr("rejected");
    }
    return {};
}

TagEditor::TagEditor(catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy, QString user,
                     QWidget* parent)
    : QWidget(parent), db_(db), taxonomy_(taxonomy), user_(std::move(user)) {
    undo_ = new QUndoStack(this);
    tree_ = new QTreeWidget(this);
    tree_->setObjectName(QStringLiteral("tagTree"));
    tree_->setColumnCount(3);
    tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree_->setEditTriggers(QAbstractItemView::DoubleClicked);
    tree_->setItemDelegateForColumn(0, new RenameDelegate(taxonomy_, this));
    tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);
    connect(tree_, &QTreeWidget::currentItemChanged, this, &TagEditor::showOptions);

    add_ = new QLineEdit(this);
    add_->setObjectName(QStringLiteral("addTagField"));
    connect(add_, &QLineEdit::returnPressed, this, [this] {
        if (addFromText(add_->text()))
            add_->clear();
    });

    auto* accept = accept_ = new QPushButton(this);
    auto* reject = reject_ = new QPushButton(this);
    auto* acceptAllButton = acceptAll_ = new QPushButton(this);
    connect(accept, &QPushButton::clicked, this, &TagEditor::acceptSelected);
    connect(reject, &QPushButton::clicked, this, &TagEditor::rejectSelected);
    connect(acceptAllButton, &QPushButton::clicked, this, &TagEditor::acceptAll);
    hint_ = new QLabel(this);
    hint_->setObjectName(QStringLiteral("tagHint"));
    hint_->setWordWrap(true);
    createActions();

    // The header: which product this editor writes to.
    thumb_ = new QLabel(this);
    thumb_->setObjectName(QStringLiteral("tagEditorThumbnail"));
    thumb_->setFixedSize(48, 48);
    thumb_->setAlignment(Qt::AlignCenter);
    title_ = new QLabel(this);
    title_->setObjectName(QStringLiteral("tagEditorTitle"));
    title_->setTextFormat(Qt::PlainText);
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    title_->setMinimumWidth(1);  // long file names are elided, never widen the pane
    note_ = new QLabel(this);
    note_->setObjectName(QStringLiteral("tagEditorNote"));
    note_->setTextFormat(Qt::PlainText);
    note_->setWordWrap(true);
    // The thumbnail and the name on one row; the notes (selection, failure) below at full width,
    // so that wrapped lines get the height they need.
    auto* header = new QHBoxLayout;
    header->addWidget(thumb_);
    header->addWidget(title_, 1);
    createCategoryControls();  // the category button, the taxonomy browser, "drop"
    header->addWidget(taxonomyButton_);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(accept);
    buttons->addWidget(reject);
    buttons->addStretch(1);
    buttons->addWidget(acceptAllButton);
    auto* col = new QVBoxLayout(this);
    col->setContentsMargins(0, 0, 0, 0);
    col->addLayout(header);
    col->addWidget(note_);
    col->addWidget(categoryButton_);
    col->addWidget(tree_, 1);
    col->addWidget(dropButton_);
    col->addWidget(hint_);
    col->addLayout(buttons);
    col->addWidget(add_);
    retranslateUi();
    updateEnabled();
}

void TagEditor::retranslateUi() {
    tree_->setHeaderLabels({tr("Tag"), tr("Source"), tr("State")});
    tree_->setToolTip(
        tr("Keys 1–9 pick option N of the focused attribute: its N-th allowed value in the "
           "taxonomy, as numbered below the list (a single-valued attribute keeps only that "
           "value). F2 renames (fixes) the focused tag, Del deletes the selected tags, Alt+A adds "
           "a tag, Ctrl+Z / Ctrl+Y undo and redo."));
    add_->setPlaceholderText(tr("Add a tag, e.g. 风格: 波西米亚 or colour: red (Alt+A)"));
    // Completions name the attribute in the interface language.
    QStringList completions;
    for (const auto& a : taxonomy_.attributes()) {
        const QString attr = catalog::Taxonomy::label(a, uiLanguage());
        for (const auto& v : a.values)
            for (const QString& term : catalog::Taxonomy::terms(v))
                completions << attr + QStringLiteral(": ") + term;
    }
    auto* completer = new QCompleter(completions, add_);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    if (QCompleter* old = add_->completer(); old && old->parent() == add_)
        old->deleteLater();
    add_->setCompleter(completer);
    accept_->setText(tr("Accept"));
    reject_->setText(tr("Reject"));
    acceptAll_->setText(tr("Accept all"));
    acceptAll_->setToolTip(tr("Accept every suggestion of this image (Ctrl+Enter)"));
    const std::pair<const char*, QString> texts[] = {
        {"tag.rename", tr("Rename tag")}, {"tag.delete", tr("Delete tag")},
        {"tag.add", tr("Add tag")},       {"edit.undo", tr("Undo")},
        {"edit.redo", tr("Redo")},
    };
    retranslateCategoryControls();
    for (const auto& [id, text] : texts)
        if (QAction* a = action(QLatin1String(id)))
            a->setText(text);
    for (int n = 1; n <= 9; ++n)
        if (QAction* a = action(QStringLiteral("tag.pick%1").arg(n)))
            a->setText(tr("Pick option %1").arg(n));
    updateHeader();
    // The rows' sources and states, and the focused attribute's options, in the new language.
    if (imageId() != 0)
        refreshUnlessEditing();
}

void TagEditor::updateHeader() {
    if (imageId_ == 0) {
        thumb_->clear();
        title_->setText(tr("No image selected"));
        title_->setToolTip(QString());
        note_->setText(tr("Click an image in the grid to see and edit its tags."));
        note_->setVisible(true);
        return;
    }
    const auto image = db_.imageById(imageId_);
    const QString path = image ? image->path : QString();
    const QString name = QFileInfo(path).fileName();
    title_->setText(
        title_->fontMetrics().elidedText(name, Qt::ElideMiddle, qMax(80, title_->width())));
    title_->setToolTip(QDir::toNativeSeparators(path));
    QStringList notes;
    if (image && !image->skuGroup.isEmpty())
        notes << tr("Product %1: its views share these tags").arg(image->skuGroup);
    if (selected_ > 1)
        notes << tr(
            "%n images selected: only this one is edited here (bulk edits are in the "
            "Tags menu)",
            nullptr, selected_);
    if (!failure_.isEmpty())
        notes << tr("Tagging failed: %1").arg(failure_);
    note_->setText(notes.join(QLatin1Char('\n')));
    note_->setVisible(!notes.isEmpty());
}

void TagEditor::updateEnabled() {
    const bool on = imageId_ != 0;
    for (QWidget* w :
         {static_cast<QWidget*>(tree_), static_cast<QWidget*>(add_), static_cast<QWidget*>(accept_),
          static_cast<QWidget*>(reject_), static_cast<QWidget*>(acceptAll_),
          static_cast<QWidget*>(categoryButton_), static_cast<QWidget*>(dropButton_)})
        w->setEnabled(on);
    for (QAction* a : findChildren<QAction*>(QString(), Qt::FindDirectChildrenOnly))
        if (a->objectName().startsWith(QLatin1String("tag.")))
            a->setEnabled(on);
}

void TagEditor::setThumbnail(const QPixmap& thumbnail) {
    thumb_->setPixmap(
        imageId_ == 0 || thumbnail.isNull()
            ? QPixmap()
            : thumbnail.scaled(thumb_->size(), Qt::KeepAspectRatio, Qt::SmoothTransformation));
}

void TagEditor::setFailure(const QString& reason) {
    if (reason == failure_)
        return;
    failure_ = reason;
    updateHeader();
}

void TagEditor::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

// Every keyboard action of the tag editor, in one place (the Settings shortcut map takes them
// over by id, the QAction's objectName).
void TagEditor::createActions() {
    struct Spec {
        QString id;
        QString text;
        QList<QKeySequence> keys;
        QWidget* on;  // the tree: only while the tag list has the focus
        std::function<void()> fn;
    };
    QList<Spec> specs = {
        {QStringLiteral("tag.rename"),
         tr("Rename tag"),
         {QKeySequence(Qt::Key_F2)},
         tree_,
         [this] { renameCurrent(); }},
        {QStringLiteral("tag.delete"),
         tr("Delete tag"),
         {QKeySequence(QKeySequence::Delete)},
         tree_,
         [this] { deleteSelected(); }},
        {QStringLiteral("tag.add"),
         tr("Add tag"),
         {QKeySequence(Qt::ALT | Qt::Key_A)},
         this,
         [this] { beginAdd(); }},
        {QStringLiteral("edit.undo"),
         tr("Undo"),
         {QKeySequence(Qt::CTRL | Qt::Key_Z)},
         this,
         [this] { undo_->undo(); }},
        {QStringLiteral("edit.redo"),
         tr("Redo"),
         {QKeySequence(Qt::CTRL | Qt::Key_Y), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_Z)},
         this,
         [this] { undo_->redo(); }},
    };
    for (int n = 1; n <= 9; ++n)
        specs.append({QStringLiteral("tag.pick%1").arg(n),
                      tr("Pick option %1").arg(n),
                      {QKeySequence(Qt::Key_0 + n)},
                      tree_,
                      [this, n] { pickOption(n); }});
    for (const Spec& s : specs) {
        auto* a = new QAction(s.text, this);
        a->setObjectName(s.id);
        a->setShortcuts(s.keys);
        a->setShortcutContext(s.on == tree_ ? Qt::WidgetWithChildrenShortcut : Qt::WindowShortcut);
        connect(a, &QAction::triggered, this, s.fn);
        s.on->addAction(a);
    }
}

QAction* TagEditor::action(const QString& id) const {
    return findChild<QAction*>(id, Qt::FindDirectChildrenOnly);
}

void TagEditor::setImage(qint64 imageId, const QPixmap& thumbnail, int selected) {
    if (imageId != imageId_) {
        failure_.clear();
        add_->clear();
        hint_->clear();
    }
    imageId_ = imageId;
    selected_ = imageId == 0 ? 0 : selected;
    setThumbnail(thumbnail);
    updateHeader();
    updateEnabled();
    refresh();
}

void TagEditor::refreshUnlessEditing() {
    // An in-place editor is a child of the tree's viewport that has the focus.
    const QWidget* focus = QApplication::focusWidget();
    if (focus && focus != tree_ && tree_->viewport()->isAncestorOf(focus))
        return;
    refresh();
}

QString TagEditor::focusedAttribute() const {
    auto* c = tree_->currentItem();
    return c ? c->data(0, kAttributeRole).toString() : QString();
}

void TagEditor::showOptions() {
    const auto* a = taxonomy_.attribute(focusedAttribute());
    if (!a || a->values.isEmpty()) {
        hint_->clear();
        return;
    }
    QStringList options;
    for (int i = 0; i < a->values.size() && i < 9; ++i)
        options << QStringLiteral("%1 %2").arg(i + 1).arg(
            catalog::Taxonomy::label(a->values[i], uiLanguage()));
    hint_->setText(
        tr("%1 — keys: %2")
            .arg(catalog::Taxonomy::label(*a, uiLanguage()), options.join(QStringLiteral(" · "))));
}

void TagEditor::selectTag(qint64 tagId, const QString& attribute) {
    QTreeWidgetItem* found = nullptr;
    for (int i = 0; i < tree_->topLevelItemCount() && !found; ++i) {
        auto* g = tree_->topLevelItem(i);
        if (g->data(0, kAttributeRole).toString() == attribute)
            found = g;
        for (int j = 0; j < g->childCount(); ++j)
            if (g->child(j)->data(0, kTagIdRole).toLongLong() == tagId)
                found = g->child(j);
    }
    if (found)
        tree_->setCurrentItem(found, 0, QItemSelectionModel::ClearAndSelect);
}

QList<qint64> TagEditor::selectedTagIds() const {
    QList<qint64> ids;
    for (QTreeWidgetItem* item : tree_->selectedItems())
        if (const qint64 id = item->data(0, kTagIdRole).toLongLong())
            ids << id;
    return ids;
}

bool TagEditor::setStatus(const QList<qint64>& ids, TagStatus status, const QString& label) {
    if (ids.isEmpty())
        return true;
    QList<QPair<qint64, TagStatus>> before;
    for (qint64 id : ids) {
        auto t = db_.tagById(id);
        if (t)
            before << qMakePair(id, t->status);
    }
    auto apply = [this](qint64 id, TagStatus s, int shown = -1) {
        QString error;
        const bool ok = s == TagStatus::Accepted   ? db_.acceptTag(id, user_, &error, shown)
                        : s == TagStatus::Rejected ? db_.rejectTag(id, user_, &error, shown)
                                                   : db_.reopenTag(id, user_, &error, shown);
        if (!ok)
            emit errorOccurred(error);
        return ok;
    };
    for (qint64 id : ids)
        if (!apply(id, status, shownVersions_.value(id, -1))) {
            refresh();
            return false;
        }
    undo_->push(new CatalogCommand(
        label,
        [=] {
            bool ok = true;
            for (qint64 id : ids)
                ok = apply(id, status) && ok;
            return ok;
        },
        [=] {
            bool ok = true;
            for (const auto& [id, s] : before)
                ok = apply(id, s) && ok;
            return ok;
        },
        this));
    refresh();
    return true;
}

bool TagEditor::acceptSelected() {
    return setStatus(selectedTagIds(), TagStatus::Accepted, tr("Accept"));
}
bool TagEditor::rejectSelected() {
    return setStatus(selectedTagIds(), TagStatus::Rejected, tr("Reject"));
}

bool TagEditor::acceptAll() {
    QList<qint64> ids;
    auto tags = db_.tagsForImage(imageId_);
    if (tags)
        for (const auto& t : *tags)
            if (t.status == TagStatus::Suggested)
                ids << t.id;
    return setStatus(ids, TagStatus::Accepted, tr("Accept all"));
}

bool TagEditor::addFromText(const QString& text) {
    if (imageId_ == 0)
        return false;
    const qsizetype colon = text.indexOf(QRegularExpression(QStringLiteral("[:：]")));
    if (colon <= 0) {
        hint_->setText(tr("Write the attribute, a colon and the value, e.g. 风格: 波西米亚"));
        return false;
    }
    const QString attrText = text.left(colon).trimmed();
    const QString valueText = text.mid(colon + 1).trimmed();
    const auto* attr = taxonomy_.findAttribute(attrText);
    if (!attr || valueText.isEmpty()) {
        hint_->setText(tr("Unknown attribute “%1”").arg(attrText));
        return false;
    }
    const auto* value = taxonomy_.findValue(attr->code, valueText);
    return addTag(attr->code, value ? value->code : valueText, value == nullptr);
}

bool TagEditor::addTag(const QString& attrCode, const QString& code, bool isNew) {
    if (imageId_ == 0) {
        emit errorOccurred(tr("Select an image first, then add the tag."));
        return false;
    }
    if (auto tags = db_.tagsForImage(imageId_)) {
        for (const auto& t : *tags)
            if (t.attribute == attrCode && t.valueCode == code) {  // already there: accept it
                hint_->clear();
                return setStatus({t.id}, TagStatus::Accepted, tr("Add tag"));
            }
    }
    QString error;
    auto id = db_.addTag(imageId_, attrCode, code, isNew, user_, &error);
    if (!id) {
        emit errorOccurred(error);
        return false;
    }
    hint_->clear();
    const qint64 image = imageId_;
    auto currentId = std::make_shared<qint64>(*id);
    undo_->push(new CatalogCommand(
        tr("Add tag"),
        [this, image, attrCode, code, isNew, currentId] {
            auto again = db_.addTag(image, attrCode, code, isNew, user_);
            if (again)
                *currentId = *again;
            return again.has_value();
        },
        [this, currentId] { return db_.removeTag(*currentId, user_); }, this));
    refresh();
    return true;
}

void TagEditor::renameCurrent() {
    auto* item = tree_->currentItem();
    if (!item)
        return;
    if (taxonomy_.hasCategoryTree() && item->data(0, kAttributeRole).toString() ==
                                           QLatin1String(catalog::Taxonomy::kCategoryAttribute)) {
        chooseCategory();  // F2 on the category (its row or its tag): the picker
        return;
    }
    if (item->data(0, kTagIdRole).toLongLong() == 0) {  // an attribute: add a value to it
        beginAdd(item->text(0) + QStringLiteral(": "));
        return;
    }
    tree_->editItem(item, 0);
}

bool TagEditor::renameTag(qint64 tagId, const QString& valueText) {
    QString error;
    const auto old = db_.tagById(tagId, &error);
    if (!old) {
        emit errorOccurred(error.isEmpty() ? tr("This tag no longer exists.") : error);
        return false;
    }
    const auto* attr = taxonomy_.attribute(old->attribute);
    const auto* value = taxonomy_.findValue(old->attribute, valueText);
    if (!value && attr && !attr->values.isEmpty()) {
        hint_->setText(tr("“%1” is not a value of %2")
                           .arg(valueText, catalog::Taxonomy::label(*attr, uiLanguage())));
        return false;
    }
    const QString code = value ? value->code : valueText.trimmed();
    if (code == old->valueCode)
        return true;
    catalog::TagEdit edit;
    const auto fixed = db_.fixTag(tagId, code, value == nullptr, user_, &error, &edit,
                                  shownVersions_.value(tagId, -1));
    if (!fixed) {
        emit errorOccurred(error);
        refresh();
        return false;
    }
    hint_->clear();
    undo_->push(new EditCommand(tr("Rename tag"), {edit}, db_, this));
    refresh();
    selectTag(*fixed, old->attribute);
    return true;
}

bool TagEditor::deleteSelected() {
    QList<qint64> ids = selectedTagIds();
    if (ids.isEmpty())
        if (auto* c = tree_->currentItem())
            if (const qint64 id = c->data(0, kTagIdRole).toLongLong())
                ids << id;
    if (ids.isEmpty())
        return false;
    const QString attribute = focusedAttribute();
    QList<catalog::TagEdit> edits;
    bool ok = true;
    for (qint64 id : ids) {
        QString error;
        catalog::TagEdit edit;
        if (!db_.removeTag(id, user_, &error, &edit, shownVersions_.value(id, -1))) {
            emit errorOccurred(error);
            ok = false;
            break;
        }
        edits << edit;
    }
    if (!edits.isEmpty())
        undo_->push(
            new EditCommand(tr("Delete %n tag(s)", nullptr, int(edits.size())), edits, db_, this));
    refresh();
    selectTag(0, attribute);
    return ok;
}

bool TagEditor::pickOption(int n) {
    if (imageId_ == 0)
        return false;
    const auto* a = taxonomy_.attribute(focusedAttribute());
    if (!a) {
        hint_->setText(tr("Focus an attribute first (arrow keys), then press 1–9."));
        return false;
    }
    if (n < 1 || n > a->values.size()) {
        hint_->setText(
            tr("%1 has no option %2").arg(catalog::Taxonomy::label(*a, uiLanguage())).arg(n));
        return false;
    }
    const auto& v = a->values[n - 1];
    QString error;
    const auto edit =
        db_.pickTagValue(imageId_, a->code, v.code, false, !a->multiValued, user_, &error);
    if (!edit) {
        emit errorOccurred(error);
        return false;
    }
    if (!edit->isEmpty())
        undo_->push(new EditCommand(tr("Pick %1: %2")
                                        .arg(catalog::Taxonomy::label(*a, uiLanguage()),
                                             catalog::Taxonomy::label(v, uiLanguage())),
                                    {*edit}, db_, this));
    refresh();
    return true;
}

void TagEditor::beginAdd(const QString& prefill) {
    QString text = prefill.trimmed();
    // Words that name exactly one value anywhere: prefilled as "attribute: value".
    if (!text.isEmpty() && !text.contains(QRegularExpression(QStringLiteral("[:：]")))) {
        const auto refs = taxonomy_.findValueAnywhere(text);
        if (refs.size() == 1)
            text = catalog::Taxonomy::label(*refs[0].attribute, uiLanguage()) +
                   QStringLiteral(": ") + catalog::Taxonomy::label(*refs[0].value, uiLanguage());
    }
    add_->setFocus(Qt::ShortcutFocusReason);
    add_->setText(text);
    if (!text.isEmpty() && add_->completer()) {
        add_->completer()->setCompletionPrefix(text);
        add_->completer()->complete();
    }
}

void TagEditor::pushEdit(const QString& label, const catalog::TagEdit& edit) {
    if (!edit.isEmpty())
        undo_->push(new EditCommand(label, {edit}, db_, this));
    refresh();
}

}  // namespace vistag::ui

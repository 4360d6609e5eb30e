#include "tag_editor.h"

#include <QCompleter>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QShortcut>
#include <QTreeWidget>
#include <QUndoStack>
#include <QVBoxLayout>

namespace vistag::ui {
namespace {

using catalog::TagStatus;

constexpr int kTagIdRole = Qt::UserRole + 1;

QString statusText(TagStatus s) {
    switch (s) {
        case TagStatus::Suggested: return TagEditor::tr("suggested");
        case TagStatus::Accepted: return TagEditor::tr("accepted");
        case TagStatus::Rejected: return TagEditor::tr("rejected");
    }
    return {};
}

QString language() { return QLocale().language() == QLocale::Chinese ? "zh" : "en"; }

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

}  // namespace

TagEditor::TagEditor(catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy, QString user,
                     QWidget* parent)
    : QWidget(parent), db_(db), taxonomy_(taxonomy), user_(std::move(user)) {
    undo_ = new QUndoStack(this);
    tree_ = new QTreeWidget(this);
    tree_->setObjectName(QStringLiteral("tagTree"));
    tree_->setColumnCount(3);
    tree_->setHeaderLabels({tr("Tag"), tr("Source"), tr("State")});
    tree_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    tree_->header()->setSectionResizeMode(0, QHeaderView::Stretch);

    add_ = new QLineEdit(this);
    add_->setPlaceholderText(tr("Add a tag, e.g. 风格: 波西米亚 or colour: red"));
    QStringList completions;
    for (const auto& a : taxonomy_.attributes()) {
        const QString attr = catalog::Taxonomy::label(a, language());
        for (const auto& v : a.values)
            for (const QString& term : catalog::Taxonomy::terms(v))
                completions << attr + QStringLiteral(": ") + term;
    }
    auto* completer = new QCompleter(completions, add_);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    completer->setFilterMode(Qt::MatchContains);
    add_->setCompleter(completer);
    connect(add_, &QLineEdit::returnPressed, this, [this] {
        if (addFromText(add_->text())) add_->clear();
    });

    auto* accept = new QPushButton(tr("Accept"), this);
    auto* reject = new QPushButton(tr("Reject"), this);
    auto* acceptAllButton = new QPushButton(tr("Accept all"), this);
    acceptAllButton->setToolTip(tr("Accept every suggestion of this image (Ctrl+Enter)"));
    connect(accept, &QPushButton::clicked, this, &TagEditor::acceptSelected);
    connect(reject, &QPushButton::clicked, this, &TagEditor::rejectSelected);
    connect(acceptAllButton, &QPushButton::clicked, this, &TagEditor::acceptAll);
    auto* undoShortcut = new QShortcut(QKeySequence::Undo, this);
    connect(undoShortcut, &QShortcut::activated, undo_, &QUndoStack::undo);
    for (const QKeySequence& k : {QKeySequence(QKeySequence::Redo), QKeySequence(tr("Ctrl+Y"))}) {
        auto* s = new QShortcut(k, this);
        connect(s, &QShortcut::activated, undo_, &QUndoStack::redo);
    }
    hint_ = new QLabel(this);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(accept);
    buttons->addWidget(reject);
    buttons->addStretch(1);
    buttons->addWidget(acceptAllButton);
    auto* col = new QVBoxLayout(this);
    col->setContentsMargins(0, 0, 0, 0);
    col->addWidget(tree_, 1);
    col->addLayout(buttons);
    col->addWidget(add_);
    col->addWidget(hint_);
}

void TagEditor::setImage(qint64 imageId) {
    imageId_ = imageId;
    undo_->clear();  // undo history is per image
    refresh();
}

void TagEditor::refresh() {
    tree_->clear();
    if (imageId_ == 0) return;
    QString error;
    auto tags = db_.tagsForImage(imageId_, &error);
    if (!tags) {
        emit errorOccurred(error);
        return;
    }
    QHash<QString, QTreeWidgetItem*> groups;
    auto group = [&](const QString& code) {
        if (auto* g = groups.value(code)) return g;
        const auto* a = taxonomy_.attribute(code);
        auto* g = new QTreeWidgetItem(tree_, {a ? catalog::Taxonomy::label(*a, language()) : code});
        g->setFlags(Qt::ItemIsEnabled);
        groups.insert(code, g);
        return g;
    };
    for (const auto& t : *tags) {
        const auto* v = taxonomy_.value(t.attribute, t.valueCode);
        QString label = v ? catalog::Taxonomy::label(*v, language()) : t.valueCode;
        if (t.isNewValue) label += tr(" (new value)");
        QString source = t.source.startsWith(QLatin1String("person:"))
                             ? t.source.mid(7)
                             : t.source.section(QLatin1Char(':'), 1);
        if (t.confidence >= 0) source += QStringLiteral(" · %1").arg(t.confidence, 0, 'f', 2);
        auto* item = new QTreeWidgetItem(group(t.attribute), {label, source, statusText(t.status)});
        item->setData(0, kTagIdRole, t.id);
        item->setData(2, Qt::UserRole, catalog::tagStatusName(t.status));
    }
    tree_->expandAll();
    emit tagsChanged(imageId_);
}

QList<qint64> TagEditor::selectedTagIds() const {
    QList<qint64> ids;
    for (QTreeWidgetItem* item : tree_->selectedItems())
        if (const qint64 id = item->data(0, kTagIdRole).toLongLong()) ids << id;
    return ids;
}

bool TagEditor::setStatus(const QList<qint64>& ids, TagStatus status, const QString& label) {
    if (ids.isEmpty()) return true;
    QList<QPair<qint64, TagStatus>> before;
    for (qint64 id : ids) {
        auto t = db_.tagById(id);
        if (t) before << qMakePair(id, t->status);
    }
    auto apply = [this](qint64 id, TagStatus s) {
        QString error;
        const bool ok = s == TagStatus::Accepted   ? db_.acceptTag(id, user_, &error)
                        : s == TagStatus::Rejected ? db_.rejectTag(id, user_, &error)
                                                   : db_.reopenTag(id, user_, &error);
        if (!ok) emit errorOccurred(error);
        return ok;
    };
    for (qint64 id : ids)
        if (!apply(id, status)) {
            refresh();
            return false;
        }
    undo_->push(new CatalogCommand(
        label,
        [=] {
            bool ok = true;
            for (qint64 id : ids) ok = apply(id, status) && ok;
            return ok;
        },
        [=] {
            bool ok = true;
            for (const auto& [id, s] : before) ok = apply(id, s) && ok;
            return ok;
        },
        this));
    refresh();
    return true;
}

bool TagEditor::acceptSelected() { return setStatus(selectedTagIds(), TagStatus::Accepted, tr("Accept")); }
bool TagEditor::rejectSelected() { return setStatus(selectedTagIds(), TagStatus::Rejected, tr("Reject")); }

bool TagEditor::acceptAll() {
    QList<qint64> ids;
    auto tags = db_.tagsForImage(imageId_);
    if (tags)
        for (const auto& t : *tags)
            if (t.status == TagStatus::Suggested) ids << t.id;
    return setStatus(ids, TagStatus::Accepted, tr("Accept all"));
}

bool TagEditor::addFromText(const QString& text) {
    if (imageId_ == 0) return false;
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
    const QString code = value ? value->code : valueText;  // kept as a new value otherwise
    if (auto tags = db_.tagsForImage(imageId_)) {
        for (const auto& t : *tags)
            if (t.attribute == attr->code && t.valueCode == code) {  // already there: accept it
                hint_->clear();
                return setStatus({t.id}, TagStatus::Accepted, tr("Add tag"));
            }
    }
    QString error;
    auto id = db_.addTag(imageId_, attr->code, code, value == nullptr, user_, &error);
    if (!id) {
        emit errorOccurred(error);
        return false;
    }
    hint_->clear();
    const qint64 tagId = *id;
    const qint64 image = imageId_;
    const QString attrCode = attr->code;
    const bool isNew = value == nullptr;
    auto currentId = std::make_shared<qint64>(tagId);
    undo_->push(new CatalogCommand(
        tr("Add tag"),
        [this, image, attrCode, code, isNew, currentId] {
            auto again = db_.addTag(image, attrCode, code, isNew, user_);
            if (again) *currentId = *again;
            return again.has_value();
        },
        [this, currentId] { return db_.removeTag(*currentId, user_); }, this));
    refresh();
    return true;
}

}  // namespace vistag::ui

#include "bulk_tag_dialog.h"
#include "translations.h"

#include <QButtonGroup>
#include <QComboBox>
#include <QCompleter>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QVBoxLayout>

namespace vistag::ui {
namespace {

QComboBox* valueCombo(QWidget* parent, const QString& name) {
    auto* box = new QComboBox(parent);
    box->setObjectName(name);
    box->setEditable(true);
    box->setInsertPolicy(QComboBox::NoInsert);
    box->completer()->setFilterMode(Qt::MatchContains);
    box->completer()->setCompletionMode(QCompleter::PopupCompletion);
    box->setMinimumContentsLength(14);
    return box;
}

}  // namespace

BulkTagDialog::BulkTagDialog(catalog::CatalogDb& db, const catalog::Taxonomy& taxonomy,
                             QString user, QList<qint64> selectedImages, Operation operation,
                             QWidget* parent)
    : QDialog(parent),
      db_(db),
      taxonomy_(taxonomy),
      user_(std::move(user)),
      selected_(std::move(selectedImages)) {
    setObjectName(QStringLiteral("bulkTagDialog"));
    setWindowTitle(operation == Operation::Replace ? tr("Find and replace tags")
                                                   : tr("Edit tags of many images"));
    operation_ = new QComboBox(this);
    operation_->addItem(tr("Add the tag"));
    operation_->addItem(tr("Remove the tag"));
    operation_->addItem(tr("Replace the value"));
    operation_->setCurrentIndex(static_cast<int>(operation));
    attribute_ = new QComboBox(this);
    for (const auto& a : taxonomy_.attributes())
        attribute_->addItem(catalog::Taxonomy::label(a, uiLanguage()), a.code);
    value_ = valueCombo(this, QStringLiteral("bulkValue"));
    replacement_ = valueCombo(this, QStringLiteral("bulkReplacement"));
    replacementLabel_ = new QLabel(tr("with"), this);

    scopeSelection_ =
        new QRadioButton(tr("the %n selected image(s)", nullptr, int(selected_.size())), this);
    scopeAll_ = new QRadioButton(tr("the whole catalogue"), this);
    auto* scopes = new QButtonGroup(this);
    scopes->addButton(scopeSelection_);
    scopes->addButton(scopeAll_);
    scopeSelection_->setEnabled(!selected_.isEmpty());
    (selected_.isEmpty() ? scopeAll_ : scopeSelection_)->setChecked(true);
    auto* scopeRow = new QHBoxLayout;
    scopeRow->addWidget(scopeSelection_);
    scopeRow->addWidget(scopeAll_);
    scopeRow->addStretch(1);

    preview_ = new QLabel(this);
    preview_->setObjectName(QStringLiteral("bulkPreview"));
    preview_->setWordWrap(true);
    auto* note = new QLabel(
        tr("Views of one product (a SKU group) share one tag set: the edit reaches all of them. "
           "A replaced value is kept as rejected, so the model does not suggest it again."),
        this);
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: palette(placeholder-text);"));

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    apply_ = buttons->addButton(tr("Apply"), QDialogButtonBox::AcceptRole);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(apply_, &QPushButton::clicked, this, &BulkTagDialog::apply);

    auto* form = new QFormLayout;
    form->addRow(tr("Operation"), operation_);
    form->addRow(tr("Attribute"), attribute_);
    form->addRow(tr("Value"), value_);
    form->addRow(replacementLabel_, replacement_);
    form->addRow(tr("On"), scopeRow);
    auto* col = new QVBoxLayout(this);
    col->addLayout(form);
    col->addWidget(preview_);
    col->addWidget(note);
    col->addWidget(buttons);

    auto changed = [this] { updatePreview(); };
    connect(operation_, &QComboBox::currentIndexChanged, this, changed);
    connect(attribute_, &QComboBox::currentIndexChanged, this, [this] {
        fillValues();
        updatePreview();
    });
    connect(value_, &QComboBox::currentTextChanged, this, changed);
    connect(replacement_, &QComboBox::currentTextChanged, this, changed);
    connect(scopeAll_, &QRadioButton::toggled, this, changed);
    fillValues();
    updatePreview();
}

BulkTagDialog::Operation BulkTagDialog::operation() const {
    return static_cast<Operation>(operation_->currentIndex());
}

void BulkTagDialog::fillValues() {
    const QSignalBlocker b1(value_), b2(replacement_);
    value_->clear();
    replacement_->clear();
    if (const auto* a = taxonomy_.attribute(attribute_->currentData().toString()))
        for (const auto& v : a->values) {
            value_->addItem(catalog::Taxonomy::label(v, uiLanguage()), v.code);
            replacement_->addItem(catalog::Taxonomy::label(v, uiLanguage()), v.code);
        }
    value_->setCurrentIndex(-1);
    replacement_->setCurrentIndex(-1);
    value_->setEditText({});
    replacement_->setEditText({});
}

std::optional<BulkTagDialog::Request> BulkTagDialog::request(QString* problem) const {
    Request r;
    r.attribute = attribute_->currentData().toString();
    // A value typed or picked: a label, code or synonym of the taxonomy, or new words as they are.
    auto resolve = [&](QComboBox* box, QString* code, bool* isNew) {
        const QString text = box->currentText().trimmed();
        if (text.isEmpty())
            return false;
        const auto* v = taxonomy_.findValue(r.attribute, text);
        *code = v ? v->code : text;
        *isNew = v == nullptr;
        return true;
    };
    if (!resolve(value_, &r.value, &r.valueIsNew)) {
        *problem = tr("Choose the value.");
        return std::nullopt;
    }
    if (operation() == Operation::Replace &&
        !resolve(replacement_, &r.replacement, &r.replacementIsNew)) {
        *problem = tr("Choose the value to replace it with.");
        return std::nullopt;
    }
    return r;
}

std::optional<catalog::TagEdit> BulkTagDialog::run(bool dryRun, QString* error) {
    const auto r = request(error);
    if (!r)
        return std::nullopt;
    const std::optional<QList<qint64>> scope =
        scopeAll_->isChecked() ? std::nullopt : std::optional<QList<qint64>>(selected_);
    switch (operation()) {
        case Operation::Add:
            return db_.bulkAddTag(scope, r->attribute, r->value, r->valueIsNew, user_, error,
                                  dryRun);
        case Operation::Remove:
            return db_.bulkRemoveTag(scope, r->attribute, r->value, user_, error, dryRun);
        case Operation::Replace:
            return db_.replaceTagValue(scope, r->attribute, r->value, r->replacement,
                                       r->replacementIsNew, user_, error, dryRun);
    }
    return std::nullopt;
}

bool BulkTagDialog::updatePreview() {
    const bool replace = operation() == Operation::Replace;
    replacement_->setVisible(replace);
    replacementLabel_->setVisible(replace);
    QString error;
    const auto edit = run(/*dryRun=*/true, &error);
    if (!edit) {
        preview_->setText(error);
        apply_->setEnabled(false);
        return false;
    }
    int tags = 0;
    switch (operation()) {
        case Operation::Add:
            tags = int(edit->after.size());
            break;
        case Operation::Remove:
            tags = int(edit->before.size());
            break;
        case Operation::Replace: {
            const QString from = request(&error)->value;
            for (const auto& row : edit->before)
                tags += row.tag.valueCode == from;
            break;
        }
    }
    if (edit->isEmpty()) {
        preview_->setText(tr("Nothing to change: no image in scope needs this edit."));
        apply_->setEnabled(false);
        return true;
    }
    const QString images = tr("%n image(s)", nullptr, edit->images);
    switch (operation()) {
        case Operation::Add:
            preview_->setText(tr("Adds or accepts the tag on %1 (%2 tag set(s)).")
                                  .arg(images)
                                  .arg(edit->tagSets));
            break;
        case Operation::Remove:
            preview_->setText(tr("Removes %n tag(s) from %1.", nullptr, tags).arg(images));
            break;
        case Operation::Replace:
            preview_->setText(tr("Replaces %n tag(s) on %1.", nullptr, tags).arg(images));
            break;
    }
    apply_->setEnabled(true);
    return true;
}

void BulkTagDialog::apply() {
    QString error;
    auto edit = run(/*dryRun=*/false, &error);
    if (!edit) {
        preview_->setText(error);
        return;
    }
    result_ = std::move(edit);
    accept();
}

QString BulkTagDialog::description() const {
    const QString attr = attribute_->currentText();
    switch (operation()) {
        case Operation::Add:
            return tr("Add %1: %2 to many images").arg(attr, value_->currentText());
        case Operation::Remove:
            return tr("Remove %1: %2 from many images").arg(attr, value_->currentText());
        case Operation::Replace:
            return tr("Replace %1: %2 with %3")
                .arg(attr, value_->currentText(), replacement_->currentText());
    }
    return {};
}

}  // namespace vistag::ui

#include "export_dialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSettings>
#include <QVBoxLayout>

#include "translations.h"

namespace vistag::ui {

ExportDialog::ExportDialog(int selected, QWidget* parent) : QDialog(parent) {
    setObjectName(QStringLiteral("exportDialog"));
    QSettings s;
    selected_ = selected;

    format_ = new QComboBox(this);
    format_->setObjectName(QStringLiteral("exportFormat"));
    for (const char* f : {"csv", "jsonl", "txt", "xmp"})
        format_->addItem(QString(), QLatin1String(f));
    format_->setCurrentIndex(
        qMax(0, format_->findData(s.value(QStringLiteral("ui/exportFormat")).toString())));

    path_ = new QLineEdit(s.value(QStringLiteral("ui/exportPath")).toString(), this);
    path_->setObjectName(QStringLiteral("exportPath"));
    auto* browse = browse_ = new QPushButton(this);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto* pathRow = pathRow_ = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browse);
    beside_ = new QCheckBox(this);
    beside_->setObjectName(QStringLiteral("exportBesideImages"));
    connect(beside_, &QCheckBox::toggled, path_, &QWidget::setDisabled);
    connect(beside_, &QCheckBox::toggled, browse, &QWidget::setDisabled);

    selection_ = new QRadioButton(this);
    selection_->setObjectName(QStringLiteral("exportSelection"));
    all_ = new QRadioButton(this);
    all_->setObjectName(QStringLiteral("exportAll"));
    auto* scope = new QButtonGroup(this);
    scope->addButton(selection_);
    scope->addButton(all_);
    selection_->setEnabled(selected > 0);
    (selected > 1 ? selection_ : all_)->setChecked(true);

    suggested_ = new QCheckBox(this);
    suggested_->setObjectName(QStringLiteral("exportSuggested"));
    perSku_ = new QCheckBox(this);
    perSku_->setObjectName(QStringLiteral("exportPerSku"));
    language_ = new QComboBox(this);
    language_->setObjectName(QStringLiteral("exportLanguage"));
    language_->addItem(QString(), QStringLiteral("en"));
    language_->addItem(QString(), QStringLiteral("zh"));
    language_->setCurrentIndex(uiLanguage() == QLatin1String("zh") ? 1 : 0);

    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("exportProblem"));
    problem_->setStyleSheet(QStringLiteral("color: #b91c1c;"));
    problem_->setWordWrap(true);

    auto* form = form_ = new QFormLayout;
    form->addRow(QStringLiteral("-"), format_);
    form->addRow(QStringLiteral("-"), pathRow);
    form->addRow(QString(), beside_);
    form->addRow(QStringLiteral("-"), selection_);
    form->addRow(QString(), all_);
    form->addRow(QString(), suggested_);
    form->addRow(QString(), perSku_);
    form->addRow(QStringLiteral("-"), language_);
    // A button of our own (not the standard OK, which the button box would rename on a
    // language change).
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Cancel, this);
    export_ = buttons->addButton(QString(), QDialogButtonBox::AcceptRole);
    export_->setObjectName(QStringLiteral("exportButton"));
    export_->setDefault(true);
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* col = new QVBoxLayout(this);
    col->addLayout(form);
    col->addWidget(problem_);
    col->addWidget(buttons);
    connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    retranslateUi();
}

void ExportDialog::retranslateUi() {
    setWindowTitle(tr("Export tags"));
    const QString formats[] = {tr("CSV table (Merchant Center columns)"),
                               tr("JSON Lines (one product per line)"),
                               tr("Text sidecars (photo.txt)"),
                               tr("XMP sidecars (photo.jpg.xmp, for Lightroom and Bridge)")};
    for (int i = 0; i < 4; ++i)
        format_->setItemText(i, formats[i]);
    browse_->setText(tr("Browse…"));
    beside_->setText(tr("Write each sidecar beside its image"));
    selection_->setText(tr("Only the selected images (%1)").arg(selected_));
    all_->setText(tr("The whole catalogue"));
    suggested_->setText(tr("Include suggestions nobody has accepted yet"));
    perSku_->setText(tr("One row per product (SKU group)"));
    language_->setItemText(0, tr("English"));
    language_->setItemText(1, tr("Chinese"));
    const auto setLabel = [](QWidget* label, const QString& text) {
        if (auto* l = qobject_cast<QLabel*>(label))
            l->setText(text);
    };
    setLabel(form_->labelForField(format_), tr("Format:"));
    setLabel(form_->labelForField(pathRow_), tr("Save to:"));
    setLabel(form_->labelForField(selection_), tr("Images:"));
    setLabel(form_->labelForField(language_), tr("Label language:"));
    export_->setText(tr("Export"));
    formatChanged();
}

void ExportDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

bool ExportDialog::sidecars() const {
    const QString f = format_->currentData().toString();
    return f == QLatin1String("txt") || f == QLatin1String("xmp");
}

void ExportDialog::formatChanged() {
    beside_->setVisible(sidecars());
    if (!sidecars())
        beside_->setChecked(false);
    perSku_->setEnabled(!sidecars());
    language_->setEnabled(sidecars());
    path_->setPlaceholderText(sidecars() ? tr("A folder for the sidecar files")
                                         : tr("The file to write"));
}

void ExportDialog::browse() {
    const QString current = path_->text().trimmed();
    QString chosen;
    if (sidecars()) {
        chosen = QFileDialog::getExistingDirectory(this, tr("Folder for the sidecars"),
                                                   current.isEmpty() ? QDir::homePath() : current);
    } else {
        const QString format = format_->currentData().toString();
        const QString start =
            current.isEmpty() ? QDir::home().filePath(QStringLiteral("tags.") + format) : current;
        chosen = QFileDialog::getSaveFileName(this, tr("Export to"), start,
                                              format == QLatin1String("csv")
                                                  ? tr("CSV files (*.csv)")
                                                  : tr("JSON Lines files (*.jsonl)"));
    }
    if (!chosen.isEmpty())
        path_->setText(QDir::toNativeSeparators(chosen));
}

void ExportDialog::accept() {
    if (!beside_->isChecked() && path_->text().trimmed().isEmpty()) {
        problem_->setText(sidecars() ? tr("Choose a folder for the sidecars.")
                                     : tr("Choose the file to write."));
        return;
    }
    QSettings s;
    s.setValue(QStringLiteral("ui/exportFormat"), format_->currentData());
    s.setValue(QStringLiteral("ui/exportPath"), path_->text().trimmed());
    QDialog::accept();
}

ExportChoice ExportDialog::choice() const {
    ExportChoice c;
    c.format = format_->currentData().toString();
    c.path = beside_->isChecked() ? QString() : QDir::fromNativeSeparators(path_->text().trimmed());
    c.selectionOnly = selection_->isChecked();
    c.includeSuggested = suggested_->isChecked();
    c.perSku = perSku_->isChecked() && !sidecars();
    c.language = language_->currentData().toString();
    return c;
}

}  // namespace vistag::ui

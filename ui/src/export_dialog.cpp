#include "export_dialog.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
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
    setWindowTitle(tr("Export tags"));
    QSettings s;

    format_ = new QComboBox(this);
    format_->setObjectName(QStringLiteral("exportFormat"));
    format_->addItem(tr("CSV table (Merchant Center columns)"), QStringLiteral("csv"));
    format_->addItem(tr("JSON Lines (one product per line)"), QStringLiteral("jsonl"));
    format_->addItem(tr("Text sidecars (photo.txt)"), QStringLiteral("txt"));
    format_->addItem(tr("XMP sidecars (photo.jpg.xmp, for Lightroom and Bridge)"),
                     QStringLiteral("xmp"));
    format_->setCurrentIndex(
        qMax(0, format_->findData(s.value(QStringLiteral("ui/exportFormat")).toString())));

    path_ = new QLineEdit(s.value(QStringLiteral("ui/exportPath")).toString(), this);
    path_->setObjectName(QStringLiteral("exportPath"));
    auto* browse = new QPushButton(tr("Browse…"), this);
    connect(browse, &QPushButton::clicked, this, &ExportDialog::browse);
    auto* pathRow = new QHBoxLayout;
    pathRow->addWidget(path_, 1);
    pathRow->addWidget(browse);
    beside_ = new QCheckBox(tr("Write each sidecar beside its image"), this);
    beside_->setObjectName(QStringLiteral("exportBesideImages"));
    connect(beside_, &QCheckBox::toggled, path_, &QWidget::setDisabled);
    connect(beside_, &QCheckBox::toggled, browse, &QWidget::setDisabled);

    selection_ = new QRadioButton(tr("The %n selected image(s)", nullptr, selected), this);
    selection_->setObjectName(QStringLiteral("exportSelection"));
    all_ = new QRadioButton(tr("The whole catalogue"), this);
    all_->setObjectName(QStringLiteral("exportAll"));
    auto* scope = new QButtonGroup(this);
    scope->addButton(selection_);
    scope->addButton(all_);
    selection_->setEnabled(selected > 0);
    (selected > 1 ? selection_ : all_)->setChecked(true);

    suggested_ = new QCheckBox(tr("Include suggestions nobody has accepted yet"), this);
    suggested_->setObjectName(QStringLiteral("exportSuggested"));
    perSku_ = new QCheckBox(tr("One row per product (SKU group)"), this);
    perSku_->setObjectName(QStringLiteral("exportPerSku"));
    language_ = new QComboBox(this);
    language_->setObjectName(QStringLiteral("exportLanguage"));
    language_->addItem(tr("English"), QStringLiteral("en"));
    language_->addItem(tr("Chinese"), QStringLiteral("zh"));
    language_->setCurrentIndex(uiLanguage() == QLatin1String("zh") ? 1 : 0);

    problem_ = new QLabel(this);
    problem_->setObjectName(QStringLiteral("exportProblem"));
    problem_->setStyleSheet(QStringLiteral("color: #b91c1c;"));
    problem_->setWordWrap(true);

    auto* form = new QFormLayout;
    form->addRow(tr("Format:"), format_);
    form->addRow(tr("Save to:"), pathRow);
    form->addRow(QString(), beside_);
    form->addRow(tr("Images:"), selection_);
    form->addRow(QString(), all_);
    form->addRow(QString(), suggested_);
    form->addRow(QString(), perSku_);
    form->addRow(tr("Label language:"), language_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Export"));
    connect(buttons, &QDialogButtonBox::accepted, this, &ExportDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* col = new QVBoxLayout(this);
    col->addLayout(form);
    col->addWidget(problem_);
    col->addWidget(buttons);
    connect(format_, &QComboBox::currentIndexChanged, this, &ExportDialog::formatChanged);
    formatChanged();
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

// File → Export…: the formats of `vistag-cli export` (CSV, JSON Lines, .txt and XMP sidecars)
// for the selected images or the whole catalogue. The dialog only chooses; the window reads the
// rows and writes them off the GUI thread (MainWindow::exportTags).
#pragma once

#include <QDialog>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QFormLayout;
class QHBoxLayout;
class QPushButton;
class QLabel;
class QLineEdit;
class QRadioButton;

namespace vistag::ui {

struct ExportChoice {
    QString format = QStringLiteral("csv");  // csv, jsonl, txt, xmp
    QString path;  // the file (csv, jsonl) or folder (txt, xmp; "" = beside images)
    bool selectionOnly = false;
    bool includeSuggested = false;            // suggested tags too (rejected ones never)
    bool perSku = false;                      // one row per SKU group (csv, jsonl)
    QString language = QStringLiteral("en");  // sidecar labels: en or zh
};

class ExportDialog final : public QDialog {
    Q_OBJECT
public:
    // selected: how many images the grid has selected (0: only the whole catalogue).
    ExportDialog(int selected, QWidget* parent = nullptr);

    ExportChoice choice() const;
    QComboBox* formatBox() const { return format_; }
    QLineEdit* pathField() const { return path_; }
    QRadioButton* selectionButton() const { return selection_; }
    QRadioButton* allButton() const { return all_; }
    QCheckBox* besideImagesBox() const { return beside_; }

    void accept() override;  // refuses an empty path (said under the form)

protected:
    void changeEvent(QEvent* event) override;  // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    void formatChanged();
    void browse();
    bool sidecars() const;

    int selected_ = 0;
    QFormLayout* form_ = nullptr;
    QHBoxLayout* pathRow_ = nullptr;
    QPushButton* browse_ = nullptr;
    QPushButton* export_ = nullptr;
    QComboBox* format_ = nullptr;
    QLineEdit* path_ = nullptr;
    QCheckBox* beside_ = nullptr;
    QRadioButton* selection_ = nullptr;
    QRadioButton* all_ = nullptr;
    QCheckBox* suggested_ = nullptr;
    QCheckBox* perSku_ = nullptr;
    QComboBox* language_ = nullptr;
    QLabel* problem_ = nullptr;
};

}  // namespace vistag::ui

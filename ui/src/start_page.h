// The page shown while no model or server is configured: the three ways to get going.
#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace vistag::ui {

class StartPage final : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);

    // Shows a line under the choices (e.g. what is missing from a chosen model folder).
    void setMessage(const QString& text);

signals:
    void chooseModelFolderRequested();
    void downloadModelRequested();
    void connectServerRequested();

protected:
    void changeEvent(QEvent* event) override;  // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    void fitHeight();  // the column as tall as its wrapped text needs at its fixed width
    QLabel* message_ = nullptr;
    QLabel* title_ = nullptr;
    QLabel* lead_ = nullptr;
    QLabel* serversOnly_ = nullptr;
    QPushButton* folder_ = nullptr;
    QPushButton* download_ = nullptr;
    QPushButton* server_ = nullptr;
};

}  // namespace vistag::ui

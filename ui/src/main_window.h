// Vistag's main window. Until a model or server is configured it shows the start page.
#pragma once

#include <QMainWindow>

class QStackedWidget;
class QLabel;

namespace vistag::ui {

class StartPage;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);

    StartPage* startPage() const { return startPage_; }

private:
    void buildMenus();
    void chooseModelFolder();

    QStackedWidget* pages_ = nullptr;
    StartPage* startPage_ = nullptr;
    QLabel* engineLabel_ = nullptr;
};

}  // namespace vistag::ui

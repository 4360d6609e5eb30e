// Tools → Share this model…: Vistag's own OpenAI-compatible server (the one of `vistag-cli
// serve`) on the local model the window has loaded, so other workstations (or any OpenAI client)
// can use it. Address (loopback by default), port, API key, allow-list; shows the URL while it
// runs, with Stop; warns in words when the address is reachable from other computers without a
// key. What was entered is kept in the settings.
#pragma once

#include <QDialog>
#include <functional>

#include "settings/app_settings.h"

class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;

namespace vistag::backend {
class BackendController;
}

namespace vistag::ui {

class ShareDialog final : public QDialog {
    Q_OBJECT
public:
    // settings: the window's settings; the share fields are updated and saved on Start.
    ShareDialog(backend::BackendController* controller, settings::AppSettings* settings,
                QWidget* parent = nullptr);

    QLineEdit* hostEdit() const { return host_; }
    QSpinBox* portEdit() const { return port_; }
    QLineEdit* keyEdit() const { return key_; }
    QLineEdit* allowEdit() const { return allow_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* stopButton() const { return stop_; }
    QLabel* urlLabel() const { return url_; }
    QLabel* warningLabel() const { return warning_; }
    QString statusText() const;

public slots:
    bool startSharing();  // false and the reason shown in the dialog
    void stopSharing();

protected:
    void changeEvent(QEvent* event) override;  // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    void setStatus(std::function<QString()> text);  // rendered again in a new language
    void updateState();
    void updateWarning();

    backend::BackendController* controller_;
    settings::AppSettings* settings_;
    QLineEdit* host_ = nullptr;
    QSpinBox* port_ = nullptr;
    QLineEdit* key_ = nullptr;
    QLineEdit* allow_ = nullptr;
    QSpinBox* queue_ = nullptr;
    QLabel* warning_ = nullptr;
    QLabel* status_ = nullptr;
    QLabel* url_ = nullptr;
    QPushButton* start_ = nullptr;
    QPushButton* stop_ = nullptr;
    bool wasOn_ = false;
    QFormLayout* form_ = nullptr;
    QLabel* intro_ = nullptr;
    std::function<QString()> statusFn_;
};

}  // namespace vistag::ui

// The ask pane: a prompt with bilingual presets, run on the current image, the answer streamed in
// with tokens/s and latency, and Stop.
#pragma once

#include <QElapsedTimer>
#include <QWidget>

#include "backend/inference_backend.h"

class QComboBox;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;

namespace vistag::backend {
class BackendController;
}

namespace vistag::ui {

class AskPane final : public QWidget {
    Q_OBJECT
public:
    AskPane(backend::BackendController* controller, QWidget* parent = nullptr);

    void setImages(const QStringList& paths);  // what the next question is about
    void setPrompt(const QString& text);
    QString answer() const;
    QPushButton* askButton() const { return ask_; }
    QPushButton* stopButton() const { return stop_; }
    // Generation settings for the next question (the window sets them from Settings).
    int maxNewTokens = 256;
    qint64 maxPixels = 512 * 512;
    double temperature = 0;

public slots:
    void askNow();

signals:
    void finished(const vistag::backend::AskResult& result);

private:
    void applyPreset(int index);
    void updateButtons();

    backend::BackendController* controller_;
    QStringList images_;
    QComboBox* presets_ = nullptr;
    QPlainTextEdit* prompt_ = nullptr;
    QPushButton* ask_ = nullptr;
    QPushButton* stop_ = nullptr;
    QTextBrowser* answer_ = nullptr;
    QLabel* stats_ = nullptr;
    QString text_;
    qint64 job_ = 0;
    int chunks_ = 0;
    QElapsedTimer clock_;
};

}  // namespace vistag::ui

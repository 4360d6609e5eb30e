// View → Log: the recent lines of Vistag's log (inferences with their prompt, answer and latency,
// model loading, the shared server's requests, Qt warnings), updated live, capped at the
// LogHub's capacity; and where the log file is.
#pragma once

#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace vistag::ui {

class LogPanel final : public QWidget {
    Q_OBJECT
public:
    explicit LogPanel(QWidget* parent = nullptr);
    QString text() const;
    QPlainTextEdit* view() const { return view_; }

protected:
    void showEvent(QShowEvent* event) override;  // opens on the newest lines
    void changeEvent(QEvent* event) override;    // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    void appendLine(const QString& line, quint64 seq);
    QPlainTextEdit* view_ = nullptr;
    quint64 shownUpTo_ = 0;  // lines up to this seq are in view_
    QLabel* file_ = nullptr;
    QPushButton* open_ = nullptr;
    QPushButton* clear_ = nullptr;
};

}  // namespace vistag::ui

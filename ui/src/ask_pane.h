// The ask pane: a prompt with bilingual presets, run on the current image, the answer streamed in
// with tokens/s and latency, and Stop. When the answer is complete, the taxonomy terms in it
// (value labels and synonyms, found by the term matcher; negated ones left out) become links,
// repeated as chips under the answer: a click asks for that tag (tagClicked). Any selected words
// can be sent to the tag editor's add box with "Add as tag…" in the context menu.
#pragma once

#include <QElapsedTimer>
#include <QWidget>
#include <functional>

#include "backend/inference_backend.h"
#include "settings/app_settings.h"

class QAction;
class QComboBox;
class QMenu;
class QLabel;
class QPlainTextEdit;
class QPushButton;
class QTextBrowser;

namespace vistag::backend {
class BackendController;
}

namespace vistag::catalog {
class Taxonomy;
}

namespace vistag::ui {

class AskPane final : public QWidget {
    Q_OBJECT
public:
    AskPane(backend::BackendController* controller, QWidget* parent = nullptr);

    void setImages(const QStringList& paths);  // what the next question is about
    void setPrompt(const QString& text);
    QString answer() const;
    // The taxonomy whose terms become clickable tags (none: no links). Must outlive the pane.
    void setTaxonomy(const catalog::Taxonomy* taxonomy);
    // Shows a complete answer without asking the model (a cached answer; tests), with its tags.
    void showAnswer(const QString& text);
    // The tags linked in the shown answer, as "attribute/value" codes, in text order.
    QStringList linkedTags() const { return linked_; }
    QTextBrowser* answerView() const { return answer_; }
    QAction* addAsTagAction() const { return addAsTag_; }
    // The answer's context menu: the standard one plus "Add as tag…" (enabled with a selection).
    QMenu* createAnswerMenu(const QPoint& pos);
    QPushButton* askButton() const { return ask_; }
    QPushButton* stopButton() const { return stop_; }
    // Generation parameters of the next question (the window sets them from Settings).
    catalog::InferenceParams params = settings::AppSettings::defaultGeneration();

public slots:
    void askNow();

signals:
    void finished(const vistag::backend::AskResult& result);
    // A linked term or chip was clicked: add this tag (codes) to the current image.
    void tagClicked(const QString& attribute, const QString& valueCode);
    // "Add as tag…" on selected words: open the add box with them.
    void addTagRequested(const QString& text);

protected:
    void changeEvent(QEvent* event) override;  // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    // The line under the answer, rendered again in a new language.
    void setStats(std::function<QString()> text);
    void applyPreset(int index);
    void updateButtons();
    void renderAnswer(const QString& suffix = {});

    backend::BackendController* controller_;
    QStringList images_;
    QComboBox* presets_ = nullptr;
    QPlainTextEdit* prompt_ = nullptr;
    QPushButton* ask_ = nullptr;
    QPushButton* stop_ = nullptr;
    QTextBrowser* answer_ = nullptr;
    QLabel* stats_ = nullptr;
    QAction* addAsTag_ = nullptr;
    const catalog::Taxonomy* taxonomy_ = nullptr;
    QStringList linked_;
    QString text_;
    QString suffix_;  // an error under the answer (already in words)
    std::function<QString()> statsText_;
    qint64 job_ = 0;
    int chunks_ = 0;
    QElapsedTimer clock_;
};

}  // namespace vistag::ui

#include "ask_pane.h"

#include <QComboBox>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QVBoxLayout>

#include "backend/backend_controller.h"
#include "error_text.h"

namespace vistag::ui {
namespace {

struct Preset {
    const char* titleSource;  // shown through tr()
    const char* promptZh;
    const char* promptEn;
};

const Preset kPresets[] = {
    {QT_TRANSLATE_NOOP("vistag::ui::AskPane", "Style"), "这件商品是什么风格？",
     "What style is this product?"},
    {QT_TRANSLATE_NOOP("vistag::ui::AskPane", "Material"), "这件商品是什么材质？",
     "What material is this product made of?"},
    {QT_TRANSLATE_NOOP("vistag::ui::AskPane", "Season"), "这件商品适合什么季节穿着？",
     "Which seasons is this product for?"},
    {QT_TRANSLATE_NOOP("vistag::ui::AskPane", "Describe"), "请描述这张商品图片。",
     "Describe this product image."},
};

}  // namespace

AskPane::AskPane(backend::BackendController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller) {
    presets_ = new QComboBox(this);
    presets_->addItem(tr("Presets…"));
    for (const Preset& p : kPresets) presets_->addItem(tr(p.titleSource));
    connect(presets_, &QComboBox::activated, this, &AskPane::applyPreset);
    prompt_ = new QPlainTextEdit(this);
    prompt_->setObjectName(QStringLiteral("askPrompt"));
    prompt_->setPlaceholderText(tr("Ask about the selected image…"));
    prompt_->setMaximumHeight(90);
    ask_ = new QPushButton(tr("Ask"), this);
    ask_->setDefault(true);
    stop_ = new QPushButton(tr("Stop"), this);
    answer_ = new QTextBrowser(this);
    answer_->setObjectName(QStringLiteral("askAnswer"));
    stats_ = new QLabel(this);
    connect(ask_, &QPushButton::clicked, this, &AskPane::askNow);
    connect(stop_, &QPushButton::clicked, controller_, &backend::BackendController::stop);
    connect(prompt_, &QPlainTextEdit::textChanged, this, &AskPane::updateButtons);
    connect(controller_, &backend::BackendController::modelLoaded, this, &AskPane::updateButtons);

    connect(controller_, &backend::BackendController::answerChunk, this,
            [this](qint64 job, const QString& piece) {
                if (job != job_) return;
                if (chunks_++ == 0)
                    stats_->setText(tr("First words after %1 ms").arg(clock_.elapsed()));
                text_ += piece;
                answer_->setPlainText(text_);
                answer_->moveCursor(QTextCursor::End);
            });
    connect(controller_, &backend::BackendController::answerFinished, this,
            [this](qint64 job, const backend::AskResult& r) {
                if (job != job_) return;
                job_ = 0;
                if (!r.ok) {
                    answer_->setPlainText(text_ + QStringLiteral("\n\n") +
                                          plainError(r.errorCode, r.error));
                    stats_->setText(tr("Failed"));
                } else {
                    const double seconds = r.latencyMs / 1000.0;
                    const int tokens = static_cast<int>(r.tokenSpans.size());
                    stats_->setText(
                        tr("%1 tokens · %2 tokens/s · %3 ms%4")
                            .arg(tokens)
                            .arg(seconds > 0 ? tokens / seconds : 0.0, 0, 'f', 1)
                            .arg(qRound(r.latencyMs))
                            .arg(r.finishReason == QLatin1String("cancelled") ? tr(" · stopped")
                                                                              : QString()));
                }
                updateButtons();
                emit finished(r);
            });

    auto* row = new QHBoxLayout;
    row->addWidget(presets_, 1);
    row->addWidget(ask_);
    row->addWidget(stop_);
    auto* col = new QVBoxLayout(this);
    col->addWidget(prompt_);
    col->addLayout(row);
    col->addWidget(answer_, 1);
    col->addWidget(stats_);
    updateButtons();
}

void AskPane::setImages(const QStringList& paths) {
    images_ = paths;
    updateButtons();
}

void AskPane::setPrompt(const QString& text) { prompt_->setPlainText(text); }

QString AskPane::answer() const { return text_; }

void AskPane::applyPreset(int index) {
    if (index <= 0 || index > static_cast<int>(std::size(kPresets))) return;
    const Preset& p = kPresets[index - 1];
    const bool zh = QLocale().language() == QLocale::Chinese;
    prompt_->setPlainText(QString::fromUtf8(zh ? p.promptZh : p.promptEn));
}

void AskPane::askNow() {
    if (!controller_->hasModel() || prompt_->toPlainText().trimmed().isEmpty()) return;
    backend::AskRequest req;
    req.imagePaths = images_;
    req.prompt = prompt_->toPlainText().trimmed();
    req.params.maxNewTokens = maxNewTokens;
    req.params.maxPixels = maxPixels;
    req.params.temperature = temperature;
    text_.clear();
    chunks_ = 0;
    answer_->clear();
    stats_->setText(tr("Thinking…"));
    clock_.start();
    job_ = controller_->ask(req);
    updateButtons();
}

void AskPane::updateButtons() {
    const bool running = job_ != 0;
    ask_->setEnabled(!running && controller_->hasModel() &&
                     !prompt_->toPlainText().trimmed().isEmpty());
    stop_->setEnabled(running);
}

}  // namespace vistag::ui

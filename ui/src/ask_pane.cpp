#include "ask_pane.h"

#include <QAction>
#include <QComboBox>
#include <QEvent>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include "error_text.h"
#include "scheduler/backend_controller.h"
#include "tags/taxonomy.h"
#include "tags/term_matcher.h"
#include "tags/term_normalize.h"
#include "translations.h"

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

constexpr const char* kTagScheme = "vistag-tag";

QString tagUrl(const QString& attribute, const QString& value) {
    QUrl url;
    url.setScheme(QLatin1String(kTagScheme));
    url.setPath(attribute + QLatin1Char('/') + value);
    return url.toString(QUrl::FullyEncoded);
}

}  // namespace

AskPane::AskPane(backend::BackendController* controller, QWidget* parent)
    : QWidget(parent), controller_(controller) {
    presets_ = new QComboBox(this);
    for (int i = 0; i <= static_cast<int>(std::size(kPresets)); ++i)
        presets_->addItem(QString());  // texts in retranslateUi()
    connect(presets_, &QComboBox::activated, this, &AskPane::applyPreset);
    prompt_ = new QPlainTextEdit(this);
    prompt_->setObjectName(QStringLiteral("askPrompt"));
    prompt_->setMaximumHeight(90);
    ask_ = new QPushButton(this);
    ask_->setDefault(true);
    stop_ = new QPushButton(this);
    answer_ = new QTextBrowser(this);
    answer_->setObjectName(QStringLiteral("askAnswer"));
    answer_->setOpenLinks(false);
    answer_->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(answer_, &QTextBrowser::anchorClicked, this, [this](const QUrl& url) {
        if (url.scheme() != QLatin1String(kTagScheme))
            return;
        const QString path = url.path();
        const qsizetype slash = path.indexOf(QLatin1Char('/'));
        if (slash > 0)
            emit tagClicked(path.left(slash), path.mid(slash + 1));
    });
    addAsTag_ = new QAction(this);
    addAsTag_->setObjectName(QStringLiteral("ask.addAsTag"));
    addAsTag_->setEnabled(false);
    connect(answer_, &QTextBrowser::copyAvailable, addAsTag_, &QAction::setEnabled);
    connect(addAsTag_, &QAction::triggered, this, [this] {
        const QString words = answer_->textCursor().selectedText().simplified();
        if (!words.isEmpty())
            emit addTagRequested(words);
    });
    connect(answer_, &QWidget::customContextMenuRequested, this, [this](const QPoint& pos) {
        QMenu* menu = createAnswerMenu(pos);
        menu->popup(answer_->viewport()->mapToGlobal(pos));
    });
    stats_ = new QLabel(this);
    connect(ask_, &QPushButton::clicked, this, &AskPane::askNow);
    connect(stop_, &QPushButton::clicked, controller_, &backend::BackendController::stop);
    connect(prompt_, &QPlainTextEdit::textChanged, this, &AskPane::updateButtons);
    connect(controller_, &backend::BackendController::modelLoaded, this, &AskPane::updateButtons);

    connect(
        controller_, &backend::BackendController::answerChunk, this,
        [this](qint64 job, const QString& piece) {
            if (job != job_)
                return;
            if (chunks_++ == 0)
                setStats([ms = clock_.elapsed()] { return tr("First words after %1 ms").arg(ms); });
            text_ += piece;
            answer_->setPlainText(text_);
            answer_->moveCursor(QTextCursor::End);
        });
    connect(controller_, &backend::BackendController::answerFinished, this,
            [this](qint64 job, const backend::AskResult& r) {
                if (job != job_)
                    return;
                job_ = 0;
                if (!r.ok) {
                    renderAnswer(QStringLiteral("\n\n") +
                                 plainError(backend::errorKindOf(r.errorCode, r.error), r.error));
                    setStats([] { return tr("Failed"); });
                } else {
                    renderAnswer();
                    const double seconds = r.latencyMs / 1000.0;
                    const int tokens = static_cast<int>(r.tokenSpans.size());
                    const bool stopped = r.finishReason == backend::FinishReason::Cancelled;
                    setStats([tokens, seconds, ms = qRound(r.latencyMs), stopped] {
                        return tr("%1 tokens · %2 tokens/s · %3 ms%4")
                            .arg(tokens)
                            .arg(seconds > 0 ? tokens / seconds : 0.0, 0, 'f', 1)
                            .arg(ms)
                            .arg(stopped ? tr(" · stopped") : QString());
                    });
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
    retranslateUi();
    updateButtons();
}

void AskPane::retranslateUi() {
    presets_->setItemText(0, tr("Presets…"));
    for (int i = 0; i < static_cast<int>(std::size(kPresets)); ++i)
        presets_->setItemText(i + 1, tr(kPresets[i].titleSource));
    prompt_->setPlaceholderText(tr("Ask about the selected image…"));
    ask_->setText(tr("Ask"));
    stop_->setText(tr("Stop"));
    addAsTag_->setText(tr("Add as tag…"));
    addAsTag_->setToolTip(tr("Open the tag editor's add box with the selected words"));
    if (statsText_)
        stats_->setText(statsText_());
    // A finished answer's tag links and heading in the new language (the model's words stay).
    if (job_ == 0 && !text_.isEmpty())
        renderAnswer(suffix_);
}

void AskPane::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void AskPane::setStats(std::function<QString()> text) {
    statsText_ = std::move(text);
    stats_->setText(statsText_ ? statsText_() : QString());
}

void AskPane::setImages(const QStringList& paths) {
    if (paths == images_)
        return;
    images_ = paths;
    // The answer (and its tag chips, which add to the current image) was about other images: a
    // question still running is stopped and its answer dropped, the pane starts empty.
    if (job_ != 0) {
        controller_->stop();
        job_ = 0;
    }
    text_.clear();
    linked_.clear();
    suffix_.clear();
    chunks_ = 0;
    answer_->clear();
    setStats({});
    updateButtons();
}

void AskPane::setPrompt(const QString& text) {
    prompt_->setPlainText(text);
}

QString AskPane::answer() const {
    return text_;
}

void AskPane::setTaxonomy(const catalog::Taxonomy* taxonomy) {
    taxonomy_ = taxonomy;
    if (job_ == 0 && !text_.isEmpty())
        renderAnswer();
}

void AskPane::showAnswer(const QString& text) {
    text_ = text;
    renderAnswer();
}

QMenu* AskPane::createAnswerMenu(const QPoint& pos) {
    QMenu* menu = answer_->createStandardContextMenu(pos);
    menu->setAttribute(Qt::WA_DeleteOnClose);
    menu->addSeparator();
    addAsTag_->setEnabled(answer_->textCursor().hasSelection());
    menu->addAction(addAsTag_);
    return menu;
}

// The complete answer as rich text: taxonomy terms linked (light-blue highlight), then one chip
// per distinct tag found. Offsets come from the matcher on the normalised text, mapped back to
// the answer.
void AskPane::renderAnswer(const QString& suffix) {
    suffix_ = suffix;
    linked_.clear();
    if (!taxonomy_ || text_.isEmpty()) {
        answer_->setPlainText(text_ + suffix);
        return;
    }
    const catalog::NormalizedText nt = catalog::normalizeForMatching(text_);
    const catalog::TermMatcher matcher(*taxonomy_);
    const auto& attributes = taxonomy_->attributes();
    auto nbsp = [](QString s) { return s.replace(QLatin1Char(' '), QStringLiteral("&nbsp;")); };
    auto escape = [](const QString& s) {
        return s.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>"));
    };
    QString html = QStringLiteral("<p>");
    QStringList chips;
    int at = 0;
    for (const catalog::TermHit& h : matcher.match(nt.text)) {
        if (h.attribute < 0 || h.value < 0 || h.negated)
            continue;
        const int begin = nt.sourceBegin(h.begin), end = nt.sourceEnd(h.end);
        if (begin < at || end <= begin)
            continue;
        const auto& a = attributes[h.attribute];
        const auto& v = a.values[h.value];
        const QString url = tagUrl(a.code, v.code);
        const QString title = tr("Add the tag %1: %2")
                                  .arg(catalog::Taxonomy::label(a, uiLanguage()),
                                       catalog::Taxonomy::label(v, uiLanguage()));
        html += escape(text_.mid(at, begin - at));
        html += QStringLiteral(
                    "<a href=\"%1\" title=\"%2\" style=\"color:#1d4ed8; "
                    "background-color:#dbeafe; text-decoration:none;\">%3</a>")
                    .arg(url, title.toHtmlEscaped(), escape(text_.mid(begin, end - begin)));
        at = end;
        const QString key = a.code + QLatin1Char('/') + v.code;
        if (!linked_.contains(key)) {
            linked_ << key;
            chips << QStringLiteral(
                         "<a href=\"%1\" title=\"%2\" style=\"color:#1e3a8a; "
                         "background-color:#e0e7ff; text-decoration:none;\">"
                         "&nbsp;+&nbsp;%3:&nbsp;%4&nbsp;</a>")
                         .arg(url, title.toHtmlEscaped(),
                              nbsp(catalog::Taxonomy::label(a, uiLanguage()).toHtmlEscaped()),
                              nbsp(catalog::Taxonomy::label(v, uiLanguage()).toHtmlEscaped()));
        }
    }
    html += escape(text_.mid(at)) + escape(suffix) + QStringLiteral("</p>");
    if (!chips.isEmpty())
        html += QStringLiteral("<p style=\"color:#475569;\">%1</p><p>%2</p>")
                    .arg(tr("Tags in this answer (click to add to the image):").toHtmlEscaped(),
                         chips.join(QStringLiteral(" &nbsp; ")));
    answer_->setHtml(html);
}

void AskPane::applyPreset(int index) {
    if (index <= 0 || index > static_cast<int>(std::size(kPresets)))
        return;
    const Preset& p = kPresets[index - 1];
    const bool zh = uiLanguage() == QLatin1String("zh");
    prompt_->setPlainText(QString::fromUtf8(zh ? p.promptZh : p.promptEn));
}

void AskPane::askNow() {
    if (!controller_->hasModel() || prompt_->toPlainText().trimmed().isEmpty())
        return;
    backend::AskRequest req;
    req.images = backend::RequestImage::files(images_);
    req.prompt = prompt_->toPlainText().trimmed();
    req.params = params;
    text_.clear();
    linked_.clear();
    chunks_ = 0;
    answer_->clear();
    suffix_.clear();
    setStats([] { return tr("Thinking…"); });
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

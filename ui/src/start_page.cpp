#include "start_page.h"

#include <QEvent>
#include <QIcon>
#include <QLabel>
#include <QPushButton>
#include <QVBoxLayout>

#include "about.h"

namespace vistag::ui {
namespace {

QPushButton* choiceButton(const QString& icon, QWidget* parent) {
    auto* b = new QPushButton(QIcon(icon), QString(), parent);
    b->setObjectName(QStringLiteral("startChoice"));
    b->setIconSize(QSize(32, 32));
    b->setMinimumHeight(64);
    b->setCursor(Qt::PointingHandCursor);
    b->setStyleSheet(QStringLiteral("QPushButton { text-align: left; padding: 8px 14px; }"));
    return b;
}

}  // namespace

StartPage::StartPage(QWidget* parent) : QWidget(parent) {
    auto* title = new QLabel(this);
    title_ = title;
    title->setObjectName(QStringLiteral("startTitle"));
    QFont titleFont = title->font();
    titleFont.setPointSizeF(titleFont.pointSizeF() * 1.8);
    titleFont.setBold(true);
    title->setFont(titleFont);
    auto* lead = new QLabel(this);
    lead_ = lead;
    lead->setWordWrap(true);

    auto* folder = folder_ = choiceButton(QStringLiteral(":/icons/folder.svg"), this);
    auto* download = download_ = choiceButton(QStringLiteral(":/icons/download.svg"), this);
    auto* server = server_ = choiceButton(QStringLiteral(":/icons/server.svg"), this);
    connect(folder, &QPushButton::clicked, this, &StartPage::chooseModelFolderRequested);
    connect(download, &QPushButton::clicked, this, &StartPage::downloadModelRequested);
    connect(server, &QPushButton::clicked, this, &StartPage::connectServerRequested);

    // A build without the local engine (the vistag-client package) talks to servers only.
    QLabel* serversOnly = nullptr;
    if (!hasLocalEngine()) {
        folder->hide();
        download->hide();
        serversOnly = serversOnly_ = new QLabel(this);
        serversOnly->setObjectName(QStringLiteral("startServersOnly"));
        serversOnly->setWordWrap(true);
    }

    message_ = new QLabel(this);
    message_->setObjectName(QStringLiteral("startMessage"));
    message_->setWordWrap(true);
    message_->hide();

    auto* column = new QVBoxLayout;
    column->setSpacing(12);
    column->addWidget(title);
    column->addWidget(lead);
    column->addSpacing(8);
    if (serversOnly)
        column->addWidget(serversOnly);
    column->addWidget(folder);
    column->addWidget(download);
    column->addWidget(server);
    column->addWidget(message_);

    auto* centre = new QWidget(this);
    centre->setLayout(column);
    centre->setFixedWidth(560);  // a fixed width lets the wrapped text report its true height

    auto* outer = new QVBoxLayout(this);
    outer->addStretch(1);
    outer->addWidget(centre, 0, Qt::AlignHCenter);
    outer->addStretch(2);
    retranslateUi();
}

void StartPage::retranslateUi() {
    title_->setText(tr("Welcome to Vistag"));
    lead_->setText(
        tr("Review product images with Qwen3-VL: drop images, ask questions, and check the "
           "suggested tags before they are stored and exported. First, tell Vistag which model "
           "to use."));
    const auto setChoice = [](QPushButton* b, const QString& title, const QString& detail) {
        b->setText(title + QLatin1Char('\n') + detail);
    };
    setChoice(folder_, tr("Use a model folder"),
              tr("A Qwen3-VL folder in Hugging Face layout on this computer"));
    setChoice(download_, tr("Download a model"), tr("From Hugging Face, ModelScope or a mirror"));
    setChoice(server_, tr("Connect to a server"),
              tr("An OpenAI-compatible server such as vLLM or a Vistag server"));
    if (serversOnly_)
        serversOnly_->setText(
            tr("This build of Vistag talks to servers only: it has no local engine to run a "
               "model folder. Connect to an OpenAI-compatible server, such as a colleague's "
               "Vistag or a vLLM server. (The full vistag package runs models on this "
               "computer.)"));
    fitHeight();
}

void StartPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void StartPage::fitHeight() {
    // The aligned column gets its size hint, which guesses the wrapped labels' height for some
    // other width; ask the layout for the height at the column's own width instead, so that no
    // line of text and no button is cut off (the servers-only note is three lines).
    QWidget* centre = message_->parentWidget();
    centre->setMinimumHeight(centre->layout()->heightForWidth(centre->width()));
}

void StartPage::setMessage(const QString& text) {
    message_->setText(text);
    message_->setVisible(!text.isEmpty());
    fitHeight();
}

}  // namespace vistag::ui

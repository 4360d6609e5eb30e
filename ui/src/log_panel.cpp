#include "log_panel.h"

#include <QDesktopServices>
#include <QDir>
#include <QEvent>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QUrl>
#include <QVBoxLayout>

#include "logging/app_log.h"

namespace vistag::ui {

LogPanel::LogPanel(QWidget* parent) : QWidget(parent) {
    setObjectName(QStringLiteral("logPanel"));
    view_ = new QPlainTextEdit(this);
    view_->setObjectName(QStringLiteral("logView"));
    view_->setReadOnly(true);
    view_->setLineWrapMode(QPlainTextEdit::NoWrap);
    view_->setMaximumBlockCount(logging::LogHub::kCapacity);
    view_->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    const QString path = logging::logFilePath();
    file_ = new QLabel(this);
    file_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto* open = open_ = new QPushButton(this);
    open->setEnabled(!path.isEmpty());
    connect(open, &QPushButton::clicked, this, [path] {
        QDesktopServices::openUrl(QUrl::fromLocalFile(QFileInfo(path).absolutePath()));
    });
    auto* clear = clear_ = new QPushButton(this);
    connect(clear, &QPushButton::clicked, view_, &QPlainTextEdit::clear);
    auto* row = new QHBoxLayout;
    row->addWidget(file_, 1);
    row->addWidget(clear);
    row->addWidget(open);
    auto* col = new QVBoxLayout(this);
    col->setContentsMargins(4, 4, 4, 4);
    col->addWidget(view_, 1);
    col->addLayout(row);

    view_->setPlainText(logging::hub()->recent(&shownUpTo_).join(QLatin1Char('\n')));
    view_->verticalScrollBar()->setValue(view_->verticalScrollBar()->maximum());
    connect(logging::hub(), &logging::LogHub::lineAdded, this, &LogPanel::appendLine);
    retranslateUi();
}

void LogPanel::retranslateUi() {
    const QString path = logging::logFilePath();
    file_->setText(path.isEmpty() ? tr("The log is not written to a file.")
                                  : tr("Log file: %1").arg(QDir::toNativeSeparators(path)));
    open_->setText(tr("Open the log folder"));
    clear_->setText(tr("Clear"));
}

void LogPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void LogPanel::showEvent(QShowEvent* event) {
    QWidget::showEvent(event);
    QMetaObject::invokeMethod(
        this,
        [this] { view_->verticalScrollBar()->setValue(view_->verticalScrollBar()->maximum()); },
        Qt::QueuedConnection);
}

QString LogPanel::text() const {
    return view_->toPlainText();
}

void LogPanel::appendLine(const QString& line, quint64 seq) {
    if (seq <= shownUpTo_)
        return;  // already shown from recent()
    shownUpTo_ = seq;
    QScrollBar* bar = view_->verticalScrollBar();
    const bool atEnd = bar->value() >= bar->maximum() - 2;
    view_->appendPlainText(line);
    if (atEnd)
        bar->setValue(bar->maximum());
}

}  // namespace vistag::ui

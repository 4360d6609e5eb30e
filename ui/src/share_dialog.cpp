#include "share_dialog.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QVBoxLayout>

#include "scheduler/backend_controller.h"
#include "server/api_server.h"
#include "server/http_message.h"

namespace vistag::ui {

ShareDialog::ShareDialog(backend::BackendController* controller, settings::AppSettings* settings,
                         QWidget* parent)
    : QDialog(parent), controller_(controller), settings_(settings) {
    setObjectName(QStringLiteral("shareDialog"));
    host_ = new QLineEdit(settings_->shareHost, this);
    host_->setObjectName(QStringLiteral("shareHost"));
    port_ = new QSpinBox(this);
    port_->setObjectName(QStringLiteral("sharePort"));
    port_->setRange(0, 65535);
    port_->setValue(settings_->sharePort);
    key_ = new QLineEdit(settings_->shareApiKey, this);
    key_->setObjectName(QStringLiteral("shareKey"));
    allow_ = new QLineEdit(settings_->shareAllow.join(QStringLiteral(", ")), this);
    allow_->setObjectName(QStringLiteral("shareAllow"));
    queue_ = new QSpinBox(this);
    queue_->setRange(0, 1000);
    queue_->setValue(settings_->shareMaxQueue);
    warning_ = new QLabel(this);
    warning_->setObjectName(QStringLiteral("shareWarning"));
    warning_->setWordWrap(true);
    warning_->setStyleSheet(QStringLiteral("color: #b3261e;"));
    status_ = new QLabel(this);
    status_->setWordWrap(true);
    url_ = new QLabel(this);
    url_->setObjectName(QStringLiteral("shareUrl"));
    url_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont big = url_->font();
    big.setBold(true);
    url_->setFont(big);
    start_ = new QPushButton(this);
    start_->setObjectName(QStringLiteral("shareStart"));
    stop_ = new QPushButton(this);
    stop_->setObjectName(QStringLiteral("shareStop"));
    connect(start_, &QPushButton::clicked, this, &ShareDialog::startSharing);
    connect(stop_, &QPushButton::clicked, this, &ShareDialog::stopSharing);
    connect(host_, &QLineEdit::textChanged, this, &ShareDialog::updateWarning);
    connect(key_, &QLineEdit::textChanged, this, &ShareDialog::updateWarning);
    connect(controller_, &backend::BackendController::sharingChanged, this,
            &ShareDialog::updateState);
    connect(controller_, &backend::BackendController::modelLoaded, this, &ShareDialog::updateState);

    auto* form = form_ = new QFormLayout;
    for (QWidget* field :
         {static_cast<QWidget*>(host_), static_cast<QWidget*>(port_), static_cast<QWidget*>(key_),
          static_cast<QWidget*>(allow_), static_cast<QWidget*>(queue_)})
        form->addRow(new QLabel(this), field);  // texts in retranslateUi()
    auto* intro = intro_ = new QLabel(this);
    intro->setWordWrap(true);
    auto* buttons = new QHBoxLayout;
    buttons->addStretch(1);
    buttons->addWidget(start_);
    buttons->addWidget(stop_);
    auto* close = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(close, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* col = new QVBoxLayout(this);
    col->addWidget(intro);
    col->addLayout(form);
    col->addWidget(warning_);
    col->addLayout(buttons);
    col->addWidget(status_);
    col->addWidget(url_);
    col->addStretch(1);
    col->addWidget(close);
    resize(520, 420);
    retranslateUi();
}

void ShareDialog::retranslateUi() {
    setWindowTitle(tr("Share this model"));
    host_->setToolTip(
        tr("127.0.0.1: only this computer. 0.0.0.0: every network this computer "
           "is on."));
    port_->setSpecialValueText(tr("any free port"));
    key_->setPlaceholderText(tr("none: no key needed"));
    allow_->setPlaceholderText(tr("every address, or e.g. 10.0.0.0/8, 192.168.1.20"));
    start_->setText(tr("Start sharing"));
    stop_->setText(tr("Stop"));
    const std::pair<QWidget*, QString> labels[] = {
        {host_, tr("Address")},
        {port_, tr("Port")},
        {key_, tr("API key")},
        {allow_, tr("Allowed clients")},
        {queue_, tr("Waiting requests")},
    };
    for (const auto& [field, text] : labels)
        if (auto* label = qobject_cast<QLabel*>(form_->labelForField(field)))
            label->setText(text);
    intro_->setText(
        tr("Other computers (or any OpenAI-compatible client) can use the model loaded here. Their "
           "requests take turns with yours; the model is not loaded twice."));
    updateWarning();
    if (statusFn_)
        status_->setText(statusFn_());
    updateState();
}

void ShareDialog::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

void ShareDialog::setStatus(std::function<QString()> text) {
    statusFn_ = std::move(text);
    status_->setText(statusFn_ ? statusFn_() : QString());
}

QString ShareDialog::statusText() const {
    return status_->text();
}

void ShareDialog::updateWarning() {
    QHostAddress host;
    const bool valid = host.setAddress(host_->text().trimmed());
    if (!valid) {
        warning_->setText(tr("“%1” is not an IP address (e.g. 127.0.0.1 or 0.0.0.0).")
                              .arg(host_->text().trimmed()));
    } else if (!host.isLoopback() && key_->text().isEmpty()) {
        warning_->setText(tr("Warning: %1 can be reached from other computers and no API key is "
                             "set, so anyone on the network can use this model. Set an API key "
                             "or an allow-list.")
                              .arg(host.toString()));
    } else {
        warning_->clear();
    }
    warning_->setVisible(!warning_->text().isEmpty());
}

void ShareDialog::updateState() {
    const bool on = controller_->sharing();
    start_->setEnabled(!on && controller_->hasModel());
    stop_->setEnabled(on);
    for (QWidget* w :
         {static_cast<QWidget*>(host_), static_cast<QWidget*>(port_), static_cast<QWidget*>(key_),
          static_cast<QWidget*>(allow_), static_cast<QWidget*>(queue_)})
        w->setEnabled(!on);
    if (on) {
        setStatus([id = controller_->modelId()] {
            return tr("Sharing %1. Clients use this address as their server (the OpenAI "
                      "base URL):")
                .arg(id);
        });
        url_->setText(controller_->sharingUrl());
    } else {
        url_->clear();
        if (!controller_->hasModel())
            setStatus([] {
                return tr(
                    "Load a local model first: only a model running on this "
                    "computer can be shared.");
            });
        else if (status_->text().isEmpty() || wasOn_)
            setStatus([] { return tr("Not shared."); });
    }
    wasOn_ = on;
}

bool ShareDialog::startSharing() {
    const auto fail = [this](const QString& message) {
        setStatus([message] { return message; });  // already in words
        return false;
    };
    server::ServerOptions o;
    if (!o.host.setAddress(host_->text().trimmed()))
        return fail(tr("“%1” is not an IP address.").arg(host_->text().trimmed()));
    o.port = static_cast<quint16>(port_->value());
    o.apiKey = key_->text().toUtf8();
    o.maxQueue = queue_->value();
    QStringList allow;
    for (const QString& part :
         allow_->text().split(QRegularExpression(QStringLiteral("[,;\\s]+")), Qt::SkipEmptyParts)) {
        QPair<QHostAddress, int> subnet;
        if (!server::parseSubnet(part, &subnet))
            return fail(tr("“%1” in the allowed clients is not an address or a network such as "
                           "10.0.0.0/8.")
                            .arg(part));
        o.allow << subnet;
        allow << part;
    }
    // Requests that leave them out get the window's pixel budget and a generous answer length.
    o.defaults = settings_->generation;
    o.defaults.maxNewTokens = qMax(settings_->generation.maxNewTokens, 1024);
    settings_->shareHost = host_->text().trimmed();
    settings_->sharePort = port_->value();
    settings_->shareApiKey = key_->text();
    settings_->shareAllow = allow;
    settings_->shareMaxQueue = queue_->value();
    settings_->save();
    QString error;
    if (!controller_->startSharing(o, &error))
        return fail(tr("Sharing could not start: %1").arg(error));
    updateState();
    return true;
}

void ShareDialog::stopSharing() {
    controller_->stopSharing();
    setStatus([] { return tr("Stopped; the port is free again."); });
    updateState();
}

}  // namespace vistag::ui

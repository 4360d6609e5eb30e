// MainWindow, part two: choosing the model and where it runs — settings, a model folder, a
// server, a download, sharing the loaded model — and what happens when a model is ready.
#include "main_window.h"

#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QProgressDialog>
#include <QPushButton>
#include <QStackedWidget>
#include <QStatusBar>
#include <QThread>
#include <QUndoStack>
#include <algorithm>

#include "ask_pane.h"
#include "batch_panel.h"
#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "download/model_download.h"
#include "error_text.h"
#include "logging/app_log.h"
#include "scheduler/backend_controller.h"
#include "settings_dialog.h"
#include "settings_taxonomy_page.h"
#include "share_dialog.h"
#include "start_page.h"
#include "tag_editor.h"
#include "translations.h"

namespace vistag::ui {

void MainWindow::applyGenerationSettings() {
    // Settings → Generation reaches every job the window starts: questions, batches (stored
    // with the batch and each run) and, through ShareDialog, the shared server's defaults.
    askPane_->params = settings_.inferenceParams();
    if (batchPanel_) {
        batchPanel_->params = settings_.inferenceParams();
        batchPanel_->constrained = settings_.constrainedTagging;
    }
    backend_->setRequestsInFlight(settings_.requestsInFlight);
}

void MainWindow::applySettings(const settings::AppSettings& s) {
    const settings::AppSettings old = settings_;
    settings_ = s;
    settings_.save();
    applyGenerationSettings();
    logging::info(QStringLiteral("settings changed"));
    tagEditor_->setUser(settings_.reviewer());
    if (s.language != old.language) {
        // Installing the translator sends QEvent::LanguageChange to every widget, which
        // retranslates itself (retranslateUi()): this window, its model and the images being
        // added all stay.
        const QString language = installTranslations(*qApp, settings_.language);
        logging::info(QStringLiteral("interface language %1").arg(language));
    }
    if (s.catalogLocation != old.catalogLocation || s.imageRoot != old.imageRoot)
        reopenCatalogue();  // the loaded model or server stays
    if (s.backend == settings::BackendKind::Local) {
        const bool changed = s.backend != old.backend || s.modelFolder != old.modelFolder ||
                             s.device != old.device || s.dtype != old.dtype;
        if (changed && !s.modelFolder.isEmpty())
            loadModel(s.modelFolder);
    } else {
        const bool changed = s.backend != old.backend || s.serverUrl != old.serverUrl ||
                             s.apiKey != old.apiKey || s.serverModel != old.serverModel ||
                             s.tokenLimitField != old.tokenLimitField ||
                             s.structuredOutput != old.structuredOutput ||
                             s.schemaMaxEnumValues != old.schemaMaxEnumValues ||
                             s.schemaMaxChars != old.schemaMaxChars;
        if (changed && !s.serverUrl.isEmpty())
            connectServer(s.remoteOptions());
    }
}

void MainWindow::reopenCatalogue() {
    reopenPending_ = true;
    reopenCatalogueWhenIdle();
}

void MainWindow::reopenCatalogueWhenIdle() {
    if (!reopenPending_)
        return;
    // Images being added go into the catalogue they were dropped on; tagging stops (its rest
    // stays queued there) and the catalogue changes once it has.
    if (importsRunning_ > 0 || batchPanel_->running()) {
        if (batchPanel_->running())
            batchPanel_->cancel();
        showStatus([] {
            return tr(
                "The catalogue changes once the images being added are in and tagging has "
                "stopped.");
        });
        return;
    }
    reopenPending_ = false;
    QString error;
    const bool ok = openCatalogue(&error);
    if (!ok)
        showError(error);
    emit catalogueReopened(ok);
}

bool MainWindow::openCatalogue(QString* error) {
    // The same CatalogDb object, closed and opened on the new location: the grid's model, the
    // tag editor and the tagging panel keep their reference to it.
    dbPath_ = settings_.catalogLocation;
    catalog::CatalogDb::setDefaultImageRoot(settings_.imageRoot);
    const QString path = !dbPath_.isEmpty() ? dbPath_ : catalog::CatalogDb::defaultPath();
    logging::info(QStringLiteral("opening the catalogue %1").arg(path));
    catalogPane_->view()->selectionModel()->clear();
    tagEditor_->setImage(0);
    tagEditor_->undoStack()->clear();  // its edits name the old catalogue's tags
    askPane_->setImages({});
    model_->setBatchStatuses({});
    db_->close();
    const bool ok = db_->open(path, error);
    QString reloadError;
    if (!model_->reload(&reloadError) && ok && error)
        *error = reloadError;
    model_->loadBatchOutcomes();
    syncCurrentProduct();
    batchPanel_->refreshUnfinished();
    pages_->setCurrentIndex(ok && model_->totalCount() > 0 ? 1 : 0);
    updateTitle();
    if (!ok)
        return false;
    db_->watchChanges(this, [this] { catalogueChangedElsewhere(); });
    showStatus([name = db_->path()] { return tr("Catalogue %1 is open").arg(name); });
    return reloadError.isEmpty();
}

void MainWindow::openSettings() {
    SettingsDialog dialog(settings_, shortcuts_, this);
    TaxonomyPage* taxonomyPage = dialog.addTaxonomyPage(taxonomy_, taxonomyPath_);
    if (dialog.exec() != QDialog::Accepted)
        return;
    applySettings(dialog.settings());
    if (const auto& chosen = taxonomyPage->chosen()) {
        TaxonomyPage::storePath(taxonomyPage->chosenPath());
        setTaxonomy(*chosen, taxonomyPage->chosenPath());
    }
}

bool MainWindow::restoreLastBackend() {
    if (settings_.backend == settings::BackendKind::Server && !settings_.serverUrl.isEmpty()) {
        connectServer(settings_.remoteOptions());
        return true;
    }
    if (settings_.backend == settings::BackendKind::Local && !settings_.modelFolder.isEmpty() &&
        QFileInfo(settings_.modelFolder).isDir()) {
        setStartMessage([folder = QDir::toNativeSeparators(settings_.modelFolder)] {
            return tr("Loading %1 …").arg(folder);
        });
        loadModel(settings_.modelFolder);
        return true;
    }
    return false;
}

ShareDialog* MainWindow::shareDialog() {
    if (!shareDialog_)
        shareDialog_ = new ShareDialog(backend_, &settings_, this);
    return shareDialog_;
}

void MainWindow::onModelLoaded(bool ok, const QString& message) {
    loadBar_->hide();
    cancelLoad_->hide();
    const Pending pending = std::exchange(pending_, Pending::None);
    if (!ok) {
        const backend::ErrorKind kind = backend::errorKindOf(backend_->lastErrorCode(), message);
        if (kind == backend::ErrorKind::Cancelled)
            showErrorText([kind, message] { return plainError(kind, message); });
        else if (kind == backend::ErrorKind::OutOfMemory)
            showErrorText([kind, message] {
                return tr("The model could not be loaded. %1").arg(plainError(kind, message));
            });
        else
            showErrorText([kind, message] {
                return tr("The model could not be loaded: %1").arg(plainError(kind, message));
            });
        return;
    }
    if (pending == Pending::Local) {
        settings_.backend = settings::BackendKind::Local;
        settings_.modelFolder = pendingFolder_;
        settings_.save();
    } else if (pending == Pending::Remote && pendingRemote_.size() == 4) {
        settings_.backend = settings::BackendKind::Server;
        settings_.serverUrl = pendingRemote_[0];
        settings_.apiKey = pendingRemote_[1];
        settings_.serverModel = pendingRemote_[2];
        settings_.tokenLimitField = pendingRemote_[3];
        settings_.save();
    }
    const QString id = backend_->modelId();
    showStatus([id] { return tr("Model %1 is ready").arg(id); });
    setStartMessage([id] { return tr("Model %1 is ready. Drop product images here.").arg(id); });
}

void MainWindow::loadModel(const QString& folder) {
    showStatus([] { return tr("Loading the model…"); });
    schemaLabel_->hide();  // a local model decodes with the constraint itself
    pending_ = Pending::Local;
    pendingFolder_ = folder;
    loadBar_->setValue(0);
    loadBar_->show();
    cancelLoad_->show();
    backend_->loadLocalModel(folder, settings_.device, settings_.dtype);
}

void MainWindow::chooseModelFolder() {
    const QString dir = QFileDialog::getExistingDirectory(
        this, tr("Choose a Qwen3-VL model folder"), QDir::homePath());
    if (dir.isEmpty())
        return;
    setStartMessage(
        [folder = QDir::toNativeSeparators(dir)] { return tr("Loading %1 …").arg(folder); });
    loadModel(dir);
}

void MainWindow::connectServerDialog() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Connect to a server"));
    auto* url = new QLineEdit(settings_.serverUrl, &dialog);
    auto* key = new QLineEdit(settings_.apiKey, &dialog);
    key->setEchoMode(QLineEdit::Password);
    auto* name = new QLineEdit(settings_.serverModel, &dialog);
    name->setPlaceholderText(tr("the server's first model"));
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("Server address"), url);
    form->addRow(tr("API key"), key);
    form->addRow(tr("Model name"), name);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    backend::RemoteOptions o = settings_.remoteOptions();  // structured output, limits
    o.baseUrl = url->text().trimmed();
    o.apiKey = key->text();
    o.model = name->text().trimmed();
    o.tokenLimitField = settings_.tokenLimitField;
    connectServer(o);
}

void MainWindow::connectServer(const backend::RemoteOptions& options) {
    showStatus([url = options.baseUrl] { return tr("Connecting to %1 …").arg(url); });
    schemaLabel_->hide();  // until the new server has been probed
    pending_ = Pending::Remote;
    pendingRemote_ = {options.baseUrl, options.apiKey, options.model, options.tokenLimitField};
    backend_->useRemote(options);
}

void MainWindow::downloadModelDialog() {
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Download a model"));
    auto* repo = new QLineEdit(QStringLiteral("Qwen/Qwen3-VL-2B-Instruct"), &dialog);
    auto* source = new QComboBox(&dialog);
    source->addItem(QStringLiteral("Hugging Face"));
    source->addItem(tr("ModelScope"));
    auto* endpoint = new QLineEdit(qEnvironmentVariable("HF_ENDPOINT"), &dialog);
    endpoint->setPlaceholderText(tr("default, or a mirror such as https://hf-mirror.com"));
    auto* target = new QLineEdit(
        QDir::home().filePath(QStringLiteral("models/Qwen3-VL-2B-Instruct")), &dialog);
    auto* form = new QFormLayout(&dialog);
    form->addRow(tr("Repository"), repo);
    form->addRow(tr("Source"), source);
    form->addRow(tr("Mirror"), endpoint);
    form->addRow(tr("Save to"), target);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, &dialog);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;
    download::Options o;
    o.repo = repo->text().trimmed();
    o.source =
        source->currentIndex() == 1 ? download::Source::ModelScope : download::Source::HuggingFace;
    o.endpoint = endpoint->text().trimmed();
    o.targetDir = target->text().trimmed();
    startDownload(o);
}

void MainWindow::startDownload(const download::Options& options) {
    if (download_.running()) {
        showError(tr("A download is already running."));
        return;
    }
    auto* progress =
        new QProgressDialog(tr("Downloading %1 …").arg(options.repo), tr("Cancel"), 0, 1000, this);
    progress->setWindowTitle(tr("Download a model"));
    progress->setMinimumDuration(0);
    progress->setAutoClose(false);
    progress->setAutoReset(false);
    connect(progress, &QProgressDialog::canceled, &download_, &download::DownloadJob::cancel);
    // The job runs the download on its own thread; progress and the result come back here as
    // values. The connections go with the dialog.
    connect(
        &download_, &download::DownloadJob::progress, progress,
        [progress](const download::Progress& p) {
            if (p.allTotal > 0)
                progress->setValue(static_cast<int>(1000 * p.allDone / p.allTotal));
            progress->setLabelText(tr("File %1 of %2: %3").arg(p.index).arg(p.count).arg(p.path));
        });
    connect(&download_, &download::DownloadJob::finished, progress,
            [this, progress](const download::Options& o, const download::Result& r) {
                progress->deleteLater();
                if (r.ok) {
                    emit downloadFinished(true, {});
                    loadModel(o.targetDir);
                } else {
                    const QString message =
                        r.cancelled ? tr("The download was cancelled; start it again to resume.")
                                    : tr("The download failed: %1").arg(r.error);
                    showError(message);
                    emit downloadFinished(false, message);
                }
            });
    progress->show();
    download_.start(options);
}

}  // namespace vistag::ui

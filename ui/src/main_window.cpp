#include "main_window.h"

#include <algorithm>

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
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
#include <QScrollBar>
#include <QShortcut>
#include <QSplitter>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QStatusBar>
#include <QThread>
#include <algorithm>

#include "about.h"
#include "ask_pane.h"
#include "batch_panel.h"
#include "bulk_tag_dialog.h"
#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "download/model_download.h"
#include "error_text.h"
#include "image_viewer.h"
#include "log_panel.h"
#include "logging/app_log.h"
#include "review_rules_page.h"
#include "scheduler/backend_controller.h"
#include "settings_dialog.h"
#include "settings_taxonomy_page.h"
#include "share_dialog.h"
#include "shortcut_map.h"
#include "start_page.h"
#include "tag_editor.h"
#include "thumbnailer.h"

// The icons live in a static resource library; referencing its initializer keeps the linker from
// dropping it. Q_INIT_RESOURCE must be used outside any namespace.
static void initVistagResources() {
    Q_INIT_RESOURCE(vistag);
}

namespace vistag::ui {

MainWindow::MainWindow(const QString& dbPath, QWidget* parent)
    : QMainWindow(parent), dbPath_(dbPath) {
    initVistagResources();
    onLanguage([this] { updateTitle(); });
    setWindowIcon(QIcon(QStringLiteral(":/icons/vistag.svg")));
    resize(1280, 800);
    setAcceptDrops(true);

    settings_ = settings::AppSettings::load();
    // Settings → Taxonomy's file; the built-in taxonomy (and the reason shown) when unreadable.
    QString taxonomyError;
    taxonomyPath_ = TaxonomyPage::storedPath();
    if (!taxonomyPath_.isEmpty()) {
        taxonomy_ = TaxonomyPage::loadStored(&taxonomyError);
        if (!taxonomyError.isEmpty())
            taxonomyPath_.clear();
    }
    if (!settings_.imageRoot.isEmpty())
        catalog::CatalogDb::setDefaultImageRoot(settings_.imageRoot);
    db_ = std::make_unique<catalog::CatalogDb>();
    // --db or $VISTAG_DB, else the catalogue of the settings, else the file in the data folder.
    const QString path = !dbPath.isEmpty()                      ? dbPath
                         : !settings_.catalogLocation.isEmpty() ? settings_.catalogLocation
                                                                : catalog::CatalogDb::defaultPath();
    QString error;
    const bool dbOk = db_->open(path, &error);
    thumbnails_ = new Thumbnailer(QStandardPaths::writableLocation(QStandardPaths::CacheLocation) +
                                      QStringLiteral("/thumbnails"),
                                  160, this);
    model_ = new CatalogModel(*db_, *thumbnails_, this);

    backend_ = new backend::BackendController(this);

    pages_ = new QStackedWidget(this);
    startPage_ = new StartPage(pages_);
    // Catalogue page: grid | the selected image, large | ask pane over the tag editor.
    auto* catalogPage = new QSplitter(pages_);
    catalogPage_ = catalogPage;
    catalogPage->setChildrenCollapsible(false);
    catalogPane_ = new CatalogPane(model_, catalogPage);
    catalogPane_->setTaxonomy(taxonomy_);
    catalogPane_->setMinimumWidth(340);
    viewer_ = new ImageViewer(catalogPage);
    auto* side = new QSplitter(Qt::Vertical, catalogPage);
    askPane_ = new AskPane(backend_, side);
    tagEditor_ = new TagEditor(*db_, taxonomy_, settings_.reviewer(), side);
    side->addWidget(askPane_);
    side->addWidget(tagEditor_);
    catalogPage->addWidget(catalogPane_);
    catalogPage->addWidget(viewer_);
    catalogPage->addWidget(side);
    connect(tagEditor_, &TagEditor::errorOccurred, this, &MainWindow::showError);
    // A tag set can be shared by several rows (the views of a SKU group), and bulk edits touch
    // many: every row's review state is read again (lazily, for the rows in view).
    connect(tagEditor_, &TagEditor::tagsChanged, model_, &CatalogModel::refreshAllReviewStates);
    askPane_->setTaxonomy(&taxonomy_);
    connect(askPane_, &AskPane::tagClicked, this,
            [this](const QString& attribute, const QString& value) {
                if (tagEditor_->addTag(attribute, value, false))
                    showStatus([] { return tr("Tag added from the answer"); }, 3000);
            });
    connect(askPane_, &AskPane::addTagRequested, tagEditor_, &TagEditor::beginAdd);
    catalogPage->setStretchFactor(0, 3);
    catalogPage->setStretchFactor(1, 4);
    catalogPage->setStretchFactor(2, 3);
    catalogPage->setSizes({360, 520, 420});  // 1366 px wide: two thumbnail columns
    pages_->addWidget(startPage_);
    pages_->addWidget(catalogPage);
    // The one current product: the viewer, the tag editor and the ask pane follow it, whatever
    // changed the grid's selection (a click, a key, a new sort or filter, rows coming in).
    QItemSelectionModel* selection = catalogPane_->view()->selectionModel();
    connect(selection, &QItemSelectionModel::selectionChanged, this,
            &MainWindow::syncCurrentProduct);
    connect(selection, &QItemSelectionModel::currentChanged, this, &MainWindow::syncCurrentProduct);
    // A reset (sort, filter, another workstation's rows) clears the selection without a signal:
    // the current product is selected again when it is still listed, else nothing is current.
    connect(model_, &QAbstractItemModel::modelAboutToBeReset, this,
            [this] { keepAcrossReset_ = currentImage_; });
    connect(model_, &QAbstractItemModel::modelReset, this, [this] {
        const qint64 keep = std::exchange(keepAcrossReset_, 0);
        if (const int row = keep != 0 ? model_->rowOfImage(keep) : -1; row >= 0) {
            const QModelIndex i = model_->index(row);
            catalogPane_->view()->selectionModel()->setCurrentIndex(
                i, QItemSelectionModel::ClearAndSelect);
            catalogPane_->view()->scrollTo(i);
        }
        syncCurrentProduct();
    });
    connect(model_, &QAbstractItemModel::rowsRemoved, this, &MainWindow::syncCurrentProduct);
    // The current product's thumbnail, once decoded, in the tag editor's header.
    connect(model_, &QAbstractItemModel::dataChanged, this,
            [this](const QModelIndex& from, const QModelIndex& to, const QList<int>& roles) {
                if (!roles.isEmpty() && !roles.contains(Qt::DecorationRole))
                    return;
                const QModelIndex i = currentProductIndex();
                if (i.isValid() && i.row() >= from.row() && i.row() <= to.row())
                    tagEditor_->setThumbnail(i.data(Qt::DecorationRole).value<QPixmap>());
            });
    applyGenerationSettings();
    shortcuts_ = new ShortcutMap(this);
    registerShortcuts();
    connect(viewer_, &ImageViewer::loadFailed, this,
            [this](const QString& path, const QString& error) {
                if (!path.isEmpty())
                    statusBar()->showMessage(error);
            });

    batchPanel_ = new BatchPanel(*db_, backend_, model_, taxonomy_, this);
    applyGenerationSettings();  // again, now that the batch panel exists
    connect(batchPanel_, &BatchPanel::errorOccurred, this, &MainWindow::showError);
    connect(batchPanel_, &BatchPanel::imageChanged, this,
            [this](qint64 imageId, catalog::ItemState) {
                if (tagEditor_->imageId() == imageId) {
                    tagEditor_->refresh();
                    syncCurrentProduct();  // a failure is said in the editor's header
                }
            });
    // A new run replaces what the status line said about earlier actions ("Tagging finished"):
    // the tagging panel beside it tells the progress.
    connect(batchPanel_, &BatchPanel::runningChanged, this, [this](bool running) {
        if (!running)
            return;
        statusText_ = {};
        statusShown_.clear();
        statusBar()->clearMessage();
    });
    connect(batchPanel_, &BatchPanel::finished, this, [this](bool ok, bool cancelled) {
        const catalog::BatchProgress p = batchPanel_->lastProgress();
        if (ok)
            showStatus([cancelled, p] {
                QString text = cancelled ? tr("Tagging cancelled; the rest stays queued")
                                         : tr("Tagging finished");
                text += QStringLiteral(": ") + tr("%n tagged", nullptr, p.done);
                if (p.skipped > 0)
                    text += QStringLiteral(", ") + tr("%n skipped", nullptr, p.skipped);
                if (p.failed > 0)
                    text += QStringLiteral(", ") +
                            tr("%n failed (filter “Tagging failed” to see why; Tagging → Retry)",
                               nullptr, p.failed);
                return text;
            });
        if (ok && !cancelled && db_ && db_->isOpen())  // Tools → Review rules…: after a batch
            if (const QString note = runRulesAfterBatch(db_->path(), taxonomy_); !note.isEmpty())
                statusBar()->showMessage(note);
        if (reopenPending_)  // a catalogue change waited for the batch to stop
            reopenCatalogueWhenIdle();
    });
    connect(backend_, &backend::BackendController::loadProgress, this,
            [this](double f, const QString& stage) {
                loadBar_->setValue(qRound(f * 100));
                loadBar_->show();
                cancelLoad_->show();
                showStatus([percent = qRound(f * 100), stage] {
                    return tr("Loading the model: %1% (%2)").arg(percent).arg(stage);
                });
            });
    connect(backend_, &backend::BackendController::modelLoaded, this, &MainWindow::onModelLoaded);
    connect(backend_, &backend::BackendController::sharingChanged, this,
            [this](bool on, const QString& url) {
                shareLabel_->setText(on ? tr("Shared at %1").arg(url) : QString());
                shareLabel_->setVisible(on);
            });
    onLanguage([this] {
        if (backend_->sharing())
            shareLabel_->setText(tr("Shared at %1").arg(backend_->sharingUrl()));
    });
    setCentralWidget(pages_);
    connect(startPage_, &StartPage::chooseModelFolderRequested, this,
            &MainWindow::chooseModelFolder);
    connect(startPage_, &StartPage::connectServerRequested, this, &MainWindow::connectServerDialog);
    connect(startPage_, &StartPage::downloadModelRequested, this, &MainWindow::downloadModelDialog);
    connect(catalogPane_, &CatalogPane::addRequested, this, &MainWindow::addImagesDialog);
    connect(catalogPane_, &CatalogPane::errorOccurred, this, &MainWindow::showError);

    logPanel_ = new LogPanel(this);
    logDock_ = new QDockWidget(this);
    onLanguage([this] { logDock_->setWindowTitle(tr("Log")); });
    logDock_->setObjectName(QStringLiteral("logDock"));
    logDock_->setWidget(logPanel_);
    addDockWidget(Qt::BottomDockWidgetArea, logDock_);
    logDock_->hide();

    buildMenus();

    loadBar_ = new QProgressBar(this);
    loadBar_->setRange(0, 100);
    loadBar_->setMaximumWidth(160);
    loadBar_->hide();
    cancelLoad_ = new QPushButton(this);
    cancelLoad_->setObjectName(QStringLiteral("cancelLoad"));
    onLanguage([this] {
        cancelLoad_->setText(tr("Cancel"));
        cancelLoad_->setToolTip(tr("Stop loading the model"));
    });
    cancelLoad_->hide();
    connect(cancelLoad_, &QPushButton::clicked, this, [this] {
        backend_->cancelLoad();
        showStatus([] { return tr("Cancelling…"); });
    });
    statusBar()->addPermanentWidget(loadBar_);
    statusBar()->addPermanentWidget(cancelLoad_);
    shareLabel_ = new QLabel(this);
    shareLabel_->setObjectName(QStringLiteral("shareLabel"));
    shareLabel_->hide();
    statusBar()->addPermanentWidget(shareLabel_);
    // Beside the connected server: whether it enforces the tag schema (the worker probes it
    // right after connecting).
    schemaLabel_ = new QLabel(this);
    schemaLabel_->setObjectName(QStringLiteral("tagSchemaLabel"));
    schemaLabel_->hide();
    statusBar()->addPermanentWidget(schemaLabel_);
    const auto renderSchema = [this] {
        if (!schemaProbe_)
            return;
        using State = backend::TagSchemaProbe::State;
        QString text;
        switch (schemaProbe_->state) {
            case State::Enforced:
                text = tr("Tag schema: enforced");
                break;
            case State::NotEnforced:
                text = tr("Tag schema: not enforced (answers are checked)");
                break;
            case State::NotSent:
                text = tr("Tag schema: not sent (answers are checked)");
                break;
            case State::Refused:
                text =
                    tr("Tag schema: refused by the server — choose another structured "
                       "output in Settings");
                break;
            case State::Unchecked:
                text = tr("Tag schema: not checked (answers are checked)");
                break;
        }
        schemaLabel_->setText(text);
    };
    onLanguage(renderSchema);
    connect(backend_, &backend::BackendController::tagSchemaProbed, this,
            [this, renderSchema](const backend::TagSchemaProbe& p) {
                schemaProbe_ = p;
                renderSchema();
                schemaLabel_->setToolTip(p.detail);
                schemaLabel_->show();
            });

    const ComponentVersions v = componentVersions();
    engineLabel_ = new QLabel(this);
    onLanguage([this, v] {
        engineLabel_->setText(v.gpuAvailable ? tr("GPU: %1").arg(v.gpuName)
                                             : tr("No GPU found — the model runs on the CPU"));
    });
    statusBar()->addPermanentWidget(batchPanel_);
    statusBar()->addPermanentWidget(engineLabel_);
    batchPanel_->refreshUnfinished();  // shown only while tagging runs or work is left
    showStatus([] { return tr("No model selected"); });

    updateTitle();
    if (!dbOk) {
        setStartMessage([error] { return error; });
    } else if (model_->reload(&error) && model_->totalCount() > 0) {
        pages_->setCurrentIndex(1);
    }
    // Other workstations' edits, new images and batch progress (and vistag-cli workers on this
    // machine) show up by themselves.
    if (dbOk)
        db_->watchChanges(this, [this] { catalogueChangedElsewhere(); });
    if (!taxonomyError.isEmpty())
        showError(tr("The taxonomy of Settings → Taxonomy could not be read; the built-in one "
                     "is used.\n%1")
                      .arg(taxonomyError));
}

void MainWindow::catalogueChangedElsewhere() {
    QListView* view = catalogPane_->view();
    QList<qint64> selected;
    for (const QModelIndex& i : view->selectionModel()->selectedIndexes())
        selected << i.data(CatalogModel::ImageIdRole).toLongLong();
    const qint64 current = view->currentIndex().data(CatalogModel::ImageIdRole).toLongLong();
    const int scroll = view->verticalScrollBar()->value();
    bool reset = false;
    QString error;
    if (!model_->refreshLive(&reset, &error)) {
        statusBar()->showMessage(error);
        return;
    }
    if (reset) {  // other rows came in between: put the selection and the scroll back by image
        QItemSelection keep;
        for (qint64 id : selected)
            if (const int row = model_->rowOfImage(id); row >= 0)
                keep.select(model_->index(row), model_->index(row));
        if (const int row = model_->rowOfImage(current); row >= 0)
            view->selectionModel()->setCurrentIndex(model_->index(row),
                                                    QItemSelectionModel::NoUpdate);
        view->selectionModel()->select(keep, QItemSelectionModel::ClearAndSelect);
        view->verticalScrollBar()->setValue(scroll);
    }
    if (model_->totalCount() > 0 && !showingCatalogue())
        pages_->setCurrentIndex(1);
    tagEditor_->refreshUnlessEditing();
    batchPanel_->refreshUnfinished();
}

MainWindow::~MainWindow() = default;  // download_ and tasks_ stop and join their threads

bool MainWindow::showingCatalogue() const {
    return pages_->currentIndex() == 1;
}

void MainWindow::selectRow(int row) {
    if (row < 0 || row >= model_->rowCount())
        return;
    const QModelIndex i = model_->index(row);
    catalogPane_->view()->setCurrentIndex(i);
    catalogPane_->view()->selectionModel()->select(i, QItemSelectionModel::ClearAndSelect);
    catalogPane_->view()->scrollTo(i);
}

void MainWindow::nextImage(int step) {
    const int row = catalogPane_->view()->currentIndex().row();
    const int next = row < 0 ? 0 : row + step;
    if (next >= model_->rowCount() && model_->canFetchMore({}))
        model_->fetchMore({});
    selectRow(next);
}

void MainWindow::nextUnreviewed() {
    const int start = catalogPane_->view()->currentIndex().row() + 1;
    for (int row = start;; ++row) {
        if (row >= model_->rowCount()) {
            if (!model_->canFetchMore({}))
                break;
            model_->fetchMore({});
            continue;
        }
        if (model_->index(row).data(CatalogModel::ReviewStateRole) !=
            QVariant::fromValue(catalog::ReviewState::Reviewed)) {
            selectRow(row);
            return;
        }
    }
    showStatus([] { return tr("Every image after this one is reviewed"); });
}

void MainWindow::acceptAllAndNext() {
    if (tagEditor_->imageId() == 0)
        return;
    if (tagEditor_->acceptAll()) {
        model_->refreshReviewState(catalogPane_->view()->currentIndex().row());
        nextImage(1);
    }
}

QModelIndex MainWindow::currentProductIndex() const {
    const QItemSelectionModel* selection = catalogPane_->view()->selectionModel();
    const QModelIndex current = selection->currentIndex();
    if (current.isValid() && selection->isSelected(current))
        return current;
    // The current row was Ctrl+clicked away: the first selected row (grid order) is current.
    QModelIndexList selected = selection->selectedIndexes();
    if (selected.isEmpty())
        return {};
    return *std::min_element(
        selected.begin(), selected.end(),
        [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
}

void MainWindow::syncCurrentProduct() {
    const QModelIndex i = currentProductIndex();
    const qint64 id = i.isValid() ? i.data(CatalogModel::ImageIdRole).toLongLong() : 0;
    const QString path = i.isValid() ? i.data(CatalogModel::PathRole).toString() : QString();
    const int selected =
        static_cast<int>(catalogPane_->view()->selectionModel()->selectedIndexes().size());
    if (path != viewer_->imagePath())
        viewer_->setImagePath(path);
    // The question is about the selected images (several make one multi-image question).
    QStringList paths;
    for (qint64 image : selectedImageIds())
        if (const int row = model_->rowOfImage(image); row >= 0)
            paths << model_->index(row).data(CatalogModel::PathRole).toString();
    askPane_->setImages(paths);
    const QPixmap thumb = i.isValid() ? i.data(Qt::DecorationRole).value<QPixmap>() : QPixmap();
    if (id != currentImage_ || id == 0 || selected != currentSelected_) {
        currentImage_ = id;
        currentSelected_ = selected;
        tagEditor_->setImage(id, thumb, selected);
    }
    const QString failure = i.isValid() ? i.data(CatalogModel::FailureRole).toString() : QString();
    if (id != 0)
        tagEditor_->setFailure(failure.isEmpty() ? QString() : failureReason(failure));
}

void MainWindow::tagSelection() {
    const QList<qint64> ids = selectedImageIds();
    if (ids.isEmpty()) {
        showError(tr("Select the images to tag first."));
        return;
    }
    // Fresh model suggestions for the chosen images; decisions people made stay.
    batchPanel_->tagImages(ids, QStringLiteral("replace"));
}

void MainWindow::tagUntagged() {
    batchPanel_->tagUntagged();
}

QList<qint64> MainWindow::selectedImageIds() const {
    QList<qint64> ids;
    QModelIndexList rows = catalogPane_->view()->selectionModel()->selectedIndexes();
    std::sort(rows.begin(), rows.end(),
              [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    for (const QModelIndex& i : rows)
        ids << i.data(CatalogModel::ImageIdRole).toLongLong();
    return ids;
}

BulkTagDialog* MainWindow::openBulkDialog(int operation) {
    if (!db_->isOpen()) {
        showError(tr("The catalogue is not open."));
        return nullptr;
    }
    auto* dialog = new BulkTagDialog(*db_, taxonomy_, tagEditor_->user(), selectedImageIds(),
                                     static_cast<BulkTagDialog::Operation>(operation), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] {
        const auto& edit = dialog->result();
        if (!edit)
            return;
        tagEditor_->pushEdit(dialog->description(), *edit);
        model_->refreshAllReviewStates();
        showStatus([description = dialog->description(), images = edit->images] {
            return tr("%1 — %n image(s) changed", nullptr, images).arg(description);
        });
    });
    dialog->open();
    return dialog;
}

void MainWindow::showError(const QString& message) {
    showErrorText([message] { return message; });
}

void MainWindow::showErrorText(std::function<QString()> text) {
    showStatus(text);
    if (!showingCatalogue())
        setStartMessage(std::move(text));
}

void MainWindow::onLanguage(std::function<void()> setText) {
    setText();
    retranslators_.push_back(std::move(setText));
}

void MainWindow::showStatus(std::function<QString()> text, int timeoutMs) {
    statusText_ = std::move(text);
    statusTimeout_ = timeoutMs;
    statusShown_ = statusText_();
    statusBar()->showMessage(statusShown_, timeoutMs);
}

void MainWindow::setStartMessage(std::function<QString()> text) {
    startMessage_ = std::move(text);
    startPage_->setMessage(startMessage_ ? startMessage_() : QString());
}

void MainWindow::retranslateUi() {
    for (const auto& setText : retranslators_)
        setText();
    // The status line and the start page's message, from what they say, not in the old words;
    // a message already gone (timed out, or cleared by a menu's hint) stays gone.
    if (statusText_ && !statusShown_.isEmpty() && statusBar()->currentMessage() == statusShown_)
        showStatus(statusText_, statusTimeout_);
    if (startMessage_)
        startPage_->setMessage(startMessage_());
}

void MainWindow::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QMainWindow::changeEvent(event);
}

}  // namespace vistag::ui

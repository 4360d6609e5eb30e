// MainWindow: adding images — the Add dialog, drag and drop, pasting, and the import itself
// (listing and hashing on the window's tasks, the insert back on the GUI thread).
#include <QClipboard>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QGuiApplication>
#include <QImage>
#include <QMimeData>
#include <QStackedWidget>
#include <QStatusBar>

#include "catalog/catalog_db.h"
#include "catalog/image_scan.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "clipboard_import.h"
#include "logging/app_log.h"
#include "main_window.h"

namespace vistag::ui {

void MainWindow::pasteFromClipboard() {
    const PasteContent content = pasteContent(QGuiApplication::clipboard()->mimeData());
    if (!content.paths.isEmpty()) {
        importPaths(content.paths);
        return;
    }
    if (content.image.isNull()) {
        showError(tr("The clipboard holds no image."));
        return;
    }
    showStatus([] { return tr("Saving the pasted image…"); });
    const QImage image = content.image;
    const QString folder = pastedImagesFolder();
    tasks_.run(
        [image, folder](const std::atomic<bool>&) {
            QString error;
            const QString path = savePastedImage(image, folder, &error);
            return std::pair{path, error};
        },
        [this](const std::pair<QString, QString>& saved) {
            if (saved.first.isEmpty()) {
                showError(saved.second);
                emit importFinished(0, 1);
                return;
            }
            importPaths({saved.first});
        });
}

void MainWindow::addImagesDialog() {
    const QStringList files = QFileDialog::getOpenFileNames(
        this, tr("Add images"), QDir::homePath(),
        tr("Images (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)"));
    if (!files.isEmpty())
        importPaths(files);
}

void MainWindow::importPaths(const QStringList& paths) {
    if (!db_->isOpen()) {
        showError(tr("The catalogue is not open, so images cannot be added."));
        return;
    }
    ++importsRunning_;
    showStatus([] { return tr("Adding images…"); });
    // Listing folders and hashing files happens on a worker thread; the database insert (one
    // transaction) and the model reload happen back here, where the connection lives.
    tasks_.run(
        [paths](const std::atomic<bool>& cancel) { return catalog::scanImages(paths, cancel); },
        [this](const catalog::ImageScan& scan) {
            --importsRunning_;
            const auto& records = scan.records;
            const int failed = static_cast<int>(scan.errors.size());
            for (const QString& e : scan.errors)
                logging::warn(QStringLiteral("import: %1").arg(e));
            QString error;
            if (!records.isEmpty() && !db_->addImages(records, &error)) {
                showError(error);
                emit importFinished(0, failed + static_cast<int>(records.size()));
            } else {
                if (!model_->reload(&error))
                    showError(error);
                if (model_->totalCount() > 0)
                    pages_->setCurrentIndex(1);
                showStatus([added = static_cast<int>(records.size()), failed] {
                    return failed ? tr("Added %n image(s); %1 could not be read", nullptr, added)
                                        .arg(failed)
                                  : tr("Added %n image(s)", nullptr, added);
                });
                emit importFinished(static_cast<int>(records.size()), failed);
            }
            if (importsRunning_ == 0 && reopenPending_)  // a catalogue change waited for them
                reopenCatalogueWhenIdle();
        });
}

void MainWindow::dragEnterEvent(QDragEnterEvent* event) {
    if (!localPathsFromMime(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dragMoveEvent(QDragMoveEvent* event) {
    if (!localPathsFromMime(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* event) {
    const QStringList paths = localPathsFromMime(event->mimeData());
    if (paths.isEmpty())
        return;
    event->acceptProposedAction();
    importPaths(paths);
}

}  // namespace vistag::ui

// MainWindow: adding images — the Add dialog, drag and drop, pasting, and the import itself
// (listing and hashing on the window's tasks, the insert back on the GUI thread).
#include <QClipboard>
#include <QDialogButtonBox>
#include <QDragEnterEvent>
#include <QFileDialog>
#include <QGuiApplication>
#include <QImage>
#include <QMessageBox>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
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

QString MainWindow::refusalText(const catalog::RefusedImage& r) {
    using P = catalog::ImageProblem;
    switch (r.problem) {
        case P::Unreadable:
            return tr("the file cannot be read");
        case P::Empty:
            return tr("the file is empty (0 bytes)");
        case P::NotAnImage:
            return tr("not an image (or a format Vistag cannot read)");
        case P::Truncated:
            return tr("the image is truncated: the file ends before the picture does");
    }
    return {};
}

void MainWindow::addImagesDialog() {
    // Files or a whole folder (its images, sub-folders included), from where the last ones came.
    QSettings s;
    const QString start =
        s.value(QStringLiteral("ui/lastImageFolder"), QDir::homePath()).toString();
    QFileDialog dialog(this, tr("Add images"), start,
                       tr("Images (*.jpg *.jpeg *.png *.webp *.bmp *.gif *.tif *.tiff)"));
    dialog.setObjectName(QStringLiteral("addImagesDialog"));
    dialog.setFileMode(QFileDialog::ExistingFiles);
    dialog.setOption(QFileDialog::DontUseNativeDialog);
    // Choosing a folder: "Add folder" takes the folder shown (or the one selected).
    auto* folderButton = new QPushButton(tr("Add this &folder"), &dialog);
    folderButton->setObjectName(QStringLiteral("addFolderButton"));
    if (auto* box = dialog.findChild<QDialogButtonBox*>())
        box->addButton(folderButton, QDialogButtonBox::ActionRole);
    QStringList chosen;
    connect(folderButton, &QPushButton::clicked, &dialog, [&dialog, &chosen] {
        QStringList selected = dialog.selectedFiles();
        const QString folder = !selected.isEmpty() && QFileInfo(selected.first()).isDir()
                                   ? selected.first()
                                   : dialog.directory().absolutePath();
        chosen = {folder};
        static_cast<QDialog&>(dialog).done(QDialog::Accepted);
    });
    if (dialog.exec() != QDialog::Accepted)
        return;
    if (chosen.isEmpty())
        chosen = dialog.selectedFiles();
    if (chosen.isEmpty())
        return;
    const QFileInfo first(chosen.first());
    s.setValue(QStringLiteral("ui/lastImageFolder"),
               first.isDir() ? first.absoluteFilePath() : first.absolutePath());
    importPaths(chosen);
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
            if (!scan.refused.isEmpty())
                showRefused(scan.refused);
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

void MainWindow::showRefused(const QList<catalog::RefusedImage>& refused) {
    QStringList lines;
    for (const auto& r : refused)
        lines << tr("%1 — %2").arg(QDir::toNativeSeparators(r.path), refusalText(r));
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Some files were not added"),
                                tr("%n file(s) could not be added: the model cannot use them.",
                                   nullptr, static_cast<int>(refused.size())),
                                QMessageBox::Ok, this);
    box->setObjectName(QStringLiteral("refusedImages"));
    box->setInformativeText(lines.mid(0, 10).join(QLatin1Char('\n')) +
                            (lines.size() > 10 ? QStringLiteral("\n…") : QString()));
    box->setDetailedText(lines.join(QLatin1Char('\n')));
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->setWindowModality(Qt::WindowModal);
    lastRefused_ = lines;
    box->open();
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

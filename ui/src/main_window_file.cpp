// MainWindow: the catalogue as a file — its name in the title bar, File → Open catalogue… / New
// catalogue…, File → Export…, and asking before quitting while work is running.
#include <QCloseEvent>
#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QListView>
#include <QMessageBox>
#include <QPushButton>
#include <QStatusBar>

#include "batch_panel.h"
#include "catalog/catalog_db.h"
#include "catalog/exporters.h"
#include "catalog_pane.h"
#include "export_dialog.h"
#include "logging/app_log.h"
#include "main_window.h"
#include "scheduler/backend_controller.h"

namespace vistag::ui {

void MainWindow::updateTitle() {
    const QString where =
        db_ && db_->isOpen() ? catalog::CatalogDb::displayAddress(db_->path()) : QString();
    setWindowTitle(where.isEmpty() ? tr("Vistag — product image review")
                                   : tr("Vistag — product image review — %1").arg(where));
}

void MainWindow::openCatalogueDialog() {
    const QString start = db_->isOpen() && !db_->isShared() ? QFileInfo(db_->path()).absolutePath()
                                                            : QDir::homePath();
    const QString file = QFileDialog::getOpenFileName(
        this, tr("Open a catalogue"), start, tr("Catalogues (*.sqlite *.db);;All files (*)"));
    if (!file.isEmpty())
        switchCatalogue(file);
}

void MainWindow::newCatalogueDialog() {
    const QString start = db_->isOpen() && !db_->isShared() ? QFileInfo(db_->path()).absolutePath()
                                                            : QDir::homePath();
    QString file = QFileDialog::getSaveFileName(
        this, tr("New catalogue"),
        QDir(start).filePath(tr("catalogue") + QStringLiteral(".sqlite")),
        tr("Catalogues (*.sqlite)"), nullptr, QFileDialog::DontConfirmOverwrite);
    if (file.isEmpty())
        return;
    if (QFileInfo(file).suffix().isEmpty())
        file += QStringLiteral(".sqlite");
    if (QFileInfo::exists(file)) {
        // Never replaced: a new catalogue is a new file.
        showError(tr("%1 already exists; use File → Open catalogue… to open it.")
                      .arg(QDir::toNativeSeparators(file)));
        return;
    }
    switchCatalogue(file);
}

void MainWindow::switchCatalogue(const QString& location) {
    settings::AppSettings s = settings_;
    s.catalogLocation = location;
    applySettings(s);  // saved, and the catalogue reopened in this window
}

void MainWindow::exportDialog() {
    if (!db_->isOpen()) {
        showError(tr("The catalogue is not open."));
        return;
    }
    auto* dialog = new ExportDialog(static_cast<int>(selectedImageIds().size()), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    connect(dialog, &QDialog::accepted, this, [this, dialog] { exportTags(dialog->choice()); });
    dialog->open();
}

void MainWindow::exportTags(const ExportChoice& choice) {
    QString error;
    auto rows = db_->exportRows(choice.perSku, !choice.includeSuggested, &error);
    if (!rows) {
        showError(tr("Export failed: %1").arg(error));
        emit exportFinished(false, error);
        return;
    }
    if (choice.selectionOnly) {
        QSet<QString> chosen;
        for (qint64 id : selectedImageIds())
            if (const auto image = db_->imageById(id))
                chosen.insert(image->path);
        QList<catalog::ExportRow> kept;
        for (const auto& r : *rows)
            for (const QString& p : r.imagePaths)
                if (chosen.contains(p)) {
                    kept << r;
                    break;
                }
        *rows = kept;
    }
    showStatus([] { return tr("Exporting…"); });
    // The rows and the taxonomy are values (implicitly shared): the files are written on a
    // worker. With a category tree the category is written as its path.
    const catalog::Taxonomy taxonomy = taxonomy_;
    const QList<catalog::TaxonomyAttribute> attributes = taxonomy.attributes();
    tasks_.run(
        [rows = *rows, taxonomy, attributes, choice](const std::atomic<bool>&) {
            std::pair<bool, QString> out{true, {}};
            catalog::ExportReport report;
            if (choice.format == QLatin1String("csv") || choice.format == QLatin1String("jsonl")) {
                QString err;
                out.first = choice.format == QLatin1String("csv")
                                ? catalog::writeCsv(rows, taxonomy, choice.path, &err)
                                : catalog::writeJsonLines(rows, taxonomy, choice.path, &err);
                out.second = out.first ? QString::number(rows.size()) : err;
                return out;
            }
            catalog::ExportOptions options;
            options.language = choice.language;
            report = choice.format == QLatin1String("txt")
                         ? catalog::writeTxtSidecars(rows, attributes, choice.path, options)
                         : catalog::writeXmpSidecars(rows, taxonomy, choice.path, options);
            out.first = report.failures.isEmpty();
            out.second = out.first ? QString::number(report.filesWritten)
                                   : report.failures.join(QLatin1Char('\n'));
            return out;
        },
        [this, choice](const std::pair<bool, QString>& result) {
            if (!result.first) {
                logging::warn(QStringLiteral("export: %1").arg(result.second));
                showError(tr("Export failed; earlier files were left as they were."));
                auto* box = new QMessageBox(QMessageBox::Warning, tr("Export failed"),
                                            tr("The tags could not be written. Files written "
                                               "before were left as they were."),
                                            QMessageBox::Ok, this);
                box->setObjectName(QStringLiteral("exportFailed"));
                box->setInformativeText(result.second);
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->setWindowModality(Qt::WindowModal);
                box->open();
                emit exportFinished(false, result.second);
                return;
            }
            const int n = result.second.toInt();
            const QString where = choice.path.isEmpty() ? tr("beside the images")
                                                        : QDir::toNativeSeparators(choice.path);
            const bool sidecars =
                choice.format == QLatin1String("txt") || choice.format == QLatin1String("xmp");
            showStatus([n, where, sidecars] {
                return sidecars ? tr("Exported %n sidecar file(s) to %1", nullptr, n).arg(where)
                                : tr("Exported %n row(s) to %1", nullptr, n).arg(where);
            });
            emit exportFinished(true, QString());
        });
}

bool MainWindow::confirmQuit() {
    const bool tagging = batchPanel_->running();
    const bool sharing = backend_->sharing();
    if (!tagging && !sharing)
        return true;
    QStringList what;
    if (tagging)
        what << tr(
            "Tagging is running; the images not done yet stay queued and can be resumed "
            "later.");
    if (sharing)
        what << tr(
            "This model is shared with other workstations; they lose it when Vistag "
            "closes.");
    QMessageBox box(QMessageBox::Question, tr("Quit Vistag?"), what.join(QLatin1Char('\n')),
                    QMessageBox::NoButton, this);
    box.setObjectName(QStringLiteral("quitConfirm"));
    QPushButton* quit = box.addButton(tr("Quit"), QMessageBox::AcceptRole);
    QPushButton* keep = box.addButton(tr("Keep working"), QMessageBox::RejectRole);
    box.setDefaultButton(keep);
    box.exec();  // the GUI thread's own modal loop; the work goes on meanwhile
    return box.clickedButton() == quit;
}

void MainWindow::closeEvent(QCloseEvent* event) {
    if (!confirmQuit()) {
        event->ignore();
        return;
    }
    QMainWindow::closeEvent(event);
}

}  // namespace vistag::ui

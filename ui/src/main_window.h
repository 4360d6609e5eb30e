// Vistag's main window: the start page until there is something to show, then the catalogue.
// Files and folders dropped anywhere on the window (or given on the command line) are added to
// the catalogue; hashing runs off the GUI thread.
#pragma once

#include <QMainWindow>
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "backend/remote_backend.h"  // TagSchemaProbe
#include "catalog/image_scan.h"      // RefusedImage
#include "download/download_job.h"
#include "export_dialog.h"  // ExportChoice
#include "settings/app_settings.h"
#include "tags/taxonomy.h"
#include "tasks/background_tasks.h"

class QDockWidget;
class QProgressBar;
class QPushButton;
class QAction;
class QStackedWidget;
class QLabel;
class QSplitter;
class QThread;

namespace vistag::catalog {
class CatalogDb;
}
namespace vistag::download {
struct Options;
}
namespace vistag::backend {
class BackendController;
struct RemoteOptions;
}  // namespace vistag::backend

namespace vistag::ui {

class StartPage;
class CatalogPane;
class CatalogModel;
class Thumbnailer;
class AskPane;
class TagEditor;
class BulkTagDialog;
class ShortcutMap;
class LogPanel;
class ShareDialog;
class ImageViewer;
class BatchPanel;
class TaxonomyBrowser;

class MainWindow final : public QMainWindow {
    Q_OBJECT
public:
    // dbPath: the catalogue file ("" = the default in the user's data folder).
    explicit MainWindow(const QString& dbPath = {}, QWidget* parent = nullptr);
    ~MainWindow() override;

    StartPage* startPage() const { return startPage_; }
    CatalogPane* catalogPane() const { return catalogPane_; }
    CatalogModel* catalogModel() const { return model_; }
    Thumbnailer* thumbnailer() const { return thumbnails_; }
    AskPane* askPane() const { return askPane_; }
    TagEditor* tagEditor() const { return tagEditor_; }
    ImageViewer* viewer() const { return viewer_; }
    BatchPanel* batchPanel() const { return batchPanel_; }
    QSplitter* catalogueSplitter() const { return catalogPage_; }
    // Help → Taxonomy… and the tag editor's "Taxonomy" button: the taxonomy browser (one,
    // not modal), showing the category `code` when given.
    TaxonomyBrowser* showTaxonomyBrowser(const QString& categoryCode = {});
    // The taxonomy the window tags and reviews with (Settings → Taxonomy): every pane follows;
    // images keep their tags. `path`: its file, "" = the built-in one.
    void setTaxonomy(const catalog::Taxonomy& taxonomy, const QString& path);
    const catalog::Taxonomy& taxonomy() const { return taxonomy_; }
    // Review navigation (Ctrl+↓ / Ctrl+↑, Ctrl+J, Ctrl+Enter).
    void selectRow(int row);
    void nextImage(int step);
    void nextUnreviewed();
    void acceptAllAndNext();
    backend::BackendController* backend() const { return backend_; }
    // The keyboard map: every keyboard action registers here (see shortcut_map.h).
    ShortcutMap* shortcuts() const { return shortcuts_; }
    QDockWidget* logDock() const { return logDock_; }
    LogPanel* logPanel() const { return logPanel_; }
    QPushButton* cancelLoadButton() const { return cancelLoad_; }
    ShareDialog* shareDialog();  // created on first use

    // Settings (QSettings, loaded at construction). applySettings stores them and applies what
    // changed: generation parameters at once, a new model folder / device / precision or server
    // by loading or connecting, a new interface language by installing its translation (every
    // widget retranslates itself on QEvent::LanguageChange: no new window, the model stays
    // loaded, imports and tagging keep running), a new catalogue (location or image root) by
    // reopening it in this window (see reopenCatalogue()).
    const settings::AppSettings& settings() const { return settings_; }
    void applySettings(const settings::AppSettings& s);
    void openSettings();  // Tools → Settings… (modal)
    // At start without --model: reopens the last model folder or server from the settings.
    // Returns false when there is none.
    bool restoreLastBackend();

    // The images selected in the grid (ids, grid order).
    QList<qint64> selectedImageIds() const;
    // Opens the bulk edit dialog (add / remove / replace a tag on the selection; Ctrl+R: find and
    // replace, on the selection or the whole catalogue). Window-modal, not blocking: Apply stores
    // the edit and puts it on the tag editor's undo stack. Returns the dialog (for tests).
    BulkTagDialog* openBulkDialog(int operation);
    // The window's tag actions by id ("tags.bulkAdd", "tags.bulkRemove", "tags.bulkReplace",
    // "tags.findReplace"); all made in createTagActions().
    QAction* action(const QString& id) const;

    // Loads a local model folder on the backend thread (progress in the status bar).
    void loadModel(const QString& folder);
    // Uses an OpenAI-compatible server (checked by listing its models).
    void connectServer(const backend::RemoteOptions& options);
    // Downloads a model (progress dialog with Cancel) and loads it when complete and verified.
    void startDownload(const download::Options& options);
    bool showingCatalogue() const;

    // Adds image files and folders (recursively) to the catalogue in the background.
    void importPaths(const QStringList& paths);
    // Edit → Paste image (Ctrl+V): files on the clipboard are added like a drop; raw image data
    // is saved as a PNG under pastedImagesFolder() (off the GUI thread) and added.
    void pasteFromClipboard();
    // Tagging menu: the selected images (Ctrl+T), or every image without tags.
    void tagSelection();
    void tagUntagged();

    // Why an added file was refused, in the interface language.
    static QString refusalText(const catalog::RefusedImage& r);
    // The refused files of the last import, as listed ("path — why").
    QStringList lastRefused() const { return lastRefused_; }
    // Images being added (hashed off the GUI thread, then stored) right now.
    int importsRunning() const { return importsRunning_; }

    // Closes the catalogue and opens the one of the settings (catalogLocation, else the default
    // file) in this window: the grid, the tag editor (its undo history belongs to the old
    // catalogue and is dropped), the ask pane's images and the tagging panel start over on it;
    // the loaded model or server is not touched. Images still being added go into the old
    // catalogue first, and a running tagging batch is stopped (its rest stays queued there):
    // the catalogue changes once both are done. catalogueReopened() tells when, and whether it
    // opened.
    void reopenCatalogue();

    // File → Export…: the dialog (window-modal, not blocking); exportTags() writes what it
    // chose off the GUI thread and says so in the status bar (exportFinished tells tests).
    void exportDialog();
    void exportTags(const ExportChoice& choice);
    // File → Open catalogue… / New catalogue…: the catalogue of the settings becomes that file
    // and is reopened in this window (see reopenCatalogue()).
    void openCatalogueDialog();
    void newCatalogueDialog();
    void switchCatalogue(const QString& location);
    // Asked before the window closes while tagging runs or the model is shared.
    bool confirmQuit();

signals:
    void exportFinished(bool ok, const QString& message);
    void importFinished(int added, int failed);
    void downloadFinished(bool ok, const QString& message);
    void catalogueReopened(bool ok);

protected:
    void changeEvent(QEvent* event) override;      // LanguageChange: retranslateUi()
    void closeEvent(QCloseEvent* event) override;  // confirmQuit()
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dragMoveEvent(QDragMoveEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    QString dbPath_;  // as given to the constructor
    void buildMenus();
    void createTagActions(QMenu* menu);
    // The one current product (viewer, tag editor, ask pane): the grid's current row when it is
    // selected, else the first selected row, else none.
    QModelIndex currentProductIndex() const;
    void syncCurrentProduct();
    void catalogueChangedElsewhere();
    void chooseModelFolder();
    void connectServerDialog();
    void downloadModelDialog();
    void addImagesDialog();
    // Files the import refused, listed with why in a window-modal message (not blocking).
    void showRefused(const QList<catalog::RefusedImage>& refused);
    void showError(const QString& message);
    // Texts that follow the interface language: each is set now and again on LanguageChange.
    void retranslateUi();
    void onLanguage(std::function<void()> setText);
    // The status bar's message and the start page's line, rendered again in a new language.
    void showStatus(std::function<QString()> text, int timeoutMs = 0);
    void setStartMessage(std::function<QString()> text);
    void showErrorText(std::function<QString()> text);
    void reopenCatalogueWhenIdle();
    void updateTitle();  // the open catalogue's name or address in the title bar
    bool openCatalogue(QString* error);
    void registerShortcuts();
    void applyGenerationSettings();
    void onModelLoaded(bool ok, const QString& message);

    std::unique_ptr<catalog::CatalogDb> db_;
    catalog::Taxonomy taxonomy_ = catalog::Taxonomy::defaultApparel();
    QStackedWidget* pages_ = nullptr;
    StartPage* startPage_ = nullptr;
    CatalogPane* catalogPane_ = nullptr;
    CatalogModel* model_ = nullptr;
    Thumbnailer* thumbnails_ = nullptr;
    QLabel* engineLabel_ = nullptr;
    backend::BackendController* backend_ = nullptr;
    AskPane* askPane_ = nullptr;
    TagEditor* tagEditor_ = nullptr;
    ShortcutMap* shortcuts_ = nullptr;
    settings::AppSettings settings_;
    QDockWidget* logDock_ = nullptr;
    LogPanel* logPanel_ = nullptr;
    QProgressBar* loadBar_ = nullptr;
    QPushButton* cancelLoad_ = nullptr;
    QLabel* shareLabel_ = nullptr;
    QLabel* schemaLabel_ = nullptr;  // a server's connection: whether it enforces tag schemas
    ShareDialog* shareDialog_ = nullptr;
    enum class Pending { None, Local, Remote } pending_ = Pending::None;
    QString pendingFolder_;
    QStringList pendingRemote_;  // url, key, model, token-limit field of a connection under way
    ImageViewer* viewer_ = nullptr;
    BatchPanel* batchPanel_ = nullptr;
    TaxonomyBrowser* taxonomyBrowser_ = nullptr;
    QString taxonomyPath_;  // the file of taxonomy_, "" = built in
    QSplitter* catalogPage_ = nullptr;
    qint64 currentImage_ = 0;  // what the tag editor shows (syncCurrentProduct)
    int currentSelected_ = 0;
    qint64 keepAcrossReset_ = 0;
    int importsRunning_ = 0;
    QStringList lastRefused_;
    bool reopenPending_ = false;  // a catalogue change waits for the imports and the tagging
    std::vector<std::function<void()>> retranslators_;
    std::function<QString()> statusText_;
    QString statusShown_;  // what statusText_ rendered last
    int statusTimeout_ = 0;
    std::function<QString()> startMessage_;
    std::optional<backend::TagSchemaProbe> schemaProbe_;
    download::DownloadJob download_;  // a running download is cancelled and joined on close
    // Hashing images being added and saving pasted ones; last, so they are joined first.
    tasks::BackgroundTasks tasks_{this};
};

}  // namespace vistag::ui

// Settings → Taxonomy: which taxonomy the window tags with. Open a taxonomy file, or import
// Shopify's Standard Product Taxonomy from its dist/ folder (the importer `vistag-cli taxonomy
// import shopify` runs, on a worker thread, with a busy bar and Cancel); the counts (categories,
// attributes, values, languages) and the problems found are shown. An imported taxonomy is saved
// as a version-2 file in the application's data folder; the file's path is what is remembered
// (QSettings "taxonomy/path", "" = the built-in apparel taxonomy) and loaded at the next start.
#pragma once

#include <QWidget>
#include <optional>

#include "tags/taxonomy.h"
#include "tasks/background_tasks.h"

class QLabel;
class QPlainTextEdit;
class QProgressBar;
class QPushButton;

namespace vistag::ui {

class TaxonomyPage final : public QWidget {
    Q_OBJECT
public:
    // `current`: the taxonomy in use, read from `currentPath` ("" = built in).
    TaxonomyPage(const catalog::Taxonomy& current, const QString& currentPath,
                 QWidget* parent = nullptr);

    // The remembered choice (QSettings "taxonomy/path"); "" = the built-in apparel taxonomy.
    static QString storedPath();
    static void storePath(const QString& path);
    // The taxonomy of storedPath(); the built-in one (and *error set) when it cannot be read.
    static catalog::Taxonomy loadStored(QString* error);
    // Where an imported taxonomy is written: <data folder>/taxonomies/shopify.json.
    static QString defaultImportPath();

    // Reads a taxonomy file on a worker thread; finished() when done.
    void openFile(const QString& path);
    // Imports Shopify's folder and writes the result to `out` on a worker thread.
    void importShopify(const QString& dir, const QString& out);
    void cancel();  // the running task's result is dropped
    bool busy() const { return busy_; }

    // The taxonomy chosen on this page (nullopt: unchanged) and its file ("" = built in).
    const std::optional<catalog::Taxonomy>& chosen() const { return chosen_; }
    const QString& chosenPath() const { return chosenPath_; }
    QLabel* countsLabel() const { return counts_; }
    QPlainTextEdit* problemsView() const { return problems_; }

signals:
    void finished(bool ok);

protected:
    void changeEvent(QEvent* event) override;

private:
    struct Result {
        std::optional<catalog::Taxonomy> taxonomy;
        QString path, error;
        QStringList notes;
    };
    void retranslateUi();
    void start(std::function<Result(const std::atomic<bool>&)> work);
    void showTaxonomy(const catalog::Taxonomy& t, const QString& path);
    void setBusy(bool on);

    QLabel* source_ = nullptr;
    QLabel* counts_ = nullptr;
    QPlainTextEdit* problems_ = nullptr;
    QProgressBar* progress_ = nullptr;
    QPushButton* open_ = nullptr;
    QPushButton* import_ = nullptr;
    QPushButton* builtIn_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QLabel* applyNote_ = nullptr;
    std::optional<catalog::Taxonomy> chosen_;
    QString chosenPath_;
    QString shownPath_;
    catalog::Taxonomy shown_;
    bool busy_ = false;
    tasks::BackgroundTasks::CancelToken token_;
    tasks::BackgroundTasks tasks_{this};  // last: joined first
};

}  // namespace vistag::ui

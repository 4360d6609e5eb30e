// Auto-tagging from the window: a compact bar (count, progress, ETA, Cancel) that starts batches
// of the catalogue's persistent queue on the backend's worker thread and follows them through
// BackendController's signals; per-image statuses go to the grid's badges. When the window opens
// with unfinished work it offers "Resume tagging (N left)". The GUI thread never waits for the
// model: it only creates the batch (one transaction) and reads counts.
#pragma once

#include <QElapsedTimer>
#include <QWidget>
#include <functional>

#include "batch/batch_runner.h"
#include "catalog/catalog_db.h"
#include "tags/taxonomy.h"

class QLabel;
class QProgressBar;
class QPushButton;

namespace vistag::backend {
class BackendController;
}

namespace vistag::ui {

class CatalogModel;

class BatchPanel final : public QWidget {
    Q_OBJECT
public:
    BatchPanel(catalog::CatalogDb& db, backend::BackendController* backend, CatalogModel* model,
               const catalog::Taxonomy& taxonomy, QWidget* parent = nullptr);

    // Each returns false (and says why through errorOccurred) when nothing was started.
    // mode: "untagged" (skip images that have tags), "replace" or "append".
    bool tagImages(const QList<qint64>& imageIds, const QString& mode);
    bool tagUntagged();  // every image without tags, in the order they were added
    bool retryFailed();  // every image whose last tagging failed, asked again
    bool resume();       // the oldest unfinished batch
    void cancel();       // the rest of the batch stays queued (resume later)
    void discard();      // the unfinished batch is dropped: its queued images become cancelled

    bool running() const { return runningBatch_ != 0; }
    qint64 runningBatch() const { return runningBatch_; }
    // The counts of the batch that ran last (or runs now): the summary when it ends.
    const catalog::BatchProgress& lastProgress() const { return lastProgress_; }
    // Images still queued in unfinished batches (read from the catalogue).
    int unfinishedCount() const;
    // Shows or hides the resume offer after the catalogue changed.
    void refreshUnfinished();

    QProgressBar* progressBar() const { return bar_; }
    QLabel* label() const { return label_; }
    QPushButton* cancelButton() const { return cancel_; }
    QPushButton* resumeButton() const { return resume_; }
    QPushButton* discardButton() const { return discard_; }

    catalog::InferenceParams params;  // of new batches
    bool constrained = true;          // new batches answer the taxonomy's JSON (tag_schema.h)

signals:
    void progressChanged(int finished, int total);
    void imageChanged(qint64 imageId, vistag::catalog::ItemState state);
    // ok false: the catalogue or backend failed; cancelled: stopped with Cancel.
    void finished(bool ok, bool cancelled);
    void errorOccurred(const QString& message);
    void runningChanged(bool running);

protected:
    void changeEvent(QEvent* event) override;  // LanguageChange: retranslateUi()

private:
    void retranslateUi();
    void setLabel(std::function<QString()> text);  // rendered again in a new language
    bool start(qint64 batchId, const catalog::BatchSpec& spec);
    void onProgress(qint64 batchId, const catalog::BatchRunStatus& status);
    void onItem(qint64 batchId, qint64 imageId, catalog::ItemState state);
    void onFinished(qint64 batchId, bool ok, bool cancelled, const QString& error);
    void showIdle();

    catalog::CatalogDb& db_;
    backend::BackendController* backend_;
    CatalogModel* model_;
    const catalog::Taxonomy& taxonomy_;
    qint64 runningBatch_ = 0;
    catalog::BatchProgress lastProgress_;
    QElapsedTimer clock_;  // since this run started (the ETA spans the worker's rounds)
    int answeredAtStart_ =
        0;  // items done (answered) when this run started: the ETA counts answers
    QLabel* label_ = nullptr;
    QProgressBar* bar_ = nullptr;
    QPushButton* cancel_ = nullptr;
    QPushButton* resume_ = nullptr;
    QPushButton* discard_ = nullptr;
    std::function<QString()> labelText_;
};

// "about 3 min left" and the like; "" for an unknown estimate.
QString formatEta(double seconds);

}  // namespace vistag::ui

// The catalogue as a list model for the thumbnail grid: rows come from the database in pages
// (fetchMore), thumbnails from the Thumbnailer only when a view asks for a row's decoration.
#pragma once

#include <QAbstractListModel>
#include <QPixmap>

#include "catalog/catalog_db.h"

namespace vistag::ui {

class Thumbnailer;

class CatalogModel final : public QAbstractListModel {
    Q_OBJECT
public:
    enum Role {
        ImageIdRole = Qt::UserRole + 1,
        PathRole,
        ReviewStateRole,  // a catalog::ReviewState
        SkuRole,
        SizeRole,         // QSize of the image
        BatchStatusRole,  // auto-tagging: a catalog::ItemState of the image's newest batch
                          // item, or no value when it was never in a batch
        FailureRole,      // why tagging failed (the stored message), "" unless it failed
    };

    CatalogModel(catalog::CatalogDb& db, Thumbnailer& thumbnails, QObject* parent = nullptr);

    // Re-reads the catalogue with a filter (name, state, tag…). Returns false and *error when
    // the database cannot be read.
    bool setFilter(const catalog::ImageFilter& filter, QString* error = nullptr);
    bool reload(QString* error = nullptr) { return setFilter(filter_, error); }
    // After another workstation or worker changed the catalogue: the rows loaded so far are read
    // again. When the same images are listed in the same order, only their data changes (views
    // keep selection and scroll); otherwise the model is reset and *reset set — the caller puts
    // the selection and scroll position back by image id.
    bool refreshLive(bool* reset, QString* error = nullptr);
    qint64 totalCount() const { return total_; }
    // After tags of a row changed: its review state is read again.
    void refreshReviewState(int row);
    // After an edit that may touch several rows (a SKU group's views, a bulk edit): every row's
    // review state is read again when it is next shown.
    void refreshAllReviewStates();
    int rowOfImage(qint64 imageId) const { return rowOfId_.value(imageId, -1); }
    const catalog::ImageFilter& filter() const { return filter_; }

    // Batch badges: image id → item status; setBatchStatuses replaces them all (and forgets the
    // failure messages); loadBatchOutcomes() sets them from every batch in the catalogue.
    void setBatchStatuses(const QHash<qint64, catalog::ItemState>& statuses);
    bool loadBatchOutcomes(QString* error = nullptr);
    void setBatchStatus(qint64 imageId, catalog::ItemState state);

    int rowCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;
    bool canFetchMore(const QModelIndex& parent) const override;
    void fetchMore(const QModelIndex& parent) override;

    static constexpr int kPageSize = 500;

private:
    void thumbnailReady(const QString& path);
    // Replaces every row (a model reset) and the lookups by path and id.
    void resetRows(QList<catalog::ImageRecord> rows, qint64 total);

    catalog::CatalogDb& db_;
    Thumbnailer& thumbnails_;
    catalog::ImageFilter filter_;
    QList<catalog::ImageRecord> rows_;
    QHash<QString, int> rowOfPath_;
    QHash<qint64, int> rowOfId_;
    QHash<qint64, catalog::ItemState> batch_;
    mutable QHash<qint64, QString> failures_;  // image id → message, read when first asked
    mutable QHash<qint64, QVariant> stateCache_;
    qint64 total_ = 0;
    bool changing_ = false;  // inside a reset or insert: fetchMore() would re-enter
    QPixmap placeholder_;
};

}  // namespace vistag::ui

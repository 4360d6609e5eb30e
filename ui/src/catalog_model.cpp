#include "catalog_model.h"

#include "error_text.h"

#include <QFileInfo>
#include <QPainter>
#include <algorithm>

#include "review/review_stats.h"
#include "thumbnailer.h"

namespace vistag::ui {

CatalogModel::CatalogModel(catalog::CatalogDb& db, Thumbnailer& thumbnails, QObject* parent)
    : QAbstractListModel(parent), db_(db), thumbnails_(thumbnails) {
    placeholder_ = QPixmap(thumbnails.size(), thumbnails.size());
    placeholder_.fill(QColor(0xe5, 0xe7, 0xeb));
    connect(&thumbnails_, &Thumbnailer::ready, this,
            [this](const QString& path, const QImage&) { thumbnailReady(path); });
}

bool CatalogModel::setFilter(const catalog::ImageFilter& filter, QString* error) {
    catalog::ImageFilter countFilter = filter;
    // The review queue orders by the calibrated confidence where an attribute has enough reviews
    // (Tools → Model quality…).
    if (countFilter.sort == catalog::ImageSort::LeastCertain && countFilter.calibration.isEmpty())
        countFilter.calibration = review::calibrationPoints(review::cachedCalibrations(db_));
    countFilter.limit = -1;
    countFilter.offset = 0;
    auto total = db_.countImages(countFilter, error);
    if (!total)
        return false;
    catalog::ImageFilter page = countFilter;
    page.limit = kPageSize;
    auto first = db_.listImages(page, error);
    if (!first)
        return false;
    filter_ = countFilter;
    resetRows(*first, *total);
    thumbnails_.clearPending();
    return true;
}

void CatalogModel::resetRows(QList<catalog::ImageRecord> rows, qint64 total) {
    changing_ = true;  // no fetchMore() from slots connected to our own change signals
    beginResetModel();
    total_ = total;
    rows_ = std::move(rows);
    rowOfPath_.clear();
    rowOfId_.clear();
    stateCache_.clear();
    for (int i = 0; i < rows_.size(); ++i) {
        rowOfPath_.insert(rows_[i].path, i);
        rowOfId_.insert(rows_[i].id, i);
    }
    endResetModel();
    changing_ = false;
}

bool CatalogModel::refreshLive(bool* reset, QString* error) {
    *reset = false;
    auto total = db_.countImages(filter_, error);
    if (!total)
        return false;
    catalog::ImageFilter page = filter_;
    page.limit = std::max(static_cast<int>(rows_.size()), kPageSize);
    page.offset = 0;
    auto fresh = db_.listImages(page, error);
    if (!fresh)
        return false;
    const qsizetype keep = std::min(fresh->size(), rows_.size());
    bool sameRows = fresh->size() >= rows_.size();
    for (qsizetype i = 0; sameRows && i < keep; ++i)
        sameRows = fresh->at(i).id == rows_[i].id;
    if (!sameRows) {
        resetRows(std::move(*fresh), *total);
        *reset = true;
        return true;
    }
    // The same rows first: their records (hash, size, SKU group) and review states are read
    // again; images added after them are appended.
    for (qsizetype i = 0; i < keep; ++i)
        rows_[i] = fresh->at(i);
    total_ = *total;
    stateCache_.clear();
    if (!rows_.isEmpty())
        emit dataChanged(index(0), index(int(rows_.size()) - 1));
    if (fresh->size() > rows_.size()) {  // new images after the loaded ones: appended
        const int first = static_cast<int>(rows_.size());
        changing_ = true;
        beginInsertRows({}, first, static_cast<int>(fresh->size()) - 1);
        for (qsizetype i = first; i < fresh->size(); ++i) {
            rowOfPath_.insert(fresh->at(i).path, static_cast<int>(rows_.size()));
            rowOfId_.insert(fresh->at(i).id, static_cast<int>(rows_.size()));
            rows_.append(fresh->at(i));
        }
        endInsertRows();
        changing_ = false;
    }
    return true;
}

int CatalogModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

bool CatalogModel::canFetchMore(const QModelIndex& parent) const {
    return !parent.isValid() && !changing_ && rows_.size() < total_;
}

void CatalogModel::fetchMore(const QModelIndex& parent) {
    if (!canFetchMore(parent))
        return;
    catalog::ImageFilter page = filter_;
    page.limit = kPageSize;
    page.offset = static_cast<int>(rows_.size());
    auto more = db_.listImages(page);
    if (!more || more->isEmpty()) {
        total_ = rows_.size();  // the catalogue changed under us; stop asking
        return;
    }
    const int first = static_cast<int>(rows_.size());
    changing_ = true;
    beginInsertRows({}, first, first + static_cast<int>(more->size()) - 1);
    for (const auto& r : *more) {
        rowOfPath_.insert(r.path, static_cast<int>(rows_.size()));
        rowOfId_.insert(r.id, static_cast<int>(rows_.size()));
        rows_.append(r);
    }
    endInsertRows();
    changing_ = false;
}

QVariant CatalogModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const catalog::ImageRecord& r = rows_[index.row()];
    switch (role) {
        case Qt::DisplayRole:
            return QFileInfo(r.path).fileName();
        case Qt::ToolTipRole: {
            QString tip = QStringLiteral("%1\n%2 × %3").arg(r.path).arg(r.width).arg(r.height);
            const QString failure = data(index, FailureRole).toString();
            if (!failure.isEmpty())
                tip += QLatin1Char('\n') + tr("Tagging failed: %1").arg(failureReason(failure));
            return tip;
        }
        case Qt::DecorationRole: {
            const QImage img = const_cast<Thumbnailer&>(thumbnails_).thumbnail(r.path);
            return img.isNull() ? placeholder_ : QPixmap::fromImage(img);
        }
        case ImageIdRole:
            return r.id;
        case PathRole:
            return r.path;
        case SkuRole:
            return r.skuGroup;
        case SizeRole:
            return QSize(r.width, r.height);
        case BatchStatusRole: {
            const auto it = batch_.constFind(r.id);
            return it == batch_.cend() ? QVariant() : QVariant::fromValue(*it);
        }
        case FailureRole: {
            const auto it = batch_.constFind(r.id);
            if (it == batch_.cend() || *it != catalog::ItemState::Failed)
                return QString();
            auto f = failures_.constFind(r.id);
            if (f == failures_.cend()) {
                const auto outcome = db_.latestItemOutcomes(r.id);
                f = failures_.insert(r.id, outcome ? outcome->value(r.id).message : QString());
            }
            return *f;
        }
        case ReviewStateRole: {
            auto it = stateCache_.constFind(r.id);
            if (it != stateCache_.cend())
                return *it;
            const auto state = db_.reviewState(r.id);
            const QVariant value = state ? QVariant::fromValue(*state) : QVariant();
            stateCache_.insert(r.id, value);
            return value;
        }
        default:
            return {};
    }
}

QHash<int, QByteArray> CatalogModel::roleNames() const {
    auto names = QAbstractListModel::roleNames();
    names.insert(ImageIdRole, "imageId");
    names.insert(PathRole, "path");
    names.insert(ReviewStateRole, "reviewState");
    names.insert(SkuRole, "sku");
    names.insert(SizeRole, "size");
    names.insert(BatchStatusRole, "batchStatus");
    return names;
}

void CatalogModel::refreshReviewState(int row) {
    if (row < 0 || row >= rows_.size())
        return;
    stateCache_.remove(rows_[row].id);
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {ReviewStateRole});
}

void CatalogModel::refreshAllReviewStates() {
    stateCache_.clear();
    if (!rows_.isEmpty())
        emit dataChanged(index(0), index(int(rows_.size()) - 1), {ReviewStateRole});
}

bool CatalogModel::loadBatchOutcomes(QString* error) {
    const auto outcomes = db_.latestItemOutcomes(0, error);
    if (!outcomes)
        return false;
    QHash<qint64, catalog::ItemState> states;
    failures_.clear();
    for (auto it = outcomes->cbegin(); it != outcomes->cend(); ++it) {
        states.insert(it.key(), it->state);
        if (it->state == catalog::ItemState::Failed)
            failures_.insert(it.key(), it->message);
    }
    batch_ = states;
    if (!rows_.isEmpty())
        emit dataChanged(index(0), index(static_cast<int>(rows_.size()) - 1),
                         {BatchStatusRole, FailureRole});
    return true;
}

void CatalogModel::setBatchStatuses(const QHash<qint64, catalog::ItemState>& statuses) {
    batch_ = statuses;
    failures_.clear();
    if (!rows_.isEmpty())
        emit dataChanged(index(0), index(static_cast<int>(rows_.size()) - 1), {BatchStatusRole});
}

void CatalogModel::setBatchStatus(qint64 imageId, catalog::ItemState state) {
    const auto it = batch_.constFind(imageId);
    if (it != batch_.cend() && *it == state)
        return;
    batch_.insert(imageId, state);
    failures_.remove(imageId);
    const int row = rowOfImage(imageId);
    if (row < 0)
        return;
    stateCache_.remove(imageId);  // tags may have changed with it
    const QModelIndex i = index(row);
    emit dataChanged(i, i, {BatchStatusRole, ReviewStateRole, FailureRole});
}

void CatalogModel::thumbnailReady(const QString& path) {
    const auto it = rowOfPath_.constFind(path);
    if (it == rowOfPath_.cend())
        return;
    const QModelIndex i = index(*it);
    emit dataChanged(i, i, {Qt::DecorationRole});
}

}  // namespace vistag::ui

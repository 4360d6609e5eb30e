// The catalogue pane: a filterable thumbnail grid over CatalogModel. Dropped files and folders
// are handled by the main window, whatever page is showing.
#pragma once

#include <QWidget>

class QComboBox;
class QLineEdit;
class QListView;
class QMimeData;

namespace vistag::ui {

class CatalogModel;

class CatalogPane final : public QWidget {
    Q_OBJECT
public:
    CatalogPane(CatalogModel* model, QWidget* parent = nullptr);
    QListView* view() const { return view_; }

signals:
    void addRequested();
    void errorOccurred(const QString& message);

private:
    void applyFilter();

    CatalogModel* model_;
    QListView* view_ = nullptr;
    QLineEdit* search_ = nullptr;
    QComboBox* state_ = nullptr;
};

// Local files among a drag's URLs (shared by the pane and the main window).
QStringList localPathsFromMime(const QMimeData* mime);

}  // namespace vistag::ui

// Ctrl+V: what the clipboard can add to the catalogue — local files (added like a drop) or raw
// image data, which is saved as a PNG in the data folder first.
#pragma once

#include <QImage>
#include <QStringList>

class QMimeData;

namespace vistag::ui {

struct PasteContent {
    QStringList paths;  // local files and folders
    QImage image;       // raw image data (when there are no files)
    bool isEmpty() const { return paths.isEmpty() && image.isNull(); }
};
PasteContent pasteContent(const QMimeData* mime);

// <AppLocalDataLocation>/pasted
QString pastedImagesFolder();

// Saves `image` as PNG in `folder`, named by a hash of its pixels ("pasted-<hash>.png"), so
// pasting the same picture twice gives the same file (and the same catalogue row). Returns the
// path, or "" and *error. Safe to call from any thread.
QString savePastedImage(const QImage& image, const QString& folder, QString* error);

}  // namespace vistag::ui

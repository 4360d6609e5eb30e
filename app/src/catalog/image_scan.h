// Finding image files and describing them for the catalogue (content hash, pixel size from the
// header), shared by `vistag-cli tag` and the window's import.
#pragma once

#include <QList>
#include <QStringList>
#include <atomic>
#include <optional>

#include "tags/types.h"

namespace vistag::catalog {

// Image files among `inputs` (files, and folders searched recursively, sorted), absolute paths,
// no duplicates. Inputs that do not exist are listed in *missing.
QStringList collectImageFiles(const QStringList& inputs, QStringList* missing = nullptr);

bool isImageFileName(const QString& path);

// sha256 of the bytes and width/height from the header (0 when the header is unreadable; the
// engine reports that image's problem when it is processed).
std::optional<ImageRecord> describeImageFile(const QString& path, QString* error);

// The window's import, run on a worker thread: every image file among `inputs` described, in
// order. Stops early (cancelled = true) when `cancel` becomes true.
struct ImageScan {
    QList<ImageRecord> records;
    QStringList errors;   // one line for each file that could not be read
    QStringList missing;  // inputs that do not exist
    bool cancelled = false;
};
ImageScan scanImages(const QStringList& inputs, const std::atomic<bool>& cancel);

}  // namespace vistag::catalog

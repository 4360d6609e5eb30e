// Finding image files and describing them for the catalogue (content hash, pixel size from the
// header), shared by `vistag-cli tag` and the window's import.
#pragma once

#include <QStringList>
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

}  // namespace vistag::catalog

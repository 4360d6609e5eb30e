// Finding image files and describing them for the catalogue (content hash, pixel size from the
// header), shared by `vistag-cli tag` and the window's import.
#pragma once

#include <QByteArrayView>
#include <QList>
#include <QStringList>
#include <atomic>
#include <optional>

#include "tags/types.h"

namespace vistag::catalog {

// Image files among `inputs` (files, and folders searched recursively, sorted), absolute paths,
// no duplicates. Inputs that do not exist are listed in *missing. Files and folders in the
// folders whose names are not valid UTF-8 cannot be opened through a QString (Qt decodes names
// as UTF-8): one message each, naming the bytes, goes to *undecodable.
QStringList collectImageFiles(const QStringList& inputs, QStringList* missing = nullptr,
                              QStringList* undecodable = nullptr);

bool isImageFileName(const QString& path);

// Why the local engine cannot use the file at `path` although it is an image (a GIF: see
// inference::unsupportedImageFormat), as "<path>: <why>"; empty when it can, or the file cannot
// be read. (An inference server other than vistag-cli serve may read such files: `tag --server`
// sends them.)
QString unsupportedImageFile(const QString& path);

// sha256 of the bytes and width/height from the header (0 when the header is unreadable; the
// engine reports that image's problem when it is processed).
std::optional<ImageRecord> describeImageFile(const QString& path, QString* error);

// Why a file is refused when it is added in the window: the model could not use it.
enum class ImageProblem {
    Unreadable,  // the file cannot be opened or read
    Empty,       // 0 bytes
    NotAnImage,  // no image header of a known format (a text file named .jpg, say)
    Truncated,   // the header is fine but the file ends before the image does
};

struct RefusedImage {
    QString path;
    ImageProblem problem = ImageProblem::Unreadable;
    QString detail;  // in English, for the log
};

// Whether the file is an image the engine can be given: not empty, a known header other than GIF
// (NotAnImage, unsupportedImageFile()), and complete
// (JPEG ends with its end-of-image marker, PNG with IEND, GIF with its trailer, WebP as long as
// its RIFF size says). Reads the header and the last 4 KB only. nullopt = fine.
std::optional<RefusedImage> checkImageFile(const QString& path);

// The window's import, run on a worker thread: every image file among `inputs` described, in
// order; files checkImageFile() refuses are listed in `refused` and not described. Stops early
// (cancelled = true) when `cancel` becomes true.
struct ImageScan {
    QList<ImageRecord> records;
    QList<RefusedImage> refused;
    QStringList errors;   // one line for each file that could not be read or was refused, and
                          // for each name in the folders that is not valid UTF-8
    QStringList missing;  // inputs that do not exist
    bool cancelled = false;
};
ImageScan scanImages(const QStringList& inputs, const std::atomic<bool>& cancel);

}  // namespace vistag::catalog

#include "catalog/image_scan.h"

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

#include "vistag/inference/image_file.h"

namespace vistag::catalog {

bool isImageFileName(const QString& path) {
    static const QStringList kSuffixes{"jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"};
    return kSuffixes.contains(QFileInfo(path).suffix().toLower());
}

QStringList collectImageFiles(const QStringList& inputs, QStringList* missing) {
    QStringList out;
    for (const QString& in : inputs) {
        const QFileInfo fi(in);
        if (fi.isDir()) {
            QDirIterator it(fi.absoluteFilePath(), QDir::Files, QDirIterator::Subdirectories);
            QStringList found;
            while (it.hasNext()) {
                const QString p = it.next();
                if (isImageFileName(p))
                    found << p;
            }
            found.sort();
            out << found;
        } else if (fi.isFile()) {
            out << fi.absoluteFilePath();
        } else if (missing) {
            missing->append(in);
        }
    }
    out.removeDuplicates();
    return out;
}

std::optional<ImageRecord> describeImageFile(const QString& path, QString* error) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot open the file").arg(path);
        return std::nullopt;
    }
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QByteArray head = f.peek(65536);
    if (!hash.addData(&f)) {
        if (error)
            *error = QStringLiteral("%1: cannot read the file").arg(path);
        return std::nullopt;
    }
    ImageRecord r;
    r.path = path;
    r.contentHash = QString::fromLatin1(hash.result().toHex());
    auto header = inference::readImageHeader(std::string_view(head.constData(), head.size()),
                                             path.toStdString());
    if (header) {
        r.width = static_cast<int>(header->width);
        r.height = static_cast<int>(header->height);
    }
    return r;
}

ImageScan scanImages(const QStringList& inputs, const std::atomic<bool>& cancel) {
    ImageScan scan;
    for (const QString& path : collectImageFiles(inputs, &scan.missing)) {
        if (cancel.load()) {
            scan.cancelled = true;
            break;
        }
        QString error;
        if (auto r = describeImageFile(path, &error))
            scan.records << *r;
        else
            scan.errors << error;
    }
    return scan;
}

}  // namespace vistag::catalog

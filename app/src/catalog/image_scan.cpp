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

namespace {

RefusedImage refused(const QString& path, ImageProblem problem, const QString& detail) {
    return {path, problem, QStringLiteral("%1: %2").arg(path, detail)};
}

}  // namespace

std::optional<RefusedImage> checkImageFile(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return refused(path, ImageProblem::Unreadable,
                       QStringLiteral("cannot open the file (%1)").arg(f.errorString()));
    const qint64 size = f.size();
    if (size == 0)
        return refused(path, ImageProblem::Empty, QStringLiteral("the file is empty"));
    const QByteArray head = f.read(65536);
    if (head.isEmpty())
        return refused(path, ImageProblem::Unreadable,
                       QStringLiteral("cannot read the file (%1)").arg(f.errorString()));
    const auto header = inference::readImageHeader(
        std::string_view(head.constData(), static_cast<size_t>(head.size())), path.toStdString());
    if (!header)
        return refused(path, ImageProblem::NotAnImage,
                       QString::fromStdString(header.error().message()));
    constexpr qint64 kTail = 4096;
    QByteArray tail;
    if (size <= head.size()) {
        tail = head.right(kTail);
    } else if (f.seek(size - kTail)) {
        tail = f.read(kTail);
    }
    if (tail.isEmpty())
        return refused(path, ImageProblem::Unreadable, QStringLiteral("cannot read the file"));
    const std::string& format = header->format;
    bool complete = true;
    if (format == "jpeg") {
        // The end-of-image marker; cameras may append a little after it.
        complete = tail.contains(QByteArray("\xFF\xD9", 2));
    } else if (format == "png") {
        complete = tail.right(64).contains("IEND");
    } else if (format == "gif") {
        QByteArray t = tail;
        while (!t.isEmpty() && (t.back() == '\0' || t.back() == '\n' || t.back() == '\r'))
            t.chop(1);
        complete = !t.isEmpty() && t.back() == 0x3B;
    } else if (format == "webp" && head.size() >= 8) {
        const auto* p = reinterpret_cast<const uchar*>(head.constData());
        const qint64 riff =
            qint64(p[4]) | qint64(p[5]) << 8 | qint64(p[6]) << 16 | qint64(p[7]) << 24;
        complete = riff + 8 <= size;
    }
    if (!complete)
        return refused(path, ImageProblem::Truncated,
                       QStringLiteral("the %1 file ends before the image does (truncated)")
                           .arg(QString::fromStdString(format)));
    return std::nullopt;
}

ImageScan scanImages(const QStringList& inputs, const std::atomic<bool>& cancel) {
    ImageScan scan;
    for (const QString& path : collectImageFiles(inputs, &scan.missing)) {
        if (cancel.load()) {
            scan.cancelled = true;
            break;
        }
        if (auto problem = checkImageFile(path)) {
            scan.errors << problem->detail;
            scan.refused << *problem;
            continue;
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

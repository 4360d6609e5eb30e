#include "catalog/image_scan.h"

#include <dirent.h>

#include <QCryptographicHash>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>
#include <QStringDecoder>

#include "vistag/inference/image_file.h"

namespace vistag::catalog {

bool isImageFileName(const QString& path) {
    static const QStringList kSuffixes{"jpg", "jpeg", "png", "webp", "bmp", "gif", "tif", "tiff"};
    return kSuffixes.contains(QFileInfo(path).suffix().toLower());
}

namespace {

QString unsupportedFormat(const QString& path, QByteArrayView head) {
    const std::string why = inference::unsupportedImageFormat(
        std::string_view(head.data(), static_cast<size_t>(head.size())));
    return why.empty() ? QString() : path + QStringLiteral(": ") + QString::fromStdString(why);
}

}  // namespace

QString unsupportedImageFile(const QString& path) {
    QFile f(path);
    return f.open(QIODevice::ReadOnly) ? unsupportedFormat(path, f.read(16)) : QString();
}

namespace {

bool isValidUtf8(const QByteArray& bytes) {
    QStringDecoder utf8(QStringDecoder::Utf8);
    const QString decoded = utf8.decode(bytes);  // (decode() is lazy: it must be converted)
    Q_UNUSED(decoded);
    return !utf8.hasError();
}

// A file name that is not valid UTF-8, shown so that it can be found: printable ASCII as it is,
// every other byte as \xNN, and what it reads as in GBK (GB 18030) when that decodes.
QString describeRawName(const QString& folder, const QByteArray& name) {
    QString shown;
    for (const char c : name) {
        const auto b = static_cast<uchar>(c);
        shown += b >= 0x20 && b < 0x7f ? QString(QLatin1Char(c))
                                       : QStringLiteral("\\x%1").arg(b, 2, 16, QLatin1Char('0'));
    }
    QString message = QStringLiteral(
                          "%1/%2: the file name is not valid UTF-8, so Vistag cannot "
                          "open the file")
                          .arg(folder, shown);
    QStringDecoder gbk("GB18030");
    if (gbk.isValid()) {
        const QString asGbk = gbk.decode(name);
        if (!gbk.hasError())
            message += QStringLiteral(" (in GBK it reads “%1”)").arg(asGbk);
    }
    return message + QStringLiteral(
                         "; rename it to UTF-8 (for example: convmv -f gbk -t utf8 "
                         "--notest -r FOLDER)");
}

// The entries of `folder` whose names are not valid UTF-8: QDirIterator cannot name them (Qt
// decodes names as UTF-8 and the bytes are lost), so they would be left out without a word.
void findUndecodableNames(const QString& folder, QStringList* out) {
    DIR* dir = ::opendir(QFile::encodeName(folder).constData());
    if (!dir)
        return;
    while (const dirent* e = ::readdir(dir)) {
        const QByteArray name(e->d_name);
        if (!isValidUtf8(name))
            out->append(describeRawName(folder, name));
    }
    ::closedir(dir);
}

}  // namespace

QStringList collectImageFiles(const QStringList& inputs, QStringList* missing,
                              QStringList* undecodable) {
    QStringList out;
    for (const QString& in : inputs) {
        const QFileInfo fi(in);
        if (fi.isDir()) {
            if (undecodable)
                findUndecodableNames(fi.absoluteFilePath(), undecodable);
            QDirIterator it(fi.absoluteFilePath(), QDir::Files | QDir::Dirs | QDir::NoDotAndDotDot,
                            QDirIterator::Subdirectories);
            QStringList found;
            while (it.hasNext()) {
                const QString p = it.next();
                const QFileInfo entry = it.fileInfo();
                if (entry.isDir()) {
                    if (undecodable)
                        findUndecodableNames(p, undecodable);
                } else if (entry.isFile() && isImageFileName(p)) {
                    found << p;
                }
            }
            found.sort();
            out << found;
        } else if (fi.isFile()) {
            out << fi.absoluteFilePath();
        } else if (missing) {
            // A name given on the command line that is not valid UTF-8 arrives with U+FFFD in
            // place of its bytes: say so, rather than only "does not exist".
            missing->append(in.contains(QChar::ReplacementCharacter)
                                ? in + QStringLiteral(" (the name is not valid UTF-8 as given; "
                                                      "if the file exists, rename it to UTF-8, "
                                                      "for example with convmv -f gbk -t utf8 "
                                                      "--notest)")
                                : in);
        }
    }
    out.removeDuplicates();
    if (undecodable)
        undecodable->removeDuplicates();
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
    if (const QString why = unsupportedFormat(path, head); !why.isEmpty())
        return {{path, ImageProblem::NotAnImage, why}};
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
    QStringList undecodable;
    const QStringList paths = collectImageFiles(inputs, &scan.missing, &undecodable);
    scan.errors << undecodable;
    for (const QString& path : paths) {
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

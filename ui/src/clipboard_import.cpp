#include "clipboard_import.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QMimeData>
#include <QSaveFile>
#include <QStandardPaths>
#include <QUrl>

namespace vistag::ui {

PasteContent pasteContent(const QMimeData* mime) {
    PasteContent c;
    if (!mime)
        return c;
    if (mime->hasUrls())
        for (const QUrl& url : mime->urls())
            if (url.isLocalFile())
                c.paths << url.toLocalFile();
    if (c.paths.isEmpty() && mime->hasImage())
        c.image = qvariant_cast<QImage>(mime->imageData());
    return c;
}

QString pastedImagesFolder() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/pasted");
}

QString savePastedImage(const QImage& image, const QString& folder, QString* error) {
    const auto fail = [error](const QString& why) {
        if (error)
            *error = why;
        return QString();
    };
    if (image.isNull())
        return fail(
            QCoreApplication::translate("vistag::ui::MainWindow", "The clipboard holds no image."));
    const QImage pixels = image.convertToFormat(image.hasAlphaChannel() ? QImage::Format_ARGB32
                                                                        : QImage::Format_RGB32);
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(QByteArray::number(pixels.width()) + 'x' + QByteArray::number(pixels.height()));
    for (int y = 0; y < pixels.height(); ++y)
        hash.addData(QByteArrayView(reinterpret_cast<const char*>(pixels.constScanLine(y)),
                                    pixels.width() * 4));
    const QString name =
        QStringLiteral("pasted-%1.png").arg(QString::fromLatin1(hash.result().toHex().left(16)));
    if (!QDir().mkpath(folder))
        return fail(QCoreApplication::translate("vistag::ui::MainWindow",
                                                "The folder %1 could not be created.")
                        .arg(QDir::toNativeSeparators(folder)));
    const QString path = QDir(folder).filePath(name);
    if (QFileInfo::exists(path))
        return path;  // pasted before
    QSaveFile out(path);
    if (!out.open(QIODevice::WriteOnly) || !pixels.save(&out, "PNG") || !out.commit())
        return fail(QCoreApplication::translate("vistag::ui::MainWindow",
                                                "The pasted image could not be saved to %1: %2")
                        .arg(QDir::toNativeSeparators(path), out.errorString()));
    return path;
}

}  // namespace vistag::ui

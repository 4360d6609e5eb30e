#include "thumbnailer.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>
#include <QImageReader>
#include <QRunnable>
#include <QSaveFile>

namespace vistag::ui {

QImage loadThumbnail(const QString& path, int size, const QString& cacheDir) {
    const QFileInfo fi(path);
    QString cached;
    if (!cacheDir.isEmpty()) {
        const QByteArray key = QStringLiteral("%1|%2|%3|%4")
                                   .arg(fi.absoluteFilePath())
                                   .arg(fi.size())
                                   .arg(fi.lastModified().toMSecsSinceEpoch())
                                   .arg(size)
                                   .toUtf8();
        cached = QDir(cacheDir).filePath(
            QString::fromLatin1(QCryptographicHash::hash(key, QCryptographicHash::Sha1).toHex()) +
            QStringLiteral(".png"));
        QImage img(cached);
        if (!img.isNull())
            return img;
    }
    QImageReader reader(path);
    reader.setAutoTransform(true);  // EXIF orientation
    const QSize full = reader.size();
    if (!full.isValid() || full.isEmpty())
        return {};
    // Refuse decompression bombs from the header, as the engine does.
    if (static_cast<qint64>(full.width()) * full.height() > 128LL * 1024 * 1024)
        return {};
    if (full.width() > size || full.height() > size)  // small images are not blown up
        reader.setScaledSize(full.scaled(size, size, Qt::KeepAspectRatio));
    QImage img = reader.read();
    if (img.isNull())
        return {};
    if (!cached.isEmpty()) {
        QDir().mkpath(cacheDir);
        QSaveFile out(cached);
        if (out.open(QIODevice::WriteOnly) && img.save(&out, "PNG"))
            out.commit();
    }
    return img;
}

Thumbnailer::Thumbnailer(const QString& cacheDir, int size, QObject* parent)
    : QObject(parent), cacheDir_(cacheDir), size_(size), memory_(2000) {
    pool_.setMaxThreadCount(qMax(1, QThread::idealThreadCount() - 1));
}

Thumbnailer::~Thumbnailer() {
    pool_.clear();
    pool_.waitForDone();
}

QImage Thumbnailer::thumbnail(const QString& path) {
    if (QImage* hit = memory_.object(path))
        return *hit;
    if (inFlight_.contains(path) || failed_.contains(path))
        return {};
    inFlight_.insert(path);
    const QString dir = cacheDir_;
    const int size = size_;
    // The destructor waits for the pool, so `this` outlives every task; the queued call is
    // dropped by Qt if the object is gone by the time the GUI thread would run it.
    pool_.start(QRunnable::create([this, path, dir, size] {
        const QImage img = loadThumbnail(path, size, dir);
        QMetaObject::invokeMethod(
            this, [this, path, img] { finished(path, img); }, Qt::QueuedConnection);
    }));
    return {};
}

void Thumbnailer::finished(const QString& path, const QImage& image) {
    inFlight_.remove(path);
    if (image.isNull()) {
        failed_.insert(path);
        emit failed(path);
        return;
    }
    memory_.insert(path, new QImage(image));
    emit ready(path, image);
}

void Thumbnailer::clearPending() {
    pool_.clear();
    // Requests dropped from the queue can be asked for again.
    inFlight_.clear();
}

void Thumbnailer::waitForDone() {
    pool_.waitForDone();
}

}  // namespace vistag::ui

// Thumbnails decoded off the GUI thread, cached in memory (LRU) and on disk. Views ask only for
// the rows they paint, so a catalogue of 10,000 images decodes only what is near the viewport.
#pragma once

#include <QCache>
#include <QImage>
#include <QObject>
#include <QSet>
#include <QThreadPool>

namespace vistag::ui {

class Thumbnailer final : public QObject {
    Q_OBJECT
public:
    // cacheDir: where PNG thumbnails are kept between runs ("" = no disk cache).
    explicit Thumbnailer(const QString& cacheDir, int size = 192, QObject* parent = nullptr);
    ~Thumbnailer() override;

    int size() const { return size_; }
    // The thumbnail if it is in memory; otherwise a null image and a request is queued (once),
    // answered later by ready().
    QImage thumbnail(const QString& path);
    // Requests not started yet are dropped (e.g. the view scrolled far away).
    void clearPending();
    // Waits for running decodes (tests, shutdown).
    void waitForDone();

signals:
    void ready(const QString& path, const QImage& image);
    void failed(const QString& path);

private:
    void finished(const QString& path, const QImage& image);

    QString cacheDir_;
    int size_;
    QThreadPool pool_;
    QCache<QString, QImage> memory_;
    QSet<QString> inFlight_;
    QSet<QString> failed_;
};

// Decodes `path` scaled to fit size×size (QImageReader scales while decoding where the format
// allows, so a 6000×4000 JPEG never becomes a full-size image), using and filling the disk cache.
QImage loadThumbnail(const QString& path, int size, const QString& cacheDir);

}  // namespace vistag::ui

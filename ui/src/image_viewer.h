// The large view of the current image: fit to the window (default) or a zoom factor, zoom about
// a point (Ctrl+wheel, +/-, the View menu), pan by dragging or with the scrollbars, double-click
// toggles fit / 100 %. Files are decoded off the GUI thread (EXIF orientation applied) into a
// small pyramid of halved copies, so painting a 50-megapixel photo at fit costs about as much as
// painting the window.
#pragma once

#include <QAbstractScrollArea>
#include <QImage>
#include <QList>
#include <QThreadPool>

namespace vistag::ui {

class ImageViewer final : public QAbstractScrollArea {
    Q_OBJECT
public:
    explicit ImageViewer(QWidget* parent = nullptr);
    ~ImageViewer() override;

    // Starts decoding `path` on a worker thread ("" clears); a newer call wins over an older one
    // still decoding. imageLoaded() / loadFailed() report the outcome.
    void setImagePath(const QString& path);
    // Shows an image already in memory (fit to the window).
    void setImage(const QImage& image);
    QString imagePath() const { return path_; }
    QSize imageSize() const { return levels_.isEmpty() ? QSize() : levels_.first().size(); }
    bool hasImage() const { return !levels_.isEmpty(); }

    // Logical (device-independent) pixels per image pixel.
    double scale() const { return scale_; }
    bool isFit() const { return fit_; }
    // The scale at which the whole image fits the viewport (never above 1: small images are
    // shown at 100 %).
    double fitScale() const;
    static constexpr double kMinScale = 0.02;
    static constexpr double kMaxScale = 32.0;

    void fitToWindow();
    void actualSize();  // 100 %: one image pixel per device pixel, about the viewport centre
    double actualScale() const;  // the scale() of 100 % (1 / device pixel ratio)
    void toggleFitActual() { fit_ ? actualSize() : fitToWindow(); }
    // Multiplies the scale by `factor`, keeping the image point under `viewportPos` in place.
    void zoomAt(double factor, QPointF viewportPos);
    // About the cursor when it is over the image, otherwise the centre.
    void zoomIn();
    void zoomOut();
    // Sets the scale about `viewportPos` (clamped to kMinScale…kMaxScale).
    void setScaleAt(double scale, QPointF viewportPos);

    // Coordinate maps between viewport pixels and image pixels at the current scale and scroll.
    QPointF viewportToImage(QPointF viewportPos) const;
    QPointF imageToViewport(QPointF imagePos) const;
    // Where the whole image lies in viewport coordinates.
    QRectF imageRectInViewport() const;

    // Waits for a running decode (tests).
    void waitForDecode();

signals:
    void imageLoaded(const QString& path, const QSize& size);
    void loadFailed(const QString& path, const QString& error);
    void scaleChanged(double scale, bool fit);

protected:
    void paintEvent(QPaintEvent* event) override;
    void changeEvent(QEvent* event) override;  // LanguageChange: the texts drawn, again
    void resizeEvent(QResizeEvent* event) override;
    void wheelEvent(QWheelEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void mouseDoubleClickEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void decoded(quint64 generation, const QString& path, const QList<QImage>& levels,
                 const QString& error);
    void updateScrollBars();
    QPointF origin() const;  // viewport position of the image's top-left corner
    QPointF zoomCentre() const;

    QString path_;
    QList<QImage> levels_;  // full size, then halved copies down to ~1024 px
    QString message_;       // shown when there is no image (loading, error)
    double scale_ = 1.0;
    bool fit_ = true;
    quint64 generation_ = 0;
    QPoint dragFrom_;
    bool dragging_ = false;
    QThreadPool pool_;
};

// Decodes an image file for viewing: EXIF orientation applied, refused above ~128 megapixels,
// then halved copies (smooth) until the long side is at most 1024. Empty list and *error on
// failure. Thread-safe.
QList<QImage> decodeForViewer(const QString& path, QString* error);

}  // namespace vistag::ui

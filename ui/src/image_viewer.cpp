#include "image_viewer.h"

#include <QImageReader>
#include <QMouseEvent>
#include <QPainter>
#include <QRunnable>
#include <QScrollBar>
#include <QWheelEvent>
#include <cmath>

namespace vistag::ui {
namespace {

constexpr int kSmallestLevel = 1024;  // pyramid stops once the long side is this small
constexpr double kStep = 1.25;        // one zoom step (key, menu)

}  // namespace

QList<QImage> decodeForViewer(const QString& path, QString* error) {
    QImageReader reader(path);
    reader.setAutoTransform(true);  // EXIF orientation
    const QSize size = reader.size();
    if (size.isValid() && static_cast<qint64>(size.width()) * size.height() > 128LL * 1024 * 1024) {
        if (error)
            *error = ImageViewer::tr("The image is too large to show (%1 × %2 pixels).")
                         .arg(size.width())
                         .arg(size.height());
        return {};
    }
    QImage img = reader.read();
    if (img.isNull()) {
        if (error)
            *error = ImageViewer::tr("The image could not be read: %1").arg(reader.errorString());
        return {};
    }
    img = img.convertToFormat(img.hasAlphaChannel() ? QImage::Format_ARGB32_Premultiplied
                                                    : QImage::Format_RGB32);
    QList<QImage> levels{img};
    while (qMax(levels.last().width(), levels.last().height()) > kSmallestLevel) {
        const QImage& prev = levels.last();
        levels << prev.scaled(qMax(1, prev.width() / 2), qMax(1, prev.height() / 2),
                              Qt::IgnoreAspectRatio, Qt::SmoothTransformation);
    }
    return levels;
}

ImageViewer::ImageViewer(QWidget* parent) : QAbstractScrollArea(parent) {
    setObjectName(QStringLiteral("imageViewer"));
    pool_.setMaxThreadCount(1);
    setFocusPolicy(Qt::StrongFocus);
    setFrameShape(QFrame::NoFrame);
    viewport()->setCursor(Qt::OpenHandCursor);
    horizontalScrollBar()->setSingleStep(24);
    verticalScrollBar()->setSingleStep(24);
    setMinimumSize(160, 160);
}

ImageViewer::~ImageViewer() {
    pool_.clear();
    pool_.waitForDone();
}

void ImageViewer::setImagePath(const QString& path) {
    const quint64 generation = ++generation_;
    path_ = path;
    pool_.clear();  // an older request not started yet is dropped
    if (path.isEmpty()) {
        levels_.clear();
        message_.clear();
        updateScrollBars();
        viewport()->update();
        return;
    }
    // The image on screen stays until the new one is decoded (no flicker when walking the
    // catalogue with the keyboard).
    pool_.start(QRunnable::create([this, generation, path] {
        QString error;
        const QList<QImage> levels = decodeForViewer(path, &error);
        QMetaObject::invokeMethod(
            this,
            [this, generation, path, levels, error] { decoded(generation, path, levels, error); },
            Qt::QueuedConnection);
    }));
}

void ImageViewer::setImage(const QImage& image) {
    ++generation_;
    path_.clear();
    decoded(generation_, {}, image.isNull() ? QList<QImage>{} : QList<QImage>{image}, {});
}

void ImageViewer::decoded(quint64 generation, const QString& path, const QList<QImage>& levels,
                          const QString& error) {
    if (generation != generation_)
        return;  // a newer image was asked for meanwhile
    levels_ = levels;
    message_ = error;
    fitToWindow();
    if (levels_.isEmpty())
        emit loadFailed(path, error);
    else
        emit imageLoaded(path, levels_.first().size());
}

void ImageViewer::waitForDecode() {
    pool_.waitForDone();
}

double ImageViewer::fitScale() const {
    if (levels_.isEmpty())
        return 1.0;
    const QSize img = levels_.first().size();
    const QSize vp = viewport()->size();
    if (img.isEmpty() || vp.isEmpty())
        return 1.0;
    return qMin(1.0, qMin(double(vp.width()) / img.width(), double(vp.height()) / img.height()));
}

QPointF ImageViewer::origin() const {
    if (levels_.isEmpty())
        return {};
    const QSizeF content = QSizeF(levels_.first().size()) * scale_;
    const QSizeF vp = viewport()->size();
    const double x = content.width() <= vp.width() ? (vp.width() - content.width()) / 2
                                                   : -horizontalScrollBar()->value();
    const double y = content.height() <= vp.height() ? (vp.height() - content.height()) / 2
                                                     : -verticalScrollBar()->value();
    return {x, y};
}

QPointF ImageViewer::viewportToImage(QPointF p) const {
    return (p - origin()) / scale_;
}

QPointF ImageViewer::imageToViewport(QPointF p) const {
    return origin() + p * scale_;
}

QRectF ImageViewer::imageRectInViewport() const {
    if (levels_.isEmpty())
        return {};
    return {origin(), QSizeF(levels_.first().size()) * scale_};
}

void ImageViewer::updateScrollBars() {
    const QSizeF content = levels_.isEmpty() ? QSizeF() : QSizeF(levels_.first().size()) * scale_;
    const QSize vp = viewport()->size();
    horizontalScrollBar()->setRange(0, qMax(0, int(std::ceil(content.width() - vp.width()))));
    verticalScrollBar()->setRange(0, qMax(0, int(std::ceil(content.height() - vp.height()))));
    horizontalScrollBar()->setPageStep(vp.width());
    verticalScrollBar()->setPageStep(vp.height());
}

void ImageViewer::fitToWindow() {
    fit_ = true;
    scale_ = fitScale();
    updateScrollBars();
    viewport()->update();
    emit scaleChanged(scale_, fit_);
}

double ImageViewer::actualScale() const {
    // One image pixel per device pixel (on a 200 % screen that is half a logical pixel).
    const double dpr = viewport()->devicePixelRatioF();
    return dpr > 0 ? 1.0 / dpr : 1.0;
}

void ImageViewer::actualSize() {
    setScaleAt(actualScale(), QPointF(viewport()->width() / 2.0, viewport()->height() / 2.0));
}

void ImageViewer::setScaleAt(double scale, QPointF p) {
    if (levels_.isEmpty())
        return;
    const QPointF img = viewportToImage(p);
    scale_ = qBound(kMinScale, scale, kMaxScale);
    fit_ = false;
    updateScrollBars();
    // origin + img·scale = p; on an axis that scrolls, origin = −value.
    horizontalScrollBar()->setValue(qRound(img.x() * scale_ - p.x()));
    verticalScrollBar()->setValue(qRound(img.y() * scale_ - p.y()));
    viewport()->update();
    emit scaleChanged(scale_, fit_);
}

void ImageViewer::zoomAt(double factor, QPointF p) {
    setScaleAt(scale_ * factor, p);
}

QPointF ImageViewer::zoomCentre() const {
    const QPoint cursor = viewport()->mapFromGlobal(QCursor::pos());
    if (viewport()->rect().contains(cursor) && imageRectInViewport().contains(cursor))
        return cursor;
    return QPointF(viewport()->width() / 2.0, viewport()->height() / 2.0);
}

void ImageViewer::zoomIn() {
    zoomAt(kStep, zoomCentre());
}

void ImageViewer::zoomOut() {
    zoomAt(1.0 / kStep, zoomCentre());
}

void ImageViewer::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        viewport()->update();  // the hint and the zoom badge are drawn with tr()
    QAbstractScrollArea::changeEvent(event);
}

void ImageViewer::paintEvent(QPaintEvent*) {
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), QColor(0xf3, 0xf4, 0xf6));
    if (levels_.isEmpty()) {
        p.setPen(QColor(0x6b, 0x72, 0x80));
        p.drawText(viewport()->rect().adjusted(16, 16, -16, -16),
                   Qt::AlignCenter | Qt::TextWordWrap,
                   !message_.isEmpty() ? message_
                   : path_.isEmpty()   ? tr("Select an image to see it here")
                                       : tr("Loading…"));
        return;
    }
    const QRectF target = imageRectInViewport().intersected(QRectF(viewport()->rect()));
    if (target.isEmpty())
        return;
    // The smallest copy that still has at least one pixel per device pixel.
    const QImage& full = levels_.first();
    const QImage* level = &full;
    const double deviceScale = scale_ * viewport()->devicePixelRatioF();
    for (auto it = levels_.crbegin(); it != levels_.crend(); ++it) {
        if (it->width() >= full.width() * deviceScale - 0.5) {
            level = &*it;
            break;
        }
    }
    const double levelScale = double(level->width()) / full.width();
    const QPointF o = origin();
    const QRectF source(
        (target.left() - o.x()) / scale_ * levelScale, (target.top() - o.y()) / scale_ * levelScale,
        target.width() / scale_ * levelScale, target.height() / scale_ * levelScale);
    // Smooth below 200 %; above, the pixels are shown as pixels.
    p.setRenderHint(QPainter::SmoothPixmapTransform, deviceScale < 2.0);
    p.drawImage(target, *level, source);

    // The zoom, in a corner.
    const QString zoom = fit_ ? tr("Fit · %1 %").arg(qRound(deviceScale * 100))
                              : tr("%1 %").arg(qRound(deviceScale * 100));
    const QFontMetrics fm(font());
    const QRect badge(viewport()->width() - fm.horizontalAdvance(zoom) - 22,
                      viewport()->height() - fm.height() - 14, fm.horizontalAdvance(zoom) + 14,
                      fm.height() + 6);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(QColor(17, 24, 39, 150));
    p.drawRoundedRect(badge, 4, 4);
    p.setPen(Qt::white);
    p.drawText(badge, Qt::AlignCenter, zoom);
}

void ImageViewer::resizeEvent(QResizeEvent* event) {
    QAbstractScrollArea::resizeEvent(event);
    if (fit_)
        fitToWindow();
    else
        updateScrollBars();
}

void ImageViewer::wheelEvent(QWheelEvent* event) {
    if (!(event->modifiers() & Qt::ControlModifier)) {
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    const int delta = event->angleDelta().y();
    if (delta == 0)
        return;
    zoomAt(std::pow(kStep, delta / 120.0), event->position());
    event->accept();
}

void ImageViewer::mousePressEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton)
        return QAbstractScrollArea::mousePressEvent(event);
    dragging_ = true;
    dragFrom_ = event->position().toPoint();
    viewport()->setCursor(Qt::ClosedHandCursor);
    event->accept();
}

void ImageViewer::mouseMoveEvent(QMouseEvent* event) {
    if (!dragging_)
        return QAbstractScrollArea::mouseMoveEvent(event);
    const QPoint now = event->position().toPoint();
    const QPoint d = now - dragFrom_;
    dragFrom_ = now;
    horizontalScrollBar()->setValue(horizontalScrollBar()->value() - d.x());
    verticalScrollBar()->setValue(verticalScrollBar()->value() - d.y());
    event->accept();
}

void ImageViewer::mouseReleaseEvent(QMouseEvent* event) {
    if (!dragging_)
        return QAbstractScrollArea::mouseReleaseEvent(event);
    dragging_ = false;
    viewport()->setCursor(Qt::OpenHandCursor);
    event->accept();
}

void ImageViewer::mouseDoubleClickEvent(QMouseEvent* event) {
    if (event->button() != Qt::LeftButton || levels_.isEmpty())
        return QAbstractScrollArea::mouseDoubleClickEvent(event);
    if (fit_)
        setScaleAt(actualScale(), event->position());
    else
        fitToWindow();
    event->accept();
}

void ImageViewer::keyPressEvent(QKeyEvent* event) {
    switch (event->key()) {
        case Qt::Key_Plus:
        case Qt::Key_Equal:
            zoomIn();
            break;
        case Qt::Key_Minus:
            zoomOut();
            break;
        case Qt::Key_0:
            fitToWindow();
            break;
        case Qt::Key_1:
            actualSize();
            break;
        default:
            QAbstractScrollArea::keyPressEvent(event);
            return;
    }
    event->accept();
}

}  // namespace vistag::ui

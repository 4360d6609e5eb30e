// The image viewer's fit / zoom / pan maths on real widgets (offscreen), decoding off the GUI
// thread and EXIF orientation.
#include <QImage>
#include <QImageWriter>
#include <QScrollBar>
#include <QTemporaryDir>
#include <QtTest>

#include "image_viewer.h"

using vistag::ui::ImageViewer;

namespace {

// A test card: each pixel's colour says where it is, so a point can be checked on screen.
QImage card(int w, int h) {
    QImage img(w, h, QImage::Format_RGB32);
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x)
            img.setPixel(x, y, qRgb(x * 255 / w, y * 255 / h, 128));
    return img;
}

void comparePoints(QPointF a, QPointF b, double tolerance) {
    QVERIFY2(
        qAbs(a.x() - b.x()) <= tolerance && qAbs(a.y() - b.y()) <= tolerance,
        qPrintable(
            QStringLiteral("(%1, %2) vs (%3, %4)").arg(a.x()).arg(a.y()).arg(b.x()).arg(b.y())));
}

}  // namespace

class TestImageViewer final : public QObject {
    Q_OBJECT
private:
    QTemporaryDir tmp_;

private slots:
    void fitFitsAndCentres() {
        ImageViewer v;
        v.resize(600, 400);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setImage(card(2000, 1000));
        QVERIFY(v.isFit());
        const QSize vp = v.viewport()->size();
        // 2:1 image in the viewport: the width is the limit.
        QCOMPARE(v.scale(), qMin(double(vp.width()) / 2000, double(vp.height()) / 1000));
        const QRectF r = v.imageRectInViewport();
        QVERIFY(r.width() <= vp.width() + 1e-9 && r.height() <= vp.height() + 1e-9);
        QVERIFY(qAbs(r.width() - vp.width()) < 1e-6 || qAbs(r.height() - vp.height()) < 1e-6);
        comparePoints(r.center(), QPointF(vp.width() / 2.0, vp.height() / 2.0), 1e-6);
        QCOMPARE(v.horizontalScrollBar()->maximum(), 0);  // nothing to scroll at fit

        // Fit follows the window.
        v.resize(900, 800);
        QTRY_COMPARE(v.scale(), qMin(double(v.viewport()->width()) / 2000,
                                     double(v.viewport()->height()) / 1000));
        // A small image is shown at 100 %, not blown up.
        v.setImage(card(100, 80));
        QCOMPARE(v.scale(), 1.0);
        QVERIFY(v.isFit());
    }

    void zoomKeepsThePointUnderTheCursor() {
        ImageViewer v;
        v.resize(640, 480);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setImage(card(3000, 2000));
        // From fit, zooming about the image's centre keeps it in the middle.
        const QPointF middle(v.viewport()->width() / 2.0, v.viewport()->height() / 2.0);
        comparePoints(v.imageToViewport(QPointF(1500, 1000)), middle, 1e-6);
        v.zoomAt(1.5, middle);
        comparePoints(v.imageToViewport(QPointF(1500, 1000)), middle, 0.51);
        // Where the image is larger than the window on both axes, any point under the cursor
        // stays there. (At an edge the image is not pulled away from it, and an axis that is
        // smaller than the window is centred, so there the point may move.)
        v.actualSize();
        const QPointF cursor(150, 120);
        for (double factor : {1.25, 2.0, 3.0, 1.6, 0.5, 0.8}) {
            const QPointF before = v.viewportToImage(cursor);
            const double oldScale = v.scale();
            v.zoomAt(factor, cursor);
            QVERIFY(!v.isFit());
            QCOMPARE(v.scale(), oldScale * factor);
            // Scroll positions are whole pixels: the point may move by up to half a screen pixel.
            comparePoints(v.imageToViewport(before), cursor, 0.51);
        }
        // The maps are inverses.
        comparePoints(v.imageToViewport(v.viewportToImage(QPointF(33, 44))), QPointF(33, 44), 1e-9);

        // Ctrl+wheel zooms about the wheel's position.
        const QPointF at(400, 300);
        const QPointF img = v.viewportToImage(at);
        const double s = v.scale();
        QWheelEvent wheel(at, v.viewport()->mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton,
                          Qt::ControlModifier, Qt::NoScrollPhase, false);
        QApplication::sendEvent(v.viewport(), &wheel);
        QVERIFY(v.scale() > s);
        comparePoints(v.imageToViewport(img), at, 0.51);

        // What is painted at the cursor is the image pixel the maps say.
        // 100 % is one image pixel per device pixel (the hidpi run has a device pixel ratio of 2).
        v.actualSize();
        QCOMPARE(v.scale(), 1.0 / v.viewport()->devicePixelRatioF());
        QCOMPARE(v.scale(), v.actualScale());
        const QImage shot = v.viewport()->grab().toImage();
        const QPoint probe(200, 150);
        const QPointF p = v.viewportToImage(probe);
        const QRgb expected = card(3000, 2000).pixel(int(p.x()), int(p.y()));
        const QRgb seen = shot.pixel(probe * shot.devicePixelRatio());
        QVERIFY2(
            qAbs(qRed(seen) - qRed(expected)) <= 2 && qAbs(qGreen(seen) - qGreen(expected)) <= 2,
            qPrintable(QStringLiteral("%1 vs %2").arg(seen, 0, 16).arg(expected, 0, 16)));

        // Bounds.
        for (int i = 0; i < 60; ++i)
            v.zoomAt(2.0, at);
        QCOMPARE(v.scale(), ImageViewer::kMaxScale);
        for (int i = 0; i < 60; ++i)
            v.zoomAt(0.5, at);
        QCOMPARE(v.scale(), ImageViewer::kMinScale);
    }

    void dragAndScrollbarsPanAndDoubleClickToggles() {
        ImageViewer v;
        v.resize(500, 400);
        v.show();
        QVERIFY(QTest::qWaitForWindowExposed(&v));
        v.setImage(card(2400, 1800));
        v.actualSize();
        QVERIFY(v.horizontalScrollBar()->maximum() > 0);
        const QPointF centre(v.viewport()->width() / 2.0, v.viewport()->height() / 2.0);
        const QPointF before = v.viewportToImage(centre);
        // Dragging 60 px left and 40 px up moves the image with the mouse.
        QWidget* vp = v.viewport();
        QTest::mousePress(vp, Qt::LeftButton, {}, QPoint(200, 200));
        QMouseEvent move(QEvent::MouseMove, QPointF(140, 160), vp->mapToGlobal(QPointF(140, 160)),
                         Qt::NoButton, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(vp, &move);
        QTest::mouseRelease(vp, Qt::LeftButton, {}, QPoint(140, 160));
        comparePoints(v.viewportToImage(centre), before + QPointF(60, 40) / v.scale(), 1e-9);
        // Scrollbars pan too.
        const int h = v.horizontalScrollBar()->value();
        v.horizontalScrollBar()->setValue(h + 100);
        comparePoints(v.viewportToImage(centre), before + QPointF(160, 40) / v.scale(), 1e-9);

        // Double-click: back to fit, then 100 % about the clicked point.
        QTest::mouseDClick(vp, Qt::LeftButton, {}, QPoint(100, 100));
        QVERIFY(v.isFit());
        QCOMPARE(v.scale(), v.fitScale());
        const QPointF clicked = v.viewportToImage(QPointF(100, 100));
        QTest::mouseDClick(vp, Qt::LeftButton, {}, QPoint(100, 100));
        QVERIFY(!v.isFit());
        QCOMPARE(v.scale(), v.actualScale());
        comparePoints(v.imageToViewport(clicked), QPointF(100, 100), 0.51);

        // Keys: + zooms in, - zooms out, 0 fits.
        v.setFocus();
        const double s = v.scale();
        QTest::keyClick(&v, Qt::Key_Plus);
        QVERIFY(v.scale() > s);
        QTest::keyClick(&v, Qt::Key_Minus);
        QVERIFY(qAbs(v.scale() - s) < 1e-9);
        QTest::keyClick(&v, Qt::Key_0);
        QVERIFY(v.isFit());
    }

    void decodesOffTheGuiThreadWithExifOrientation() {
        // A 300×200 JPEG whose EXIF says "rotate 90° clockwise" (orientation 6) shows as 200×300.
        QImage img = card(300, 200);
        const QString path = tmp_.filePath(QStringLiteral("rotated.jpg"));
        QImageWriter writer(path);
        writer.setTransformation(QImageIOHandler::TransformationRotate90);
        QVERIFY(writer.write(img));

        ImageViewer v;
        v.resize(400, 400);
        QSignalSpy loaded(&v, &ImageViewer::imageLoaded);
        QSignalSpy failed(&v, &ImageViewer::loadFailed);
        v.setImagePath(path);
        QVERIFY(!v.hasImage());  // not decoded on this thread
        QVERIFY(loaded.wait(10000));
        QCOMPARE(loaded.first().at(1).toSize(), QSize(200, 300));
        QCOMPARE(v.imageSize(), QSize(200, 300));

        // The newest request wins; a broken file says so.
        const QString broken = tmp_.filePath(QStringLiteral("broken.png"));
        QFile f(broken);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("not a png");
        f.close();
        loaded.clear();
        v.setImagePath(path);
        v.setImagePath(broken);
        QVERIFY(failed.wait(10000));
        QCOMPARE(failed.first().at(0).toString(), broken);
        QTest::qWait(50);
        QVERIFY(loaded.isEmpty());  // the older request was dropped
        QVERIFY(!v.hasImage());

        // A large image is decoded into a pyramid: the full size is kept for 100 %.
        const QString big = tmp_.filePath(QStringLiteral("big.png"));
        QVERIFY(card(4100, 3000).save(big));
        QString error;
        const QList<QImage> levels = vistag::ui::decodeForViewer(big, &error);
        QVERIFY2(!levels.isEmpty(), qPrintable(error));
        QCOMPARE(levels.first().size(), QSize(4100, 3000));
        QVERIFY(qMax(levels.last().width(), levels.last().height()) <= 1024);
        QCOMPARE(levels.size(), 4);  // 4100 → 2050 → 1025 → 512
    }
};

QTEST_MAIN(TestImageViewer)
#include "test_image_viewer.moc"

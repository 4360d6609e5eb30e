#include <QDir>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QTemporaryDir>
#include <QtTest>

#include "main_window.h"
#include "start_page.h"
#include "translations.h"

namespace {

QString artifactPath(const QString& name) {
    const QString dir = qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath());
    QDir().mkpath(dir);
    const QString suffix = qEnvironmentVariable("VISTAG_SHOT_SUFFIX");
    return dir + QLatin1Char('/') + name + (suffix.isEmpty() ? QString() : '-' + suffix) +
           QStringLiteral(".png");
}

}  // namespace

class TestMainWindow final : public QObject {
    Q_OBJECT
private slots:
    void opensWithStartPageAndSavesScreenshot() {
        QTemporaryDir tmp;
        vistag::ui::MainWindow w(tmp.filePath(QStringLiteral("catalogue.sqlite")));
        w.resize(1280, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(w.windowTitle().contains(QLatin1String("Vistag")));
        QVERIFY(w.startPage()->isVisible());

        const auto buttons = w.startPage()->findChildren<QPushButton*>();
        QCOMPARE(buttons.size(), 3);

        const QImage shot = w.grab().toImage();
        QCOMPARE(shot.size(), w.size() * w.devicePixelRatio());
        // Not a blank window: the start page draws text and buttons in several colours.
        QSet<QRgb> colours;
        for (int y = 0; y < shot.height(); y += 7)
            for (int x = 0; x < shot.width(); x += 7)
                colours.insert(shot.pixel(x, y));
        QVERIFY2(colours.size() > 8, "the window looks blank");
        const QString path = artifactPath(QStringLiteral("main-window-start"));
        QVERIFY2(shot.save(path), qPrintable(path));
    }

    void chineseUiFromTheLocale() {
        QCOMPARE(vistag::ui::installTranslations(*qApp, QStringLiteral("zh_CN")),
                 QStringLiteral("zh_CN"));
        QTemporaryDir tmp;
        {
            vistag::ui::MainWindow w(tmp.filePath(QStringLiteral("catalogue.sqlite")));
            w.resize(1366, 768);
            w.show();
            QVERIFY(QTest::qWaitForWindowExposed(&w));
            QVERIFY(w.windowTitle().contains(QStringLiteral("商品图片审核")));
            auto labels = w.startPage()->findChildren<QLabel*>(QStringLiteral("startTitle"));
            QCOMPARE(labels.size(), 1);
            QCOMPARE(labels[0]->text(), QStringLiteral("欢迎使用 Vistag"));
            QVERIFY(w.grab().save(artifactPath(QStringLiteral("main-window-start-zh"))));
        }
        QCOMPARE(vistag::ui::installTranslations(*qApp, QStringLiteral("en")),
                 QStringLiteral("en"));
        vistag::ui::MainWindow en(tmp.filePath(QStringLiteral("catalogue.sqlite")));
        QVERIFY(en.windowTitle().contains(QStringLiteral("product image review")));
    }

    void startPageMessageShowsAndHides() {
        vistag::ui::StartPage page;
        page.show();
        auto* label = page.findChild<QLabel*>(QStringLiteral("startMessage"));
        QVERIFY(label);
        QVERIFY(!label->isVisible());
        page.setMessage(QStringLiteral("config.json is missing"));
        QVERIFY(label->isVisible());
        page.setMessage(QString());
        QVERIFY(!label->isVisible());
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"

// What test_settings and test_language_switch share: settings kept in a folder of the test's
// own, a window on a small catalogue, and where screenshots go.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QImage>
#include <QListView>
#include <QSettings>
#include <QTemporaryDir>
#include <QtTest>

#include "catalog_model.h"
#include "catalog_pane.h"
#include "logging/app_log.h"
#include "main_window.h"

namespace vistag::test {

inline QString artifactPath(const QString& name) {
    const QString dir = qEnvironmentVariable("VISTAG_ARTIFACTS", QDir::tempPath());
    QDir().mkpath(dir);
    return dir + QLatin1Char('/') + name + QStringLiteral(".png");
}

// QSettings in `config` (never the user's), cleared; the log in `tmp`/logs.
inline void isolateSettings(const QString& appName, const QTemporaryDir& config,
                            const QTemporaryDir& tmp) {
    QCoreApplication::setOrganizationName(QStringLiteral("VistagTest"));
    QCoreApplication::setApplicationName(appName);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, config.path());
    QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, config.path());
    QSettings().clear();
    QVERIFY(vistag::logging::setup(tmp.filePath(QStringLiteral("logs"))));
}

// A catalogue of three images, the window on it, the first image selected.
inline void windowWithImages(vistag::ui::MainWindow& w, const QTemporaryDir& tmp) {
    QStringList files;
    for (int i = 0; i < 3; ++i) {
        const QString f = tmp.filePath(QStringLiteral("img%1.png").arg(i));
        QImage img(64, 48, QImage::Format_RGB32);
        img.fill(qRgb(40 * i, 100, 200 - 30 * i));
        QVERIFY(img.save(f));
        files << f;
    }
    w.resize(1280, 800);
    w.show();
    QVERIFY(QTest::qWaitForWindowExposed(&w));
    QSignalSpy imported(&w, &vistag::ui::MainWindow::importFinished);
    w.importPaths(files);
    QVERIFY(imported.wait(10000));
    QCOMPARE(w.catalogModel()->rowCount(), 3);
    w.selectRow(0);
    QCOMPARE(w.catalogPane()->view()->currentIndex().row(), 0);
}

}  // namespace vistag::test

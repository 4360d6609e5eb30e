#include <QtTest>

#include "about.h"

class TestAbout final : public QObject {
    Q_OBJECT
private slots:
    void versionsAreFilledIn() {
        const auto v = vistag::componentVersions();
        QVERIFY(!v.vistag.isEmpty());
        QVERIFY(!v.libtorch.isEmpty());
        QVERIFY(v.cudaCompiled);
        QCOMPARE(v.qt, QString::fromLatin1(qVersion()));
        QVERIFY(v.opencv.startsWith(QLatin1String("4.")));
        QVERIFY(!v.spdlog.isEmpty());
    }
    void descriptionNamesEveryComponent() {
        const QString text = vistag::describeVersions(vistag::componentVersions()).join('\n');
        for (const char* name :
             {"Vistag", "libtorch", "CUDA compiled in", "GPU available", "Qt", "OpenCV", "spdlog"})
            QVERIFY2(text.contains(QLatin1String(name)), name);
    }
};

QTEST_GUILESS_MAIN(TestAbout)
#include "test_about.moc"

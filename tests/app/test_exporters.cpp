#include <sys/resource.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>
#include <csignal>

#include "catalog/exporters.h"
#include "catalog/xmp_sidecar.h"

using namespace vistag::catalog;

namespace {

QList<TaxonomyAttribute> taxonomy() {
    TaxonomyAttribute style{QStringLiteral("style"),
                            QStringLiteral("风格"),
                            QStringLiteral("Style"),
                            true,
                            QString(),
                            {}};
    style.values << TaxonomyValue{
        QStringLiteral("boho"), QStringLiteral("波西米亚"), QStringLiteral("Bohemian"), {}};
    style.values << TaxonomyValue{
        QStringLiteral("minimal"), QStringLiteral("简约"), QStringLiteral("Minimalist"), {}};
    TaxonomyAttribute colour{QStringLiteral("colour"), QStringLiteral("颜色"),
                             QStringLiteral("Colour"), true,
                             QStringLiteral("color"),  {}};
    colour.values << TaxonomyValue{
        QStringLiteral("red"), QStringLiteral("红色"), QStringLiteral("Red"), {}};
    colour.values << TaxonomyValue{
        QStringLiteral("white"), QStringLiteral("白色"), QStringLiteral("White"), {}};
    return {style, colour};
}

QList<ExportRow> rows(const QString& dir) {
    ExportRow a;
    a.id = dir + QStringLiteral("/dress, red.jpg");
    a.imagePaths = {a.id};
    a.width = 800;
    a.height = 1200;
    a.values[QStringLiteral("style")] = {QStringLiteral("boho"), QStringLiteral("minimal")};
    a.values[QStringLiteral("colour")] = {QStringLiteral("red")};
    a.values[QStringLiteral("fabric")] = {QStringLiteral("雪纺")};  // not in the taxonomy
    ExportRow b;  // an image with no tags still gets its row
    b.id = dir + QStringLiteral("/shirt.png");
    b.imagePaths = {b.id};
    b.skuGroup = QStringLiteral("SKU-1");
    return {a, b};
}

QStringList parseCsvLine(const QString& line) {
    QStringList out;
    QString cur;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                cur += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            out << cur;
            cur.clear();
        } else {
            cur += c;
        }
    }
    out << cur;
    return out;
}

}  // namespace

class TestExporters final : public QObject {
    Q_OBJECT
private slots:
    void csvRoundTrip() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tags.csv"));
        QString err;
        QVERIFY2(writeCsv(rows(dir.path()), taxonomy(), path, &err), qPrintable(err));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QByteArray data = f.readAll();
        QVERIFY(data.startsWith("\xEF\xBB\xBF"));
        const QStringList lines =
            QString::fromUtf8(data.mid(3)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        const QStringList header = parseCsvLine(lines[0]);
        QCOMPARE(header, (QStringList{"id", "image_link", "additional_image_link", "item_group_id",
                                      "style", "color", "fabric"}));
        const QStringList first = parseCsvLine(lines[1]);
        QCOMPARE(first[0], dir.path() + QStringLiteral("/dress, red.jpg"));
        QCOMPARE(first[4], QStringLiteral("boho|minimal"));
        QCOMPARE(first[5], QStringLiteral("red"));
        QCOMPARE(first[6], QStringLiteral("雪纺"));
        const QStringList second = parseCsvLine(lines[2]);
        QCOMPARE(second[3], QStringLiteral("SKU-1"));
        QCOMPARE(second[4], QString());
    }

    // Tracker issue 21: a value a spreadsheet would run as a formula is written as text (a
    // leading apostrophe, OWASP's advice against CSV injection); other values are unchanged.
    void csvNeutralisesFormulaCells() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tags.csv"));
        ExportRow r;
        r.id = QStringLiteral("=HYPERLINK(\"http://evil.example\",\"x\")");
        r.imagePaths = {QStringLiteral("@SUM(1+1)*cmd|' /C calc'!A0")};
        r.skuGroup = QStringLiteral("+1");
        r.values[QStringLiteral("style")] = {QStringLiteral("-2+3")};
        r.values[QStringLiteral("colour")] = {QStringLiteral("\tred")};
        r.values[QStringLiteral("fabric")] = {QStringLiteral("\r=1"), QStringLiteral("=2")};
        ExportRow plain;
        plain.id = QStringLiteral("a-b=c@d");  // only the first character matters
        plain.values[QStringLiteral("style")] = {QStringLiteral("boho")};
        QList<TaxonomyAttribute> attrs = taxonomy();
        attrs[1].merchantColumn = QStringLiteral("=cmd");  // a column name from a taxonomy file
        QString err;
        QVERIFY2(writeCsv({r, plain}, attrs, path, &err), qPrintable(err));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(f.readAll().mid(3)).split(QStringLiteral("\r\n"), Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 3);
        QCOMPARE(parseCsvLine(lines[0])[5], QStringLiteral("'=cmd"));
        const QStringList first = parseCsvLine(lines[1]);
        QCOMPARE(first[0], QStringLiteral("'=HYPERLINK(\"http://evil.example\",\"x\")"));
        QCOMPARE(first[1], QStringLiteral("'@SUM(1+1)*cmd|' /C calc'!A0"));
        QCOMPARE(first[3], QStringLiteral("'+1"));
        QCOMPARE(first[4], QStringLiteral("'-2+3"));
        QCOMPARE(first[5], QStringLiteral("'\tred"));
        QCOMPARE(first[6], QStringLiteral("'\r=1|=2"));
        // No cell of the file starts with a formula character.
        for (const QString& line : lines)
            for (const QString& cell : parseCsvLine(line))
                QVERIFY2(cell.isEmpty() || !QStringLiteral("=+-@\t\r").contains(cell.front()),
                         qPrintable(cell));
        const QStringList second = parseCsvLine(lines[2]);
        QCOMPARE(second[0], QStringLiteral("a-b=c@d"));
        QCOMPARE(second[4], QStringLiteral("boho"));
    }

    void jsonLinesRoundTrip() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tags.jsonl"));
        QString err;
        QVERIFY2(writeJsonLines(rows(dir.path()), taxonomy(), path, &err), qPrintable(err));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = f.readAll().split('\n');
        QCOMPARE(lines.size(), 3);  // two rows and the empty tail
        const QJsonObject o = QJsonDocument::fromJson(lines[0]).object();
        QCOMPARE(o["tags"].toObject()["style"].toArray().size(), 2);
        QCOMPARE(o["labels_zh"].toObject()["style"].toArray()[0].toString(),
                 QStringLiteral("波西米亚"));
        QCOMPARE(o["width"].toInt(), 800);
        QCOMPARE(QJsonDocument::fromJson(lines[1]).object()["tags"].toObject().size(), 0);
    }

    void txtSidecars() {
        QTemporaryDir dir;
        const ExportReport r = writeTxtSidecars(rows(dir.path()), taxonomy(), QString());
        QVERIFY2(r.failures.isEmpty(), qPrintable(r.failures.join('\n')));
        QCOMPARE(r.filesWritten, 2);
        QFile f(dir.filePath(QStringLiteral("dress, red.txt")));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromUtf8(f.readAll()),
                 QStringLiteral("Bohemian, Minimalist, Red, 雪纺\n"));
    }

    void xmpSidecarsReadBackWithExiv2() {
        QTemporaryDir dir;
        const QList<ExportRow> rs = rows(dir.path());
        ExportOptions zh;
        zh.language = QStringLiteral("zh");
        ExportReport r = writeXmpSidecars(rs, taxonomy(), QString(), zh);
        QVERIFY2(r.failures.isEmpty(), qPrintable(r.failures.join('\n')));
        QCOMPARE(r.filesWritten, 1);  // the untagged image gets no sidecar
        QVERIFY(!QFile::exists(rs[1].imagePaths[0] + QStringLiteral(".xmp")));
        const QString sidecar = rs[0].imagePaths[0] + QStringLiteral(".xmp");
        QFile f(sidecar);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QStringList subjects, hier;
        QString err;
        QVERIFY2(decodeXmpKeywords(f.readAll(), &subjects, &hier, &err), qPrintable(err));
        QCOMPARE(subjects, (QStringList{"波西米亚", "简约", "红色", "雪纺"}));
        QVERIFY(hier.contains(QStringLiteral("风格|波西米亚")));
        QVERIFY(hier.contains(QStringLiteral("颜色|红色")));

        // The exiv2 program reads the same keywords from the sidecar.
        const QString exiv2 = QStandardPaths::findExecutable(QStringLiteral("exiv2"));
        QVERIFY2(!exiv2.isEmpty(), "the exiv2 program is installed by scripts/setup.sh");
        QProcess p;
        p.start(exiv2, {QStringLiteral("-px"), sidecar});
        QVERIFY(p.waitForFinished(10000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(out.contains(QStringLiteral("Xmp.dc.subject")) &&
                     out.contains(QStringLiteral("波西米亚")),
                 qPrintable(out + p.readAllStandardError()));
        QVERIFY(out.contains(QStringLiteral("Xmp.lr.hierarchicalSubject")));

        // Exporting again keeps other XMP data and replaces the keywords.
        QByteArray withRating;
        {
            QFile in(sidecar);
            QVERIFY(in.open(QIODevice::ReadOnly));
            withRating =
                in.readAll().replace("<rdf:Description rdf:about=\"\"",
                                     "<rdf:Description rdf:about=\"\" "
                                     "xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\" xmp:Rating=\"4\"");
        }
        QFile out2(sidecar);
        QVERIFY(out2.open(QIODevice::WriteOnly | QIODevice::Truncate));
        out2.write(withRating);
        out2.close();
        QList<ExportRow> changed = rs;
        changed[0].values[QStringLiteral("style")] = {QStringLiteral("minimal")};
        r = writeXmpSidecars(changed, taxonomy(), QString(), zh);
        QVERIFY(r.failures.isEmpty());
        QFile again(sidecar);
        QVERIFY(again.open(QIODevice::ReadOnly));
        const QByteArray packet = again.readAll();
        QVERIFY(packet.contains("Rating"));
        QVERIFY(decodeXmpKeywords(packet, &subjects, &hier, &err));
        QCOMPARE(subjects, (QStringList{"简约", "红色", "雪纺"}));
    }

    void unwritableTargetIsAClearErrorAndLeavesNothingHalfWritten() {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("tags.csv"));
        QString err;
        QVERIFY(writeCsv(rows(dir.path()), taxonomy(), path, &err));
        QFile before(path);
        QVERIFY(before.open(QIODevice::ReadOnly));
        const QByteArray old = before.readAll();
        before.close();

        // A full disk, as the process sees it: a file-size limit makes writes fail (EFBIG).
        QList<ExportRow> many;
        for (int i = 0; i < 2000; ++i) {
            ExportRow r = rows(dir.path())[0];
            r.id = QStringLiteral("%1/img%2.jpg").arg(dir.path()).arg(i);
            many << r;
        }
        std::signal(SIGXFSZ, SIG_IGN);
        rlimit saved{};
        getrlimit(RLIMIT_FSIZE, &saved);
        rlimit small = saved;
        small.rlim_cur = 4096;
        QCOMPARE(setrlimit(RLIMIT_FSIZE, &small), 0);
        const bool ok = writeCsv(many, taxonomy(), path, &err);
        setrlimit(RLIMIT_FSIZE, &saved);
        QVERIFY(!ok);
        QVERIFY2(err.contains(QStringLiteral("tags.csv")) && err.contains(QStringLiteral("disk")),
                 qPrintable(err));
        QFile after(path);
        QVERIFY(after.open(QIODevice::ReadOnly));
        QCOMPARE(after.readAll(), old);  // the previous export is untouched
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 1);  // no temporary left

        QVERIFY(!writeCsv(rows(dir.path()), taxonomy(), QStringLiteral("/proc/version/tags.csv"),
                          &err));
        QVERIFY(err.contains(QStringLiteral("cannot be written")));
    }
};

QTEST_GUILESS_MAIN(TestExporters)
#include "test_exporters.moc"

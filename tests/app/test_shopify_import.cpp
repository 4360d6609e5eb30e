// Import of Shopify's Standard Product Taxonomy (the dist/ files) from tests/data/shopify: a small
// dist written from Shopify's schema/dist/*.cue with en and zh-CN, extended attributes and the
// source's quirks; and the refusals of bad input, through the library and vistag-cli.
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include "tags/shopify_import.h"

using namespace vistag::catalog;

namespace {

const QString kFixture = QStringLiteral(VISTAG_TEST_DATA_DIR "/shopify");

// A copy of the fixture in `dir`, with `edit` applied to the JSON of one file.
bool copyFixture(const QString& dir) {
    for (const char* locale : {"en", "zh-CN"}) {
        QDir().mkpath(dir + '/' + locale);
        for (const char* file : {"categories.json", "attributes.json"})
            if (!QFile::copy(kFixture + '/' + locale + '/' + file, dir + '/' + locale + '/' + file))
                return false;
    }
    return true;
}

QJsonObject readJson(const QString& path) {
    QFile f(path);
    f.open(QIODevice::ReadOnly);
    return QJsonDocument::fromJson(f.readAll()).object();
}

void writeJson(const QString& path, const QJsonObject& o) {
    QFile f(path);
    f.open(QIODevice::WriteOnly | QIODevice::Truncate);
    f.write(QJsonDocument(o).toJson());
}

// Applies `edit` to the first category of the first vertical of en/categories.json.
template <typename F>
void editFirstCategory(const QString& dir, F edit) {
    const QString path = dir + QStringLiteral("/en/categories.json");
    QJsonObject root = readJson(path);
    QJsonArray verticals = root["verticals"].toArray();
    QJsonObject vertical = verticals[0].toObject();
    QJsonArray cats = vertical["categories"].toArray();
    QJsonObject c = cats[0].toObject();
    edit(c, cats);
    cats[0] = c;
    vertical["categories"] = cats;
    verticals[0] = vertical;
    root["verticals"] = verticals;
    writeJson(path, root);
}

std::optional<Taxonomy> importFixture(QStringList* notes = nullptr,
                                      const ShopifyImportOptions& options = {},
                                      const QString& dir = kFixture) {
    QString error;
    auto t = importShopifyTaxonomy(dir, options, notes, &error);
    if (!t)
        qWarning("%s", qPrintable(error));
    return t;
}

QStringList codesOf(const QList<const TaxonomyAttribute*>& attrs) {
    QStringList out;
    for (const TaxonomyAttribute* a : attrs)
        out << a->code;
    return out;
}

}  // namespace

class TestShopifyImport final : public QObject {
    Q_OBJECT
private slots:
    void theFixtureImports() {
        ShopifyImportStats stats;
        QString error;
        QStringList notes;
        const auto t = importShopifyTaxonomy(kFixture, {}, &notes, &error, &stats);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(stats.version, QStringLiteral("2025-03"));
        QCOMPARE(stats.locales, (QStringList{"en", "zh-CN"}));
        QCOMPARE(stats.categories, 33);
        QCOMPARE(t->categories().size(), 33);
        // Shopify's ids are kept; the tree follows parent_id.
        QCOMPARE(t->category("aa-1-4")->labelEn, QStringLiteral("Dresses"));
        QCOMPARE(t->category("aa-1-4")->labelZh, QStringLiteral("连衣裙"));
        QCOMPARE(t->categoryPath("aa-1-4", "en"),
                 QStringLiteral("Apparel & Accessories > Clothing > Dresses"));
        QCOMPARE(t->categoryPath("aa-1-4", "zh-CN"), QStringLiteral("服饰与配饰 > 服装 > 连衣裙"));
        QCOMPARE(t->categoryPathCodes("sg-1-1-1"),
                 (QStringList{"sg", "sg-1", "sg-1-1", "sg-1-1-1"}));
        // Only the attributes of each category.
        const QStringList dress = codesOf(t->attributesFor("aa-1-4"));
        QVERIFY(dress.contains("neckline") && dress.contains("dress-style"));
        QVERIFY(!dress.contains("heel-height-type"));
        QVERIFY(codesOf(t->attributesFor("aa-8-7")).contains("heel-height-type"));
        QVERIFY(!codesOf(t->attributesFor("aa-2-17")).contains("sleeve-length-type"));
        // Attribute and value handles are the codes; merchant columns where Merchant Center has
        // one.
        QCOMPARE(t->value("color", "color__red")->labelZh, QStringLiteral("红色"));
        QCOMPARE(t->attribute("color")->merchantColumn, QStringLiteral("color"));
        QCOMPARE(t->attribute("target-gender")->merchantColumn, QStringLiteral("gender"));
        QCOMPARE(t->attribute("age-group")->merchantColumn, QStringLiteral("age_group"));
        QCOMPARE(t->attribute("fabric")->merchantColumn, QStringLiteral("material"));
        QCOMPARE(t->attribute("pattern")->merchantColumn, QStringLiteral("pattern"));
        QVERIFY(!t->attribute("target-gender")->multiValued);
        QVERIFY(t->attribute("color")->multiValued);
        // Extended attributes take their base's values.
        const TaxonomyAttribute* frame = t->attribute("frame-color");
        QVERIFY(frame);
        QCOMPARE(frame->valuesFrom, QStringLiteral("color"));
        QCOMPARE(frame->labelZh, QStringLiteral("镜框颜色"));
        QCOMPARE(frame->values.size(), t->attribute("color")->values.size());
        QVERIFY(frame->merchantColumn.isEmpty());
        QVERIFY(codesOf(t->attributesFor("aa-2-27")).contains("frame-color"));
        QVERIFY(codesOf(t->attributesFor("aa-1-10")).contains("lining-material"));
        // Attributes no kept category uses are left out.
        QVERIFY(t->attribute("ball-size"));
    }

    // A repeated leaf name and two values with one translated name: resolved the same way every
    // time and reported.
    void sourceQuirksAreResolvedAndReported() {
        QStringList notes;
        const auto t = importFixture(&notes);
        QVERIFY(t);
        QCOMPARE(t->category("aa-1-14")->labelEn, QStringLiteral("Shorts"));  // the shallowest
        QCOMPARE(t->category("aa-1-1-1")->labelEn, QStringLiteral("Shorts (Activewear)"));
        QCOMPARE(t->category("aa-1-1-1")->labelZh, QStringLiteral("短裤 (运动服)"));
        QCOMPARE(t->category("sg-1-1-2")->labelEn, QStringLiteral("Shorts (Soccer)"));
        QCOMPARE(t->findCategory("Shorts")->code, QStringLiteral("aa-1-14"));
        QCOMPARE(t->findCategory("Sporting Goods > Athletics > Soccer > Shorts (Soccer)")->code,
                 QStringLiteral("sg-1-1-2"));
        QCOMPARE(t->value("color", "color__rose-gold")->labelZh, QStringLiteral("玫瑰金"));
        QCOMPARE(t->value("color", "color__pink-gold")->labelZh,
                 QStringLiteral("玫瑰金 (Pink gold)"));
        QCOMPARE(t->value("clothing-size", "clothing-size__0-uk")->labelEn,
                 QStringLiteral("0 (clothing-size__0-uk)"));
        QCOMPARE(t->value("clothing-size", "clothing-size__0-uk")->labelZh,
                 QStringLiteral("0 (clothing-size__0-uk)"));
        const QString all = notes.join('\n');
        QVERIFY2(
            all.contains(
                R"x(category "aa-1-1-1": the en name "Shorts" also names category "aa-1-14"; written as "Shorts (Activewear)")x"),
            qPrintable(all));
        QVERIFY2(
            all.contains(
                R"x(attribute "color", value "color__pink-gold": the zh name "玫瑰金" also names value "color__rose-gold")x"),
            qPrintable(all));
        QCOMPARE(notes.size(), 7);
        // Deterministic, and what it writes loads back.
        QStringList again;
        const auto t2 = importFixture(&again);
        QCOMPARE(t2->toJson(), t->toJson());
        QCOMPARE(again, notes);
        QString error;
        const auto loaded = Taxonomy::fromJson(t->toJson(), "imported.json", &error);
        QVERIFY2(loaded, qPrintable(error));
        QCOMPARE(loaded->toJson(), t->toJson());
    }

    void underKeepsOneSubtree() {
        for (const QString& under :
             {QStringLiteral("Apparel & Accessories > Clothing"), QStringLiteral("aa-1"),
              QStringLiteral("apparel & accessories > clothing")}) {
            ShopifyImportOptions options;
            options.under = under;
            const auto t = importFixture(nullptr, options);
            QVERIFY2(t, qPrintable(under));
            QVERIFY(t->category("aa"));  // the ancestors stay: paths are the shop's
            QVERIFY(t->category("aa-1") && t->category("aa-1-4") && t->category("aa-1-1-1"));
            QVERIFY(!t->category("aa-2") && !t->category("aa-8") && !t->category("sg"));
            QVERIFY(!t->attribute("ball-size") && !t->attribute("hat-style"));
            QCOMPARE(t->categories().size(), 17);
        }
        ShopifyImportOptions options;
        options.under = QStringLiteral("Apparel & Accessories > Nothing");
        QString error;
        QVERIFY(!importShopifyTaxonomy(kFixture, options, nullptr, &error));
        QVERIFY2(error.contains("--under \"Apparel & Accessories > Nothing\": no category"),
                 qPrintable(error));
    }

    void languagesPickTheLocales() {
        ShopifyImportOptions options;
        options.languages = {QStringLiteral("en")};
        const auto t = importFixture(nullptr, options);
        QVERIFY(t);
        QCOMPARE(t->languages(), QStringList{"en"});
        QVERIFY(t->category("aa-1-4")->labelZh.isEmpty());
        QCOMPARE(Taxonomy::label(*t->category("aa-1-4"), "zh"), QStringLiteral("Dresses"));
        options.languages = {QStringLiteral("zh-CN"), QStringLiteral("fr")};
        QString error;
        QVERIFY(!importShopifyTaxonomy(kFixture, options, nullptr, &error));
        QVERIFY2(error.contains("fr/categories.json: no such file"), qPrintable(error));
    }

    void badInput_data() {
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("expected");  // a regular expression
        QTest::newRow("no en folder") << 0 << R"(/en/categories\.json: no such file$)";
        QTest::newRow("verticals is an object")
            << 1 << R"(/en/categories\.json: the top level: "verticals" must be an array$)";
        QTest::newRow("category without a name")
            << 2
            << R"(/en/categories\.json: category "gid://shopify/TaxonomyCategory/aa": missing "name"$)";
        QTest::newRow("attribute that does not exist")
            << 3
            << R"(/en/categories\.json: category "aa": attribute "colour" is not in .*/en/attributes\.json$)";
        QTest::newRow("dangling parent")
            << 4 << R"(/en/categories\.json: category "aa": parent "zz-9" does not exist$)";
        QTest::newRow("duplicate id")
            << 5
            << R"(/en/categories\.json: category "gid://shopify/TaxonomyCategory/aa-1": duplicate category id$)";
        QTest::newRow("not an id")
            << 6 << R"(/en/categories\.json: category "aa": "aa" is not a TaxonomyCategory id)";
        QTest::newRow("syntax error") << 7 << R"(/en/attributes\.json:1:\d+: JSON syntax error)";
        QTest::newRow("value without a handle")
            << 8
            << R"(/en/attributes\.json: attribute "activewear-clothing-features", value "gid://shopify/TaxonomyValue/180": missing "handle"$)";
    }

    void badInput() {
        QFETCH(int, kind);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        QVERIFY(copyFixture(dir.path()));
        const QString en = dir.filePath("en");
        switch (kind) {
            case 0:
                QVERIFY(QDir(en).removeRecursively());
                break;
            case 1: {
                QJsonObject root = readJson(en + "/categories.json");
                root["verticals"] = QJsonObject{};
                writeJson(en + "/categories.json", root);
                break;
            }
            case 2:
                editFirstCategory(dir.path(),
                                  [](QJsonObject& c, QJsonArray&) { c.remove("name"); });
                break;
            case 3:
                editFirstCategory(dir.path(), [](QJsonObject& c, QJsonArray&) {
                    QJsonArray attrs = c["attributes"].toArray();
                    QJsonObject a = attrs[0].toObject();
                    a["handle"] = "colour";
                    attrs[0] = a;
                    c["attributes"] = attrs;
                });
                break;
            case 4:
                editFirstCategory(dir.path(), [](QJsonObject& c, QJsonArray&) {
                    c["parent_id"] = "gid://shopify/TaxonomyCategory/zz-9";
                });
                break;
            case 5:
                editFirstCategory(dir.path(), [](QJsonObject&, QJsonArray& cats) {
                    QJsonObject second = cats[1].toObject();
                    cats.append(second);
                });
                break;
            case 6:
                editFirstCategory(dir.path(), [](QJsonObject& c, QJsonArray&) { c["id"] = "aa"; });
                break;
            case 7: {
                QFile f(en + "/attributes.json");
                QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
                f.write("{\"version\": \"2025-03\", \"attributes\": [");
                break;
            }
            case 8: {
                QJsonObject root = readJson(en + "/attributes.json");
                QJsonArray attrs = root["attributes"].toArray();
                QJsonObject a = attrs[0].toObject();
                QJsonArray values = a["values"].toArray();
                QJsonObject v = values[0].toObject();
                v.remove("handle");
                values[0] = v;
                a["values"] = values;
                attrs[0] = a;
                root["attributes"] = attrs;
                writeJson(en + "/attributes.json", root);
                break;
            }
        }
        QString error;
        QStringList notes;
        QVERIFY(!importShopifyTaxonomy(dir.path(), {}, &notes, &error));
        QVERIFY2(!error.contains('\n'), qPrintable(error));  // one message
        QVERIFY2(QRegularExpression(expected).match(error).hasMatch(), qPrintable(error));
        QVERIFY2(error.startsWith(dir.path()), qPrintable(error));  // names the file

        // vistag-cli: exit 2, the same message, nothing written.
        const QString out = dir.filePath("out.json");
        QProcess cli;
        cli.start(QStringLiteral(VISTAG_CLI),
                  {"taxonomy", "import", "shopify", dir.path(), "--out", out});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 2);
        const QString stderrText = QString::fromUtf8(cli.readAllStandardError());
        QVERIFY2(stderrText.contains(error), qPrintable(stderrText));
        QVERIFY(!QFile::exists(out));
    }

    // The command writes the file atomically, and `taxonomy check` reads it back.
    void theCommandLine() {
        QTemporaryDir dir;
        const QString out = dir.filePath("shopify.json");
        QProcess cli;
        cli.start(QStringLiteral(VISTAG_CLI), {"taxonomy", "import", "shopify", kFixture, "--out",
                                               out, "--languages", "en,zh-CN", "--all-notes"});
        QVERIFY(cli.waitForFinished(60000));
        const QString text = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(cli.exitCode() == 0, qPrintable(cli.readAllStandardError()));
        QVERIFY2(text.contains("33 categories, 22 attributes, 83 values; 7 source problems "
                               "resolved"),
                 qPrintable(text));
        QCOMPARE(text.count("note: "), 7);
        QString error;
        QVERIFY2(Taxonomy::load(out, &error), qPrintable(error));
        cli.start(QStringLiteral(VISTAG_CLI), {"taxonomy", "check", out});
        QVERIFY(cli.waitForFinished(60000));
        QCOMPARE(cli.exitCode(), 0);
        const QString check = QString::fromUtf8(cli.readAllStandardOutput());
        QVERIFY2(check.contains("version 2 taxonomy \"shopify\"") &&
                     check.contains("categories: 33 (2 roots, 20 leaves, 4 levels)") &&
                     check.contains("attributes: 22 (3 sharing another's values), values: 83") &&
                     check.contains("languages: en, zh") && check.contains("problems: none"),
                 qPrintable(check));
        // Usage errors.
        for (const QStringList& args :
             {QStringList{"taxonomy"}, QStringList{"taxonomy", "import", "akeneo", kFixture},
              QStringList{"taxonomy", "import", "shopify", kFixture},
              QStringList{"taxonomy", "check"}}) {
            cli.start(QStringLiteral(VISTAG_CLI), args);
            QVERIFY(cli.waitForFinished(60000));
            QVERIFY2(cli.exitCode() == 2, qPrintable(args.join(' ')));
        }
    }
};

QTEST_GUILESS_MAIN(TestShopifyImport)
#include "test_shopify_import.moc"

// Version 2 of the taxonomy file: the category tree, attributes per category, labels in any
// language, the strict loader's messages, the built-in apparel tree, exports that carry the
// category, and loading at Shopify's full size.
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

#include "catalog/exporters.h"
#include "tags/taxonomy.h"

using namespace vistag::catalog;

namespace {

// A small version-2 file; "'" stands for '"' to keep the text readable.
QByteArray smallV2() {
    return QByteArray(R"({
  'format': 'vistag-taxonomy', 'version': 2, 'name': 'small',
  'attributes': [
    {'code': 'color', 'labels': {'en': 'Color', 'zh': '颜色', 'fr': 'Couleur'}, 'multi': true,
     'merchantColumn': 'color',
     'values': [{'code': 'red', 'labels': {'en': 'Red', 'zh-CN': '红色', 'fr': 'Rouge'}},
                {'code': 'blue', 'labels': {'en': 'Blue', 'zh': '蓝色'}, 'synonyms': ['azure']}]},
    {'code': 'frame-color', 'labels': {'en': 'Frame color', 'zh': '镜框颜色'},
     'valuesFrom': 'color'},
    {'code': 'neckline', 'labels': {'en': 'Neckline', 'zh': '领口'},
     'values': [{'code': 'v', 'labels': {'en': 'V-neck', 'zh': 'V领'}}]},
    {'code': 'heel', 'labels': {'en': 'Heel height', 'zh': '跟高'},
     'values': [{'code': 'flat', 'labels': {'en': 'Flat', 'zh': '平底'}}]}
  ],
  'categories': [
    {'code': 'aa', 'labels': {'en': 'Apparel & Accessories', 'zh': '服饰与配饰'},
     'attributes': ['color']},
    {'code': 'aa-1', 'parent': 'aa', 'labels': {'en': 'Clothing', 'zh': '服装'},
     'attributes': ['color']},
    {'code': 'aa-1-4', 'parent': 'aa-1', 'labels': {'en': 'Dresses', 'zh': '连衣裙'},
     'synonyms': ['gown', '洋装'], 'attributes': ['color', 'neckline']},
    {'code': 'aa-8', 'parent': 'aa', 'labels': {'en': 'Shoes', 'zh': '鞋'},
     'attributes': ['heel', 'color']},
    {'code': 'aa-2-27', 'parent': 'aa', 'labels': {'en': 'Sunglasses'},
     'attributes': ['frame-color']},
    {'code': 'sg', 'parent': null, 'labels': {'en': 'Sporting Goods', 'zh': '体育用品'}}
  ]
})")
        .replace('\'', '"');
}

QByteArray replaced(const char* from, const char* to) {
    QByteArray json = smallV2();
    const QByteArray f = QByteArray(from).replace('\'', '"');
    if (!json.contains(f))
        qFatal("fixture text not found: %s", from);
    return json.replace(f, QByteArray(to).replace('\'', '"'));
}

}  // namespace

class TestTaxonomyV2 final : public QObject {
    Q_OBJECT
private slots:
    void theTreeLoads() {
        QString error;
        const auto t = Taxonomy::fromJson(smallV2(), "small.json", &error);
        QVERIFY2(t, qPrintable(error));
        QVERIFY(t->hasCategoryTree());
        QCOMPARE(t->categories().size(), 6);
        // The category is the first attribute, its values the categories.
        QCOMPARE(t->attributes().first().code, QStringLiteral("category"));
        QCOMPARE(t->attributes().first().values.size(), 6);
        QCOMPARE(t->attributes().first().merchantColumn, QStringLiteral("product_type"));
        QCOMPARE(t->value("category", "aa-1-4")->labelZh, QStringLiteral("连衣裙"));
        // Roots and children, in file order.
        QList<QString> roots;
        for (int i : t->childCategories(QString()))
            roots << t->categories().at(i).code;
        QCOMPARE(roots, (QList<QString>{"aa", "sg"}));
        QCOMPARE(t->childCategories("aa").size(), 3);
        QVERIFY(t->childCategories("aa-1-4").isEmpty());
        QCOMPARE(t->categoryPathCodes("aa-1-4"), (QStringList{"aa", "aa-1", "aa-1-4"}));
        QVERIFY(t->categoryPathCodes("nope").isEmpty());
        QCOMPARE(t->categoryPath("aa-1-4", "en"),
                 QStringLiteral("Apparel & Accessories > Clothing > Dresses"));
        QCOMPARE(t->categoryPath("aa-1-4", "zh_CN"), QStringLiteral("服饰与配饰 > 服装 > 连衣裙"));
        // A category without a Chinese label shows the English one.
        QCOMPARE(t->categoryPath("aa-2-27", "zh"), QStringLiteral("服饰与配饰 > Sunglasses"));
        // Only the attributes of the category, in its order.
        QStringList shoes;
        for (const TaxonomyAttribute* a : t->attributesFor("aa-8"))
            shoes << a->code;
        QCOMPARE(shoes, (QStringList{"heel", "color"}));
        QCOMPARE(t->attributesFor("aa-1-4").size(), 2);
        QVERIFY(t->attributesFor("sg").isEmpty());
        QVERIFY(t->attributesFor("nope").isEmpty());
        // Extended attributes share the values (and their lookups).
        QCOMPARE(t->attribute("frame-color")->values.size(), 2);
        QCOMPARE(t->attribute("frame-color")->valuesFrom, QStringLiteral("color"));
        QCOMPARE(t->findValue("frame-color", "蓝色")->code, QStringLiteral("blue"));
        QCOMPARE(t->findValue("frame-color", "azure")->code, QStringLiteral("blue"));
        QCOMPARE(t->languages(), (QStringList{"en", "fr", "zh"}));
    }

    void categoriesAreFoundByAnyName() {
        const auto t = Taxonomy::fromJson(smallV2(), "small.json", nullptr);
        QVERIFY(t);
        for (const char* name :
             {"aa-1-4", "Dresses", "dresses", " 连衣裙 ", "gown", "洋装",
              "Apparel & Accessories > Clothing > Dresses",
              "apparel & accessories > clothing > dresses", "服饰与配饰 > 服装 > 连衣裙"}) {
            const TaxonomyCategory* c = t->findCategory(QString::fromUtf8(name));
            QVERIFY2(c && c->code == QLatin1String("aa-1-4"), name);
        }
        QVERIFY(!t->findCategory("Dress"));
        QCOMPARE(t->category("aa-8")->labelZh, QStringLiteral("鞋"));
        QVERIFY(!t->category("Shoes"));  // category() is by code only
    }

    void labelsByLanguage() {
        const auto t = Taxonomy::fromJson(smallV2(), "small.json", nullptr);
        QVERIFY(t);
        const TaxonomyValue* red = t->value("color", "red");
        QCOMPARE(red->labelZh, QStringLiteral("红色"));  // "zh-CN" in the file is "zh"
        QCOMPARE(Taxonomy::label(*red, "zh"), QStringLiteral("红色"));
        QCOMPARE(Taxonomy::label(*red, "zh_CN"), QStringLiteral("红色"));
        QCOMPARE(Taxonomy::label(*red, "zh-CN"), QStringLiteral("红色"));
        QCOMPARE(Taxonomy::label(*red, "fr_FR"), QStringLiteral("Rouge"));
        QCOMPARE(Taxonomy::label(*red, "de"), QStringLiteral("Red"));  // English the fallback
        QCOMPARE(Taxonomy::label(*t->attribute("color"), "fr"), QStringLiteral("Couleur"));
        QCOMPARE(Taxonomy::label(*t->category("aa-2-27"), "zh"), QStringLiteral("Sunglasses"));
        QCOMPARE(Taxonomy::normalizeLanguage("zh_CN"), QStringLiteral("zh"));
        QCOMPARE(Taxonomy::normalizeLanguage("zh-Hans"), QStringLiteral("zh"));
        QCOMPARE(Taxonomy::normalizeLanguage("zh_tw"), QStringLiteral("zh-TW"));
        QCOMPARE(Taxonomy::normalizeLanguage("pt-br"), QStringLiteral("pt-BR"));
        QCOMPARE(Taxonomy::normalizeLanguage("EN"), QStringLiteral("en"));
        // Any label names its value.
        QCOMPARE(t->findValue("color", "Rouge")->code, QStringLiteral("red"));
        QCOMPARE(t->findAttribute("Couleur")->code, QStringLiteral("color"));
    }

    void itRoundTrips() {
        const auto t = Taxonomy::fromJson(smallV2(), "small.json", nullptr);
        QVERIFY(t);
        QString error;
        const QByteArray json = t->toJson();
        QVERIFY(json.contains("\"version\": 2"));
        QVERIFY(json.contains("\"valuesFrom\": \"color\""));
        QVERIFY(!json.contains("\"product_type\""));  // the category attribute is the tree
        const auto again = Taxonomy::fromJson(json, "again.json", &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->toJson(), json);
        QCOMPARE(again->categories().size(), t->categories().size());
        QCOMPARE(again->categoryPath("aa-1-4", "zh"), t->categoryPath("aa-1-4", "zh"));
    }

    // A version-1 file is one implicit category holding every attribute.
    void versionOneIsOneImplicitCategory() {
        const QByteArray v1 = QByteArray(R"({"version": 2, "attributes": [
            {"code": "style", "zh": "风格", "en": "Style", "values": [
              {"code": "boho", "zh": "波西米亚", "en": "Bohemian"}]},
            {"code": "category", "zh": "品类", "en": "Category", "values": [
              {"code": "dress", "zh": "连衣裙", "en": "Dress"}]}]})");
        QString error;
        const auto t = Taxonomy::fromJson(v1, "v1.json", &error);  // "version" is bookkeeping
        QVERIFY2(t, qPrintable(error));
        QVERIFY(!t->hasCategoryTree());
        QVERIFY(t->categories().isEmpty());
        QCOMPARE(t->attributes().size(), 2);
        QCOMPARE(t->attributesFor(QString()).size(), 2);
        QCOMPARE(t->attributesFor("anything").size(), 2);
        QVERIFY(!t->findCategory("dress"));
        QVERIFY(t->childCategories(QString()).isEmpty());
        QCOMPARE(Taxonomy::label(*t->attribute("style"), "zh"), QStringLiteral("风格"));
        QCOMPARE(Taxonomy::label(*t->attribute("style"), "en"), QStringLiteral("Style"));
        QVERIFY(t->toJson().contains("\"version\": 1"));
        QVERIFY(!t->toJson().contains("categories"));
    }

    // The apparel file as it was before version 2 loads exactly as before.
    void theVersionOneApparelStillLoads() {
        QString error;
        const auto t = Taxonomy::load(
            QStringLiteral(VISTAG_TEST_DATA_DIR "/taxonomy_v1_apparel.json"), &error);
        QVERIFY2(t, qPrintable(error));
        QVERIFY(!t->hasCategoryTree());
        QCOMPARE(t->attributes().size(), 11);
        QCOMPARE(t->attributes().first().code, QStringLiteral("category"));
        QCOMPARE(t->attributesFor(QStringLiteral("dress")).size(), 11);
        QCOMPARE(t->findValue("category", "连衣裙")->code, QStringLiteral("dress"));
        QCOMPARE(t->findAttribute("类目")->code, QStringLiteral("category"));
        const auto again = Taxonomy::fromJson(t->toJson(), "again", &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->toJson(), t->toJson());
        QVERIFY(t->toJson().contains("\"zh\": \"品类\""));  // version-1 keys
    }

    void errors_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");  // a regular expression
        QTest::newRow("unknown key in a category")
            << replaced("'synonyms': ['gown', '洋装']", "'synonym': ['gown']")
            << R"(^small\.json:\d+:\d+: unknown key "synonym")";
        QTest::newRow("missing attribute")
            << replaced("'attributes': ['heel', 'color']", "'attributes': ['heel', 'colour']")
            << R"(^small\.json:\d+:\d+: category "aa-8": attribute "colour" does not exist)";
        QTest::newRow("attribute listed twice")
            << replaced("'attributes': ['heel', 'color']", "'attributes': ['heel', 'heel']")
            << R"(category "aa-8": attribute "heel" is listed twice)";
        QTest::newRow("dangling parent")
            << replaced("'parent': 'aa-1', 'labels'", "'parent': 'aa-9', 'labels'")
            << R"(^small\.json:\d+:\d+: category "aa-1-4": parent "aa-9" does not exist)";
        QTest::newRow("cycle") << replaced("{'code': 'aa', 'labels'",
                                           "{'code': 'aa', 'parent': 'aa-1-4', 'labels'")
                               << R"(category "a+[-0-9]*": its parents form a cycle \(.*→.*\))";
        QTest::newRow("own parent")
            << replaced("{'code': 'sg', 'parent': null", "{'code': 'sg', 'parent': 'sg'")
            << R"(category "sg": its parents form a cycle \(sg → sg\))";
        QTest::newRow("duplicate category code")
            << replaced("{'code': 'aa-8', 'parent'", "{'code': 'aa-1', 'parent'")
            << R"(duplicate category code "aa-1" \(first defined on line \d+\))";
        QTest::newRow("duplicate attribute code")
            << replaced("{'code': 'heel', 'labels'", "{'code': 'neckline', 'labels'")
            << R"(duplicate attribute code "neckline" \(first defined on line \d+\))";
        QTest::newRow("category is reserved")
            << replaced("{'code': 'heel', 'labels'", "{'code': 'category', 'labels'")
            << R"(attribute "category": the code "category" is reserved)";
        QTest::newRow("an attribute named like the category")
            << replaced("'en': 'Heel height'", "'en': 'Product type'")
            << R"(attribute "heel": the name "Product type" already names attribute "category")";
        QTest::newRow("two categories with one name")
            << replaced("'en': 'Shoes', 'zh': '鞋'", "'en': 'Dresses', 'zh': '鞋'")
            << R"(category "aa-8": the name "Dresses" already names category "aa-1-4" \(line \d+\))";
        QTest::newRow("two values with one name")
            << replaced("'zh': '蓝色'", "'zh': '红色'")
            << R"(attribute "color", value "blue": the name "红色" already names value "red")";
        QTest::newRow("no English label")
            << replaced("'labels': {'en': 'Shoes', 'zh': '鞋'}", "'labels': {'zh': '鞋'}")
            << R"(category "aa-8": "labels" has no "en")";
        QTest::newRow("two labels for one language")
            << replaced("'labels': {'en': 'Shoes', 'zh': '鞋'}",
                        "'labels': {'en': 'Shoes', 'zh': '鞋', 'zh_CN': '鞋子'}")
            << R"(category "aa-8": two labels for the language "zh")";
        QTest::newRow("not a language") << replaced("'labels': {'en': 'Shoes', 'zh': '鞋'}",
                                                    "'labels': {'en': 'Shoes', 'chinese!': '鞋'}")
                                        << R"("chinese!" is not a language)";
        QTest::newRow("valuesFrom names nothing")
            << replaced("'valuesFrom': 'color'", "'valuesFrom': 'colour'")
            << R"(attribute "frame-color": "valuesFrom" names attribute "colour", which does not exist)";
        QTest::newRow("values and valuesFrom")
            << replaced("'valuesFrom': 'color'", "'valuesFrom': 'color', 'values': []")
            << R"(attribute "frame-color": give either "values")";
        QTest::newRow("version is not 2")
            << replaced("'version': 2", "'version': 3")
            << R"(^small\.json:\d+:\d+: a file with "categories" is version 2: "version" must be 2)";
        QTest::newRow("no categories") << replaced("'categories': [", "'categories': [], 'x': [")
                                       << R"("categories" is empty)";
        QTest::newRow("duplicate key")
            << replaced("'name': 'small'", "'name': 'small', 'name': 'again'")
            << R"(^small\.json:\d+:\d+: duplicate key "name")";
        QTest::newRow("bidi override in a category label")
            << replaced("'en': 'Shoes'", "'en': 'Sh\u202Eoes'")
            << R"(category "aa-8": the "en" label contains an invisible bidirectional-text control)";
    }

    void errors() {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        QString error;
        QVERIFY(!Taxonomy::fromJson(json, "small.json", &error));
        QVERIFY2(QRegularExpression(expected, QRegularExpression::MultilineOption)
                     .match(error)
                     .hasMatch(),
                 qPrintable(error));
        // Every line names the file, a line and a column.
        for (const QString& line : error.split('\n'))
            QVERIFY2(QRegularExpression(R"(^small\.json:\d+:\d+: )").match(line).hasMatch(),
                     qPrintable(line));
    }

    // The built-in apparel taxonomy: attributes only where they apply.
    void apparelTree() {
        const Taxonomy t = Taxonomy::defaultApparel();
        QVERIFY(t.hasCategoryTree());
        auto codes = [&](const char* category) {
            QStringList out;
            for (const TaxonomyAttribute* a : t.attributesFor(QString::fromLatin1(category)))
                out << a->code;
            return out;
        };
        QVERIFY(codes("shoes").contains("heel_height"));
        for (const TaxonomyCategory& c : t.categories()) {
            const QStringList own = codes(c.code.toUtf8().constData());
            QVERIFY2(!own.isEmpty(), qPrintable(c.code));
            QVERIFY2(!c.labelZh.isEmpty() && !c.labelEn.isEmpty(), qPrintable(c.code));
            if (c.code != QLatin1String("shoes"))
                QVERIFY2(!own.contains("heel_height"), qPrintable(c.code));
        }
        for (const char* noSleeves : {"bag", "hat", "accessories", "shoes", "pants", "skirt"})
            QVERIFY2(!codes(noSleeves).contains("sleeve"), noSleeves);
        for (const char* sleeves : {"dress", "tshirt", "shirt", "outerwear"})
            QVERIFY2(codes(sleeves).contains("sleeve") && codes(sleeves).contains("neckline"),
                     sleeves);
        // The categories of the version-1 file are still there, under the same codes.
        for (const char* v1 :
             {"dress", "tshirt", "shirt", "top", "pants", "jeans", "shorts", "skirt", "jumpsuit",
              "outerwear", "suit", "hoodie", "knitwear", "shoes", "bag", "hat"})
            QVERIFY2(t.category(QString::fromLatin1(v1)), v1);
        QCOMPARE(t.findCategory("连衣裙")->code, QStringLiteral("dress"));
        QCOMPARE(t.findCategory("sundress")->code, QStringLiteral("dress"));
        QCOMPARE(t.categoryPath("tshirt", "zh"), QStringLiteral("服装 > 上装 > T恤"));
        QCOMPARE(t.categoryPath("tshirt", "en"), QStringLiteral("Clothing > Tops > T-shirt"));
    }

    void exportsCarryTheCategory() {
        const Taxonomy t = Taxonomy::defaultApparel();
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        ExportRow r;
        r.id = dir.filePath("tee.jpg");
        r.imagePaths = {r.id};
        r.values["category"] = {"tshirt"};
        r.values["colour"] = {"red"};
        ExportRow other;  // a category a person typed that is not in the tree
        other.id = dir.filePath("cape.jpg");
        other.imagePaths = {other.id};
        other.values["category"] = {"cape"};
        QString error;
        const QString csv = dir.filePath("out.csv");
        QVERIFY2(writeCsv({r, other}, t, csv, &error), qPrintable(error));
        QFile f(csv);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QStringList lines =
            QString::fromUtf8(f.readAll()).remove(QChar(0xFEFF)).split("\r\n");
        QCOMPARE(lines.at(0), QStringLiteral("id,image_link,additional_image_link,item_group_id,"
                                             "product_type,color"));
        QVERIFY2(lines.at(1).endsWith(",Clothing > Tops > T-shirt,red"), qPrintable(lines.at(1)));
        QVERIFY2(lines.at(2).endsWith(",cape,"), qPrintable(lines.at(2)));
        // Without the taxonomy's tree (the attribute-list form) the code, as before.
        QVERIFY(writeCsv({r}, t.attributes(), csv, &error));
        f.close();
        QVERIFY(f.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(f.readAll()).contains(",tshirt,"));

        const QString jsonl = dir.filePath("out.jsonl");
        QVERIFY2(writeJsonLines({r, other}, t, jsonl, &error), qPrintable(error));
        QFile j(jsonl);
        QVERIFY(j.open(QIODevice::ReadOnly));
        const QList<QByteArray> rows = j.readAll().trimmed().split('\n');
        const QJsonObject cat = QJsonDocument::fromJson(rows.at(0)).object()["category"].toObject();
        QCOMPARE(cat["code"].toString(), QStringLiteral("tshirt"));
        QCOMPARE(cat["path"].toString(), QStringLiteral("Clothing > Tops > T-shirt"));
        QCOMPARE(cat["path_zh"].toString(), QStringLiteral("服装 > 上装 > T恤"));
        const QJsonObject cape =
            QJsonDocument::fromJson(rows.at(1)).object()["category"].toObject();
        QCOMPARE(cape["code"].toString(), QStringLiteral("cape"));
        QVERIFY(!cape.contains("path"));

        ExportOptions zh;
        zh.language = QStringLiteral("zh");
        const ExportReport report = writeXmpSidecars({r}, t, dir.path(), zh);
        QVERIFY2(report.failures.isEmpty(), qPrintable(report.failures.join('\n')));
        QFile x(dir.filePath("tee.jpg.xmp"));
        QVERIFY(x.open(QIODevice::ReadOnly));
        const QString xmp = QString::fromUtf8(x.readAll());
        QVERIFY2(xmp.contains("服装|上装|T恤"), qPrintable(xmp));
        QVERIFY2(xmp.contains("颜色|红色"), qPrintable(xmp));
        QVERIFY2(!xmp.contains("品类|"), qPrintable(xmp));
    }

    // Shopify's size: 10,700 categories, 2,200 attributes (400 sharing another's values),
    // 24,000 values, labels in two languages. Loading and indexing well under a second on a
    // developer machine; the bound here is loose for slow CI machines.
    void loadsAtFullSizeQuickly() {
        QList<TaxonomyAttribute> attributes;
        for (int i = 0; i < 2200; ++i) {
            TaxonomyAttribute a;
            a.code = QStringLiteral("attr-%1").arg(i);
            a.labels = {{"en", QStringLiteral("Attribute %1").arg(i)},
                        {"zh", QStringLiteral("属性%1").arg(i)}};
            a.labelEn = a.labels["en"];
            a.labelZh = a.labels["zh"];
            if (i >= 1800) {
                a.valuesFrom = QStringLiteral("attr-%1").arg(i - 1800);
                a.values = attributes.at(i - 1800).values;
            } else {
                for (int k = 0; k < (i < 600 ? 14 : 13); ++k) {
                    TaxonomyValue v;
                    v.code = QStringLiteral("attr-%1__v-%2").arg(i).arg(k);
                    v.labels = {{"en", QStringLiteral("Value %1").arg(k)},
                                {"zh", QStringLiteral("值%1").arg(k)}};
                    v.labelEn = v.labels["en"];
                    v.labelZh = v.labels["zh"];
                    a.values.append(v);
                }
            }
            attributes.append(a);
        }
        QList<TaxonomyCategory> categories;
        for (int i = 0; i < 10700; ++i) {
            TaxonomyCategory c;
            c.code = QStringLiteral("aa-%1").arg(i);
            if (i >= 26)
                c.parentCode = QStringLiteral("aa-%1").arg((i - 26) / 4);
            c.labels = {{"en", QStringLiteral("Category %1").arg(i)},
                        {"zh", QStringLiteral("类目%1").arg(i)}};
            c.labelEn = c.labels["en"];
            c.labelZh = c.labels["zh"];
            for (int k = 0; k < 12; ++k)
                c.attributeCodes << QStringLiteral("attr-%1").arg((i * 7 + k * 131) % 2200);
            c.attributeCodes.removeDuplicates();
            categories.append(c);
        }
        int values = 0;
        for (const TaxonomyAttribute& a : attributes)
            values += a.valuesFrom.isEmpty() ? a.values.size() : 0;
        QCOMPARE(values, 24000);
        const QByteArray json = Taxonomy(attributes, categories, "full").toJson();
        QElapsedTimer timer;
        timer.start();
        QString error;
        const auto t = Taxonomy::fromJson(json, "full.json", &error);
        const qint64 ms = timer.elapsed();
        QVERIFY2(t, qPrintable(error.left(500)));
        qInfo("full size (%.1f MB): loaded and indexed in %lld ms", json.size() / 1e6, ms);
        QCOMPARE(t->categories().size(), 10700);
        QCOMPARE(t->attributes().size(), 2201);
        QVERIFY(ms < 5000);
        QCOMPARE(t->findCategory("类目10699")->code, QStringLiteral("aa-10699"));
        QCOMPARE(t->attributesFor("aa-5000").size(), 12);
    }
};

QTEST_GUILESS_MAIN(TestTaxonomyV2)
#include "test_taxonomy_v2.moc"

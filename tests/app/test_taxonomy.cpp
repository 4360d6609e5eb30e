// Taxonomy: the file format's validation (each kind of error, with its line), the compiled-in
// default apparel taxonomy, and the lookups.
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include "tags/taxonomy.h"

using namespace vistag::catalog;

namespace {

// A valid file to break in the tests, one item per line so that line numbers are easy to see.
const char* const kValid =
    "{\n"
    "  'name': 'test',\n"
    "  'attributes': [\n"
    "    {'code': 'style', 'zh': '风格', 'en': 'Style',\n"
    "     'values': [\n"
    "       {'code': 'boho', 'zh': '波西米亚', 'en': 'Bohemian', 'synonyms': ['boho chic']},\n"
    "       {'code': 'vintage', 'zh': '复古', 'en': 'Vintage', 'synonyms': ['retro']}\n"
    "     ]},\n"
    "    {'code': 'colour', 'zh': '颜色', 'en': 'Colour', 'multi': true, 'merchantColumn': "
    "'color',\n"
    "     'values': [\n"
    "       {'code': 'red', 'zh': '红色', 'en': 'Red'}\n"
    "     ]}\n"
    "  ]\n"
    "}\n";

// The test JSON is written with ' for " (no raw strings: moc cannot read them).
QByteArray dq(const char* text) {
    return QByteArray(text).replace('\'', '"');
}

QByteArray replaced(const char* before, const char* after) {
    QByteArray data = dq(kValid);
    const QByteArray b = dq(before);
    Q_ASSERT(data.contains(b));
    return data.replace(b, dq(after));
}

}  // namespace

class TestTaxonomy final : public QObject {
    Q_OBJECT
private slots:
    void validFileLoads() {
        QString error;
        const auto t = Taxonomy::fromJson(dq(kValid), "t.json", &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->name(), QStringLiteral("test"));
        QCOMPARE(t->attributes().size(), 2);
        QVERIFY(!t->attribute("style")->multiValued);
        QVERIFY(t->attribute("colour")->multiValued);
        QCOMPARE(t->attribute("colour")->merchantColumn, QStringLiteral("color"));
        QCOMPARE(t->value("style", "boho")->synonyms, QStringList{"boho chic"});
    }

    void validationErrors_data() {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("position");  // "line:" or "line:column:"
        QTest::addColumn<QString>("problem");

        QTest::newRow("syntax: unquoted key")
            << replaced("'synonyms': ['retro']", "synonyms: ['retro']") << "7:"
            << "JSON syntax error";
        QTest::newRow("syntax: unterminated string")
            << replaced("'en': 'Red'}", "'en': 'Red}") << "11:"
            << "JSON syntax error";
        QTest::newRow("syntax: column")
            << QByteArray("{\n  \"attributes\": [\n    {\"code\" \"x\"}\n  ]\n}") << "3:14:"
            << "JSON syntax error";
        QTest::newRow("top level not an object") << QByteArray("[1, 2]") << "1:1:"
                                                 << "top level";
        QTest::newRow("missing attributes") << QByteArray("{\"name\": \"x\"}") << "1:"
                                            << "missing \"attributes\"";
        QTest::newRow("empty attributes") << QByteArray("{\n\"attributes\": []}") << "2:"
                                          << "\"attributes\" is empty";
        QTest::newRow("missing attribute code") << replaced("{'code': 'colour', ", "{") << "9:"
                                                << "missing \"code\"";
        QTest::newRow("missing attribute label") << replaced("'zh': '风格', ", "") << "4:"
                                                 << "attribute \"style\": missing \"zh\"";
        QTest::newRow("empty value code") << replaced("{'code': 'red',", "{'code': ' ',") << "11:"
                                          << "\"code\" is empty";
        QTest::newRow("missing value label") << replaced("'en': 'Vintage', ", "") << "7:"
                                             << "value \"vintage\": missing \"en\"";
        QTest::newRow("duplicate attribute code")
            << replaced("{'code': 'colour',", "{'code': 'style',") << "9:14:"
            << "duplicate attribute code \"style\" (first defined on line 4)";
        QTest::newRow("duplicate value code")
            << replaced("{'code': 'vintage',", "{'code': 'boho',") << "7:"
            << "duplicate value code \"boho\" (first defined on line 6)";
        QTest::newRow("synonym names two values")
            << replaced("'synonyms': ['retro']", "'synonyms': ['retro', 'BOHO-chic']") << "7:"
            << "\"BOHO-chic\" already names value \"boho\" (line 6)";
        QTest::newRow("label names two values")
            << replaced("'zh': '复古'", "'zh': '波西米亚'") << "7:"
            << "already names value \"boho\"";
        QTest::newRow("attribute name names two attributes")
            << replaced("'en': 'Colour'", "'en': 'style'") << "9:"
            << "already names attribute \"style\"";
        QTest::newRow("multi is not a boolean")
            << replaced("'multi': true", "'multi': 'yes'") << "9:"
            << "\"multi\" must be true or false";
        QTest::newRow("synonyms is not an array")
            << replaced("'synonyms': ['retro']", "'synonyms': 'retro'") << "7:"
            << "\"synonyms\" must be an array";
        QTest::newRow("synonym is not a string")
            << replaced("'synonyms': ['retro']", "'synonyms': [7]") << "7:"
            << "synonym 1 must be a string";
        QTest::newRow("empty synonym")
            << replaced("'synonyms': ['retro']", "'synonyms': ['retro', '  ']") << "7:"
            << "synonym 2 is empty";
        QTest::newRow("label is a number") << replaced("'en': 'Red'", "'en': 5") << "11:"
                                           << "\"en\" must be a string";
        QTest::newRow("values is an object") << replaced(
                                                    "\"values\": [\n       {\"code\": \"red\", "
                                                    "\"zh\": \"红色\", \"en\": \"Red\"}\n     ]",
                                                    "\"values\": {}")
                                             << "10:"
                                             << "\"values\" must be an array";
        QTest::newRow("value is a string")
            << replaced("{'code': 'red', 'zh': '红色', 'en': 'Red'}", "'red'") << "11:"
            << "a value must be an object";
        QTest::newRow("unknown key")
            << replaced("'synonyms': ['retro']", "'synonym': ['retro']") << "7:"
            << "unknown key \"synonym\"";
        QTest::newRow("bad code") << replaced("{'code': 'red',", "{'code': 'dark red',") << "11:"
                                  << "may only contain";
        QTest::newRow("duplicate key")
            << replaced("'en': 'Red'", "'en': 'Red', 'en': 'Rouge'") << "11:"
            << "duplicate key \"en\"";
        QTest::newRow("wrong format") << replaced("'name': 'test',", "'format': 'csv',") << "2:"
                                      << "\"format\"";
        // Tracker issue 21: control characters and bidirectional overrides/isolates, which make
        // a label display other than it reads, are refused naming the attribute and value.
        QTest::newRow("bidi override in a value label")
            << replaced("'en': 'Red'", "'en': 'R\\u202Eed'") << "11:"
            << "attribute \"colour\", value \"red\": \"en\" contains an invisible "
               "bidirectional-text control (U+202E), which is not allowed";
        QTest::newRow("bidi embedding in a value code")
            << replaced("{'code': 'red',", "{'code': 're\\u202Ad',") << "11:"
            << "attribute \"colour\", value: \"code\" contains an invisible bidirectional-text "
               "control (U+202A)";
        QTest::newRow("isolate in a synonym")
            << replaced("'synonyms': ['retro']", "'synonyms': ['retro', 're\\u2066tro']") << "7:"
            << "value \"vintage\": synonym 2 contains an invisible bidirectional-text control "
               "(U+2066)";
        QTest::newRow("pop isolate in an attribute synonym")
            << replaced("'multi': true,", "'multi': true, 'synonyms': ['hue\\u2069'],") << "9:"
            << "attribute \"colour\": synonym 1 contains an invisible bidirectional-text "
               "control (U+2069)";
        QTest::newRow("bell in an attribute label")
            << replaced("'zh': '风格'", "'zh': '风\\u0007格'") << "4:"
            << "attribute \"style\": \"zh\" contains a control character (U+0007)";
        QTest::newRow("tab inside a label")
            << replaced("'en': 'Vintage'", "'en': 'Vin\\ttage'") << "7:"
            << "value \"vintage\": \"en\" contains a control "
               "character (U+0009)";
        QTest::newRow("C1 control in a label")
            << replaced("'en': 'Bohemian'", "'en': 'Bohe\\u0085mian'") << "6:"
            << "value \"boho\": \"en\" contains a control character (U+0085)";
        QTest::newRow("override in the merchant column")
            << replaced("'merchantColumn': 'color'", "'merchantColumn': 'co\\u202Dlor'") << "9:"
            << "attribute \"colour\": \"merchantColumn\" contains an invisible "
               "bidirectional-text control (U+202D)";
        QTest::newRow("override in the name")
            << replaced("'name': 'test',", "'name': 'te\\u202Bst',") << "2:"
            << "taxonomy: \"name\" contains an invisible bidirectional-text control (U+202B)";
        QTest::newRow("override in the description")
            << replaced("'name': 'test',", "'name': 'test', 'description': 'a\\u2067b',") << "2:"
            << "taxonomy: \"description\" contains an invisible bidirectional-text control "
               "(U+2067)";
    }
    void validationErrors() {
        QFETCH(QByteArray, json);
        QFETCH(QString, position);
        QFETCH(QString, problem);
        QString error;
        QVERIFY(!Taxonomy::fromJson(json, "broken.json", &error).has_value());
        const QStringList lines = error.split('\n');
        bool found = false;
        for (const QString& line : lines)
            found = found || (line.startsWith("broken.json:" + position) && line.contains(problem));
        QVERIFY2(found, qPrintable(QStringLiteral("want broken.json:%1 ... %2\n got: %3")
                                       .arg(position, problem, error)));
    }

    // A description may run over several lines; labels may hold any other printable text
    // (right-to-left scripts included: only the invisible controls are refused).
    void multiLineDescriptionAndRightToLeftLabelsLoad() {
        QString error;
        const auto t = Taxonomy::fromJson(
            replaced("'name': 'test',",
                     "'name': 'test', 'description': 'line one\\nline two\\tend',")
                .replace(dq("'en': 'Red'"), dq("'en': '\u05D0\u05D3\u05D5\u05DD'")),
            "t.json", &error);
        QVERIFY2(t, qPrintable(error));
        QCOMPARE(t->value("colour", "red")->labelEn, QStringLiteral("\u05D0\u05D3\u05D5\u05DD"));
    }

    void allProblemsAreReported() {
        QByteArray json = replaced("{'code': 'vintage',", "{'code': 'boho',");
        json.replace(dq("'multi': true"), dq("'multi': 1"));
        QString error;
        QVERIFY(!Taxonomy::fromJson(json, "x.json", &error));
        QCOMPARE(error.split('\n').size(), 2);
        QVERIFY(error.contains("x.json:7:"));
        QVERIFY(error.contains("x.json:9:"));
    }

    void commentsAndBomAreAccepted() {
        QByteArray json = "\xEF\xBB\xBF" + replaced("'name': 'test',", "'_comment': 'hi',");
        QString error;
        QVERIFY2(Taxonomy::fromJson(json, "c.json", &error), qPrintable(error));
    }

    void loadFromFile() {
        QTemporaryDir dir;
        const QString path = dir.filePath("t.json");
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(replaced("'multi': true", "'multi': 3"));
        f.close();
        QString error;
        QVERIFY(!Taxonomy::load(path, &error));
        QVERIFY2(error.startsWith(path + ":9:"), qPrintable(error));
        QVERIFY(!Taxonomy::load(dir.filePath("missing.json"), &error));
        QVERIFY(error.contains("cannot open"));
    }

    void resourceIsReachable() {
        initCatalogResources();
        QVERIFY(QFile::exists(Taxonomy::defaultApparelResource()));
        QString error;
        QVERIFY2(Taxonomy::load(Taxonomy::defaultApparelResource(), &error), qPrintable(error));
    }

    void defaultApparelCoversTheBrief() {
        const Taxonomy t = Taxonomy::defaultApparel();
        QStringList codes;
        for (const auto& a : t.attributes())
            codes.append(a.code);
        // A version-2 tree: "category" is the tree (its values are the categories), then the
        // attributes; heel height is for shoes only (tests/app/test_taxonomy_v2.cpp).
        QVERIFY(t.hasCategoryTree());
        QCOMPARE(codes,
                 (QStringList{"category", "style", "material", "season", "colour", "pattern",
                              "sleeve", "neckline", "fit", "heel_height", "occasion", "gender"}));
        const QMap<QString, QStringList> mustHave = {
            {"category",
             {"连衣裙", "T恤", "衬衫", "裤子", "半身裙", "外套", "卫衣", "针织衫", "鞋", "包"}},
            {"style", {"波西米亚", "田园", "简约", "复古", "通勤", "街头", "运动", "甜美", "优雅"}},
            {"material", {"棉", "麻", "真丝", "羊毛", "涤纶", "牛仔", "皮革"}},
            {"season", {"春", "夏", "秋", "冬", "四季"}},
            {"pattern", {"纯色", "碎花", "条纹", "格子", "波点", "印花"}}};
        for (auto it = mustHave.begin(); it != mustHave.end(); ++it)
            for (const QString& label : it.value())
                QVERIFY2(t.findValue(it.key(), label), qPrintable(it.key() + ": " + label));
        QVERIFY(t.attribute("colour")->values.size() >= 12);
        QVERIFY(t.attribute("season")->multiValued);
        QVERIFY(t.attribute("colour")->multiValued);
        QVERIFY(!t.attribute("category")->multiValued);
        QCOMPARE(t.attribute("colour")->merchantColumn, QStringLiteral("color"));
        QCOMPARE(t.attribute("material")->merchantColumn, QStringLiteral("material"));
        QCOMPARE(t.attribute("pattern")->merchantColumn, QStringLiteral("pattern"));
        QCOMPARE(t.attribute("gender")->merchantColumn, QStringLiteral("gender"));
        QCOMPARE(t.attribute("category")->merchantColumn, QStringLiteral("product_type"));
        QCOMPARE(t.findValue("style", "波西米亚风")->code, QStringLiteral("boho"));
        QCOMPARE(t.findValue("style", "boho")->code, QStringLiteral("boho"));
    }

    // Every name in the default taxonomy leads back to its own value / attribute.
    void defaultApparelIsConsistent() {
        const Taxonomy t = Taxonomy::defaultApparel();
        int names = 0;
        for (const TaxonomyAttribute& a : t.attributes()) {
            for (const QString& term : t.terms(a))
                QVERIFY2(t.findAttribute(term) && t.findAttribute(term)->code == a.code,
                         qPrintable(a.code + ": " + term));
            for (const TaxonomyValue& v : a.values) {
                QVERIFY2(!v.labelZh.isEmpty() && !v.labelEn.isEmpty(), qPrintable(v.code));
                for (const QString& term : Taxonomy::terms(v)) {
                    const TaxonomyValue* found = t.findValue(a.code, term);
                    QVERIFY2(found && found->code == v.code,
                             qPrintable(QStringLiteral("%1/%2: %3 → %4")
                                            .arg(a.code, v.code, term,
                                                 found ? found->code : QStringLiteral("nothing"))));
                    ++names;
                }
            }
        }
        QVERIFY(names > 400);
        // It survives a round trip through the file format.
        QString error;
        const auto again = Taxonomy::fromJson(t.toJson(), "roundtrip", &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->toJson(), t.toJson());
    }

    void lookups() {
        const Taxonomy t = Taxonomy::defaultApparel();
        QCOMPARE(t.attribute("style")->labelZh, QStringLiteral("风格"));
        QVERIFY(!t.attribute("nope"));
        QVERIFY(!t.value("style", "nope"));
        QVERIFY(!t.value("nope", "boho"));
        QCOMPARE(t.value("pattern", "floral")->labelZh, QStringLiteral("碎花"));
        QCOMPARE(t.attributeIndex("material"), 2);
        // Case, width, spaces, hyphens.
        for (const char* text : {"boho", "  BOHO ", "ｂｏｈｏ", "Ｂｏｈｏ　Ｃｈｉｃ", "Boho-Chic",
                                 "boho_chic", "Bohemian", "波西米亚", " 波西米亚风 ", "波希米亚"})
            QVERIFY2(t.findValue("style", QString::fromUtf8(text)) &&
                         t.findValue("style", QString::fromUtf8(text))->code == "boho",
                     text);
        QCOMPARE(t.findValue("category", QStringLiteral("Ｔ恤"))->code, QStringLiteral("tshirt"));
        QCOMPARE(t.findValue("category", QStringLiteral("t-shirt"))->code,
                 QStringLiteral("tshirt"));
        // Chinese labels match whole, not in part.
        QVERIFY(!t.findValue("style", QStringLiteral("波西米")));
        QVERIFY(!t.findValue("style", QStringLiteral("波西米亚长裙")));
        QVERIFY(!t.findValue("colour", QStringLiteral("boho")));  // another attribute's value
        // Attributes by any name.
        QCOMPARE(t.findAttribute(QStringLiteral("颜色"))->code, QStringLiteral("colour"));
        QCOMPARE(t.findAttribute(QStringLiteral("Color"))->code, QStringLiteral("colour"));
        QCOMPARE(t.findAttribute(QStringLiteral("product_type"))->code, QStringLiteral("category"));
        QCOMPARE(t.findAttribute(QStringLiteral("Sleeve Length"))->code, QStringLiteral("sleeve"));
        QVERIFY(!t.findAttribute(QStringLiteral("price")));
        // A name shared by values of different attributes.
        const auto refs = t.findValueAnywhere(QStringLiteral("牛仔"));
        QCOMPARE(refs.size(), 1);
        QCOMPARE(refs.first().attribute->code, QStringLiteral("material"));
        QCOMPARE(refs.first().value->code, QStringLiteral("denim"));
        QVERIFY(t.findValueAnywhere(QStringLiteral("xyz")).isEmpty());
        // Labels by language.
        QCOMPARE(Taxonomy::label(*t.value("style", "boho"), "en"), QStringLiteral("Bohemian"));
        QCOMPARE(Taxonomy::label(*t.value("style", "boho"), "zh"), QStringLiteral("波西米亚"));
        QCOMPARE(Taxonomy::normalizeTerm(QStringLiteral("  Ｔ－Ｓｈｉｒｔ  ")),
                 QStringLiteral("t shirt"));
    }
};

QTEST_GUILESS_MAIN(TestTaxonomy)
#include "test_taxonomy.moc"

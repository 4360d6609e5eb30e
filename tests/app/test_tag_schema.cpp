// From the taxonomy to the constrained answer's schema and back: every name of a value maps to
// its code, the key changes with the schema, the server's response_format schema is read back
// (or refused, naming the property), suggestions survive the run record, and the schema compiles
// in the engine's grammar (names that cannot be told apart are refused before any image runs).
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include "tags/tag_schema.h"
#include "tags/taxonomy.h"

using namespace vistag;
using namespace vistag::catalog;

class TestTagSchema final : public QObject {
    Q_OBJECT
private slots:
    void everyNameOfAValueIsASurface() {
        const Taxonomy t = Taxonomy::defaultApparel();
        const inference::TagSchema all = tagSchemaFor(t);
        QCOMPARE(static_cast<int>(all.attributes.size()), static_cast<int>(t.attributes().size()));
        for (size_t i = 0; i < all.attributes.size(); ++i) {
            const auto& a = all.attributes[i];
            const TaxonomyAttribute& ta = t.attributes()[static_cast<int>(i)];
            QCOMPARE(QString::fromStdString(a.code), ta.code);
            QCOMPARE(a.kind, ta.values.isEmpty() ? inference::AttributeKind::Free
                             : ta.multiValued    ? inference::AttributeKind::Multi
                                                 : inference::AttributeKind::Single);
            for (const auto& v : a.values) {
                const TaxonomyValue* tv = t.value(ta.code, QString::fromStdString(v.code));
                QVERIFY(tv);
                for (const auto& s : v.surfaces)  // each surface names this value
                    QCOMPARE(t.findValue(ta.code, QString::fromStdString(s)), tv);
                QVERIFY(std::find(v.surfaces.begin(), v.surfaces.end(),
                                  tv->labelZh.toStdString()) != v.surfaces.end());
            }
        }
        // The server form keeps the code and one label, and "unknown".
        TagSchemaOptions server;
        server.surfaces = TagSchemaOptions::Surfaces::CodesAndLabels;
        server.language = QStringLiteral("en");
        const inference::TagSchema small = tagSchemaFor(t, server);
        QVERIFY(small.attributes[1].allowUnknown);
        QVERIFY(small.attributes[1].values[0].surfaces.size() <= 2);
        QVERIFY(!small.attributes[0].allowUnknown);  // the category is always named
        QVERIFY(tagSchemaKey(small) != tagSchemaKey(all));
        QCOMPARE(tagSchemaKey(tagSchemaFor(t)), tagSchemaKey(all));
        // It compiles without a vocabulary (what a server's answer is checked with).
        QVERIFY(inference::TagGrammar::compile(small, nullptr).hasValue());
    }

    // The built-in taxonomy is a tree: the answer names the category, then only the attributes
    // of that category (no sleeve on a bag, heel height only on shoes).
    void categoryFirstFollowsTheTree() {
        const Taxonomy t = Taxonomy::defaultApparel();
        QVERIFY(t.hasCategoryTree());
        const inference::TagSchema schema = tagSchemaFor(t);
        QCOMPARE(QString::fromStdString(schema.attributes[0].code),
                 QString::fromLatin1(Taxonomy::kCategoryAttribute));
        QVERIFY(!schema.attributes[0].allowUnknown);
        QCOMPARE(schema.categoryAttributes.size(), schema.attributes[0].values.size());
        QCOMPARE(schema.categoryParents.size(), schema.attributes[0].values.size());
        for (size_t c = 0; c < schema.categoryParents.size(); ++c) {  // the tree, by index
            const QString code = QString::fromStdString(schema.attributes[0].values[c].code);
            const int32_t p = schema.categoryParents[c];
            QCOMPARE(
                p < 0 ? QString() : QString::fromStdString(schema.attributes[0].values[p].code),
                t.category(code)->parentCode);
        }
        for (size_t c = 0; c < schema.categoryAttributes.size(); ++c) {
            const QString code = QString::fromStdString(schema.attributes[0].values[c].code);
            QStringList expected, got;
            for (const TaxonomyAttribute* a : t.attributesFor(code))
                if (a->code != QLatin1String(Taxonomy::kCategoryAttribute))
                    expected << a->code;
            for (uint32_t ai : schema.categoryAttributes[c])
                got << QString::fromStdString(schema.attributes[ai].code);
            QCOMPARE(got, expected);
            if (code == QLatin1String("bag") || code == QLatin1String("hat"))
                QVERIFY2(!got.contains(QLatin1String("sleeve")), qPrintable(code));
            QCOMPARE(got.contains(QLatin1String("heel_height")), code == QLatin1String("shoes"));
        }
        auto g = inference::TagGrammar::compile(schema, nullptr);
        QVERIFY2(g.hasValue(), g ? "" : g.error().message().c_str());
        // A bag names no sleeve; a sleeve on a bag is refused.
        const std::string bag = R"({"category":"包","style":"casual","material":["cotton"],)"
                                R"("season":["summer"],"colour":["black"],"pattern":"solid",)"
                                R"("occasion":["daily"],"gender":"female"})";
        auto parsed = (*g)->parse(bag);
        QVERIFY2(parsed.hasValue(), parsed ? "" : parsed.error().message().c_str());
        QCOMPARE(parsed->attributes[0].values[0].code, std::string("bag"));
        auto sleeve = (*g)->parse(R"({"category":"bag","sleeve":"long"})");
        QVERIFY(!sleeve.hasValue());
        // A known category: only its attributes, and a prompt that names the category.
        const inference::TagSchema shoes = tagSchemaForCategory(t, QStringLiteral("shoes"));
        QStringList codes;
        for (const auto& a : shoes.attributes)
            codes << QString::fromStdString(a.code);
        QVERIFY(codes.contains(QLatin1String("heel_height")));
        QVERIFY(!codes.contains(QLatin1String("sleeve")));
        QVERIFY(!codes.contains(QLatin1String("category")));
        QVERIFY(shoes.categoryAttributes.empty());
        const QString prompt =
            buildCategoryTaggingPrompt(t, QStringLiteral("shoes"), QStringLiteral("en"), false);
        QVERIFY2(prompt.contains(t.categoryPath(QStringLiteral("shoes"), QStringLiteral("en"))),
                 qPrintable(prompt));
        QVERIFY(!prompt.contains(QLatin1String("sleeve")));
        QVERIFY(buildConstrainedTaggingPrompt(t, QStringLiteral("en"), false)
                    .contains(QLatin1String("First name its category")));
        QVERIFY(tagSchemaKey(shoes) != tagSchemaKey(schema));
    }

    // What a client sends for category-first tagging (the anyOf schema TagGrammar writes) is
    // read back into the same schema, so `vistag-cli serve` constrains it with the switch.
    void aCategoryFirstSchemaIsReadBack() {
        TagSchemaOptions server;
        server.surfaces = TagSchemaOptions::Surfaces::CodesAndLabels;
        server.language = QStringLiteral("en");
        const inference::TagSchema sent = tagSchemaFor(Taxonomy::defaultApparel(), server);
        const auto grammar = inference::TagGrammar::compile(sent, nullptr).value();
        const QJsonObject json =
            QJsonDocument::fromJson(QByteArray::fromStdString(grammar->jsonSchema())).object();
        QString error;
        const auto read = tagSchemaFromJsonSchema(json, &error);
        QVERIFY2(read, qPrintable(error));
        QCOMPARE(read->categoryAttributes.size(), sent.categoryAttributes.size());
        const auto again = inference::TagGrammar::compile(*read, nullptr);
        QVERIFY2(again.hasValue(), again ? "" : again.error().message().c_str());
        QCOMPARE((*again)->jsonSchema(), grammar->jsonSchema());
        // An attribute defined two ways in two categories is refused, naming it.
        QJsonArray alternatives = json.value(QLatin1String("anyOf")).toArray();
        QJsonObject second = alternatives.at(1).toObject();
        QJsonObject props = second.value(QLatin1String("properties")).toObject();
        props.insert(QStringLiteral("style"),
                     QJsonObject{{"type", "string"}, {"enum", QJsonArray{"x", "y"}}});
        second.insert(QStringLiteral("properties"), props);
        alternatives.replace(1, second);
        QVERIFY(!tagSchemaFromJsonSchema(QJsonObject{{"anyOf", alternatives}}, &error));
        QVERIFY2(error.contains(QLatin1String("'style' is defined differently")),
                 qPrintable(error));
    }

    void theConstrainedPromptListsOnlySmallAttributes() {
        const Taxonomy t = Taxonomy::defaultApparel();
        const QString p = buildConstrainedTaggingPrompt(t, QStringLiteral("en"), false, 3);
        for (const TaxonomyAttribute& a : t.attributes()) {
            QVERIFY2(p.contains(a.code), qPrintable(a.code));
            if (a.values.size() > 3)  // large lists are carried by the constraint
                QVERIFY2(!p.contains(Taxonomy::label(a.values.last(), QStringLiteral("en")) +
                                     QLatin1Char('\n')),
                         qPrintable(a.code));
        }
        QVERIFY(!p.contains(QLatin1String("\"unknown\"")));
        QVERIFY(buildConstrainedTaggingPrompt(t, QStringLiteral("en"), true)
                    .contains(QLatin1String("\"unknown\"")));
        QVERIFY(buildConstrainedTaggingPrompt(t, QStringLiteral("zh"), true).contains(u"商品"));
    }

    void aServersSchemaIsReadBack() {
        const QJsonObject schema = QJsonDocument::fromJson(R"({
            "type": "object",
            "properties": {
                "b": {"type": "string", "enum": ["x", "y", "unknown"]},
                "a": {"anyOf": [{"type": "array", "items": {"type": "string", "enum": ["p", "q"]},
                                 "maxItems": 2}, {"type": "string", "enum": ["unknown"]}]},
                "c": {"type": "array", "items": {"enum": ["m"]}},
                "d": {"type": "string", "maxLength": 5}
            },
            "required": ["a", "b", "c", "d"]})")
                                       .object();
        QString error;
        const auto s = tagSchemaFromJsonSchema(schema, &error);
        QVERIFY2(s, qPrintable(error));
        QCOMPARE(s->attributes.size(), size_t(4));
        QCOMPARE(s->attributes[0].code, std::string("a"));  // the order of "required"
        QCOMPARE(s->attributes[0].kind, inference::AttributeKind::Multi);
        QCOMPARE(s->attributes[0].maxItems, 2);
        QVERIFY(s->attributes[0].allowUnknown);
        QCOMPARE(s->attributes[1].kind, inference::AttributeKind::Single);
        QCOMPARE(s->attributes[1].values.size(), size_t(2));  // "unknown" is not a value
        QVERIFY(s->attributes[1].allowUnknown);
        QVERIFY(!s->attributes[2].allowUnknown);
        QCOMPARE(s->attributes[2].maxItems, 1);
        QCOMPARE(s->attributes[3].kind, inference::AttributeKind::Free);
        QCOMPARE(s->attributes[3].maxFreeBytes, 5);
        // Round trip through the grammar's own schema.
        auto g = inference::TagGrammar::compile(*s, nullptr);
        QVERIFY(g.hasValue());
        const auto again = tagSchemaFromJsonSchema(
            QJsonDocument::fromJson(QByteArray::fromStdString((*g)->jsonSchema())).object(),
            &error);
        QVERIFY2(again, qPrintable(error));
        QCOMPARE(again->attributes.size(), size_t(4));
        QCOMPARE(again->attributes[0].code, std::string("a"));

        for (const char* bad : {R"({"type":"object","properties":{"n":{"type":"number"}}})",
                                R"({"type":"object","properties":{"o":{"type":"object"}}})",
                                R"({"type":"object","properties":{"s":{"type":"string",
                                    "pattern":"^a"}}})",
                                R"({"type":"array"})"}) {
            QVERIFY(!tagSchemaFromJsonSchema(QJsonDocument::fromJson(bad).object(), &error));
            QVERIFY2(error.startsWith(QLatin1String("response_format: ")), qPrintable(error));
        }
        QVERIFY(error.contains(QLatin1String("object with properties")));
    }

    // A server's enum is reduced to distinct values in order, in linear time (it was a quadratic
    // search, about 130 ms for 10,000 values on the server's reading thread). Times are printed.
    void enumDuplicatesAreRemovedInLinearTime() {
        for (const int n : {10000, 100000}) {
            QJsonArray values;
            for (int i = 0; i < n; ++i)
                values.append(QStringLiteral("v%1").arg(i % (n / 2)));  // each value twice
            values.append(QStringLiteral("unknown"));
            const QJsonObject schema{
                {"type", "object"},
                {"properties",
                 QJsonObject{{"colour", QJsonObject{{"type", "string"}, {"enum", values}}}}},
                {"required", QJsonArray{"colour"}}};
            QElapsedTimer clock;
            clock.start();
            QString error;
            const auto s = tagSchemaFromJsonSchema(schema, &error);
            const qint64 ms = clock.elapsed();
            QVERIFY2(s, qPrintable(error));
            QCOMPARE(s->attributes[0].values.size(), size_t(n / 2));
            QCOMPARE(s->attributes[0].values[0].code, std::string("v0"));
            QCOMPARE(s->attributes[0].values[1].code, std::string("v1"));
            QVERIFY(s->attributes[0].allowUnknown);
            qInfo("%d enum values (%d distinct): %lld ms", n, n / 2, static_cast<long long>(ms));
        }
    }

    void suggestionsSurviveTheRunRecord() {
        const QList<TagSuggestion> in = {{QStringLiteral("colour"), QStringLiteral("red"),
                                          QStringLiteral("红色"), false, 0.25, -1, 0.5},
                                         {QStringLiteral("note"), QStringLiteral("a \"b\""),
                                          QStringLiteral("a \"b\""), true, -1, -1, -1}};
        const QList<TagSuggestion> out = suggestionsFromJson(suggestionsToJson(in));
        QCOMPARE(out.size(), 2);
        QCOMPARE(out[0].valueCode, QStringLiteral("red"));
        QCOMPARE(out[0].rawText, QStringLiteral("红色"));
        QCOMPARE(out[0].confidence, 0.25);
        QCOMPARE(out[0].allowedMass, 0.5);
        QVERIFY(out[1].isNewValue);
        QCOMPARE(out[1].confidence, -1.0);
        QVERIFY(suggestionsFromJson(QStringLiteral("not json")).isEmpty());
    }

    void resultsBecomeSuggestions() {
        inference::TagResult r;
        inference::TagAttributeResult single;
        single.code = "colour";
        single.kind = inference::AttributeKind::Single;
        single.values.push_back({"red", "Red", 0.75, 0.4, 2});
        inference::TagAttributeResult unknown;
        unknown.code = "style";
        unknown.kind = inference::AttributeKind::Single;
        unknown.unknown = true;
        inference::TagAttributeResult multi;
        multi.code = "season";
        multi.kind = inference::AttributeKind::Multi;
        multi.values.push_back({"summer", "夏季", std::nan(""), std::nan(""), 0});
        multi.values.push_back({"spring", "spring", 0.5, 0.9, 1});
        inference::TagAttributeResult free;
        free.code = "note";
        free.kind = inference::AttributeKind::Free;
        free.freeText = " pleated ";
        r.attributes = {single, unknown, multi, free};
        const QList<TagSuggestion> s = suggestionsFromTags(r);
        QCOMPARE(s.size(), 4);
        QCOMPARE(s[0].valueCode, QStringLiteral("red"));
        QCOMPARE(s[0].confidence, 0.75);
        QCOMPARE(s[0].allowedMass, 0.4);
        QCOMPARE(s[1].confidence, -1.0);  // NaN: not measured
        QCOMPARE(s[2].attribute, QStringLiteral("season"));
        QCOMPARE(s[3].valueCode, QStringLiteral("pleated"));
        QVERIFY(s[3].isNewValue);
    }
};

QTEST_GUILESS_MAIN(TestTagSchema)
#include "test_tag_schema.moc"

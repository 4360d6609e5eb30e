// Tagging through an inference server (RemoteBackend with AskRequest::tagSchema), against real
// HTTP on 127.0.0.1: a scripted server on its own thread records every request and answers as
// the test says. Checks the request bodies per structured-output mode, the probe that tells
// whether a server enforces a schema, the one repair retry and then "unknown", splitting a large
// taxonomy over requests and merging the parts, and that no value outside the taxonomy ever
// reaches AskResult::tags.
#include <QThread>
#include <QtTest>
#include <atomic>
#include <cmath>
#include <functional>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "backend/remote_backend.h"
#include "backend/remote_tags.h"
#include "fake_chat_server.h"

using namespace vistag;
using backend::AskRequest;
using backend::AskResult;
using backend::RemoteBackend;
using backend::RemoteOptions;
using backend::StructuredOutput;
using backend::TagProvenance;
using backend::TagSchemaProbe;
using test::answerFor;
using test::FakeServer;
using test::httpError;
using test::Recorded;
using test::Reply;
using test::sentSchema;

namespace {

// --- taxonomies and answers -------------------------------------------------------------------

inference::TagSchemaAttribute attr(const std::string& code, inference::AttributeKind kind,
                                   std::vector<std::pair<std::string, std::string>> values,
                                   int maxItems = 3) {
    inference::TagSchemaAttribute a;
    a.code = code;
    a.kind = kind;
    a.maxItems = maxItems;
    for (auto& [c, label] : values)
        a.values.push_back({c, {c, label}});
    return a;
}

std::shared_ptr<const inference::TagSchema> smallSchema() {
    using K = inference::AttributeKind;
    auto s = std::make_shared<inference::TagSchema>();
    s->attributes = {
        attr("color", K::Single, {{"red", "红色"}, {"blue", "蓝色"}, {"black", "黑色"}}),
        attr("style", K::Multi, {{"casual", "休闲"}, {"formal", "正式"}, {"sport", "运动"}}, 2),
    };
    inference::TagSchemaAttribute note;
    note.code = "note";
    note.kind = K::Free;
    note.maxFreeBytes = 20;
    s->attributes.push_back(note);
    return s;
}

// `n` attributes of `values` values each (codes a0v0 …), all single-valued.
std::shared_ptr<const inference::TagSchema> wideSchema(int n, int values) {
    auto s = std::make_shared<inference::TagSchema>();
    for (int i = 0; i < n; ++i) {
        std::vector<std::pair<std::string, std::string>> v;
        for (int k = 0; k < values; ++k)
            v.emplace_back("a" + std::to_string(i) + "v" + std::to_string(k),
                           "值" + std::to_string(i) + "-" + std::to_string(k));
        s->attributes.push_back(
            attr("attr" + std::to_string(i), inference::AttributeKind::Single, std::move(v)));
    }
    return s;
}

// The text of every message of a request, joined.
QString messageText(const Recorded& r) {
    return QString::fromUtf8(
        QJsonDocument(r.body.value("messages").toArray()).toJson(QJsonDocument::Compact));
}

// The schema as it appears in the prompt (json_object / none modes).
QString schemaInPrompt(const Recorded& r) {
    const QJsonArray msgs = r.body.value("messages").toArray();
    const QJsonArray content = msgs.last().toObject().value("content").toArray();
    const QString text = content.last().toObject().value("text").toString();
    const qsizetype at = text.indexOf(QLatin1String("JSON schema:\n"));
    return at < 0 ? QString() : text.mid(at + 13);
}

RemoteOptions optionsFor(const FakeServer& server, StructuredOutput mode) {
    RemoteOptions o;
    o.baseUrl = server.url();
    o.model = QStringLiteral("m");
    o.structuredOutput = mode;
    o.inactivityTimeoutMs = 30000;
    return o;
}

AskRequest tagRequest(std::shared_ptr<const inference::TagSchema> schema) {
    AskRequest r;
    r.prompt = QStringLiteral("Tag the product in the image.");
    r.tagSchema = std::move(schema);
    return r;
}

// Every value of the result is allowed by the taxonomy (codes and surfaces), in taxonomy order.
void checkWithinTaxonomy(const inference::TagResult& tags, const inference::TagSchema& schema) {
    QCOMPARE(tags.attributes.size(), schema.attributes.size());
    for (size_t i = 0; i < schema.attributes.size(); ++i) {
        const auto& a = schema.attributes[i];
        const auto& r = tags.attributes[i];
        QCOMPARE(r.code, a.code);
        if (a.kind == inference::AttributeKind::Free) {
            QVERIFY(r.freeText.size() <= static_cast<size_t>(a.maxFreeBytes));
            continue;
        }
        if (r.unknown) {
            QVERIFY(r.values.empty());
            continue;
        }
        QVERIFY(!r.values.empty());
        QVERIFY(r.values.size() <= (a.kind == inference::AttributeKind::Single
                                        ? size_t{1}
                                        : static_cast<size_t>(a.maxItems)));
        std::set<std::string> seen;
        for (const auto& v : r.values) {
            bool found = false;
            for (const auto& allowed : a.values)
                if (allowed.code == v.code)
                    for (const auto& s : allowed.surfaces)
                        found = found || s == v.surface;
            QVERIFY2(found, (a.code + ": " + v.code + " / " + v.surface).c_str());
            QVERIFY(seen.insert(v.code).second);
            QVERIFY(std::isnan(v.confidence));  // unmeasured for a server's answer
        }
    }
}

}  // namespace

class TestRemoteTags final : public QObject {
    Q_OBJECT
private slots:
    void init() { RemoteBackend::clearTagSchemaProbes(); }

    // The schema goes in response_format json_schema (strict, keys in taxonomy order) by
    // default; json_object sends {"type":"json_object"}, enable_thinking false and the schema
    // in a prompt that says "JSON"; none sends no response_format and the schema in the prompt.
    void requestBodiesPerMode() {
        const auto schema = smallSchema();
        const QByteArray expected = QByteArray::fromStdString(
            inference::TagGrammar::compile(*schema, nullptr).value()->jsonSchema());
        FakeServer server([&](const Recorded& r) {
            QJsonObject s = sentSchema(r);
            if (s.isEmpty())
                s = QJsonDocument::fromJson(schemaInPrompt(r).toUtf8()).object();
            return Reply{QStringLiteral("```json\n") + answerFor(s, 1) + QStringLiteral("\n```")};
        });
        for (StructuredOutput mode :
             {StructuredOutput::JsonSchema, StructuredOutput::JsonObject, StructuredOutput::None}) {
            RemoteBackend b(optionsFor(server, mode));
            const AskResult r = b.ask(tagRequest(schema));
            QVERIFY2(r.ok, qPrintable(r.error));
            const Recorded sent = server.chats().back();
            const QJsonObject rf = sent.body.value("response_format").toObject();
            switch (mode) {
                case StructuredOutput::JsonSchema: {
                    QCOMPARE(rf.value("type").toString(), QStringLiteral("json_schema"));
                    const QJsonObject js = rf.value("json_schema").toObject();
                    QCOMPARE(js.value("name").toString(), QStringLiteral("vistag_tags"));
                    QCOMPARE(js.value("strict").toBool(), true);
                    // Sent as the core wrote it: keys in taxonomy order.
                    QVERIFY(sent.raw.contains("\"schema\":" + expected + ","));
                    QVERIFY(!sent.body.contains("enable_thinking"));
                    QVERIFY(schemaInPrompt(sent).isEmpty());
                    break;
                }
                case StructuredOutput::JsonObject:
                    QCOMPARE(rf, (QJsonObject{{"type", "json_object"}}));
                    QCOMPARE(sent.body.value("enable_thinking"), QJsonValue(false));
                    QVERIFY(messageText(sent).contains(QLatin1String("JSON")));
                    QCOMPARE(schemaInPrompt(sent).toUtf8(), expected);
                    break;
                case StructuredOutput::None:
                    QVERIFY(!sent.body.contains("response_format"));
                    QVERIFY(!sent.body.contains("enable_thinking"));
                    QCOMPARE(schemaInPrompt(sent).toUtf8(), expected);
                    break;
            }
            QVERIFY(!sent.raw.contains("guided_"));
            QCOMPARE(sent.body.value("stream").toBool(), true);
            QCOMPARE(sent.body.value("model").toString(), QStringLiteral("m"));
            // The answer (in code fences) was found, checked and mapped to codes.
            QCOMPARE(r.tagProvenance, TagProvenance::ServerSchema);
            QVERIFY(r.tagsError.isEmpty());
            QVERIFY(r.tags.has_value());
            checkWithinTaxonomy(*r.tags, *schema);
            // (The second allowed surface: the label of the first value.)
            QCOMPARE(r.tags->attributes[0].values.at(0).code, std::string("red"));
            QCOMPARE(r.tags->attributes[0].values.at(0).surface, std::string("红色"));
            QCOMPARE(r.tags->attributes[1].values.at(0).code, std::string("casual"));
            QCOMPARE(r.tags->attributes[2].freeText, std::string("short note"));
            QVERIFY(std::isnan(r.tags->attributes[0].confidence));
            // The stored answer: the checked values as compact JSON in taxonomy order.
            QCOMPARE(r.text,
                     QStringLiteral(R"({"color":"红色","style":["休闲"],"note":"short note"})"));
            QCOMPARE(r.finishReason, backend::FinishReason::Stop);
        }
        QCOMPARE(server.chats().size(), size_t{3});
    }

    // The probe: a schema that allows one made-up word, a question about something else.
    void probeTellsAnEnforcingServerFromOneThatIgnoresTheSchema() {
        FakeServer enforcing([](const Recorded& r) { return Reply{answerFor(sentSchema(r))}; });
        FakeServer ignoring([](const Recorded&) { return Reply{QStringLiteral("Blue.")}; });
        FakeServer refusing([](const Recorded&) {
            return Reply{{}, {}, httpError(400, "Bad Request", "response_format is not supported")};
        });
        {
            RemoteBackend b(optionsFor(enforcing, StructuredOutput::JsonSchema));
            QVERIFY(!b.cachedTagSchemaProbe());
            const TagSchemaProbe p = b.probeTagSchema();
            QCOMPARE(p.state, TagSchemaProbe::State::Enforced);
            QCOMPARE(p.summary(), QStringLiteral("tag schema: enforced"));
            const Recorded sent = enforcing.chats().at(0);
            const QJsonObject s = sentSchema(sent);
            const QJsonArray allowed =
                s.value("properties").toObject().value("answer").toObject().value("enum").toArray();
            QCOMPARE(allowed.size(), 1);
            QVERIFY(!messageText(sent).contains(allowed.at(0).toString()));
            QCOMPARE(s.value("additionalProperties"), QJsonValue(false));
            QCOMPARE(sent.body.value("response_format")
                         .toObject()
                         .value("json_schema")
                         .toObject()
                         .value("name")
                         .toString(),
                     QStringLiteral("vistag_probe"));
            // Cached for the server and model: no second request, also from another backend.
            RemoteBackend again(optionsFor(enforcing, StructuredOutput::JsonSchema));
            QCOMPARE(again.probeTagSchema().state, TagSchemaProbe::State::Enforced);
            QCOMPARE(enforcing.chats().size(), size_t{1});
        }
        {
            RemoteBackend b(optionsFor(ignoring, StructuredOutput::JsonSchema));
            const TagSchemaProbe p = b.probeTagSchema();
            QCOMPARE(p.state, TagSchemaProbe::State::NotEnforced);
            QCOMPARE(p.summary(), QStringLiteral("tag schema: not enforced (answers are checked)"));
            QVERIFY(p.detail.contains(QLatin1String("Blue.")));
            QCOMPARE(ignoring.chats().size(), size_t{1});
            // Tag requests to a server known to ignore the schema carry it in the prompt too.
            const auto schema = smallSchema();
            b.ask(tagRequest(schema));
            QVERIFY(!schemaInPrompt(ignoring.chats().at(1)).isEmpty());
        }
        {
            RemoteBackend b(optionsFor(refusing, StructuredOutput::JsonSchema));
            const TagSchemaProbe p = b.probeTagSchema();
            QCOMPARE(p.state, TagSchemaProbe::State::Refused);
            QVERIFY2(p.detail.contains(QLatin1String("response_format is not supported")),
                     qPrintable(p.detail));
        }
        {
            // json_object and none send no schema: nothing to probe, no request.
            const size_t before = ignoring.requestCount();
            for (StructuredOutput mode : {StructuredOutput::JsonObject, StructuredOutput::None}) {
                RemoteBackend b(optionsFor(ignoring, mode));
                QCOMPARE(b.probeTagSchema().state, TagSchemaProbe::State::NotSent);
            }
            QCOMPARE(ignoring.requestCount(), before);
        }
        {
            // A server that cannot be reached is not checked, and nothing is cached.
            const QString url = [] {
                FakeServer gone([](const Recorded&) { return Reply{}; });
                return gone.url();
            }();
            RemoteOptions o;
            o.baseUrl = url;
            o.model = QStringLiteral("m");
            RemoteBackend b(o);
            QCOMPARE(b.probeTagSchema().state, TagSchemaProbe::State::Unchecked);
            QVERIFY(!b.cachedTagSchemaProbe());
        }
    }

    // With onTagSchemaProbe set (the command line), the first tagging request probes first and
    // reports it; later requests do not probe again. A cancel during the probe stops the ask.
    void firstTagRequestProbesWhenAskedTo() {
        const auto schema = smallSchema();
        FakeServer ignoring([](const Recorded&) { return Reply{QStringLiteral("Blue")}; });
        RemoteOptions o = optionsFor(ignoring, StructuredOutput::JsonSchema);
        QList<TagSchemaProbe::State> reported;
        o.onTagSchemaProbe = [&](const TagSchemaProbe& p) { reported << p.state; };
        RemoteBackend b(o);
        b.ask(tagRequest(schema));
        b.ask(tagRequest(schema));
        QCOMPARE(reported, QList<TagSchemaProbe::State>{TagSchemaProbe::State::NotEnforced});
        const auto chats = ignoring.chats();
        QCOMPARE(chats.size(), size_t{5});  // the probe, then a request and a repair twice
        QCOMPARE(sentSchema(chats[0]).value("required").toArray(), QJsonArray{"answer"});
        // Found not to enforce it, the server gets the schema in the prompt as well.
        QVERIFY(!schemaInPrompt(chats[1]).isEmpty());

        // The request's own handle is cancelled while the probe is under way.
        std::atomic<backend::AskHandle*> live{nullptr};
        FakeServer slow([&](const Recorded&) {
            for (int i = 0; i < 500 && !live.load(); ++i)  // submit() has returned the handle
                QThread::msleep(10);
            if (backend::AskHandle* h = live.load())
                h->cancel();
            return Reply{QStringLiteral("Blue")};
        });
        RemoteOptions so = optionsFor(slow, StructuredOutput::JsonSchema);
        so.onTagSchemaProbe = [](const TagSchemaProbe&) {};
        RemoteBackend c(so);
        const backend::AskHandlePtr handle = c.submit(tagRequest(schema));
        live = handle.get();
        const AskResult r = handle->wait();
        QVERIFY(r.ok);
        QCOMPARE(r.finishReason, backend::FinishReason::Cancelled);
        QVERIFY(!r.tags);
        QCOMPARE(slow.chats().size(), size_t{1});
    }

    // An answer outside the taxonomy gets one repair request (the answer and the problem), and
    // a good second answer is kept as Repaired.
    void invalidAnswerIsRepairedOnce() {
        const auto schema = smallSchema();
        FakeServer server([](const Recorded& r) {
            const QJsonArray msgs = r.body.value("messages").toArray();
            if (msgs.size() == 1)  // the first try: a colour the taxonomy does not have
                return Reply{
                    QStringLiteral(R"(Sure! {"color":"green","style":["casual"],"note":""})")};
            return Reply{answerFor(sentSchema(r))};
        });
        RemoteBackend b(optionsFor(server, StructuredOutput::JsonSchema));
        const AskResult r = b.ask(tagRequest(schema));
        QVERIFY2(r.ok, qPrintable(r.error));
        const auto chats = server.chats();
        QCOMPARE(chats.size(), size_t{2});
        const QJsonArray msgs = chats[1].body.value("messages").toArray();
        QCOMPARE(msgs.size(), 3);
        QCOMPARE(msgs[1].toObject().value("role").toString(), QStringLiteral("assistant"));
        QVERIFY(msgs[1].toObject().value("content").toString().contains(QLatin1String("green")));
        const QString repair = msgs[2].toObject().value("content").toString();
        QVERIFY2(repair.contains(QLatin1String("\"green\" is not an allowed value")),
                 qPrintable(repair));
        QVERIFY(repair.contains(QLatin1String("JSON")));
        // The repair asks for the same schema.
        QCOMPARE(sentSchema(chats[1]), sentSchema(chats[0]));
        QCOMPARE(r.tagProvenance, TagProvenance::Repaired);
        checkWithinTaxonomy(*r.tags, *schema);
        QCOMPARE(r.tags->attributes[0].values.at(0).code, std::string("red"));
    }

    // Two answers that do not fit: every attribute "unknown", InvalidOutput, the reason in plain
    // words; never a third request.
    void stillInvalidBecomesUnknown() {
        const auto schema = smallSchema();
        FakeServer server([](const Recorded&) {
            return Reply{QStringLiteral(R"({"color":"green","style":"casual","note":""})")};
        });
        RemoteBackend b(optionsFor(server, StructuredOutput::JsonSchema));
        const AskResult r = b.ask(tagRequest(schema));
        QVERIFY2(r.ok, qPrintable(r.error));
        QCOMPARE(server.chats().size(), size_t{2});
        QCOMPARE(r.tagProvenance, TagProvenance::InvalidOutput);
        QVERIFY(r.tags.has_value());
        checkWithinTaxonomy(*r.tags, *schema);
        for (const auto& a : r.tags->attributes) {
            QVERIFY(a.unknown);
            QVERIFY(a.values.empty());
            QVERIFY(std::isnan(a.confidence));
        }
        QVERIFY2(r.tagsError.contains(QLatin1String("did not fit the taxonomy")),
                 qPrintable(r.tagsError));
        QVERIFY(r.tagsError.contains(QLatin1String("green")));
        QCOMPARE(r.text,
                 QStringLiteral(R"({"color":"unknown","style":"unknown","note":"unknown"})"));
    }

    // A taxonomy over the server's limits goes out in several requests, attributes in order and
    // each request within the limits; the parts merge back in taxonomy order.
    void largeTaxonomyIsSplitAndMerged() {
        // 31 enum values per attribute: 15 values of two names each, and "unknown".
        const auto schema = wideSchema(7, 15);
        FakeServer server([](const Recorded& r) { return Reply{answerFor(sentSchema(r), -1)}; });
        RemoteOptions o = optionsFor(server, StructuredOutput::JsonSchema);
        o.schemaMaxEnumValues = 100;  // three attributes per request at most
        RemoteBackend b(o);
        const AskResult r = b.ask(tagRequest(schema));
        QVERIFY2(r.ok, qPrintable(r.error));
        const auto chats = server.chats();
        QCOMPARE(chats.size(), size_t{3});
        QStringList order;
        for (const Recorded& c : chats) {
            const QByteArray raw = c.raw;
            const QJsonObject s = sentSchema(c);
            int enums = 0;
            for (const QJsonValue& p : s.value("properties").toObject())
                enums += static_cast<int>(p.toObject().value("enum").toArray().size());
            QVERIFY(enums <= 100);
            for (const QJsonValue& k : s.value("required").toArray())
                order << k.toString();
            // Each request says which keys it answers.
            QVERIFY(messageText(c).contains(QStringLiteral("exactly these keys, in this order: %1")
                                                .arg(s.value("required")
                                                         .toVariant()
                                                         .toStringList()
                                                         .join(QStringLiteral(", ")))));
        }
        QCOMPARE(order,
                 (QStringList{"attr0", "attr1", "attr2", "attr3", "attr4", "attr5", "attr6"}));
        QCOMPARE(r.tagProvenance, TagProvenance::ServerSchema);
        checkWithinTaxonomy(*r.tags, *schema);
        for (int i = 0; i < 7; ++i)
            QCOMPARE(r.tags->attributes[static_cast<size_t>(i)].values.at(0).code,
                     "a" + std::to_string(i) + "v14");
        QVERIFY2(r.text.startsWith(QStringLiteral(R"({"attr0":"值0-14","attr1":)")),
                 qPrintable(r.text));

        // The character limit splits too.
        RemoteOptions byChars = o;
        byChars.schemaMaxEnumValues = 0;
        byChars.schemaMaxChars = 1200;
        const size_t before = server.chats().size();
        const AskResult r2 = RemoteBackend(byChars).ask(tagRequest(schema));
        QVERIFY2(r2.ok, qPrintable(r2.error));
        const auto after = server.chats();
        QVERIFY(after.size() - before > 1);
        for (size_t i = before; i < after.size(); ++i) {
            const QByteArray s = QJsonDocument(sentSchema(after[i])).toJson(QJsonDocument::Compact);
            QVERIFY(QString::fromUtf8(s).size() <= 1200);
        }
        checkWithinTaxonomy(*r2.tags, *schema);
    }

    // Category first: one request with one alternative per category (anyOf) when that fits the
    // server's limits; otherwise the category first, then that category's attributes alone.
    void categoryFirstInOneRequestOrTwo() {
        using K = inference::AttributeKind;
        auto schema = std::make_shared<inference::TagSchema>();
        auto category =
            attr("category", K::Single, {{"dress", "连衣裙"}, {"shoes", "鞋"}, {"bag", "包"}});
        category.allowUnknown = false;
        schema->attributes = {category,
                              attr("color", K::Single, {{"red", "红色"}, {"blue", "蓝色"}}),
                              attr("style", K::Multi, {{"casual", "休闲"}, {"formal", "正式"}}, 2),
                              attr("heel", K::Single, {{"flat", "平底"}, {"high", "高跟"}})};
        schema->categoryAttributes = {{1, 2}, {1, 3}, {}};
        auto reply = [](const Recorded& r) {
            const QJsonObject s = sentSchema(r);
            if (s.contains("anyOf"))  // the shoes alternative, first names
                return Reply{answerFor(s.value("anyOf").toArray().at(1).toObject())};
            if (s.value("required").toArray() == QJsonArray{"category"})
                return Reply{answerFor(s, -3)};  // the category alone: "鞋"
            return Reply{answerFor(s, -1)};
        };
        FakeServer server(reply);
        RemoteOptions o = optionsFor(server, StructuredOutput::JsonSchema);
        const AskResult one = RemoteBackend(o).ask(tagRequest(schema));
        QVERIFY2(one.ok, qPrintable(one.error));
        QCOMPARE(server.chats().size(), size_t{1});
        QCOMPARE(sentSchema(server.chats()[0]).value("anyOf").toArray().size(), 3);
        QVERIFY(one.tags);
        QCOMPARE(one.tags->attributes.size(), size_t{3});
        QCOMPARE(one.tags->attributes[0].values.at(0).code, std::string("shoes"));
        QCOMPARE(one.tags->attributes[2].code, std::string("heel"));
        QVERIFY2(one.text.startsWith(QStringLiteral(R"({"category":"shoes","color":)")),
                 qPrintable(one.text));

        // Over the limit as a whole: two requests, each within it.
        o.schemaMaxEnumValues = 10;
        const AskResult two = RemoteBackend(o).ask(tagRequest(schema));
        QVERIFY2(two.ok, qPrintable(two.error));
        const auto chats = server.chats();
        QCOMPARE(chats.size(), size_t{3});
        QCOMPARE(sentSchema(chats[1]).value("required").toArray(), QJsonArray{"category"});
        QCOMPARE(sentSchema(chats[2]).value("required").toArray(), (QJsonArray{"color", "heel"}));
        QVERIFY(messageText(chats[2]).contains(QStringLiteral("The category is")));
        QVERIFY(two.tags);
        QCOMPARE(two.tags->attributes.size(), size_t{3});
        QCOMPARE(two.tags->attributes[0].values.at(0).code, std::string("shoes"));
        QCOMPARE(two.tags->attributes[1].code, std::string("color"));
        QCOMPARE(two.tags->attributes[2].values.at(0).code, std::string("high"));
        QVERIFY2(two.text.startsWith(QStringLiteral(R"({"category":"鞋","color":)")),
                 qPrintable(two.text));
    }

    // A category list too long for one request is asked level by level down the tree: the
    // roots, then the chosen one's children (with itself as a choice), to a leaf.
    void categoryListOverTheLimitIsAskedLevelByLevel() {
        using K = inference::AttributeKind;
        auto schema = std::make_shared<inference::TagSchema>();
        auto category = attr("category", K::Single,
                             {{"clothing", "服装"},
                              {"shoes", "鞋"},
                              {"dress", "连衣裙"},
                              {"maxi", "长裙"},
                              {"mini", "短裙"}});
        category.allowUnknown = false;
        schema->attributes = {category,
                              attr("color", K::Single, {{"red", "红色"}, {"blue", "蓝色"}})};
        schema->categoryAttributes = {{1}, {1}, {1}, {1}, {1}};
        schema->categoryParents = {-1, -1, 0, 2, 2};
        FakeServer server([](const Recorded& r) {
            const QJsonObject s = sentSchema(r);
            const QJsonArray names = s.value("properties")
                                         .toObject()
                                         .value("category")
                                         .toObject()
                                         .value("enum")
                                         .toArray();
            for (const char* pick : {"maxi", "dress", "clothing"})
                if (names.contains(QString::fromLatin1(pick)))
                    return Reply{QStringLiteral(R"({"category":"%1"})").arg(QLatin1String(pick))};
            return Reply{answerFor(s, -1)};
        });
        RemoteOptions o = optionsFor(server, StructuredOutput::JsonSchema);
        o.schemaMaxEnumValues = 6;  // five categories of two names do not fit; two or three do
        const AskResult r = RemoteBackend(o).ask(tagRequest(schema));
        QVERIFY2(r.ok, qPrintable(r.error));
        const auto chats = server.chats();
        QCOMPARE(chats.size(), size_t{4});  // roots, clothing's children, dress's, then colour
        auto enumOf = [](const Recorded& c) {
            return sentSchema(c)
                .value("properties")
                .toObject()
                .value("category")
                .toObject()
                .value("enum")
                .toArray();
        };
        QCOMPARE(enumOf(chats[0]), (QJsonArray{"clothing", "服装", "shoes", "鞋"}));
        QCOMPARE(enumOf(chats[1]), (QJsonArray{"clothing", "服装", "dress", "连衣裙"}));
        QCOMPARE(enumOf(chats[2]), (QJsonArray{"dress", "连衣裙", "maxi", "长裙", "mini", "短裙"}));
        QCOMPARE(sentSchema(chats[3]).value("required").toArray(), QJsonArray{"color"});
        QVERIFY(r.tags);
        QCOMPARE(r.tags->attributes.size(), size_t{2});
        QCOMPARE(r.tags->attributes[0].values.at(0).code, std::string("maxi"));
        QCOMPARE(r.tags->attributes[1].values.at(0).code, std::string("blue"));
    }

    // One attribute alone over the limit cannot be sent: refused before anything is sent, the
    // attribute named.
    void attributeOverTheLimitIsRefusedBeforeAnyRequest() {
        const auto schema = wideSchema(2, 30);
        FakeServer server([](const Recorded& r) { return Reply{answerFor(sentSchema(r))}; });
        RemoteOptions o = optionsFor(server, StructuredOutput::JsonSchema);
        o.schemaMaxEnumValues = 20;
        const AskResult r = RemoteBackend(o).ask(tagRequest(schema));
        QVERIFY(!r.ok);
        QVERIFY2(r.error.contains(QLatin1String("\"attr0\"")) &&
                     r.error.contains(QLatin1String("61 values")),
                 qPrintable(r.error));
        QCOMPARE(server.requestCount(), size_t{0});
        // So is a taxonomy the constraint cannot take (two values sharing a name).
        auto bad = std::make_shared<inference::TagSchema>();
        bad->attributes = {
            attr("color", inference::AttributeKind::Single, {{"navy", "blue"}, {"blue", "x"}})};
        const AskResult r2 =
            RemoteBackend(optionsFor(server, StructuredOutput::JsonSchema)).ask(tagRequest(bad));
        QVERIFY(!r2.ok);
        QVERIFY2(r2.error.contains(QLatin1String("\"color\"")), qPrintable(r2.error));
        QCOMPARE(server.requestCount(), size_t{0});
    }

    // A server that writes whatever it likes (values of other attributes, made-up words, wrong
    // shapes, broken JSON): whatever happens, AskResult::tags holds only taxonomy values.
    void noValueOutsideTheTaxonomyEverReachesTheTags() {
        const auto schema = smallSchema();
        std::mt19937 rng(12345);
        std::mutex rngMutex;
        const QStringList words = {"red",   "blue",  "green",   "红色", "casual", "formal",
                                   "sport", "party", "unknown", "",     "Red",    " red"};
        FakeServer server([&](const Recorded& r) {
            std::lock_guard lock(rngMutex);
            if (rng() % 2)  // half of the answers are valid
                return Reply{answerFor(sentSchema(r), static_cast<int>(rng() % 6))};
            auto word = [&] { return words[static_cast<qsizetype>(rng() % words.size())]; };
            QJsonObject o;
            if (rng() % 4)
                o.insert("color", word());
            switch (rng() % 4) {
                case 0:
                    o.insert("style", word());
                    break;
                case 1:
                    o.insert("style", QJsonArray{word(), word()});
                    break;
                case 2:
                    o.insert("style", QJsonArray{word()});
                    break;
                default:
                    break;
            }
            o.insert("note", rng() % 3 ? word() : QStringLiteral("a note that is far too long"));
            if (rng() % 5 == 0)
                o.insert("extra", 1);
            QString text = QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));
            if (rng() % 6 == 0)
                text.chop(1);  // cut off
            return Reply{text};
        });
        RemoteBackend b(optionsFor(server, StructuredOutput::JsonSchema));
        QMap<TagProvenance, int> seen;
        for (int i = 0; i < 60; ++i) {
            const AskResult r = b.ask(tagRequest(schema));
            QVERIFY2(r.ok, qPrintable(r.error));
            QVERIFY(r.tags.has_value());
            checkWithinTaxonomy(*r.tags, *schema);
            QCOMPARE(r.tagsError.isEmpty(), r.tagProvenance != TagProvenance::InvalidOutput);
            ++seen[r.tagProvenance];
        }
        // Every path was taken: good at once, repaired, invalid twice.
        QCOMPARE(seen.keys(),
                 (QList<TagProvenance>{TagProvenance::ServerSchema, TagProvenance::Repaired,
                                       TagProvenance::InvalidOutput}));
    }

    // Finding the answer's object: code fences, words and a think block around it, braces in
    // strings.
    void extractsTheOutermostObject() {
        using backend::remote_tags::extractJsonObject;
        QCOMPARE(extractJsonObject(QStringLiteral("```json\n{\"a\":\"x\"}\n```")),
                 QStringLiteral("{\"a\":\"x\"}"));
        QCOMPARE(extractJsonObject(QStringLiteral("Here: {\"a\":{\"b\":\"}\"}} done {\"c\":1}")),
                 QStringLiteral("{\"a\":{\"b\":\"}\"}}"));
        QCOMPARE(extractJsonObject(QStringLiteral("<think>{maybe}</think>\n{\"a\":[1,{}]}")),
                 QStringLiteral("{\"a\":[1,{}]}"));
        QCOMPARE(extractJsonObject(QStringLiteral("{ not closed {\"a\":\"\\\"}\"}")),
                 QStringLiteral("{\"a\":\"\\\"}\"}"));
        QCOMPARE(extractJsonObject(QStringLiteral("  no object  ")), QStringLiteral("no object"));
    }

    void structuredOutputNames() {
        for (StructuredOutput m :
             {StructuredOutput::JsonSchema, StructuredOutput::JsonObject, StructuredOutput::None})
            QCOMPARE(backend::structuredOutputFromName(backend::structuredOutputName(m)), m);
        QVERIFY(!backend::structuredOutputFromName(QStringLiteral("guided_json")));
    }
};

QTEST_GUILESS_MAIN(TestRemoteTags)
#include "test_remote_tags.moc"

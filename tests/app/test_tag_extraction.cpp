// Tag extraction from model answers: the corpus of messy answers in
// tests/data/extraction/answers.jsonl (every case checked exactly), offsets, the prompt, and
// confidence from token probabilities.
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QtTest>
#include <cmath>

#include "tags/tag_extraction.h"
#include "tags/taxonomy.h"

using namespace vistag::catalog;

namespace {

using ValueSets = QMap<QString, QSet<QString>>;  // attribute → values

ValueSets setsFrom(const QJsonObject& o) {
    ValueSets out;
    for (auto it = o.begin(); it != o.end(); ++it)
        for (const QJsonValue& v : it.value().toArray())
            out[it.key()].insert(v.toString());
    return out;
}

QString describe(const ValueSets& sets) {
    QStringList parts;
    for (auto it = sets.begin(); it != sets.end(); ++it) {
        QStringList values(it.value().begin(), it.value().end());
        values.sort();
        parts.append(it.key() + "=" + values.join('+'));
    }
    return parts.join(QStringLiteral(", "));
}

// Every suggestion points at its words in the answer.
QString checkInvariants(const QString& answer, const QList<TagSuggestion>& tags) {
    for (const TagSuggestion& t : tags) {
        if (t.answerOffset < 0 || t.rawText.isEmpty())
            return QStringLiteral("%1=%2 has no position").arg(t.attribute, t.valueCode);
        if (answer.mid(t.answerOffset, t.rawText.size()) != t.rawText)
            return QStringLiteral("%1=%2: rawText \"%3\" is not at %4")
                .arg(t.attribute, t.valueCode, t.rawText)
                .arg(t.answerOffset);
        if (t.confidence != -1)
            return QStringLiteral("confidence set");
    }
    return {};
}

}  // namespace

class TestTagExtraction final : public QObject {
    Q_OBJECT
private:
    Taxonomy tax = Taxonomy::defaultApparel();

private slots:
    void corpus() {
        QFile file(QStringLiteral(VISTAG_TEST_DATA_DIR "/extraction/answers.jsonl"));
        QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(file.fileName()));
        int lineNo = 0, cases = 0, passed = 0;
        QStringList failures;
        while (!file.atEnd()) {
            const QByteArray line = file.readLine().trimmed();
            ++lineNo;
            if (line.isEmpty())
                continue;
            QJsonParseError pe;
            const QJsonObject c = QJsonDocument::fromJson(line, &pe).object();
            QVERIFY2(pe.error == QJsonParseError::NoError,
                     qPrintable(QStringLiteral("line %1: %2").arg(lineNo).arg(pe.errorString())));
            ++cases;
            const QString answer = c.value("answer").toString();
            const ValueSets expect = setsFrom(c.value("expect").toObject());
            const ValueSets expectNew = setsFrom(c.value("new").toObject());
            const QList<TagSuggestion> tags = parseTagAnswer(answer, tax);
            if (qEnvironmentVariableIsSet("VISTAG_EXTRACTION_DUMP")) {  // to write new cases
                QStringList found;
                for (const TagSuggestion& t : tags)
                    found.append(QStringLiteral("%1=%2%3@%4\"%5\"")
                                     .arg(t.attribute, t.valueCode, t.isNewValue ? "(new)" : "")
                                     .arg(t.answerOffset)
                                     .arg(t.rawText));
                qInfo("line %d: %s", lineNo, qPrintable(found.join(QStringLiteral("  "))));
            }
            ValueSets got, gotNew;
            for (const TagSuggestion& t : tags)
                (t.isNewValue ? gotNew : got)[t.attribute].insert(t.valueCode);
            QString problem;
            if (got != expect || gotNew != expectNew)
                problem = QStringLiteral("expected [%1] new [%2], got [%3] new [%4]")
                              .arg(describe(expect), describe(expectNew), describe(got),
                                   describe(gotNew));
            else
                problem = checkInvariants(answer, tags);
            // Single-valued attributes never get two values; no duplicates.
            QSet<QString> seen;
            for (const TagSuggestion& t : tags) {
                const QString key = t.attribute + '|' + t.valueCode;
                if (seen.contains(key))
                    problem = QStringLiteral("duplicate %1").arg(key);
                seen.insert(key);
                if (!tax.attribute(t.attribute)->multiValued &&
                    got[t.attribute].size() + gotNew[t.attribute].size() > 1)
                    problem =
                        QStringLiteral("several values for single-valued %1").arg(t.attribute);
            }
            if (problem.isEmpty()) {
                ++passed;
            } else {
                failures.append(QStringLiteral("line %1 (%2): %3\n    answer: %4")
                                    .arg(lineNo)
                                    .arg(c.value("name").toString(), problem, answer));
            }
        }
        qInfo("extraction corpus: %d of %d cases pass", passed, cases);
        for (const QString& f : failures)
            qWarning("%s", qPrintable(f));
        QVERIFY2(cases >= 100, "the corpus must hold at least 100 cases");
        QVERIFY2(failures.isEmpty(),
                 qPrintable(QStringLiteral("%1 cases fail").arg(failures.size())));
    }

    void offsetsPointAtTheWords() {
        const QString json = QStringLiteral("{\"style\": \"boho\", \"colour\": [\"white\"]}");
        auto tags = parseTagAnswer(json, tax);
        QCOMPARE(tags.size(), 2);
        QCOMPARE(tags.at(0).attribute, QStringLiteral("style"));
        QCOMPARE(tags.at(0).rawText, QStringLiteral("boho"));
        QCOMPARE(tags.at(0).answerOffset, 11);
        QCOMPARE(tags.at(1).valueCode, QStringLiteral("white"));
        QCOMPARE(tags.at(1).answerOffset, int(json.indexOf("white")));

        const QString prose = QStringLiteral("这是一件碎花连衣裙");
        tags = parseTagAnswer(prose, tax);
        QCOMPARE(tags.size(), 2);
        QCOMPARE(tags.at(0).attribute, QStringLiteral("category"));
        QCOMPARE(tags.at(0).rawText, QStringLiteral("连衣裙"));
        QCOMPARE(tags.at(0).answerOffset, 6);
        QCOMPARE(tags.at(1).rawText, QStringLiteral("碎花"));
        QCOMPARE(tags.at(1).answerOffset, 4);

        // The original (full-width) characters are reported, not the normalised ones.
        const QString wide = QStringLiteral("｛“style”：“ＢＯＨＯ”｝");
        tags = parseTagAnswer(wide, tax);
        QCOMPARE(tags.size(), 1);
        QCOMPARE(tags.at(0).rawText, QStringLiteral("ＢＯＨＯ"));
        QCOMPARE(tags.at(0).answerOffset, 10);

        // A new value keeps the model's words as its value.
        tags = parseTagAnswer(QStringLiteral("{\"material\": \"Tencel lyocell\"}"), tax);
        QCOMPARE(tags.size(), 1);
        QVERIFY(tags.at(0).isNewValue);
        QCOMPARE(tags.at(0).valueCode, QStringLiteral("Tencel lyocell"));
        QCOMPARE(tags.at(0).confidence, -1.0);
    }

    void emptyInputs() {
        QVERIFY(parseTagAnswer(QString(), tax).isEmpty());
        QVERIFY(parseTagAnswer(QStringLiteral("   \n"), tax).isEmpty());
        QVERIFY(parseTagAnswer(QStringLiteral("{\"style\": \"boho\"}"), Taxonomy()).isEmpty());
        QVERIFY(parseTagAnswer(QStringLiteral("{{{[[[\"\"\"'''"), tax).isEmpty());
    }

    void outputFollowsTaxonomyOrder() {
        const auto tags =
            parseTagAnswer(QStringLiteral("{\"gender\": \"male\", \"category\": \"shirt\"}"), tax);
        QCOMPARE(tags.size(), 2);
        QCOMPARE(tags.at(0).attribute, QStringLiteral("category"));
        QCOMPARE(tags.at(1).attribute, QStringLiteral("gender"));
    }

    void promptListsEveryCode_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("zh") << "zh";
        QTest::newRow("en") << "en";
    }
    void promptListsEveryCode() {
        QFETCH(QString, language);
        const QString prompt = buildTaggingPrompt(tax, language);
        for (const TaxonomyAttribute& a : tax.attributes()) {
            QVERIFY2(prompt.contains(a.code), qPrintable(a.code));
            for (const TaxonomyValue& v : a.values) {
                const QString entry = v.code + '=' + Taxonomy::label(v, language);
                QVERIFY2(prompt.contains(entry), qPrintable(entry));
            }
        }
        QVERIFY(prompt.contains(QLatin1String("JSON")));
        QVERIFY(prompt.contains(QLatin1String("other:")));
        if (language == QLatin1String("zh")) {
            QVERIFY(prompt.contains(QStringLiteral("波西米亚")));
            QVERIFY(prompt.contains(QStringLiteral("多选")));
            QVERIFY(prompt.contains(QStringLiteral("省略")));
        } else {
            QVERIFY(prompt.contains(QStringLiteral("Bohemian")));
            QVERIFY(!prompt.contains(QStringLiteral("波西米亚")));
            QVERIFY(prompt.contains(QStringLiteral("Leave out")));
        }
        // The example in the prompt is itself a valid answer.
        const int at = int(prompt.lastIndexOf('{'));
        const auto tags = parseTagAnswer(prompt.mid(at), tax);
        QCOMPARE(tags.size(), 3);
        QCOMPARE(tags.at(0).valueCode, QStringLiteral("dress"));
    }

    void spanConfidenceIsTheGeometricMean() {
        const QList<QPair<int, int>> spans = {{0, 2}, {2, 5}, {5, 9}};
        const QList<double> probs = {0.5, 0.8, 0.2};
        QCOMPARE(spanConfidence(spans, probs, 2, 5), 0.8);
        QCOMPARE(spanConfidence(spans, probs, 3, 4), 0.8);  // inside one token
        QVERIFY(qFuzzyCompare(spanConfidence(spans, probs, 1, 6), std::cbrt(0.5 * 0.8 * 0.2)));
        QVERIFY(qFuzzyCompare(spanConfidence(spans, probs, 0, 5), std::sqrt(0.5 * 0.8)));
        QCOMPARE(spanConfidence(spans, probs, 3, 3), 0.8);    // empty range: its token
        QCOMPARE(spanConfidence(spans, probs, 9, 12), -1.0);  // after the last token
        QCOMPARE(spanConfidence(spans, probs, 5, 5), 0.2);
        QCOMPARE(spanConfidence(spans, {0.5, 0.8}, 0, 5), -1.0);  // inconsistent lists
        QCOMPARE(spanConfidence(spans, {0.5, 0.0, 0.2}, 0, 9), 0.0);
        QCOMPARE(spanConfidence({}, {}, 0, 3), -1.0);
    }

    void assignConfidenceUsesTheTagsWords() {
        const QString answer = QStringLiteral("{\"style\": \"boho\", \"season\": [\"summer\"]}");
        auto tags = parseTagAnswer(answer, tax);
        QCOMPARE(tags.size(), 2);
        // One token per character; "boho" has probability 0.9 per token, the rest 0.5.
        QList<QPair<int, int>> spans;
        QList<double> probs;
        const int boho = int(answer.indexOf("boho"));
        for (int i = 0; i < answer.size(); ++i) {
            spans.append({i, i + 1});
            probs.append(i >= boho && i < boho + 4 ? 0.9 : 0.5);
        }
        tags.append(TagSuggestion{});  // no offset: stays unknown
        assignConfidence(tags, spans, probs);
        QVERIFY(qFuzzyCompare(tags.at(0).confidence, 0.9));
        QVERIFY(qFuzzyCompare(tags.at(1).confidence, 0.5));
        QCOMPARE(tags.at(2).confidence, -1.0);
    }
};

QTEST_GUILESS_MAIN(TestTagExtraction)
#include "test_tag_extraction.moc"

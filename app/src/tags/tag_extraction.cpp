#include "tags/tag_extraction.h"

#include <QRegularExpression>
#include <cmath>

#include "tags/lenient_json.h"
#include "tags/term_matcher.h"
#include "tags/term_normalize.h"

namespace vistag::catalog {

// ---- prompt -------------------------------------------------------------------------------------

QString buildTaggingPrompt(const Taxonomy& taxonomy, const QString& language) {
    const bool en = language == QLatin1String("en");
    const QString lang = en ? QStringLiteral("en") : QStringLiteral("zh");
    QStringList lines;
    QString exampleSingle, exampleMulti;
    for (const TaxonomyAttribute& a : taxonomy.attributes()) {
        QStringList values;
        for (const TaxonomyValue& v : a.values)
            values.append(v.code + QLatin1Char('=') + Taxonomy::label(v, lang));
        const QString kind = a.multiValued ? (en ? QStringLiteral("list") : QStringLiteral("多选"))
                                           : (en ? QStringLiteral("one") : QStringLiteral("单选"));
        lines.append(
            en ? QStringLiteral("%1 (%2, %3): %4")
                     .arg(a.code, Taxonomy::label(a, lang), kind, values.join(QStringLiteral(", ")))
               : QStringLiteral("%1 %2（%3）：%4")
                     .arg(a.code, Taxonomy::label(a, lang), kind,
                          values.join(QStringLiteral(", "))));
        if (a.values.isEmpty())
            continue;
        if (!a.multiValued && exampleSingle.isEmpty())
            exampleSingle = QStringLiteral("\"%1\": \"%2\"").arg(a.code, a.values.first().code);
        if (a.multiValued && exampleMulti.isEmpty() && a.values.size() >= 2)
            exampleMulti = QStringLiteral("\"%1\": [\"%2\", \"%3\"]")
                               .arg(a.code, a.values.at(0).code, a.values.at(1).code);
    }
    QStringList example;
    if (!exampleSingle.isEmpty())
        example.append(exampleSingle);
    if (!exampleMulti.isEmpty())
        example.append(exampleMulti);
    const QString exampleText = QLatin1Char('{') + example.join(QStringLiteral(", ")) + u'}';

    if (en)
        return QStringLiteral(
                   "Tag the product in the image. Answer with exactly one JSON object and nothing "
                   "else. Keys are attribute codes, values are value codes from the lists below: "
                   "one code for \"one\" attributes, a JSON list of codes for \"list\" "
                   "attributes. If what you see is not in the list, write \"other: <a few "
                   "words>\" instead of a code. Leave out attributes you cannot see.\n\n"
                   "Attributes and allowed values (code=label):\n%1\n\nExample: %2")
            .arg(lines.join(QLatin1Char('\n')), exampleText);
    return QStringLiteral(
               "请为图片中的商品打标签。只输出一个 JSON 对象，不要输出其他文字。键是属性代码，"
               "值是下列取值代码：单选属性给一个代码，多选属性给代码列表。如果看到的取值不在列表中"
               "，"
               "写 \"other: <简短描述>\" 代替代码。看不出来的属性请省略。\n\n"
               "属性与可选值（代码=名称）：\n%1\n\n示例：%2")
        .arg(lines.join(QLatin1Char('\n')), exampleText);
}

// ---- answer parsing -----------------------------------------------------------------------------

namespace {

const QStringList kPairKeyNames = {"attribute", "attr", "name",   "key",
                                   "field",     "属性", "属性名", "字段"};
const QStringList kPairValueNames = {"value", "values", "val",    "code", "tag",
                                     "tags",  "值",     "属性值", "取值", "标签"};
// A value that says "nothing": no suggestion, and not a new value either.
const QStringList kNullValues = {"null",   "none", "nil",  "n/a",    "na",   "unknown",
                                 "unsure", "无",   "未知", "不确定", "不详", "不明",
                                 "暂无",   "?",    "/",    "空"};
const QStringList kNullPhrases = {"无法",     "看不出",    "看不清",          "不确定",
                                  "不清楚",   "未显示",    "unknown",         "not visible",
                                  "cannot",   "can't",     "unable",          "unclear",
                                  "not sure", "not clear", "not determinable"};

bool isTrimChar(QChar c) {
    static const QString chars =
        QStringLiteral(" \t\n\r\"'`*#>[]{}()<>“”‘’「」『』【】〔〕〖〗.。,;:!?、·•…~");
    return chars.contains(c);
}

class Extractor {
public:
    Extractor(const QString& answer, const Taxonomy& taxonomy)
        : m_answer(answer),
          m_tax(taxonomy),
          m_nt(normalizeForMatching(answer)),
          m_text(m_nt.text),
          m_matcher(taxonomy),
          m_tier1(taxonomy.attributes().size()),
          m_tier2(taxonomy.attributes().size()) {}

    QList<TagSuggestion> run() {
        QList<QPair<int, int>> masked;
        for (const LenientNode& object : findLenientObjects(m_text)) {
            const bool before = m_foundKey;
            m_foundKey = false;
            readObject(object);
            if (m_foundKey)
                masked.append({object.begin, object.end});
            m_foundKey = m_foundKey || before;
        }
        const bool jsonStructured = m_foundKey;
        readKeyValueLines(masked);

        bool anyTier1 = false;
        for (const auto& list : m_tier1)
            anyTier1 = anyTier1 || !list.isEmpty();
        if (!anyTier1) {
            readProse(0, int(m_text.size()), m_tier2);
        } else {
            for (const auto& [b, e] : m_jsonLeftover)
                readProse(b, e, m_tier2);
            if (!jsonStructured)
                for (const auto& [b, e] : m_kvLeftover)
                    readProse(b, e, m_tier2);
        }
        QList<TagSuggestion> out;
        for (int i = 0; i < m_tier1.size(); ++i)
            out += m_tier1.at(i).isEmpty() ? m_tier2.at(i) : m_tier1.at(i);
        return out;
    }

private:
    using Tier = QList<QList<TagSuggestion>>;

    TagSuggestion make(int attr, const TaxonomyValue* value, int b, int e) const {
        TagSuggestion s;
        s.attribute = m_tax.attributes().at(attr).code;
        s.answerOffset = m_nt.sourceBegin(b);
        s.rawText = m_answer.mid(s.answerOffset, m_nt.sourceEnd(e) - s.answerOffset);
        if (value) {
            s.valueCode = value->code;
        } else {
            s.valueCode = s.rawText.trimmed();
            s.isNewValue = true;
        }
        return s;
    }

    bool add(Tier& tier, int attr, const TagSuggestion& s) {
        auto& list = tier[attr];
        for (const TagSuggestion& o : list) {
            if (o.isNewValue == s.isNewValue &&
                (o.valueCode == s.valueCode ||
                 (s.isNewValue && normalizeTerm(o.valueCode) == normalizeTerm(s.valueCode))))
                return false;
        }
        if (!m_tax.attributes().at(attr).multiValued && !list.isEmpty())
            return false;
        list.append(s);
        return true;
    }

    void trim(int& b, int& e) const {
        while (b < e && isTrimChar(m_text.at(b)))
            ++b;
        while (e > b && isTrimChar(m_text.at(e - 1)))
            --e;
    }

    static QString keyForm(QString s) {
        s = normalizeTerm(s);
        int b = 0, e = int(s.size());
        while (b < e && isTrimChar(s.at(b)))
            ++b;
        while (e > b && isTrimChar(s.at(e - 1)))
            --e;
        return s.mid(b, e - b).simplified();
    }

    // The attribute a key names: exactly, without a plural 's', or by an attribute name it
    // contains ("主要颜色", "Sleeve length (approx.)"). -1 when none or several.
    int resolveKey(const QString& keyText) const {
        const QString k = keyForm(keyText);
        if (k.isEmpty() || k.size() > 32)
            return -1;
        if (const TaxonomyAttribute* a = m_tax.findAttribute(k))
            return m_tax.attributeIndex(a->code);
        if (k.endsWith(QLatin1Char('s')))
            if (const TaxonomyAttribute* a = m_tax.findAttribute(k.chopped(1)))
                return m_tax.attributeIndex(a->code);
        int found = -1;
        for (const TermHit& h : m_matcher.match(k)) {
            if (h.attribute < 0 || h.value >= 0)
                continue;
            if (found >= 0 && found != h.attribute)
                return -1;
            found = h.attribute;
        }
        return found;
    }

    // Splits [b, e) at value separators (、 , / ; & + | 和 与 及 或 and or).
    QList<QPair<int, int>> splitValues(int b, int e) const {
        static const QRegularExpression sep(
            QStringLiteral("[、,/;&+|]|以及|和|与|及|或|\\band\\b|\\bor\\b"));
        QList<QPair<int, int>> pieces;
        int start = b;
        auto it = sep.globalMatch(QStringView(m_text).mid(b, e - b));
        while (it.hasNext()) {
            const auto m = it.next();
            pieces.append({start, b + int(m.capturedStart())});
            start = b + int(m.capturedEnd());
        }
        pieces.append({start, e});
        return pieces;
    }

    const TaxonomyValue* valueAt(int attr, int value) const {
        return &m_tax.attributes().at(attr).values.at(value);
    }

    // Reads the value text [b, e) for attribute attr. True when it was understood (taxonomy
    // values found, a new value made, or an explicit "none").
    bool resolveRange(int attr, int b, int e, bool truncated, bool allowNew, bool split = true) {
        trim(b, e);
        if (b >= e)
            return true;
        QString s = m_text.mid(b, e - b);
        if (kNullValues.contains(s))
            return true;
        static const QRegularExpression other(
            QStringLiteral("^(?:others?|其他|其它|新值|new value|new)\\s*:\\s*"));
        if (const auto m = other.match(s); m.hasMatch()) {
            b += int(m.capturedLength());
            trim(b, e);
            if (b >= e)
                return true;
            s = m_text.mid(b, e - b);
            allowNew = true;
        }
        const QString& attrCode = m_tax.attributes().at(attr).code;
        if (const TaxonomyValue* v = m_tax.findValue(attrCode, s)) {
            add(m_tier1, attr, make(attr, v, b, e));
            return true;
        }
        if (split) {
            const auto pieces = splitValues(b, e);
            if (pieces.size() > 1) {
                bool any = false;
                for (int i = 0; i < pieces.size(); ++i)
                    any = resolveRange(attr, pieces.at(i).first, pieces.at(i).second,
                                       truncated && i == pieces.size() - 1, allowNew, false) ||
                          any;
                return any;
            }
        }
        bool anyTerm = false;
        for (const TermHit& h : m_matcher.match(s, attr)) {
            if (h.attribute != attr || h.value < 0)
                continue;
            anyTerm = true;
            if (!h.negated)
                add(m_tier1, attr, make(attr, valueAt(attr, h.value), b + h.begin, b + h.end));
        }
        if (anyTerm)
            return true;
        if (truncated || !allowNew)
            return false;
        for (const QString& p : kNullPhrases)
            if (s.contains(p))
                return true;
        add(m_tier1, attr, make(attr, nullptr, b, e));
        return true;
    }

    void readValueNode(int attr, const LenientNode& node, bool allowNew) {
        switch (node.kind) {
            case LenientNode::Kind::String:
                if (!node.escaped) {
                    resolveRange(attr, node.begin, node.end, node.truncated, allowNew);
                } else if (const TaxonomyValue* v =
                               m_tax.findValue(m_tax.attributes().at(attr).code, node.text)) {
                    add(m_tier1, attr, make(attr, v, node.begin, node.end));
                } else if (allowNew && !node.truncated && !keyForm(node.text).isEmpty()) {
                    TagSuggestion s = make(attr, nullptr, node.begin, node.end);
                    s.valueCode = node.text.trimmed();
                    add(m_tier1, attr, s);
                }
                break;
            case LenientNode::Kind::Array:
                for (const LenientNode& item : node.items)
                    readValueNode(attr, item, allowNew);
                break;
            case LenientNode::Kind::Object:
                for (const auto& [key, value] : node.members) {
                    if (kPairValueNames.contains(keyForm(key.text))) {
                        readValueNode(attr, value, allowNew);
                        return;
                    }
                }
                for (const auto& member : node.members)
                    if (member.second.kind == LenientNode::Kind::String)
                        readValueNode(attr, member.second, false);
                break;
            case LenientNode::Kind::Missing:
                break;
        }
    }

    void leaveForProse(const LenientNode& node) {
        if (node.kind == LenientNode::Kind::String && node.begin < node.end)
            m_jsonLeftover.append({node.begin, node.end});
        for (const LenientNode& item : node.items) {
            if (item.kind == LenientNode::Kind::Object)
                readObject(item);
            else
                leaveForProse(item);
        }
        if (node.kind == LenientNode::Kind::Object)
            readObject(node);
    }

    void readObject(const LenientNode& object) {
        // {"attribute": "style", "value": "boho"}
        int pairAttr = -1;
        const LenientNode* pairValue = nullptr;
        for (const auto& [key, value] : object.members) {
            const QString k = keyForm(key.text);
            if (kPairKeyNames.contains(k) && value.kind == LenientNode::Kind::String)
                pairAttr = resolveKey(value.text);
            else if (kPairValueNames.contains(k))
                pairValue = &value;
        }
        if (pairAttr >= 0 && pairValue) {
            m_foundKey = true;
            readValueNode(pairAttr, *pairValue, true);
            return;
        }
        int previous = -1;  // attribute of the previous member, for "colour: black, white"
        for (const auto& [key, value] : object.members) {
            if (value.kind == LenientNode::Kind::Missing) {
                if (previous >= 0 && !key.truncated &&
                    resolveRange(previous, key.begin, key.end, false, false))
                    continue;
                if (!key.truncated)
                    leaveForProse(key);
                continue;
            }
            const int attr = resolveKey(key.text);
            if (attr >= 0) {
                m_foundKey = true;
                readValueNode(attr, value, true);
                previous = value.kind == LenientNode::Kind::String ? attr : -1;
            } else {
                previous = -1;
                leaveForProse(value);
            }
        }
    }

    // "风格：波西米亚", "- **Colour**: white, blue", "1. 季节: 春、夏" outside the JSON objects.
    void readKeyValueLines(const QList<QPair<int, int>>& masked) {
        QString text = m_text;
        for (const auto& [b, e] : masked)
            for (int i = b; i < e; ++i)
                text[i] = u'\n';
        static const QRegularExpression bullet(QStringLiteral("^\\s*(?:[*•·#>]+|\\d+[.)、])?\\s*"));
        static const QRegularExpression segmentSep(QStringLiteral("[,;|。]"));
        int current = -1;
        bool carryToNextLine = false;
        int lineStart = 0;
        while (lineStart <= text.size()) {
            int lineEnd = int(text.indexOf(u'\n', lineStart));
            if (lineEnd < 0)
                lineEnd = int(text.size());
            if (!carryToNextLine ||
                QStringView(text).mid(lineStart, lineEnd - lineStart).trimmed().isEmpty())
                current = -1;
            carryToNextLine = false;
            int b = lineStart;
            const auto bm = bullet.match(QStringView(text).mid(lineStart, lineEnd - lineStart));
            if (bm.hasMatch())
                b += int(bm.capturedLength());
            QList<QPair<int, int>> segments;
            auto it = segmentSep.globalMatch(QStringView(text).mid(b, lineEnd - b));
            int start = b;
            while (it.hasNext()) {
                const auto m = it.next();
                segments.append({start, b + int(m.capturedStart())});
                start = b + int(m.capturedEnd());
            }
            segments.append({start, lineEnd});
            for (const auto& [ss, se] : segments) {
                const int colon = int(text.indexOf(u':', ss));
                if (colon >= 0 && colon < se && colon - ss <= 24) {
                    const int attr = resolveKey(text.mid(ss, colon - ss));
                    if (attr >= 0) {
                        current = attr;
                        int vb = colon + 1, ve = se;
                        trim(vb, ve);
                        if (vb >= ve)
                            carryToNextLine = true;
                        else
                            resolveRange(attr, vb, ve, false, true);
                        continue;
                    }
                    current = -1;
                    m_kvLeftover.append({ss, se});
                    continue;
                }
                if (current >= 0 && resolveRange(current, ss, se, false, false)) {
                    carryToNextLine = carryToNextLine || se == lineEnd;
                    continue;
                }
                m_kvLeftover.append({ss, se});
            }
            lineStart = lineEnd + 1;
        }
    }

    void readProse(int b, int e, Tier& tier) {
        for (const TermHit& h : m_matcher.match(m_text.mid(b, e - b))) {
            if (h.attribute >= 0 && h.value >= 0 && !h.negated)
                add(tier, h.attribute,
                    make(h.attribute, valueAt(h.attribute, h.value), b + h.begin, b + h.end));
        }
    }

    const QString& m_answer;
    const Taxonomy& m_tax;
    NormalizedText m_nt;
    const QString& m_text;
    TermMatcher m_matcher;
    Tier m_tier1;                           // from attribute keys (JSON, key: value lines)
    Tier m_tier2;                           // from prose
    QList<QPair<int, int>> m_jsonLeftover;  // strings under keys that are not attributes
    QList<QPair<int, int>> m_kvLeftover;    // text outside JSON that is not "key: value"
    bool m_foundKey = false;
};

}  // namespace

QList<TagSuggestion> parseTagAnswer(const QString& answer, const Taxonomy& taxonomy) {
    if (answer.trimmed().isEmpty() || taxonomy.isEmpty())
        return {};
    return Extractor(answer, taxonomy).run();
}

// ---- confidence ---------------------------------------------------------------------------------

double spanConfidence(const QList<QPair<int, int>>& tokenSpans, const QList<double>& tokenProbs,
                      int begin, int end) {
    if (tokenSpans.size() != tokenProbs.size() || begin < 0 || end < begin)
        return -1;
    double logSum = 0;
    int count = 0;
    for (int i = 0; i < tokenSpans.size(); ++i) {
        const auto [b, e] = tokenSpans.at(i);
        const bool overlaps = begin == end ? (b <= begin && begin < e) : (b < end && e > begin);
        if (!overlaps)
            continue;
        const double p = tokenProbs.at(i);
        if (!(p > 0))
            return 0;
        logSum += std::log(qMin(p, 1.0));
        ++count;
    }
    return count == 0 ? -1 : std::exp(logSum / count);
}

void assignConfidence(QList<TagSuggestion>& suggestions, const QList<QPair<int, int>>& tokenSpans,
                      const QList<double>& tokenProbs) {
    for (TagSuggestion& s : suggestions) {
        if (s.answerOffset < 0)
            continue;
        s.confidence = spanConfidence(tokenSpans, tokenProbs, s.answerOffset,
                                      s.answerOffset + int(s.rawText.size()));
    }
}

}  // namespace vistag::catalog

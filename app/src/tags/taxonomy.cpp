#include "tags/taxonomy.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>

#include "tags/term_normalize.h"

// Q_INIT_RESOURCE must be used outside any namespace. The resource (resources/vistag.qrc) is
// compiled into the OBJECT library vistag_resources, whose objects vistag_app carries; referencing
// its init function here keeps the linker from dropping them from static links.
static void vistagInitResourceVistag() {
    Q_INIT_RESOURCE(vistag);
}

namespace vistag::catalog {

void initCatalogResources() {
    static const bool done = [] {
        vistagInitResourceVistag();
        return true;
    }();
    (void)done;
}

namespace {

// ---- byte positions of the values of a (valid) JSON document --------------------------------
// QJsonDocument does not say where a value was; this scanner walks the same bytes and records,
// for every JSON pointer ("/attributes/3/values/0/code"), where its value and its key start.

struct JsonPositions {
    QHash<QString, qsizetype> value;
    QHash<QString, qsizetype> key;
    QList<QPair<QString, qsizetype>> duplicateKeys;  // pointer of the repeated member, key offset
};

class PositionScanner {
public:
    PositionScanner(const QByteArray& data, JsonPositions& out) : m_d(data), m_out(out) {}
    void run() {
        skipWs();
        scanValue(QString());
    }

private:
    void skipWs() {
        while (m_i < m_d.size() &&
               (m_d[m_i] == ' ' || m_d[m_i] == '\t' || m_d[m_i] == '\n' || m_d[m_i] == '\r'))
            ++m_i;
    }
    QString scanString() {  // at the opening quote; returns the decoded string
        const qsizetype begin = m_i++;
        bool escaped = false;
        while (m_i < m_d.size()) {
            const char c = m_d[m_i++];
            if (c == '\\') {
                escaped = true;
                ++m_i;
            } else if (c == '"') {
                break;
            }
        }
        const QByteArray raw = m_d.mid(begin, m_i - begin);
        if (!escaped)
            return QString::fromUtf8(raw.mid(1, raw.size() - 2));
        const auto doc = QJsonDocument::fromJson("[" + raw + "]");
        return doc.array().at(0).toString();
    }
    void scanValue(const QString& path) {
        if (m_i >= m_d.size())
            return;
        m_out.value.insert(path, m_i);
        const char c = m_d[m_i];
        if (c == '{') {
            ++m_i;
            QSet<QString> seen;
            for (;;) {
                skipWs();
                if (m_i >= m_d.size())
                    return;
                if (m_d[m_i] == '}') {
                    ++m_i;
                    return;
                }
                if (m_d[m_i] == ',') {
                    ++m_i;
                    continue;
                }
                const qsizetype keyAt = m_i;
                const QString key = scanString();
                const QString child = path + QLatin1Char('/') + key;
                if (seen.contains(key))
                    m_out.duplicateKeys.append({child, keyAt});
                seen.insert(key);
                m_out.key.insert(child, keyAt);
                skipWs();
                ++m_i;  // ':'
                skipWs();
                scanValue(child);
            }
        } else if (c == '[') {
            ++m_i;
            int index = 0;
            for (;;) {
                skipWs();
                if (m_i >= m_d.size())
                    return;
                if (m_d[m_i] == ']') {
                    ++m_i;
                    return;
                }
                if (m_d[m_i] == ',') {
                    ++m_i;
                    continue;
                }
                scanValue(path + QLatin1Char('/') + QString::number(index++));
            }
        } else if (c == '"') {
            scanString();
        } else {
            while (m_i < m_d.size() && !strchr(",]} \t\r\n", m_d[m_i]))
                ++m_i;
        }
    }

    const QByteArray& m_d;
    JsonPositions& m_out;
    qsizetype m_i = 0;
};

// "line:column" (1-based; the column counts characters, not bytes) of a byte offset.
QString lineColumn(const QByteArray& data, qsizetype offset) {
    offset = qBound<qsizetype>(0, offset, data.size());
    int line = 1, column = 1;
    for (qsizetype i = 0; i < offset; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (c == '\n') {
            ++line;
            column = 1;
        } else if ((c & 0xC0) != 0x80) {
            ++column;
        }
    }
    return QStringLiteral("%1:%2").arg(line).arg(column);
}

// QJsonParseError puts an unterminated string at the end of the input; the string that runs
// over a line break is the one to show.
qsizetype unterminatedStringStart(const QByteArray& data, qsizetype fallback) {
    bool inString = false;
    qsizetype start = 0;
    for (qsizetype i = 0; i < data.size(); ++i) {
        const char c = data[i];
        if (!inString) {
            if (c == '"') {
                inString = true;
                start = i;
            }
        } else if (c == '\\') {
            ++i;
        } else if (c == '"') {
            inString = false;
        } else if (c == '\n') {
            return start;
        }
    }
    return inString ? start : fallback;
}

int lineOf(const QByteArray& data, qsizetype offset) {
    return lineColumn(data, offset).section(QLatin1Char(':'), 0, 0).toInt();
}

// ---- validation -------------------------------------------------------------------------------

// The first character of `text` that has no place in a label, name or synonym: C0 and C1
// control characters and DEL (tabs and line breaks too: a label is one line; a description may
// hold them when `multiLine`), and the bidirectional embeddings, overrides and isolates
// U+202A–U+202E and U+2066–U+2069, which make a label display other than it reads (an export's
// "red" that is "der"). Empty when there is none.
QString forbiddenCharacter(const QString& text, bool multiLine = false) {
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (multiLine && (u == u'\n' || u == u'\t' || u == u'\r'))
            continue;
        QString what;
        if (u < 0x20 || (u >= 0x7F && u <= 0x9F))
            what = QStringLiteral("a control character");
        else if ((u >= 0x202A && u <= 0x202E) || (u >= 0x2066 && u <= 0x2069))
            what = QStringLiteral("an invisible bidirectional-text control");
        else
            continue;
        return QStringLiteral("%1 (U+%2)")
            .arg(what, QString::number(u, 16).toUpper().rightJustified(4, QLatin1Char('0')));
    }
    return {};
}

class Validator {
public:
    Validator(const QByteArray& data, const QString& fileLabel, const JsonPositions& pos)
        : m_data(data), m_file(fileLabel), m_pos(pos) {}

    std::optional<Taxonomy> run(const QJsonObject& root) {
        for (const auto& [pointer, offset] : m_pos.duplicateKeys)
            error(offset, QStringLiteral("duplicate key \"%1\"").arg(pointer.section('/', -1)));
        checkKeys(root, QString(), {"format", "version", "name", "description", "attributes"});
        if (root.contains("format") &&
            root.value("format").toString() != QLatin1String("vistag-taxonomy"))
            error(valueAt("/format"),
                  QStringLiteral("\"format\" must be the string \"vistag-taxonomy\""));
        if (root.contains("version") && !root.value("version").isDouble() &&
            !root.value("version").isString())
            error(valueAt("/version"), QStringLiteral("\"version\" must be a number or a string"));
        const QString name = optionalString(root, QString(), "name", QStringLiteral("taxonomy"));
        optionalString(root, QString(), "description", QStringLiteral("taxonomy"));

        QList<TaxonomyAttribute> attributes;
        QHash<QString, QStringList> attributeSynonyms;
        const QJsonValue list = root.value("attributes");
        if (list.isUndefined()) {
            error(0, QStringLiteral("missing \"attributes\" (an array of attributes)"));
        } else if (!list.isArray()) {
            error(valueAt("/attributes"), QStringLiteral("\"attributes\" must be an array"));
        } else if (list.toArray().isEmpty()) {
            error(valueAt("/attributes"), QStringLiteral("\"attributes\" is empty"));
        } else {
            const QJsonArray array = list.toArray();
            for (int i = 0; i < array.size(); ++i) {
                TaxonomyAttribute a;
                QStringList synonyms;
                if (readAttribute(array.at(i), QStringLiteral("/attributes/%1").arg(i), &a,
                                  &synonyms)) {
                    attributeSynonyms.insert(a.code, synonyms);
                    attributes.append(a);
                }
            }
        }
        if (!m_errors.isEmpty())
            return std::nullopt;
        return Taxonomy(attributes, name, attributeSynonyms);
    }

    QString errors() const { return m_errors.join(QLatin1Char('\n')); }

private:
    qsizetype valueAt(const QString& pointer) const { return m_pos.value.value(pointer, 0); }
    qsizetype keyAt(const QString& pointer) const { return m_pos.key.value(pointer, 0); }

    void error(qsizetype offset, const QString& problem) {
        m_errors.append(
            QStringLiteral("%1:%2: %3").arg(m_file, lineColumn(m_data, offset), problem));
    }

    void checkKeys(const QJsonObject& o, const QString& pointer,
                   std::initializer_list<const char*> allowed) {
        for (auto it = o.begin(); it != o.end(); ++it) {
            if (it.key().startsWith(QLatin1Char('_')))
                continue;
            bool ok = false;
            for (const char* k : allowed)
                ok = ok || it.key() == QLatin1String(k);
            if (!ok)
                error(keyAt(pointer + '/' + it.key()),
                      QStringLiteral("unknown key \"%1\" (allowed: %2)").arg(it.key(), [&] {
                          QStringList names;
                          for (const char* k : allowed)
                              names << QString::fromLatin1(k);
                          return names.join(QStringLiteral(", "));
                      }()));
        }
    }

    // `what` names the object in a message about a forbidden character ("taxonomy",
    // "attribute \"style\"").
    QString optionalString(const QJsonObject& o, const QString& pointer, const char* key,
                           const QString& what) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined())
            return {};
        if (!v.isString()) {
            error(valueAt(pointer + '/' + key), QStringLiteral("\"%1\" must be a string").arg(key));
            return {};
        }
        const QString text = v.toString().trimmed();
        if (!checkCharacters(text, pointer + '/' + key, what, QStringLiteral("\"%1\"").arg(key),
                             qstrcmp(key, "description") == 0))
            return {};
        return text;
    }

    // Refuses (with an error naming the object and the field) a text holding a control or
    // bidirectional-override character.
    bool checkCharacters(const QString& text, const QString& pointer, const QString& what,
                         const QString& field, bool multiLine = false) {
        const QString bad = forbiddenCharacter(text, multiLine);
        if (bad.isEmpty())
            return true;
        error(valueAt(pointer),
              QStringLiteral("%1: %2 contains %3, which is not allowed").arg(what, field, bad));
        return false;
    }

    // A required non-empty string; `what` names the object in the message.
    bool requiredString(const QJsonObject& o, const QString& pointer, const char* key,
                        const QString& what, QString* out) {
        const QJsonValue v = o.value(QLatin1String(key));
        if (v.isUndefined()) {
            error(valueAt(pointer), QStringLiteral("%1: missing \"%2\"").arg(what, key));
            return false;
        }
        if (!v.isString()) {
            error(valueAt(pointer + '/' + key),
                  QStringLiteral("%1: \"%2\" must be a string").arg(what, key));
            return false;
        }
        *out = v.toString().trimmed();
        if (out->isEmpty()) {
            error(valueAt(pointer + '/' + key),
                  QStringLiteral("%1: \"%2\" is empty").arg(what, key));
            return false;
        }
        return checkCharacters(*out, pointer + '/' + key, what,
                               QStringLiteral("\"%1\"").arg(QLatin1String(key)));
    }

    bool validCode(const QString& code, const QString& pointer, const QString& what) {
        static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]+$"));
        if (re.match(code).hasMatch())
            return true;
        error(valueAt(pointer + "/code"),
              QStringLiteral("%1: code \"%2\" may only contain letters, digits, '_', '.', '-'")
                  .arg(what, code));
        return false;
    }

    bool readSynonyms(const QJsonObject& o, const QString& pointer, const QString& what,
                      QStringList* out) {
        const QJsonValue v = o.value("synonyms");
        if (v.isUndefined())
            return true;
        if (!v.isArray()) {
            error(valueAt(pointer + "/synonyms"),
                  QStringLiteral("%1: \"synonyms\" must be an array of strings").arg(what));
            return false;
        }
        bool ok = true;
        const QJsonArray a = v.toArray();
        for (int k = 0; k < a.size(); ++k) {
            const QString at = QStringLiteral("%1/synonyms/%2").arg(pointer).arg(k);
            if (!a.at(k).isString()) {
                error(valueAt(at),
                      QStringLiteral("%1: synonym %2 must be a string").arg(what).arg(k + 1));
                ok = false;
            } else if (normalizeTerm(a.at(k).toString()).isEmpty()) {
                error(valueAt(at), QStringLiteral("%1: synonym %2 is empty").arg(what).arg(k + 1));
                ok = false;
            } else if (!checkCharacters(a.at(k).toString().trimmed(), at, what,
                                        QStringLiteral("synonym %1").arg(k + 1))) {
                ok = false;
            } else {
                out->append(a.at(k).toString().trimmed());
            }
        }
        return ok;
    }

    bool readAttribute(const QJsonValue& v, const QString& p, TaxonomyAttribute* a,
                       QStringList* synonyms) {
        if (!v.isObject()) {
            error(valueAt(p), QStringLiteral("an attribute must be an object"));
            return false;
        }
        const QJsonObject o = v.toObject();
        checkKeys(o, p, {"code", "zh", "en", "multi", "merchantColumn", "synonyms", "values"});
        QString what = QStringLiteral("attribute");
        bool ok = requiredString(o, p, "code", what, &a->code);
        if (ok) {
            what = QStringLiteral("attribute \"%1\"").arg(a->code);
            ok = validCode(a->code, p, what);
        }
        ok = requiredString(o, p, "zh", what, &a->labelZh) && ok;
        ok = requiredString(o, p, "en", what, &a->labelEn) && ok;
        if (o.contains("multi")) {
            if (o.value("multi").isBool())
                a->multiValued = o.value("multi").toBool();
            else {
                error(valueAt(p + "/multi"),
                      QStringLiteral("%1: \"multi\" must be true or false").arg(what));
                ok = false;
            }
        }
        a->merchantColumn = optionalString(o, p, "merchantColumn", what);
        ok = readSynonyms(o, p, what, synonyms) && ok;

        if (ok) {
            if (const auto first = m_attributeCodeAt.constFind(a->code);
                first != m_attributeCodeAt.cend()) {
                error(valueAt(p + "/code"),
                      QStringLiteral("duplicate attribute code \"%1\" (first defined on line %2)")
                          .arg(a->code)
                          .arg(lineOf(m_data, *first)));
                ok = false;
            } else {
                m_attributeCodeAt.insert(a->code, valueAt(p + "/code"));
                // Names of attributes must not be shared between attributes.
                QList<QPair<QString, QString>> names = {
                    {a->code, p + "/code"}, {a->labelZh, p + "/zh"}, {a->labelEn, p + "/en"}};
                if (!a->merchantColumn.isEmpty())
                    names.append({a->merchantColumn, p + "/merchantColumn"});
                for (int k = 0; k < synonyms->size(); ++k)
                    names.append({synonyms->at(k), QStringLiteral("%1/synonyms/%2").arg(p).arg(k)});
                for (const auto& [name, at] : names) {
                    const QString key = normalizeTerm(name);
                    const auto prev = m_attributeTerms.constFind(key);
                    if (prev != m_attributeTerms.cend() && prev->first != a->code) {
                        error(valueAt(at),
                              QStringLiteral("attribute \"%1\": the name \"%2\" already "
                                             "names attribute \"%3\" (line %4)")
                                  .arg(a->code, name, prev->first)
                                  .arg(lineOf(m_data, prev->second)));
                        ok = false;
                    } else if (prev == m_attributeTerms.cend()) {
                        m_attributeTerms.insert(key, {a->code, valueAt(at)});
                    }
                }
            }
        }

        const QJsonValue values = o.value("values");
        if (values.isUndefined()) {
            error(valueAt(p),
                  QStringLiteral("%1: missing \"values\" (an array, may be empty)").arg(what));
            return false;
        }
        if (!values.isArray()) {
            error(valueAt(p + "/values"),
                  QStringLiteral("%1: \"values\" must be an array").arg(what));
            return false;
        }
        QHash<QString, qsizetype> codeAt;                     // value code → offset
        QHash<QString, QPair<QString, qsizetype>> termOwner;  // term → (value code, offset)
        const QJsonArray array = values.toArray();
        for (int j = 0; j < array.size(); ++j) {
            const QString vp = QStringLiteral("%1/values/%2").arg(p).arg(j);
            TaxonomyValue value;
            if (readValue(array.at(j), vp, what, &value, &codeAt, &termOwner))
                a->values.append(value);
            else
                ok = false;
        }
        return ok;
    }

    bool readValue(const QJsonValue& v, const QString& p, const QString& attributeWhat,
                   TaxonomyValue* value, QHash<QString, qsizetype>* codeAt,
                   QHash<QString, QPair<QString, qsizetype>>* termOwner) {
        if (!v.isObject()) {
            error(valueAt(p), QStringLiteral("%1: a value must be an object").arg(attributeWhat));
            return false;
        }
        const QJsonObject o = v.toObject();
        checkKeys(o, p, {"code", "zh", "en", "synonyms"});
        QString what = QStringLiteral("%1, value").arg(attributeWhat);
        bool ok = requiredString(o, p, "code", what, &value->code);
        if (ok) {
            what = QStringLiteral("%1, value \"%2\"").arg(attributeWhat, value->code);
            ok = validCode(value->code, p, what);
        }
        ok = requiredString(o, p, "zh", what, &value->labelZh) && ok;
        ok = requiredString(o, p, "en", what, &value->labelEn) && ok;
        ok = readSynonyms(o, p, what, &value->synonyms) && ok;
        if (!ok)
            return false;
        if (const auto first = codeAt->constFind(value->code); first != codeAt->cend()) {
            error(valueAt(p + "/code"),
                  QStringLiteral("%1: duplicate value code \"%2\" (first defined on line %3)")
                      .arg(attributeWhat, value->code)
                      .arg(lineOf(m_data, *first)));
            return false;
        }
        codeAt->insert(value->code, valueAt(p + "/code"));
        QList<QPair<QString, QString>> names = {
            {value->code, p + "/code"}, {value->labelZh, p + "/zh"}, {value->labelEn, p + "/en"}};
        for (int k = 0; k < value->synonyms.size(); ++k)
            names.append({value->synonyms.at(k), QStringLiteral("%1/synonyms/%2").arg(p).arg(k)});
        for (const auto& [name, at] : names) {
            const QString key = normalizeTerm(name);
            const auto prev = termOwner->constFind(key);
            if (prev != termOwner->cend() && prev->first != value->code) {
                error(valueAt(at), QStringLiteral("%1: \"%2\" already names value \"%3\" (line %4)")
                                       .arg(what, name, prev->first)
                                       .arg(lineOf(m_data, prev->second)));
                ok = false;
            } else if (prev == termOwner->cend()) {
                termOwner->insert(key, {value->code, valueAt(at)});
            }
        }
        return ok;
    }

    const QByteArray& m_data;
    QString m_file;
    const JsonPositions& m_pos;
    QStringList m_errors;
    QHash<QString, qsizetype> m_attributeCodeAt;
    QHash<QString, QPair<QString, qsizetype>> m_attributeTerms;  // term → (attribute, offset)
};

}  // namespace

// ---- Taxonomy -----------------------------------------------------------------------------------

Taxonomy::Taxonomy(QList<TaxonomyAttribute> attributes, QString name,
                   QHash<QString, QStringList> attributeSynonyms)
    : m_name(std::move(name)),
      m_attributes(std::move(attributes)),
      m_attributeSynonyms(std::move(attributeSynonyms)) {
    buildIndex();
}

void Taxonomy::buildIndex() {
    m_valueByCode.resize(m_attributes.size());
    m_valueByTerm.resize(m_attributes.size());
    for (int i = 0; i < m_attributes.size(); ++i) {
        const TaxonomyAttribute& a = m_attributes.at(i);
        if (!m_attributeByCode.contains(a.code))
            m_attributeByCode.insert(a.code, i);
        for (const QString& t : terms(a)) {
            const QString key = normalizeTerm(t);
            if (!key.isEmpty() && !m_attributeByTerm.contains(key))
                m_attributeByTerm.insert(key, i);
        }
        for (int j = 0; j < a.values.size(); ++j) {
            const TaxonomyValue& v = a.values.at(j);
            if (!m_valueByCode[i].contains(v.code))
                m_valueByCode[i].insert(v.code, j);
            for (const QString& t : terms(v)) {
                const QString key = normalizeTerm(t);
                if (!key.isEmpty() && !m_valueByTerm[i].contains(key))
                    m_valueByTerm[i].insert(key, j);
            }
        }
    }
}

std::optional<Taxonomy> Taxonomy::fromJson(const QByteArray& json, const QString& fileLabel,
                                           QString* error) {
    QByteArray data = json;
    if (data.startsWith("\xEF\xBB\xBF"))
        data.remove(0, 3);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        qsizetype offset = parseError.offset;
        if (parseError.error == QJsonParseError::UnterminatedString)
            offset = unterminatedStringStart(data, offset);
        if (error)
            *error = QStringLiteral("%1:%2: JSON syntax error: %3")
                         .arg(fileLabel, lineColumn(data, offset), parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("%1:1:1: the top level must be an object with \"attributes\"")
                         .arg(fileLabel);
        return std::nullopt;
    }
    JsonPositions positions;
    PositionScanner(data, positions).run();
    Validator validator(data, fileLabel, positions);
    auto taxonomy = validator.run(doc.object());
    if (!taxonomy && error)
        *error = validator.errors();
    return taxonomy;
}

std::optional<Taxonomy> Taxonomy::load(const QString& path, QString* error) {
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        if (error)
            *error = QStringLiteral("%1: cannot open: %2").arg(path, file.errorString());
        return std::nullopt;
    }
    return fromJson(file.readAll(), path, error);
}

Taxonomy Taxonomy::defaultApparel() {
    initCatalogResources();
    QString error;
    auto t = load(defaultApparelResource(), &error);
    if (!t) {
        qWarning("default taxonomy: %s", qPrintable(error));
        return {};
    }
    return *t;
}

QByteArray Taxonomy::toJson() const {
    QJsonArray attributes;
    for (const TaxonomyAttribute& a : m_attributes) {
        QJsonObject o{
            {"code", a.code}, {"zh", a.labelZh}, {"en", a.labelEn}, {"multi", a.multiValued}};
        if (!a.merchantColumn.isEmpty())
            o.insert("merchantColumn", a.merchantColumn);
        const QStringList syn = attributeSynonyms(a.code);
        if (!syn.isEmpty())
            o.insert("synonyms", QJsonArray::fromStringList(syn));
        QJsonArray values;
        for (const TaxonomyValue& v : a.values) {
            QJsonObject vo{{"code", v.code}, {"zh", v.labelZh}, {"en", v.labelEn}};
            if (!v.synonyms.isEmpty())
                vo.insert("synonyms", QJsonArray::fromStringList(v.synonyms));
            values.append(vo);
        }
        o.insert("values", values);
        attributes.append(o);
    }
    QJsonObject root{{"format", "vistag-taxonomy"}, {"version", 1}, {"attributes", attributes}};
    if (!m_name.isEmpty())
        root.insert("name", m_name);
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

QStringList Taxonomy::attributeSynonyms(const QString& attributeCode) const {
    return m_attributeSynonyms.value(attributeCode);
}

int Taxonomy::attributeIndex(const QString& code) const {
    return m_attributeByCode.value(code, -1);
}

const TaxonomyAttribute* Taxonomy::attribute(const QString& code) const {
    const int i = attributeIndex(code);
    return i < 0 ? nullptr : &m_attributes.at(i);
}

const TaxonomyValue* Taxonomy::value(const QString& attributeCode, const QString& valueCode) const {
    const int i = attributeIndex(attributeCode);
    if (i < 0)
        return nullptr;
    const int j = m_valueByCode.at(i).value(valueCode, -1);
    return j < 0 ? nullptr : &m_attributes.at(i).values.at(j);
}

const TaxonomyAttribute* Taxonomy::findAttribute(const QString& text) const {
    const int i = m_attributeByTerm.value(normalizeTerm(text), -1);
    return i < 0 ? nullptr : &m_attributes.at(i);
}

const TaxonomyValue* Taxonomy::findValue(const QString& attributeCode, const QString& text) const {
    const int i = attributeIndex(attributeCode);
    if (i < 0)
        return nullptr;
    const int j = m_valueByTerm.at(i).value(normalizeTerm(text), -1);
    return j < 0 ? nullptr : &m_attributes.at(i).values.at(j);
}

QList<Taxonomy::ValueRef> Taxonomy::findValueAnywhere(const QString& text) const {
    QList<ValueRef> out;
    const QString key = normalizeTerm(text);
    for (int i = 0; i < m_attributes.size(); ++i) {
        const int j = m_valueByTerm.at(i).value(key, -1);
        if (j >= 0)
            out.append({&m_attributes.at(i), &m_attributes.at(i).values.at(j)});
    }
    return out;
}

QString Taxonomy::label(const TaxonomyAttribute& a, const QString& language) {
    const QString& first = language == QLatin1String("en") ? a.labelEn : a.labelZh;
    const QString& second = language == QLatin1String("en") ? a.labelZh : a.labelEn;
    return !first.isEmpty() ? first : !second.isEmpty() ? second : a.code;
}

QString Taxonomy::label(const TaxonomyValue& v, const QString& language) {
    const QString& first = language == QLatin1String("en") ? v.labelEn : v.labelZh;
    const QString& second = language == QLatin1String("en") ? v.labelZh : v.labelEn;
    return !first.isEmpty() ? first : !second.isEmpty() ? second : v.code;
}

QStringList Taxonomy::terms(const TaxonomyValue& v) {
    QStringList out{v.code, v.labelZh, v.labelEn};
    out += v.synonyms;
    out.removeAll(QString());
    return out;
}

QStringList Taxonomy::terms(const TaxonomyAttribute& a) const {
    QStringList out{a.code, a.labelZh, a.labelEn, a.merchantColumn};
    out += attributeSynonyms(a.code);
    out.removeAll(QString());
    return out;
}

QString Taxonomy::normalizeTerm(const QString& text) {
    return catalog::normalizeTerm(text);
}

}  // namespace vistag::catalog

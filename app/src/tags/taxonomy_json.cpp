#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonParseError>
#include <QSet>
#include <cstring>

#include "tags/taxonomy_json_p.h"
#include "tags/term_normalize.h"

namespace vistag::catalog::taxonomy_detail {

namespace {

// Walks the bytes of a valid JSON document and records, for every JSON pointer, where its value
// and its key start.
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

}  // namespace

void scanJsonPositions(const QByteArray& data, JsonPositions& out) {
    PositionScanner(data, out).run();
}

QList<QPair<QString, qsizetype>> scanDuplicateKeys(const QByteArray& data) {
    // One frame per open object or array: the raw bytes of the keys seen so far (objects), the
    // current index (arrays), and the key or index that led into it, for the pointer.
    struct Frame {
        bool object = false;
        int index = 0;
        QByteArray via;  // the member name or index this container is the value of
        QList<QByteArrayView> keys;
    };
    QList<Frame> stack;
    QList<QPair<QString, qsizetype>> out;
    QByteArray pendingKey;  // the key whose value comes next
    bool expectKey = false;
    const qsizetype n = data.size();
    auto pointer = [&](const QByteArrayView& last) {
        QString p;
        for (int k = 1; k < stack.size(); ++k)
            p += QLatin1Char('/') + QString::fromUtf8(stack.at(k).via);
        return p + QLatin1Char('/') + QString::fromUtf8(last);
    };
    auto viaForNext = [&]() -> QByteArray {
        if (stack.isEmpty())
            return {};
        Frame& top = stack.last();
        return top.object ? pendingKey : QByteArray::number(top.index);
    };
    for (qsizetype i = 0; i < n; ++i) {
        const char c = data[i];
        if (c == '"') {
            const qsizetype begin = i++;
            while (i < n && data[i] != '"')
                i += data[i] == '\\' ? 2 : 1;
            const QByteArrayView raw(data.constData() + begin + 1, i - begin - 1);
            if (!stack.isEmpty() && stack.last().object && expectKey) {
                Frame& top = stack.last();
                if (top.keys.contains(raw))
                    out.append({pointer(raw), begin});
                top.keys.append(raw);
                pendingKey = raw.toByteArray();
                expectKey = false;
            }
        } else if (c == '{' || c == '[') {
            Frame f;
            f.object = c == '{';
            f.via = viaForNext();
            stack.append(f);
            expectKey = f.object;
        } else if (c == '}' || c == ']') {
            if (!stack.isEmpty())
                stack.removeLast();
            expectKey = false;
        } else if (c == ',') {
            if (!stack.isEmpty()) {
                if (stack.last().object)
                    expectKey = true;
                else
                    ++stack.last().index;
            }
        }
    }
    return out;
}

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
QString forbiddenCharacter(const QString& text, bool multiLine) {
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

std::optional<QJsonObject> parseTaxonomyObject(const QByteArray& json, const QString& fileLabel,
                                               QByteArray* data, QString* error) {
    *data = json;
    if (data->startsWith("\xEF\xBB\xBF"))
        data->remove(0, 3);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(*data, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        qsizetype offset = parseError.offset;
        if (parseError.error == QJsonParseError::UnterminatedString)
            offset = unterminatedStringStart(*data, offset);
        if (error)
            *error = QStringLiteral("%1:%2: JSON syntax error: %3")
                         .arg(fileLabel, lineColumn(*data, offset), parseError.errorString());
        return std::nullopt;
    }
    if (!doc.isObject()) {
        if (error)
            *error = QStringLiteral("%1:1:1: the top level must be an object with \"attributes\"")
                         .arg(fileLabel);
        return std::nullopt;
    }
    return doc.object();
}

// ---- TaxonomyReader ---------------------------------------------------------------------------

const JsonPositions& TaxonomyReader::positions() const {
    if (!m_positions) {
        m_positions.emplace();
        scanJsonPositions(m_data, *m_positions);
    }
    return *m_positions;
}

void TaxonomyReader::error(qsizetype offset, const QString& problem) {
    m_errors.append(QStringLiteral("%1:%2: %3").arg(m_file, lineColumn(m_data, offset), problem));
}

void TaxonomyReader::checkKeys(const QJsonObject& o, const QString& pointer,
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

QString TaxonomyReader::optionalString(const QJsonObject& o, const QString& pointer,
                                       const char* key, const QString& what) {
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

bool TaxonomyReader::checkCharacters(const QString& text, const QString& pointer,
                                     const QString& what, const QString& field, bool multiLine) {
    const QString bad = forbiddenCharacter(text, multiLine);
    if (bad.isEmpty())
        return true;
    error(valueAt(pointer),
          QStringLiteral("%1: %2 contains %3, which is not allowed").arg(what, field, bad));
    return false;
}

bool TaxonomyReader::requiredString(const QJsonObject& o, const QString& pointer, const char* key,
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
        error(valueAt(pointer + '/' + key), QStringLiteral("%1: \"%2\" is empty").arg(what, key));
        return false;
    }
    return checkCharacters(*out, pointer + '/' + key, what,
                           QStringLiteral("\"%1\"").arg(QLatin1String(key)));
}

bool TaxonomyReader::validCode(const QString& code, const QString& pointer, const QString& what) {
    // [A-Za-z0-9_.-]+, checked by hand: this runs for every code of a file.
    bool valid = !code.isEmpty();
    for (const QChar c : code) {
        const char16_t u = c.unicode();
        valid = valid && ((u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
                          (u >= '0' && u <= '9') || u == '_' || u == '.' || u == '-');
    }
    if (valid)
        return true;
    error(valueAt(pointer + "/code"),
          QStringLiteral("%1: code \"%2\" may only contain letters, digits, '_', '.', '-'")
              .arg(what, code));
    return false;
}

bool TaxonomyReader::readSynonyms(const QJsonObject& o, const QString& pointer, const QString& what,
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
}  // namespace vistag::catalog::taxonomy_detail

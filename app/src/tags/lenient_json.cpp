#include "tags/lenient_json.h"

namespace vistag::catalog {

namespace {

bool isOpenArray(QChar c) {
    return c == u'[' || c == u'【' || c == u'〔' || c == u'〖';
}
bool isCloseArray(QChar c) {
    return c == u']' || c == u'】' || c == u'〕' || c == u'〗';
}
bool isQuote(QChar c) {
    return c == u'"' || c == u'\'' || c == u'“' || c == u'”' || c == u'‘' || c == u'’' ||
           c == u'「' || c == u'『' || c == u'`';
}
bool closes(QChar open, QChar c) {
    switch (open.unicode()) {
        case u'"':
        case u'“':
        case u'”':
            return c == u'"' || c == u'”' || c == u'“';
        case u'\'':
        case u'‘':
        case u'’':
            return c == u'\'' || c == u'’' || c == u'‘';
        case u'「':
            return c == u'」';
        case u'『':
            return c == u'』';
        case u'`':
            return c == u'`';
        default:
            return false;
    }
}
bool isSeparator(QChar c) {
    return c == u',' || c == u';' || c == u'、';
}

class Reader {
public:
    explicit Reader(const QString& text) : m_t(text), m_n(int(text.size())) {}

    LenientNode object(int at) {
        m_i = at;
        return readObject();
    }
    int position() const { return m_i; }

private:
    bool atEnd() const { return m_i >= m_n; }
    QChar cur() const { return m_t.at(m_i); }
    void skipSpace() {
        while (!atEnd() && cur().isSpace())
            ++m_i;
    }

    LenientNode readObject() {  // at '{'
        LenientNode node;
        node.kind = LenientNode::Kind::Object;
        node.begin = m_i++;
        int guard = 0;
        for (;;) {
            skipSpace();
            if (atEnd()) {
                node.truncated = true;
                break;
            }
            const QChar c = cur();
            if (c == u'}') {
                ++m_i;
                break;
            }
            if (isSeparator(c) || isCloseArray(c)) {
                ++m_i;
                continue;
            }
            if (c == u'{' || isOpenArray(c)) {  // a value without a key: read past it
                readValue(false);
                continue;
            }
            LenientNode key = isQuote(c) ? readString() : readBare(u":=}\n,;", true);
            if (key.text.isEmpty() && !key.quoted && m_i == key.begin) {
                ++m_i;  // nothing could be read here: step over the character
                if (++guard > m_n)
                    break;
                continue;
            }
            skipInlineSpace();
            LenientNode value;
            if (!atEnd() && (cur() == u':' || cur() == u'=')) {
                ++m_i;
                skipSpace();
                if (atEnd()) {
                    key.truncated = true;
                    node.truncated = true;
                } else {
                    value = readValue(false);
                }
            } else if (atEnd()) {
                key.truncated = true;
            }
            node.members.append({key, value});
        }
        node.end = m_i;
        return node;
    }

    LenientNode readArray() {  // at an opening bracket
        LenientNode node;
        node.kind = LenientNode::Kind::Array;
        node.begin = m_i++;
        for (;;) {
            skipSpace();
            if (atEnd()) {
                node.truncated = true;
                break;
            }
            const QChar c = cur();
            if (isCloseArray(c)) {
                ++m_i;
                break;
            }
            if (c == u'}') {  // a missing ']': let the object close
                break;
            }
            if (isSeparator(c)) {
                ++m_i;
                continue;
            }
            const int before = m_i;
            node.items.append(readValue(true));
            if (m_i == before)
                ++m_i;
        }
        node.end = m_i;
        return node;
    }

    LenientNode readValue(bool inArray) {
        const QChar c = cur();
        if (c == u'{')
            return readObject();
        if (isOpenArray(c))
            return readArray();
        if (isQuote(c))
            return readString();
        return readBare(inArray ? u",;、]】〕〗}\n" : u",;]】〕〗}\n", false);
    }

    void skipInlineSpace() {
        while (!atEnd() && cur().isSpace() && cur() != u'\n')
            ++m_i;
    }

    // Unquoted text up to one of `stops` (or the end); surrounding spaces trimmed. A key stops at
    // an opening quote or bracket too.
    LenientNode readBare(const char16_t* stops, bool isKey) {
        LenientNode node;
        node.kind = LenientNode::Kind::String;
        const int start = m_i;
        auto stopsHere = [&](QChar c) {
            for (const char16_t* s = stops; *s; ++s)
                if (c == QChar(*s))
                    return true;
            return isKey && (c == u'{' || isOpenArray(c) || (m_i > start && isQuote(c)));
        };
        while (!atEnd() && !stopsHere(cur()))
            ++m_i;
        int b = start, e = m_i;
        while (b < e && m_t.at(b).isSpace())
            ++b;
        while (e > b && m_t.at(e - 1).isSpace())
            --e;
        node.begin = b;
        node.end = e;
        node.text = m_t.mid(b, e - b);
        node.truncated = atEnd();
        return node;
    }

    LenientNode readString() {  // at an opening quote
        LenientNode node;
        node.kind = LenientNode::Kind::String;
        node.quoted = true;
        const QChar open = cur();
        node.begin = ++m_i;
        for (;;) {
            if (atEnd()) {
                node.end = m_i;
                node.truncated = true;
                return node;
            }
            const QChar c = cur();
            if (c == u'\n') {  // strings do not span lines: the closing quote is missing
                node.end = m_i;
                return node;
            }
            if (c == u'\\' && m_i + 1 < m_n) {
                node.escaped = true;
                const QChar e = m_t.at(m_i + 1);
                m_i += 2;
                if (e == u'n')
                    node.text += u'\n';
                else if (e == u't')
                    node.text += u'\t';
                else if (e == u'u' && m_i + 4 <= m_n) {
                    bool ok = false;
                    const ushort code = m_t.mid(m_i, 4).toUShort(&ok, 16);
                    if (ok) {
                        node.text += QChar(code);
                        m_i += 4;
                    }
                } else
                    node.text += e;
                continue;
            }
            if (closes(open, c) && (open != u'\'' || apostropheEnds())) {
                node.end = m_i++;
                return node;
            }
            node.text += c;
            ++m_i;
        }
    }

    // A ' closes a single-quoted string only when what follows looks like JSON structure
    // (so that "women's" survives inside '...').
    bool apostropheEnds() const {
        int j = m_i + 1;
        while (j < m_n && m_t.at(j).isSpace() && m_t.at(j) != u'\n')
            ++j;
        if (j >= m_n)
            return true;
        const QChar c = m_t.at(j);
        return c == u',' || c == u':' || c == u'}' || c == u'\n' || c == u';' || c == u'、' ||
               isCloseArray(c);
    }

    const QString& m_t;
    const int m_n;
    int m_i = 0;
};

}  // namespace

QList<LenientNode> findLenientObjects(const QString& text) {
    QList<LenientNode> out;
    Reader reader(text);
    int i = 0;
    while (i < text.size()) {
        const int open = int(text.indexOf(u'{', i));
        if (open < 0)
            break;
        LenientNode node = reader.object(open);
        i = qMax(reader.position(), open + 1);
        out.append(node);
    }
    return out;
}

}  // namespace vistag::catalog

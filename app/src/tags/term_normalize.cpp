#include "tags/term_normalize.h"

namespace vistag::catalog {

namespace {

bool isDashLike(char32_t c) {
    return c == '-' || c == '_' || (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0xFE63 ||
           c == 0xFF0D || c == 0xFF3F;
}

// CJK unified ideographs (the base block and extension A) are their own NFKC form and case
// folding: no call into Qt's normalisation for them (a taxonomy of Shopify's size has hundreds
// of thousands of them).
bool isPlainIdeograph(char32_t c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF);
}

}  // namespace

NormalizedText normalizeForMatching(const QString& source) {
    NormalizedText out;
    out.text.reserve(source.size());
    out.origin.reserve(source.size() + 1);
    const int n = int(source.size());
    for (int i = 0; i < n;) {
        const int start = i;
        char32_t cp = source.at(i).unicode();
        if (QChar::isHighSurrogate(cp) && i + 1 < n && source.at(i + 1).isLowSurrogate()) {
            cp = QChar::surrogateToUcs4(source.at(i), source.at(i + 1));
            i += 2;
        } else {
            i += 1;
        }
        if (isDashLike(cp)) {
            out.text.append(QLatin1Char(' '));
            out.origin.append(start);
            continue;
        }
        if (cp < 0x80) {
            const char c = char(cp);
            out.text.append(QLatin1Char(c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c));
            out.origin.append(start);
            continue;
        }
        if (isPlainIdeograph(cp)) {
            out.text.append(QChar(char16_t(cp)));
            out.origin.append(start);
            continue;
        }
        QString piece = QString::fromUcs4(&cp, 1).normalized(QString::NormalizationForm_KC);
        piece = piece.toCaseFolded();
        for (QChar& c : piece)
            if (isDashLike(c.unicode()))
                c = QLatin1Char(' ');
        for (QChar c : piece) {
            out.text.append(c.isSpace() ? QLatin1Char(' ') : c);
            out.origin.append(start);
        }
    }
    out.origin.append(n);
    return out;
}

QString normalizeTerm(const QString& text) {
    // Text of ASCII and plain ideographs only (nearly every term) needs no origin map and no
    // normalisation call: the same result as the general path, built directly.
    QString out;
    out.reserve(text.size());
    for (const QChar ch : text) {
        const char16_t u = ch.unicode();
        if (u < 0x80) {
            const char c = char(u);
            out.append(QLatin1Char(c == '-' || c == '_'   ? ' '
                                   : c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a')
                                                          : c));
        } else if (isPlainIdeograph(u)) {
            out.append(ch);
        } else {
            return normalizeForMatching(text).text.simplified();
        }
    }
    return out.simplified();
}

bool isCjk(QChar c) {
    const char16_t u = c.unicode();
    return (u >= 0x2E80 && u <= 0x2FDF) || (u >= 0x3040 && u <= 0x30FF) ||
           (u >= 0x3400 && u <= 0x4DBF) || (u >= 0x4E00 && u <= 0x9FFF) ||
           (u >= 0xF900 && u <= 0xFAFF) || c.isSurrogate();
}

}  // namespace vistag::catalog

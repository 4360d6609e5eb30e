// The comparison form of taxonomy terms and of model answers: NFKC (full-width letters, digits
// and punctuation become half-width: "ＢＯＨＯ" → "BOHO", "：" → ":"), case folding, '-' / '_'
// and dash-like characters as spaces. Applied one code point at a time so that every character
// of the result can be traced back to the answer (UTF-16 offsets), which the tag extraction needs
// to report where in the answer a tag came from.
#pragma once

#include <QList>
#include <QString>

namespace vistag::catalog {

struct NormalizedText {
    QString text;       // the normalised text
    QList<int> origin;  // origin[i]: UTF-16 index in the source of text[i]; size text.size()+1,
                        // the last entry being the source length
    // The source range [begin, end) that produced text range [b, e).
    int sourceBegin(int b) const { return origin[b]; }
    int sourceEnd(int e) const { return origin[e]; }
};

NormalizedText normalizeForMatching(const QString& source);

// normalizeForMatching(text).text with surrounding spaces removed and inner runs of white space
// collapsed to one space: the key under which a term is looked up.
QString normalizeTerm(const QString& text);

// True for CJK ideographs (and the CJK symbol ranges), i.e. text that has no word boundaries.
bool isCjk(QChar c);

}  // namespace vistag::catalog

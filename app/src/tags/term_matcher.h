// Finds taxonomy terms (value labels and synonyms, attribute names) in normalised text
// (normalizeForMatching): longest match first, no match inside a longer one, Latin terms only on
// word boundaries (with plural / participle endings: dress → dresses, sleeve → sleeved), one-
// character Chinese terms (春, 棉, 鞋) only next to another one of the same attribute (春夏,
// 棉麻) or before punctuation, a few everyday words that contain a term (包括, 青春, 金属,
// "white background") masked, and a negation shortly before a match (不是, 没有, not, no,
// without, ...) marking it negated.
#pragma once

#include <QList>
#include <QString>

#include "tags/taxonomy.h"

namespace vistag::catalog {

struct TermHit {
    int begin = 0;  // [begin, end) in the text given to match()
    int end = 0;
    int attribute = -1;  // index into Taxonomy::attributes(); -1 for a masked everyday word
    int value = -1;      // index into the attribute's values; -1 when the attribute's own name
    bool negated = false;
};

class TermMatcher {
public:
    explicit TermMatcher(const Taxonomy& taxonomy);

    // All hits in text order. onlyAttribute >= 0: value terms of that attribute only (names of
    // attributes and masked words still take part, so they still block shorter matches).
    QList<TermHit> match(const QString& normalizedText, int onlyAttribute = -1) const;

private:
    struct Term {
        QString text;
        int attribute = -1;
        int value = -1;
        bool singleCjk = false;
    };
    QList<Term> m_terms;
};

}  // namespace vistag::catalog

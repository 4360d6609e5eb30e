// From a model answer to taxonomy tags: the tagging prompt, a tolerant parser of what models
// actually answer (JSON in code fences, broken JSON, full-width punctuation, labels instead of
// codes, "key: value" lines, plain prose in Chinese or English), and confidence from token
// probabilities.
#pragma once

#include <QList>
#include <QPair>
#include <QString>

#include "tags/taxonomy.h"
#include "tags/types.h"

namespace vistag::catalog {

// The instruction for tagging one image: answer with one JSON object whose keys are attribute
// codes and whose values are value codes (a list for multi-valued attributes); allowed codes are
// listed with their labels; "other: <words>" for a value not in the list; omit attributes that
// cannot be seen. language: "zh" or "en" (anything else: "zh").
QString buildTaggingPrompt(const Taxonomy& taxonomy, const QString& language);

// Reads tags from a model answer. In order of preference:
//  1. structured parts: every JSON-like object in the answer (tolerant: code fences, text around
//     it, Chinese punctuation and quotes, single quotes, unquoted keys and values, trailing
//     commas, truncation) and "key: value" lines outside them. Keys may be attribute codes,
//     labels or synonyms; values codes, labels or synonyms, as a list or joined with 、 , / 和
//     and. A value that is not in the taxonomy becomes an isNewValue suggestion (valueCode = its
//     text), except a truncated last value. Strings under keys that are not attributes are read
//     as prose, for attributes the structured part did not give.
//  2. when there is no structured part: the whole answer as prose, matching value labels and
//     synonyms (longest match first, none inside a longer match, negations such as 不是 / 没有 /
//     not / no / without before a match drop it).
// Single-valued attributes keep their first value; no duplicates. rawText is the answer text
// the suggestion came from and answerOffset its UTF-16 index in `answer`
// (answer.mid(answerOffset, rawText.size()) == rawText); confidence is left at -1.
QList<TagSuggestion> parseTagAnswer(const QString& answer, const Taxonomy& taxonomy);

// Geometric mean of the probabilities of the generated tokens that overlap [begin, end) of the
// answer. tokenSpans: UTF-16 [begin, end) of each generated token in the answer, parallel to
// tokenProbs. An empty range [p, p) counts the token containing p. -1 when no token overlaps or
// the lists are inconsistent; 0 when an overlapping probability is 0.
double spanConfidence(const QList<QPair<int, int>>& tokenSpans, const QList<double>& tokenProbs,
                      int begin, int end);

// Sets each suggestion's confidence from the tokens of its [answerOffset, +rawText.size());
// suggestions without an offset keep -1.
void assignConfidence(QList<TagSuggestion>& suggestions, const QList<QPair<int, int>>& tokenSpans,
                      const QList<double>& tokenProbs);

}  // namespace vistag::catalog

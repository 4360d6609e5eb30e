// A forgiving reader for the JSON that language models write: objects found anywhere in a text
// (inside code fences, between sentences), Chinese brackets and quotes (【】 「」 “” ‘’), single
// quotes, unquoted keys and values, missing or trailing commas, 、 and ; as separators, and
// truncation (the text ends inside the object: everything read so far is kept). It reads the
// normalised text of normalizeForMatching(), where full-width ｛：，＂ are already ASCII.
// Positions are indexes into that text.
#pragma once

#include <QList>
#include <QPair>
#include <QString>

namespace vistag::catalog {

struct LenientNode {
    enum class Kind { Missing, String, Array, Object };
    Kind kind = Kind::Missing;  // Missing: a key without ':' and value
    QString text;               // String: the decoded text
    int begin = -1;             // String: its content [begin, end) in the input (no quotes);
    int end = -1;               // Array / Object: from the opening to after the closing bracket
    bool quoted = false;        // String: written in quotes
    bool escaped = false;       // String: had backslash escapes (text differs from the input)
    bool truncated = false;     // the input ended inside this node
    QList<LenientNode> items;   // Array
    QList<QPair<LenientNode, LenientNode>> members;  // Object: key (String) → value
};

// Every top-level object of `text`, in order; an object's range is [node.begin, node.end).
QList<LenientNode> findLenientObjects(const QString& text);

}  // namespace vistag::catalog

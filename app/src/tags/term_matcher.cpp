#include "tags/term_matcher.h"

#include <algorithm>

#include "tags/term_normalize.h"

namespace vistag::catalog {

namespace {

// Everyday words that contain a one-character or short term but mean something else; matched
// like terms so that the longest-match rule masks them, and then dropped.
const char16_t* const kMaskedWords[] = {u"包括",
                                        u"包含",
                                        u"包装",
                                        u"包邮",
                                        u"包容",
                                        u"面包",
                                        u"青春",
                                        u"春节",
                                        u"金属",
                                        u"皮肤",
                                        u"俏皮",
                                        u"调皮",
                                        u"顽皮",
                                        u"背景",
                                        u"白色背景",
                                        u"黑色背景",
                                        u"灰色背景",
                                        u"white background",
                                        u"black background",
                                        u"grey background",
                                        u"gray background",
                                        u"plain background"};

// A negation this close before a match (within the same clause) drops it.
const char16_t* const kNegationsZh[] = {u"不是", u"并非", u"而非", u"没有", u"不属于", u"不算",
                                        u"不像", u"并不", u"不含", u"不带", u"不适合", u"不太"};
const char* const kNegationsEn[] = {"not",  "no",    "without", "neither", "nor",   "isn",
                                    "aren", "doesn", "don",     "wasn",    "never", "lacks"};
const char16_t* const kContrastZh[] = {u"但", u"而是", u"不过", u"却"};
const char* const kContrastEn[] = {"but", "rather", "instead", "however", "yet"};
constexpr int kNegationWindow = 12;  // characters before the match that are looked at

bool isWordChar(QChar c) {
    return c.isLetterOrNumber() && !isCjk(c);
}

bool isClauseBreak(QChar c) {
    static const QString breaks = QStringLiteral(",.;:!?()\n。、!?…");
    return breaks.contains(c);
}

// Latin words of `s`, lower case already.
QStringList words(const QString& s) {
    QStringList out;
    QString w;
    for (QChar c : s) {
        if (isWordChar(c)) {
            w += c;
        } else if (!w.isEmpty()) {
            out.append(w);
            w.clear();
        }
    }
    if (!w.isEmpty())
        out.append(w);
    return out;
}

bool negatedBefore(const QString& text, int windowBegin, int matchBegin) {
    QString w = text.mid(windowBegin, matchBegin - windowBegin);
    if (windowBegin > 0 && windowBegin < text.size() && isWordChar(text.at(windowBegin - 1)) &&
        isWordChar(text.at(windowBegin))) {
        int k = 0;  // the window starts inside a word: drop that part word
        while (k < w.size() && isWordChar(w.at(k)))
            ++k;
        w = w.mid(k);
    }
    for (int k = int(w.size()) - 1; k >= 0; --k) {
        if (isClauseBreak(w.at(k))) {
            w = w.mid(k + 1);
            break;
        }
    }
    for (const char16_t* c : kContrastZh) {
        const int at = int(w.lastIndexOf(QString::fromUtf16(c)));
        if (at >= 0)
            w = w.mid(at + int(QString::fromUtf16(c).size()));
    }
    int cut = -1;
    for (int k = 0; k < w.size();) {
        if (!isWordChar(w.at(k))) {
            ++k;
            continue;
        }
        const int start = k;
        while (k < w.size() && isWordChar(w.at(k)))
            ++k;
        for (const char* c : kContrastEn)
            if (QStringView(w).mid(start, k - start) == QLatin1String(c))
                cut = k;
    }
    if (cut >= 0)
        w = w.mid(cut);
    const QStringList ws = words(w);
    for (const char16_t* c : kNegationsZh)
        if (w.contains(QString::fromUtf16(c)))
            return true;
    for (const QString& word : ws)
        for (const char* c : kNegationsEn)
            if (word == QLatin1String(c))
                return true;
    return false;
}

}  // namespace

TermMatcher::TermMatcher(const Taxonomy& taxonomy) {
    const auto& attributes = taxonomy.attributes();
    for (int i = 0; i < attributes.size(); ++i) {
        for (const QString& t : taxonomy.terms(attributes.at(i)))
            m_terms.append({normalizeTerm(t), i, -1, false});
        for (int j = 0; j < attributes.at(i).values.size(); ++j) {
            for (const QString& t : Taxonomy::terms(attributes.at(i).values.at(j))) {
                Term term{normalizeTerm(t), i, j, false};
                term.singleCjk = term.text.size() == 1 && isCjk(term.text.at(0));
                m_terms.append(term);
            }
        }
    }
    for (const char16_t* w : kMaskedWords)
        m_terms.append({normalizeTerm(QString::fromUtf16(w)), -1, -1, false});
    m_terms.removeIf([](const Term& t) { return t.text.isEmpty(); });
}

QList<TermHit> TermMatcher::match(const QString& text, int onlyAttribute) const {
    struct Candidate {
        TermHit hit;
        bool singleCjk = false;
    };
    QList<Candidate> candidates;
    const int n = int(text.size());
    static const QString suffixes[] = {QStringLiteral("es"), QStringLiteral("s"),
                                       QStringLiteral("ed"), QStringLiteral("d")};
    for (const Term& t : m_terms) {
        if (onlyAttribute >= 0 && t.value >= 0 && t.attribute != onlyAttribute)
            continue;
        const int len = int(t.text.size());
        for (int p = int(text.indexOf(t.text)); p >= 0; p = int(text.indexOf(t.text, p + 1))) {
            if (isWordChar(t.text.front()) && p > 0 && isWordChar(text.at(p - 1)))
                continue;
            int end = p + len;
            if (isWordChar(t.text.back()) && end < n && isWordChar(text.at(end))) {
                bool ok = false;
                if (t.text.back().isLetter() && len >= 3) {
                    for (const QString& s : suffixes) {
                        const int e = end + int(s.size());
                        if (QStringView(text).mid(end).startsWith(s) &&
                            (e >= n || !isWordChar(text.at(e)))) {
                            end = e;
                            ok = true;
                            break;
                        }
                    }
                }
                if (!ok)
                    continue;
            }
            candidates.append({{p, end, t.attribute, t.value, false}, t.singleCjk});
        }
    }
    std::stable_sort(candidates.begin(), candidates.end(), [](const auto& a, const auto& b) {
        const int la = a.hit.end - a.hit.begin, lb = b.hit.end - b.hit.begin;
        return la != lb ? la > lb : a.hit.begin < b.hit.begin;
    });
    QList<Candidate> accepted;
    for (const Candidate& c : candidates) {
        bool free = true;
        for (const Candidate& a : accepted) {
            const bool same = a.hit.begin == c.hit.begin && a.hit.end == c.hit.end;
            if (!same && a.hit.begin < c.hit.end && c.hit.begin < a.hit.end) {
                free = false;
                break;
            }
            if (same && a.hit.attribute == c.hit.attribute && a.hit.value == c.hit.value) {
                free = false;  // the same term listed twice
                break;
            }
        }
        if (free)
            accepted.append(c);
    }
    std::stable_sort(accepted.begin(), accepted.end(),
                     [](const auto& a, const auto& b) { return a.hit.begin < b.hit.begin; });

    QList<TermHit> out;
    int previousEnd = 0;
    for (const Candidate& c : accepted) {
        if (c.singleCjk) {
            bool keep = c.hit.end >= n || !isCjk(text.at(c.hit.end));
            for (const Candidate& o : accepted)
                keep = keep || (o.singleCjk && o.hit.attribute == c.hit.attribute &&
                                (o.hit.end == c.hit.begin || o.hit.begin == c.hit.end));
            if (!keep)
                continue;
        }
        TermHit hit = c.hit;
        if (hit.attribute >= 0) {
            const int windowBegin = qMax(previousEnd, hit.begin - kNegationWindow);
            hit.negated = negatedBefore(text, qMin(windowBegin, hit.begin), hit.begin);
        }
        previousEnd = qMax(previousEnd, hit.end);
        out.append(hit);
    }
    return out;
}

}  // namespace vistag::catalog

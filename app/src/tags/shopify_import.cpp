#include "tags/shopify_import.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>
#include <QSet>
#include <algorithm>
#include <numeric>

#include "tags/taxonomy_json_p.h"
#include "tags/term_normalize.h"

namespace vistag::catalog {

namespace {

// The first problem found; every reader below stops at it.
struct Failure {
    QString message;
};

QJsonObject readJsonFile(const QString& path) {
    QFile file(path);
    if (!file.exists())
        throw Failure{QStringLiteral("%1: no such file").arg(path)};
    if (!file.open(QIODevice::ReadOnly))
        throw Failure{QStringLiteral("%1: cannot open: %2").arg(path, file.errorString())};
    const QByteArray data = file.readAll();
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        throw Failure{QStringLiteral("%1:%2: JSON syntax error: %3")
                          .arg(path, taxonomy_detail::lineColumn(data, parseError.offset),
                               parseError.errorString())};
    if (!doc.isObject())
        throw Failure{QStringLiteral("%1: the top level must be an object").arg(path)};
    return doc.object();
}

// Shape checks: `where` names the object ("category \"gid://…/aa-1\"", "verticals/0").
QJsonValue member(const QJsonObject& o, const char* key, const QString& file,
                  const QString& where) {
    const QJsonValue v = o.value(QLatin1String(key));
    if (v.isUndefined())
        throw Failure{QStringLiteral("%1: %2: missing \"%3\"").arg(file, where, key)};
    return v;
}
QString str(const QJsonObject& o, const char* key, const QString& file, const QString& where) {
    const QJsonValue v = member(o, key, file, where);
    if (!v.isString())
        throw Failure{QStringLiteral("%1: %2: \"%3\" must be a string").arg(file, where, key)};
    return v.toString().trimmed();
}
QJsonArray arr(const QJsonObject& o, const char* key, const QString& file, const QString& where) {
    const QJsonValue v = member(o, key, file, where);
    if (!v.isArray())
        throw Failure{QStringLiteral("%1: %2: \"%3\" must be an array").arg(file, where, key)};
    return v.toArray();
}
QJsonObject obj(const QJsonValue& v, const QString& file, const QString& where) {
    if (!v.isObject())
        throw Failure{QStringLiteral("%1: %2 must be an object").arg(file, where)};
    return v.toObject();
}
// The tail of a gid ("gid://shopify/TaxonomyCategory/aa-1-4" → "aa-1-4"), checked against the
// pattern of its kind.
QString gidTail(const QString& id, const char* kind, const QRegularExpression& tail,
                const QString& file, const QString& where) {
    const QString prefix = QStringLiteral("gid://shopify/%1/").arg(QLatin1String(kind));
    if (!id.startsWith(prefix) || !tail.match(id.mid(prefix.size())).hasMatch())
        throw Failure{QStringLiteral("%1: %2: \"%3\" is not a %4 id (%5…)")
                          .arg(file, where, id, QLatin1String(kind), prefix)};
    return id.mid(prefix.size());
}

const QRegularExpression& categoryTail() {
    static const QRegularExpression re(QStringLiteral("^[a-zA-Z]{2}(-\\d+)*$"));
    return re;
}
const QRegularExpression& numberTail() {
    static const QRegularExpression re(QStringLiteral("^\\d+$"));
    return re;
}
const QRegularExpression& handleShape() {
    static const QRegularExpression re(QStringLiteral("^[A-Za-z0-9_.-]+$"));
    return re;
}

struct SourceCategory {
    QString code, parentCode, fullName;
    int level = 0;
    QStringList attributeHandles;   // as referenced (base or extended handle)
    QHash<QString, QString> names;  // language → name
};

struct SourceValue {
    QString id, handle;
    QHash<QString, QString> names;
};

struct SourceAttribute {
    QString id, handle, baseHandle;  // baseHandle: set for an extended attribute
    QHash<QString, QString> names;
    QList<SourceValue> values;  // empty for an extended attribute
};

class Importer {
public:
    Importer(QString dir, ShopifyImportOptions options, QStringList* notes)
        : m_dir(std::move(dir)), m_options(std::move(options)), m_notes(notes) {}

    Taxonomy run(ShopifyImportStats* stats) {
        const QStringList locales = pickLocales();
        readCategories(QStringLiteral("en"));
        readAttributes(QStringLiteral("en"));
        for (const QString& locale : locales)
            if (locale != QLatin1String("en")) {
                readCategories(locale);
                readAttributes(locale);
            }
        const QList<int> kept = select();
        Taxonomy t = build(kept);
        if (stats) {
            stats->version = m_version;
            stats->locales = locales;
            stats->categories = t.categories().size();
            stats->attributes = t.attributes().size() - 1;
            int values = 0;
            for (const TaxonomyAttribute& a : t.attributes())
                if (a.valuesFrom.isEmpty() && a.code != QLatin1String(Taxonomy::kCategoryAttribute))
                    values += a.values.size();
            stats->values = values;
        }
        return t;
    }

private:
    QString file(const QString& locale, const char* name) const {
        return QDir(m_dir).filePath(locale + QLatin1Char('/') + QLatin1String(name));
    }
    void note(const QString& line) {
        if (m_notes)
            m_notes->append(line);
    }

    QStringList pickLocales() {
        if (!QFileInfo(m_dir).isDir())
            throw Failure{QStringLiteral("%1: no such folder").arg(m_dir)};
        QStringList out{QStringLiteral("en")};
        if (m_options.languages.isEmpty()) {
            QStringList dirs = QDir(m_dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
            for (const QString& d : dirs)
                if (d != QLatin1String("en") && QFileInfo::exists(file(d, "categories.json")) &&
                    QFileInfo::exists(file(d, "attributes.json")))
                    out.append(d);
        } else {
            for (const QString& l : m_options.languages)
                if (!out.contains(l))
                    out.append(l);
        }
        return out;
    }

    void readCategories(const QString& locale) {
        const QString path = file(locale, "categories.json");
        const QJsonObject root = readJsonFile(path);
        const bool en = locale == QLatin1String("en");
        const QString language = Taxonomy::normalizeLanguage(locale);
        if (en)
            m_version = str(root, "version", path, QStringLiteral("the top level"));
        const QJsonArray verticals = arr(root, "verticals", path, QStringLiteral("the top level"));
        for (int vi = 0; vi < verticals.size(); ++vi) {
            const QString vw = QStringLiteral("verticals/%1").arg(vi);
            const QJsonObject vertical = obj(verticals.at(vi), path, vw);
            str(vertical, "name", path, vw);
            str(vertical, "prefix", path, vw);
            const QJsonArray cats = arr(vertical, "categories", path, vw);
            for (int ci = 0; ci < cats.size(); ++ci) {
                QString where = QStringLiteral("%1/categories/%2").arg(vw).arg(ci);
                const QJsonObject c = obj(cats.at(ci), path, where);
                const QString id = str(c, "id", path, where);
                where = QStringLiteral("category \"%1\"").arg(id);
                const QString code = gidTail(id, "TaxonomyCategory", categoryTail(), path, where);
                const QString name = str(c, "name", path, where);
                if (name.isEmpty())
                    throw Failure{QStringLiteral("%1: %2: \"name\" is empty").arg(path, where)};
                if (!en) {
                    if (const auto it = m_categoryIndex.constFind(code);
                        it != m_categoryIndex.cend())
                        m_categories[*it].names.insert(language, name);
                    continue;
                }
                SourceCategory sc;
                sc.code = code;
                sc.names.insert(QStringLiteral("en"), name);
                sc.fullName = str(c, "full_name", path, where);
                const QJsonValue level = member(c, "level", path, where);
                if (!level.isDouble() || level.toDouble() < 0)
                    throw Failure{QStringLiteral("%1: %2: \"level\" must be a number, 0 or more")
                                      .arg(path, where)};
                sc.level = level.toInt();
                const QJsonValue parent = c.value("parent_id");
                if (parent.isString())
                    sc.parentCode = gidTail(parent.toString(), "TaxonomyCategory", categoryTail(),
                                            path, where + " parent_id");
                else if (!parent.isUndefined() && !parent.isNull())
                    throw Failure{QStringLiteral("%1: %2: \"parent_id\" must be an id or null")
                                      .arg(path, where)};
                const QJsonArray attrs = arr(c, "attributes", path, where);
                for (int k = 0; k < attrs.size(); ++k) {
                    const QString aw = QStringLiteral("%1 attributes/%2").arg(where).arg(k);
                    const QJsonObject a = obj(attrs.at(k), path, aw);
                    gidTail(str(a, "id", path, aw), "TaxonomyAttribute", numberTail(), path, aw);
                    str(a, "name", path, aw);
                    const QString handle = str(a, "handle", path, aw);
                    if (!member(a, "extended", path, aw).isBool())
                        throw Failure{QStringLiteral("%1: %2: \"extended\" must be true or false")
                                          .arg(path, aw)};
                    if (!sc.attributeHandles.contains(handle))
                        sc.attributeHandles.append(handle);
                }
                for (const char* key : {"children", "ancestors"}) {
                    const QJsonArray refs = arr(c, key, path, where);
                    for (int k = 0; k < refs.size(); ++k) {
                        const QString rw =
                            QStringLiteral("%1 %2/%3").arg(where, QLatin1String(key)).arg(k);
                        const QJsonObject r = obj(refs.at(k), path, rw);
                        gidTail(str(r, "id", path, rw), "TaxonomyCategory", categoryTail(), path,
                                rw);
                        str(r, "name", path, rw);
                    }
                }
                if (m_categoryIndex.contains(code))
                    throw Failure{QStringLiteral("%1: %2: duplicate category id").arg(path, where)};
                m_categoryIndex.insert(code, m_categories.size());
                m_categories.append(sc);
            }
        }
        if (en && m_categories.isEmpty())
            throw Failure{QStringLiteral("%1: no categories").arg(path)};
    }

    void readAttributes(const QString& locale) {
        const QString path = file(locale, "attributes.json");
        const QJsonObject root = readJsonFile(path);
        const bool en = locale == QLatin1String("en");
        const QString language = Taxonomy::normalizeLanguage(locale);
        const QJsonArray attrs = arr(root, "attributes", path, QStringLiteral("the top level"));
        for (int ai = 0; ai < attrs.size(); ++ai) {
            QString where = QStringLiteral("attributes/%1").arg(ai);
            const QJsonObject a = obj(attrs.at(ai), path, where);
            const QString id = str(a, "id", path, where);
            where = QStringLiteral("attribute \"%1\"").arg(id);
            gidTail(id, "TaxonomyAttribute", numberTail(), path, where);
            const QString name = str(a, "name", path, where);
            const QString handle = str(a, "handle", path, where);
            if (!handleShape().match(handle).hasMatch())
                throw Failure{QStringLiteral("%1: %2: handle \"%3\" may only contain letters, "
                                             "digits, '_', '.', '-'")
                                  .arg(path, where, handle)};
            where = QStringLiteral("attribute \"%1\"").arg(handle);
            const QJsonArray extended = arr(a, "extended_attributes", path, where);
            const QJsonArray values = arr(a, "values", path, where);
            SourceAttribute* base = nullptr;
            if (en) {
                SourceAttribute sa;
                sa.id = id;
                sa.handle = handle;
                sa.names.insert(QStringLiteral("en"), name);
                addAttribute(sa, path, where);
                base = &m_attributes.last();
            } else if (const auto it = m_attributeIndex.constFind(handle);
                       it != m_attributeIndex.cend() && m_attributes.at(*it).id == id) {
                base = &m_attributes[*it];
                base->names.insert(language, name);
            }
            for (int k = 0; k < extended.size(); ++k) {
                const QString ew = QStringLiteral("%1 extended_attributes/%2").arg(where).arg(k);
                const QJsonObject e = obj(extended.at(k), path, ew);
                const QString ename = str(e, "name", path, ew);
                const QString ehandle = str(e, "handle", path, ew);
                if (en) {
                    if (!handleShape().match(ehandle).hasMatch())
                        throw Failure{QStringLiteral("%1: %2: handle \"%3\" may only contain "
                                                     "letters, digits, '_', '.', '-'")
                                          .arg(path, ew, ehandle)};
                    SourceAttribute sa;
                    sa.handle = ehandle;
                    sa.baseHandle = handle;
                    sa.names.insert(QStringLiteral("en"), ename);
                    addAttribute(sa, path,
                                 QStringLiteral("extended attribute \"%1\"").arg(ehandle));
                    base = &m_attributes[m_attributeIndex.value(handle)];
                } else if (const auto it = m_attributeIndex.constFind(ehandle);
                           it != m_attributeIndex.cend() &&
                           m_attributes.at(*it).baseHandle == handle) {
                    m_attributes[*it].names.insert(language, ename);
                }
            }
            QHash<QString, int> valueIndex;
            if (base)
                for (int j = 0; j < base->values.size(); ++j)
                    valueIndex.insert(base->values.at(j).id, j);
            for (int k = 0; k < values.size(); ++k) {
                QString vw = QStringLiteral("%1 values/%2").arg(where).arg(k);
                const QJsonObject v = obj(values.at(k), path, vw);
                const QString vid = str(v, "id", path, vw);
                vw = QStringLiteral("%1, value \"%2\"").arg(where, vid);
                gidTail(vid, "TaxonomyValue", numberTail(), path, vw);
                const QString vname = str(v, "name", path, vw);
                const QString vhandle = str(v, "handle", path, vw);
                if (vname.isEmpty())
                    throw Failure{QStringLiteral("%1: %2: \"name\" is empty").arg(path, vw)};
                if (!base)
                    continue;
                if (en) {
                    if (!handleShape().match(vhandle).hasMatch())
                        throw Failure{QStringLiteral("%1: %2: handle \"%3\" may only contain "
                                                     "letters, digits, '_', '.', '-'")
                                          .arg(path, vw, vhandle)};
                    if (valueIndex.contains(vid))
                        throw Failure{QStringLiteral("%1: %2: duplicate value id").arg(path, vw)};
                    for (const SourceValue& other : std::as_const(base->values))
                        if (other.handle == vhandle)
                            throw Failure{QStringLiteral("%1: %2: duplicate value handle \"%3\"")
                                              .arg(path, vw, vhandle)};
                    valueIndex.insert(vid, base->values.size());
                    base->values.append({vid, vhandle, {{QStringLiteral("en"), vname}}});
                } else if (const int j = valueIndex.value(vid, -1); j >= 0) {
                    base->values[j].names.insert(language, vname);
                }
            }
        }
    }

    void addAttribute(const SourceAttribute& sa, const QString& path, const QString& where) {
        if (m_attributeIndex.contains(sa.handle))
            throw Failure{QStringLiteral("%1: %2: duplicate attribute handle").arg(path, where)};
        m_attributeIndex.insert(sa.handle, m_attributes.size());
        m_attributes.append(sa);
    }

    // Indexes of the categories to keep, in file order.
    QList<int> select() {
        const QString enCategories = file(QStringLiteral("en"), "categories.json");
        for (const SourceCategory& c : std::as_const(m_categories))
            if (!c.parentCode.isEmpty() && !m_categoryIndex.contains(c.parentCode))
                throw Failure{QStringLiteral("%1: category \"%2\": parent \"%3\" does not exist")
                                  .arg(enCategories, c.code, c.parentCode)};
        QList<int> all(m_categories.size());
        std::iota(all.begin(), all.end(), 0);
        const QString under = m_options.under.trimmed();
        if (under.isEmpty())
            return all;
        int root = m_categoryIndex.value(under, -1);
        const QString wanted = normalizeTerm(under);
        for (int i = 0; root < 0 && i < m_categories.size(); ++i)
            if (normalizeTerm(m_categories.at(i).fullName) == wanted)
                root = i;
        if (root < 0)
            throw Failure{QStringLiteral("--under \"%1\": no category with that id or full name "
                                         "in %2")
                              .arg(under, enCategories)};
        QSet<QString> keep;
        for (int i = root; i >= 0; i = m_categoryIndex.value(m_categories.at(i).parentCode, -1)) {
            if (keep.contains(m_categories.at(i).code))
                throw Failure{QStringLiteral("%1: category \"%2\": its parents form a cycle")
                                  .arg(enCategories, m_categories.at(i).code)};
            keep.insert(m_categories.at(i).code);
        }
        QList<int> out;
        for (int i = 0; i < m_categories.size(); ++i) {
            // A descendant: walking up reaches the root (bounded by the tree's depth).
            int k = i;
            for (int guard = 0; k >= 0 && k != root && guard < 64; ++guard)
                k = m_categoryIndex.value(m_categories.at(k).parentCode, -1);
            if (k == root || keep.contains(m_categories.at(i).code))
                out.append(i);
        }
        return out;
    }

    Taxonomy build(const QList<int>& kept);

    QString m_dir;
    ShopifyImportOptions m_options;
    QStringList* m_notes;
    QString m_version;
    QList<SourceCategory> m_categories;
    QHash<QString, int> m_categoryIndex;
    QList<SourceAttribute> m_attributes;
    QHash<QString, int> m_attributeIndex;  // handle → index
};

// Gives each object's labels names no other object of its kind has: `owners` maps a normalised
// name to its owner; a clash is resolved by `qualify` (returns "" when it has nothing better)
// and reported.
class NameClaims {
public:
    bool claim(const QString& name, const QString& owner) {
        const QString key = normalizeTerm(name);
        const auto it = m_owner.constFind(key);
        if (it == m_owner.cend()) {
            m_owner.insert(key, owner);
            return true;
        }
        return *it == owner;
    }
    QString ownerOf(const QString& name) const { return m_owner.value(normalizeTerm(name)); }

private:
    QHash<QString, QString> m_owner;
};

const QHash<QString, QString>& merchantColumns() {
    static const QHash<QString, QString> map{
        {QStringLiteral("color"), QStringLiteral("color")},
        {QStringLiteral("target-gender"), QStringLiteral("gender")},
        {QStringLiteral("age-group"), QStringLiteral("age_group")},
        {QStringLiteral("fabric"), QStringLiteral("material")},
        {QStringLiteral("pattern"), QStringLiteral("pattern")}};
    return map;
}

// Sort key of a category code: "aa-1-10" after "aa-1-9".
QList<int> codeNumbers(const QString& code) {
    QList<int> out;
    const QStringList parts = code.split(QLatin1Char('-'));
    for (int i = 1; i < parts.size(); ++i)
        out.append(parts.at(i).toInt());
    return out;
}

Taxonomy Importer::build(const QList<int>& kept) {
    const QString enCategories = file(QStringLiteral("en"), "categories.json");
    const QString enAttributes = file(QStringLiteral("en"), "attributes.json");
    // Attributes used by the kept categories, and the bases of extended ones among them.
    QSet<QString> used;
    for (const int i : kept)
        for (const QString& h : m_categories.at(i).attributeHandles) {
            const auto it = m_attributeIndex.constFind(h);
            if (it == m_attributeIndex.cend())
                throw Failure{QStringLiteral("%1: category \"%2\": attribute \"%3\" is not in %4")
                                  .arg(enCategories, m_categories.at(i).code, h, enAttributes)};
            used.insert(h);
            if (!m_attributes.at(*it).baseHandle.isEmpty())
                used.insert(m_attributes.at(*it).baseHandle);
        }

    // ---- attributes: codes, names (unique among attributes), merchant columns -------------
    const QString reservedOwner = QString::fromLatin1(Taxonomy::kCategoryAttribute);
    NameClaims attributeNames;
    for (const QString& r :
         {QStringLiteral("category"), QStringLiteral("Category"), QStringLiteral("品类"),
          QStringLiteral("product_type"), QStringLiteral("类目"), QStringLiteral("商品类型"),
          QStringLiteral("类别"), QStringLiteral("product type")})
        attributeNames.claim(r, reservedOwner);
    QList<TaxonomyAttribute> attributes;
    QHash<QString, QString> codeOf;  // handle → code written
    for (const SourceAttribute& sa : std::as_const(m_attributes)) {
        if (!used.contains(sa.handle))
            continue;
        QString code = sa.handle;
        if (!attributeNames.claim(code, code)) {
            const QString renamed = QStringLiteral("shopify-") + code;
            note(QStringLiteral("attribute \"%1\": the code is taken (by \"%2\"); written as "
                                "\"%3\"")
                     .arg(code, attributeNames.ownerOf(code), renamed));
            code = renamed;
            attributeNames.claim(code, code);
        }
        codeOf.insert(sa.handle, code);
        TaxonomyAttribute a;
        a.code = code;
        a.multiValued = true;  // Shopify's category metafields are lists
        a.valuesFrom = sa.baseHandle;
        attributes.append(a);
    }
    // Names, in a second pass so that every code is claimed first.
    for (int i = 0, k = 0; i < m_attributes.size(); ++i) {
        const SourceAttribute& sa = m_attributes.at(i);
        if (!used.contains(sa.handle))
            continue;
        TaxonomyAttribute& a = attributes[k++];
        QStringList langs = sa.names.keys();
        std::sort(langs.begin(), langs.end(), [](const QString& x, const QString& y) {
            return (x != QLatin1String("en")) < (y != QLatin1String("en")) ||
                   ((x != QLatin1String("en")) == (y != QLatin1String("en")) && x < y);
        });
        for (const QString& lang : langs) {
            QString name = sa.names.value(lang);
            if (!attributeNames.claim(name, a.code)) {
                const QString qualified = QStringLiteral("%1 (%2)").arg(name, sa.handle);
                note(QStringLiteral("attribute \"%1\": the %2 name \"%3\" also names attribute "
                                    "\"%4\"; written as \"%5\"")
                         .arg(a.code, lang, name, attributeNames.ownerOf(name), qualified));
                name = qualified;
                attributeNames.claim(name, a.code);
            }
            a.labels.insert(lang, name);
        }
        a.labelEn = a.labels.value(QStringLiteral("en"));
        a.labelZh = a.labels.value(QStringLiteral("zh"));
        if (sa.baseHandle.isEmpty()) {
            const QString column = merchantColumns().value(sa.handle);
            if (!column.isEmpty()) {
                if (attributeNames.claim(column, a.code)) {
                    a.merchantColumn = column;
                    a.multiValued =
                        column != QLatin1String("gender") && column != QLatin1String("age_group");
                } else {
                    note(QStringLiteral("attribute \"%1\": the merchant column \"%2\" is the name "
                                        "of attribute \"%3\"; left out")
                             .arg(a.code, column, attributeNames.ownerOf(column)));
                }
            }
        } else {
            a.valuesFrom = codeOf.value(sa.baseHandle);
        }
        // Values: names unique within the attribute.
        NameClaims valueNames;
        for (const SourceValue& sv : sa.values)
            valueNames.claim(sv.handle, sv.handle);
        for (const SourceValue& sv : sa.values) {
            TaxonomyValue v;
            v.code = sv.handle;
            QStringList vlangs = sv.names.keys();
            std::sort(vlangs.begin(), vlangs.end(), [](const QString& x, const QString& y) {
                return (x != QLatin1String("en")) < (y != QLatin1String("en")) ||
                       ((x != QLatin1String("en")) == (y != QLatin1String("en")) && x < y);
            });
            for (const QString& lang : vlangs) {
                QString name = sv.names.value(lang);
                if (!valueNames.claim(name, v.code)) {
                    const QString owner = valueNames.ownerOf(name);
                    const QString english = sv.names.value(QStringLiteral("en"));
                    QString qualified = QStringLiteral("%1 (%2)").arg(name, english);
                    if (lang == QLatin1String("en") ||
                        normalizeTerm(english) == normalizeTerm(name) ||
                        !valueNames.claim(qualified, v.code))
                        qualified = QStringLiteral("%1 (%2)").arg(name, sv.handle);
                    note(QStringLiteral("attribute \"%1\", value \"%2\": the %3 name \"%4\" also "
                                        "names value \"%5\"; written as \"%6\"")
                             .arg(a.code, v.code, lang, name, owner, qualified));
                    name = qualified;
                    valueNames.claim(name, v.code);
                }
                v.labels.insert(lang, name);
            }
            v.labelEn = v.labels.value(QStringLiteral("en"));
            v.labelZh = v.labels.value(QStringLiteral("zh"));
            a.values.append(v);
        }
    }
    // Extended attributes share their base's values (the same list, as the loader does).
    QHash<QString, int> attributeAt;
    for (int i = 0; i < attributes.size(); ++i)
        attributeAt.insert(attributes.at(i).code, i);
    for (TaxonomyAttribute& a : attributes)
        if (!a.valuesFrom.isEmpty())
            a.values = attributes.at(attributeAt.value(a.valuesFrom)).values;

    // ---- categories: names unique among categories ----------------------------------------
    // The shallowest keeps a repeated name, then the first by id; the others are qualified.
    QList<int> order = kept;
    std::sort(order.begin(), order.end(), [this](int x, int y) {
        const SourceCategory &a = m_categories.at(x), &b = m_categories.at(y);
        if (a.level != b.level)
            return a.level < b.level;
        if (a.code.left(2) != b.code.left(2))
            return a.code.left(2) < b.code.left(2);
        return codeNumbers(a.code) < codeNumbers(b.code);
    });
    NameClaims categoryNames;
    for (const int i : kept)
        categoryNames.claim(m_categories.at(i).code, m_categories.at(i).code);
    QHash<QString, QHash<QString, QString>> labelsOf;  // code → language → label
    QList<QString> langs;
    for (const int i : order) {
        const SourceCategory& sc = m_categories.at(i);
        QHash<QString, QString>& labels = labelsOf[sc.code];
        for (auto it = sc.names.cbegin(); it != sc.names.cend(); ++it) {
            const QString& lang = it.key();
            QString name = it.value();
            if (!categoryNames.claim(name, sc.code)) {
                const QString owner = categoryNames.ownerOf(name);
                const SourceCategory* parent =
                    sc.parentCode.isEmpty()
                        ? nullptr
                        : &m_categories.at(m_categoryIndex.value(sc.parentCode));
                QString qualified;
                if (parent) {
                    const QString parentName =
                        parent->names.value(lang, parent->names.value(QStringLiteral("en")));
                    qualified = QStringLiteral("%1 (%2)").arg(name, parentName);
                }
                if (qualified.isEmpty() || !categoryNames.claim(qualified, sc.code)) {
                    // The full path in this language, from the labels given so far (parents
                    // are shallower, so theirs are settled).
                    QStringList path;
                    for (const SourceCategory* p = &sc; p;
                         p = p->parentCode.isEmpty()
                                 ? nullptr
                                 : &m_categories.at(m_categoryIndex.value(p->parentCode)))
                        path.prepend(p->names.value(lang, p->names.value(QStringLiteral("en"))));
                    qualified = path.join(QStringLiteral(" > "));
                    if (!categoryNames.claim(qualified, sc.code)) {
                        qualified = QStringLiteral("%1 (%2)").arg(name, sc.code);
                        categoryNames.claim(qualified, sc.code);
                    }
                }
                note(QStringLiteral("category \"%1\": the %2 name \"%3\" also names category "
                                    "\"%4\"; written as \"%5\"")
                         .arg(sc.code, lang, name, owner, qualified));
                name = qualified;
            }
            labels.insert(lang, name);
        }
    }
    QList<TaxonomyCategory> categories;
    categories.reserve(kept.size());
    for (const int i : kept) {
        const SourceCategory& sc = m_categories.at(i);
        TaxonomyCategory c;
        c.code = sc.code;
        c.parentCode = sc.parentCode;
        c.labels = labelsOf.value(sc.code);
        c.labelEn = c.labels.value(QStringLiteral("en"));
        c.labelZh = c.labels.value(QStringLiteral("zh"));
        for (const QString& h : sc.attributeHandles)
            c.attributeCodes.append(codeOf.value(h));
        categories.append(c);
    }
    QString description = QStringLiteral("Shopify Standard Product Taxonomy %1").arg(m_version);
    if (!m_options.under.trimmed().isEmpty())
        description += QStringLiteral(", under \"%1\"").arg(m_options.under.trimmed());
    return Taxonomy(attributes, categories, QStringLiteral("shopify"), {}, description);
}

}  // namespace

std::optional<Taxonomy> importShopifyTaxonomy(const QString& dir,
                                              const ShopifyImportOptions& options,
                                              QStringList* notes, QString* error,
                                              ShopifyImportStats* stats) {
    try {
        Importer importer(dir, options, notes);
        return importer.run(stats);
    } catch (const Failure& f) {
        if (error)
            *error = f.message;
        return std::nullopt;
    }
}

}  // namespace vistag::catalog

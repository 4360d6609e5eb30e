// Reading Shopify's dist/ files into the source records (shapes per schema/dist/*.cue).
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QRegularExpression>

#include "tags/shopify_import_p.h"
#include "tags/taxonomy.h"
#include "tags/taxonomy_json_p.h"

namespace vistag::catalog::shopify_detail {

namespace {

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

}  // namespace

QStringList SourceReader::read() {
    const QStringList locales = pickLocales();
    readCategories(QStringLiteral("en"));
    readAttributes(QStringLiteral("en"));
    for (const QString& locale : locales)
        if (locale != QLatin1String("en")) {
            readCategories(locale);
            readAttributes(locale);
        }
    return locales;
}

QString SourceReader::file(const QString& locale, const char* name) const {
    return QDir(m_dir).filePath(locale + QLatin1Char('/') + QLatin1String(name));
}

QStringList SourceReader::pickLocales() {
    if (!QFileInfo(m_dir).isDir())
        throw Failure{QStringLiteral("%1: no such folder").arg(m_dir)};
    QStringList out{QStringLiteral("en")};
    if (m_languages.isEmpty()) {
        QStringList dirs = QDir(m_dir).entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
        for (const QString& d : dirs)
            if (d != QLatin1String("en") && QFileInfo::exists(file(d, "categories.json")) &&
                QFileInfo::exists(file(d, "attributes.json")))
                out.append(d);
    } else {
        for (const QString& l : m_languages)
            if (!out.contains(l))
                out.append(l);
    }
    return out;
}

void SourceReader::readCategories(const QString& locale) {
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
                if (const auto it = m_categoryIndex.constFind(code); it != m_categoryIndex.cend())
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
                sc.parentCode = gidTail(parent.toString(), "TaxonomyCategory", categoryTail(), path,
                                        where + " parent_id");
            else if (!parent.isUndefined() && !parent.isNull())
                throw Failure{
                    QStringLiteral("%1: %2: \"parent_id\" must be an id or null").arg(path, where)};
            const QJsonArray attrs = arr(c, "attributes", path, where);
            for (int k = 0; k < attrs.size(); ++k) {
                const QString aw = QStringLiteral("%1 attributes/%2").arg(where).arg(k);
                const QJsonObject a = obj(attrs.at(k), path, aw);
                gidTail(str(a, "id", path, aw), "TaxonomyAttribute", numberTail(), path, aw);
                str(a, "name", path, aw);
                const QString handle = str(a, "handle", path, aw);
                if (!member(a, "extended", path, aw).isBool())
                    throw Failure{
                        QStringLiteral("%1: %2: \"extended\" must be true or false").arg(path, aw)};
                if (!sc.attributeHandles.contains(handle))
                    sc.attributeHandles.append(handle);
            }
            for (const char* key : {"children", "ancestors"}) {
                const QJsonArray refs = arr(c, key, path, where);
                for (int k = 0; k < refs.size(); ++k) {
                    const QString rw =
                        QStringLiteral("%1 %2/%3").arg(where, QLatin1String(key)).arg(k);
                    const QJsonObject r = obj(refs.at(k), path, rw);
                    gidTail(str(r, "id", path, rw), "TaxonomyCategory", categoryTail(), path, rw);
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

void SourceReader::readAttributes(const QString& locale) {
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
                addAttribute(sa, path, QStringLiteral("extended attribute \"%1\"").arg(ehandle));
                base = &m_attributes[m_attributeIndex.value(handle)];
            } else if (const auto it = m_attributeIndex.constFind(ehandle);
                       it != m_attributeIndex.cend() && m_attributes.at(*it).baseHandle == handle) {
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

void SourceReader::addAttribute(const SourceAttribute& sa, const QString& path,
                                const QString& where) {
    if (m_attributeIndex.contains(sa.handle))
        throw Failure{QStringLiteral("%1: %2: duplicate attribute handle").arg(path, where)};
    m_attributeIndex.insert(sa.handle, m_attributes.size());
    m_attributes.append(sa);
}

}  // namespace vistag::catalog::shopify_detail

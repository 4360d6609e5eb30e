#include "catalog/exporters.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QSet>

#include "catalog/xmp_sidecar.h"
#include "tags/taxonomy.h"

namespace vistag::catalog {
namespace {

const TaxonomyAttribute* findAttribute(const QList<TaxonomyAttribute>& attrs, const QString& code) {
    for (const auto& a : attrs)
        if (a.code == code)
            return &a;
    return nullptr;
}

// Attributes in taxonomy order, then any others found in the rows (sorted), so that no stored
// value is left out of an export.
QStringList columnAttributes(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attrs) {
    QStringList order;
    for (const auto& a : attrs)
        order << a.code;
    QStringList extra;
    for (const auto& r : rows)
        for (auto it = r.values.cbegin(); it != r.values.cend(); ++it)
            if (!order.contains(it.key()) && !extra.contains(it.key()))
                extra << it.key();
    extra.sort();
    return order + extra;
}

// ---- the category of a version-2 taxonomy ---------------------------------------------------
// With a category tree, the tag of the attribute "category" holds a category code; exports write
// its full path (CSV product_type, JSON Lines "category", XMP lr:hierarchicalSubject).

bool hasTree(const Taxonomy* tax) {
    return tax && tax->hasCategoryTree();
}

bool isCategoryColumn(const Taxonomy* tax, const QString& attribute) {
    return hasTree(tax) && attribute == QLatin1String(Taxonomy::kCategoryAttribute);
}

// The labels from the root down to `code` in `language`; empty for a code not in the tree (a
// new value a person typed).
QStringList categoryPathLabels(const Taxonomy& tax, const QString& code, const QString& language) {
    QStringList out;
    for (const QString& c : tax.categoryPathCodes(code))
        out << Taxonomy::label(*tax.category(c), language);
    return out;
}

// With a category tree, only the attributes some row has (a Shopify-size taxonomy has thousands),
// in taxonomy order; without one, every attribute (columnAttributes).
QStringList exportColumns(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attrs,
                          const Taxonomy* tax) {
    QStringList all = columnAttributes(rows, attrs);
    if (!hasTree(tax))
        return all;
    QSet<QString> present;
    for (const auto& r : rows)
        for (auto it = r.values.cbegin(); it != r.values.cend(); ++it)
            present.insert(it.key());
    QStringList out;
    for (const QString& code : all)
        if (present.contains(code) || code == QLatin1String(Taxonomy::kCategoryAttribute))
            out << code;
    return out;
}

// A field as CSV writes it. A field a spreadsheet would take for a formula (starting with '=',
// '+', '-', '@', a tab or a carriage return) gets a leading apostrophe, as OWASP recommends
// against CSV injection: the spreadsheet shows the text instead of running it.
QString csvField(const QString& text) {
    QString s = text;
    if (!s.isEmpty() && QStringView(u"=+-@\t\r").contains(s.front()))
        s.prepend(QLatin1Char('\''));
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) &&
        !s.contains(QLatin1Char('\n')) && !s.contains(QLatin1Char('\r')))
        return s;
    QString q = s;
    q.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + q + QLatin1Char('"');
}

// "-" is standard output (for a pipe); anything else is a file replaced atomically.
bool saveAtomically(const QString& path, const QByteArray& data, QString* error) {
    if (path == QLatin1String("-")) {
        QFile out;
        if (!out.open(stdout, QIODevice::WriteOnly) || out.write(data) != data.size() ||
            !out.flush()) {
            if (error)
                *error = QStringLiteral("standard output could not be written: %1")
                             .arg(out.errorString());
            return false;
        }
        return true;
    }
    return replaceFileAtomically(path, data, error);
}

// Why a write failed, in plain words: the errno of the call that failed.
QString writeProblem(int err) {
    switch (err) {
        case ENOSPC:
            return QStringLiteral("the disk is full");
        case EDQUOT:
            return QStringLiteral("the disk quota is used up");
        case EFBIG:
            return QStringLiteral("the file is larger than this disk or process may write");
        case EROFS:
            return QStringLiteral("the disk is read-only");
        case EACCES:
        case EPERM:
            return QStringLiteral("permission denied");
        case EIO:
            return QStringLiteral("input/output error (is the disk failing or disconnected?)");
        default:
            return QString::fromLocal8Bit(std::strerror(err));
    }
}

QString sidecarBase(const QString& imagePath, const QString& outDir) {
    if (outDir.isEmpty())
        return imagePath;
    return QDir(outDir).filePath(QFileInfo(imagePath).fileName());
}

}  // namespace

bool replaceFileAtomically(const QString& path, const QByteArray& data, QString* error) {
    bool hadOld = false;
    const auto fail = [&](const QString& what, int err) {
        if (error)
            *error =
                QStringLiteral("%1 %2: %3%4")
                    .arg(path, what, writeProblem(err),
                         hadOld ? QStringLiteral(" (the previous file is unchanged)") : QString());
        return false;
    };
    // A symbolic link is followed: its target is replaced, the link stays.
    QString target = path;
    if (const QFileInfo fi(path); fi.isSymLink()) {
        const QString resolved = fi.canonicalFilePath();
        if (!resolved.isEmpty())
            target = resolved;
    }
    const QFileInfo ti(target);
    const QByteArray targetName = QFile::encodeName(ti.absoluteFilePath());
    const QByteArray dirName = QFile::encodeName(ti.absolutePath());
    // (shortened so that the temporary name stays within the 255 bytes a name may have)
    const QByteArray base = QFile::encodeName(ti.fileName()).left(200);

    struct stat old {};
    hadOld = ::stat(targetName.constData(), &old) == 0;
    if (hadOld && !S_ISREG(old.st_mode)) {
        if (error)
            *error = QStringLiteral("%1 cannot be written: it is not a regular file").arg(path);
        return false;
    }

    // The temporary file sits in the same folder (so the rename is atomic), created exclusively
    // with a name nobody else uses.
    QByteArray temp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        temp = dirName + "/." + base + ".vistag-" +
               QByteArray::number(static_cast<qlonglong>(::getpid())) + "-" +
               QByteArray::number(QRandomGenerator::global()->generate(), 36) + ".tmp";
        fd = ::open(temp.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST)
            break;
    }
    if (fd < 0)
        return fail(QStringLiteral("cannot be written"), errno);
    const auto abandon = [&](const QString& what, int err) {
        if (fd >= 0)
            ::close(fd);
        ::unlink(temp.constData());
        return fail(what, err);
    };
    // The new file keeps the old one's permissions (best effort for the owner: only root may
    // give a file away).
    if (hadOld) {
        if (::fchmod(fd, old.st_mode & 07777) != 0)
            return abandon(QStringLiteral("cannot be written"), errno);
        if (::geteuid() == 0 && ::fchown(fd, old.st_uid, old.st_gid) != 0) {
            // the new file stays root's: still readable by the same people (same mode)
        }
    }
    const char* p = data.constData();
    qsizetype left = data.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, static_cast<size_t>(qMin<qsizetype>(left, 1 << 20)));
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return abandon(QStringLiteral("could not be written"), errno);
        }
        if (n == 0)
            return abandon(QStringLiteral("could not be written"), ENOSPC);
        p += n;
        left -= n;
    }
    if (::fsync(fd) != 0 && errno != EINVAL)
        return abandon(QStringLiteral("could not be written"), errno);
    const int closed = ::close(fd);
    fd = -1;
    if (closed != 0)
        return abandon(QStringLiteral("could not be written"), errno);
    if (::rename(temp.constData(), targetName.constData()) != 0)
        return abandon(QStringLiteral("could not be replaced"), errno);
    // The rename itself on disk (best effort: not every file system syncs folders).
    if (const int dfd = ::open(dirName.constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC); dfd >= 0) {
        [[maybe_unused]] const int synced = ::fsync(dfd);
        ::close(dfd);
    }
    return true;
}

QString valueLabel(const QList<TaxonomyAttribute>& attributes, const QString& attribute,
                   const QString& code, const QString& language) {
    if (const TaxonomyAttribute* a = findAttribute(attributes, attribute)) {
        for (const auto& v : a->values) {
            if (v.code != code)
                continue;
            const QString first = language == QLatin1String("zh") ? v.labelZh : v.labelEn;
            const QString second = language == QLatin1String("zh") ? v.labelEn : v.labelZh;
            return !first.isEmpty() ? first : !second.isEmpty() ? second : code;
        }
    }
    return code;
}

namespace {

bool csvImpl(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
             const Taxonomy* tax, const QString& path, QString* error) {
    const QStringList attrs = exportColumns(rows, attributes, tax);
    QStringList header{QStringLiteral("id"), QStringLiteral("image_link"),
                       QStringLiteral("additional_image_link"), QStringLiteral("item_group_id")};
    for (const QString& code : attrs) {
        const TaxonomyAttribute* a = findAttribute(attributes, code);
        header << csvField(a && !a->merchantColumn.isEmpty() ? a->merchantColumn : code);
    }
    QByteArray out = header.join(QLatin1Char(',')).toUtf8() + "\r\n";
    for (const ExportRow& r : rows) {
        QStringList fields{csvField(r.id), csvField(r.imagePaths.value(0)),
                           csvField(r.imagePaths.mid(1).join(QLatin1Char(','))),
                           csvField(r.skuGroup)};
        for (const QString& code : attrs) {
            QStringList values = r.values.value(code);
            if (isCategoryColumn(tax, code))  // product_type: the full path, in English
                for (QString& v : values)
                    if (const QString p = tax->categoryPath(v, QStringLiteral("en")); !p.isEmpty())
                        v = p;
            fields << csvField(values.join(QLatin1Char('|')));
        }
        out += fields.join(QLatin1Char(',')).toUtf8() + "\r\n";
    }
    // A UTF-8 byte-order mark so spreadsheet programs read Chinese correctly (not on standard
    // output, where the next program in a pipe would read it as data).
    const QByteArray bom = path == QLatin1String("-") ? QByteArray() : QByteArray("\xEF\xBB\xBF");
    return saveAtomically(path, bom + out, error);
}

}  // namespace

bool writeCsv(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
              const QString& path, QString* error) {
    return csvImpl(rows, attributes, nullptr, path, error);
}

bool writeCsv(const QList<ExportRow>& rows, const Taxonomy& taxonomy, const QString& path,
              QString* error) {
    return csvImpl(rows, taxonomy.attributes(), &taxonomy, path, error);
}

namespace {

bool jsonLinesImpl(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
                   const Taxonomy* tax, const QString& path, QString* error) {
    QByteArray out;
    for (const ExportRow& r : rows) {
        QJsonObject tags;
        for (auto it = r.values.cbegin(); it != r.values.cend(); ++it) {
            QJsonArray vals;
            for (const QString& v : it.value())
                vals.append(v);
            tags.insert(it.key(), vals);
        }
        QJsonObject labels;
        for (auto it = r.values.cbegin(); it != r.values.cend(); ++it) {
            QJsonArray vals;
            for (const QString& v : it.value())
                vals.append(valueLabel(attributes, it.key(), v, QStringLiteral("zh")));
            labels.insert(it.key(), vals);
        }
        QJsonObject o{{QStringLiteral("id"), r.id},
                      {QStringLiteral("sku"), r.skuGroup},
                      {QStringLiteral("images"), QJsonArray::fromStringList(r.imagePaths)},
                      {QStringLiteral("width"), r.width},
                      {QStringLiteral("height"), r.height},
                      {QStringLiteral("tags"), tags},
                      {QStringLiteral("labels_zh"), labels}};
        // "category": {"code", "path", "path_zh"} of the row's category (a version-2 taxonomy).
        if (hasTree(tax)) {
            const QStringList cats =
                r.values.value(QString::fromLatin1(Taxonomy::kCategoryAttribute));
            if (!cats.isEmpty()) {
                const QString& code = cats.constFirst();
                QJsonObject category{{QStringLiteral("code"), code}};
                if (tax->category(code)) {
                    category.insert(QStringLiteral("path"),
                                    tax->categoryPath(code, QStringLiteral("en")));
                    category.insert(QStringLiteral("path_zh"),
                                    tax->categoryPath(code, QStringLiteral("zh")));
                }
                o.insert(QStringLiteral("category"), category);
            }
        }
        out += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    return saveAtomically(path, out, error);
}

}  // namespace

bool writeJsonLines(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
                    const QString& path, QString* error) {
    return jsonLinesImpl(rows, attributes, nullptr, path, error);
}

bool writeJsonLines(const QList<ExportRow>& rows, const Taxonomy& taxonomy, const QString& path,
                    QString* error) {
    return jsonLinesImpl(rows, taxonomy.attributes(), &taxonomy, path, error);
}

ExportReport writeTxtSidecars(const QList<ExportRow>& rows,
                              const QList<TaxonomyAttribute>& attributes, const QString& outDir,
                              const ExportOptions& options) {
    ExportReport report;
    const QStringList attrs = columnAttributes(rows, attributes);
    for (const ExportRow& r : rows) {
        QStringList tags;
        for (const QString& code : attrs)
            for (const QString& v : r.values.value(code))
                tags << valueLabel(attributes, code, v, options.language);
        const QByteArray text = tags.join(QStringLiteral(", ")).toUtf8() + '\n';
        for (const QString& image : r.imagePaths) {
            const QFileInfo fi(sidecarBase(image, outDir));
            const QString path = fi.dir().filePath(fi.completeBaseName() + QStringLiteral(".txt"));
            QString err;
            if (saveAtomically(path, text, &err))
                ++report.filesWritten;
            else
                report.failures << err;
        }
        ++report.rows;
    }
    return report;
}

namespace {

ExportReport xmpImpl(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
                     const Taxonomy* tax, const QString& outDir, const ExportOptions& options) {
    ExportReport report;
    const QStringList attrs = exportColumns(rows, attributes, tax);
    for (const ExportRow& r : rows) {
        QStringList subjects, hierarchical;
        for (const QString& code : attrs) {
            const TaxonomyAttribute* a = findAttribute(attributes, code);
            const QString attrLabel =
                a ? (options.language == QLatin1String("zh") ? a->labelZh : a->labelEn) : code;
            for (const QString& v : r.values.value(code)) {
                const QString label = valueLabel(attributes, code, v, options.language);
                if (!subjects.contains(label))
                    subjects << label;
                // The category: its path, one level per step as Lightroom nests keywords
                // ("Apparel & Accessories|Clothing|Dresses").
                if (isCategoryColumn(tax, code)) {
                    const QStringList path = categoryPathLabels(*tax, v, options.language);
                    if (!path.isEmpty()) {
                        hierarchical << path.join(QLatin1Char('|'));
                        continue;
                    }
                }
                hierarchical << (attrLabel.isEmpty() ? code : attrLabel) + QLatin1Char('|') + label;
            }
        }
        for (const QString& image : r.imagePaths) {
            const QString path = sidecarBase(image, outDir) + QStringLiteral(".xmp");
            QByteArray existing;
            if (QFile f(path); f.exists()) {
                if (!f.open(QIODevice::ReadOnly)) {
                    report.failures
                        << QStringLiteral("%1 cannot be read: %2").arg(path, f.errorString());
                    continue;
                }
                existing = f.readAll();
            }
            QString err;
            const QByteArray packet = encodeXmpKeywords(subjects, hierarchical, existing, &err);
            if (!err.isEmpty()) {
                report.failures << path + QStringLiteral(": ") + err;
                continue;
            }
            if (packet.isEmpty()) {
                // No keywords and nothing else: an old sidecar that held only our keywords goes.
                if (!existing.isEmpty() && !QFile::remove(path))
                    report.failures << QStringLiteral("%1 cannot be removed").arg(path);
                continue;
            }
            if (saveAtomically(path, packet, &err))
                ++report.filesWritten;
            else
                report.failures << err;
        }
        ++report.rows;
    }
    return report;
}

}  // namespace

ExportReport writeXmpSidecars(const QList<ExportRow>& rows,
                              const QList<TaxonomyAttribute>& attributes, const QString& outDir,
                              const ExportOptions& options) {
    return xmpImpl(rows, attributes, nullptr, outDir, options);
}

ExportReport writeXmpSidecars(const QList<ExportRow>& rows, const Taxonomy& taxonomy,
                              const QString& outDir, const ExportOptions& options) {
    return xmpImpl(rows, taxonomy.attributes(), &taxonomy, outDir, options);
}

}  // namespace vistag::catalog

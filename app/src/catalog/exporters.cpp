#include "catalog/exporters.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>

#include "catalog/xmp_sidecar.h"

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

QString csvField(const QString& s) {
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
    QSaveFile f(path);
    if (!f.open(QIODevice::WriteOnly)) {
        if (error)
            *error = QStringLiteral("%1 cannot be written: %2").arg(path, f.errorString());
        return false;
    }
    if (f.write(data) != data.size() || !f.commit()) {
        if (error)
            *error = QStringLiteral("%1 could not be written completely (is the disk full?): %2")
                         .arg(path, f.errorString());
        f.cancelWriting();
        return false;
    }
    return true;
}

QString sidecarBase(const QString& imagePath, const QString& outDir) {
    if (outDir.isEmpty())
        return imagePath;
    return QDir(outDir).filePath(QFileInfo(imagePath).fileName());
}

}  // namespace

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

bool writeCsv(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
              const QString& path, QString* error) {
    const QStringList attrs = columnAttributes(rows, attributes);
    QStringList header{QStringLiteral("id"), QStringLiteral("image_link"),
                       QStringLiteral("additional_image_link"), QStringLiteral("item_group_id")};
    for (const QString& code : attrs) {
        const TaxonomyAttribute* a = findAttribute(attributes, code);
        header << (a && !a->merchantColumn.isEmpty() ? a->merchantColumn : code);
    }
    QByteArray out = header.join(QLatin1Char(',')).toUtf8() + "\r\n";
    for (const ExportRow& r : rows) {
        QStringList fields{csvField(r.id), csvField(r.imagePaths.value(0)),
                           csvField(r.imagePaths.mid(1).join(QLatin1Char(','))),
                           csvField(r.skuGroup)};
        for (const QString& code : attrs)
            fields << csvField(r.values.value(code).join(QLatin1Char('|')));
        out += fields.join(QLatin1Char(',')).toUtf8() + "\r\n";
    }
    // A UTF-8 byte-order mark so spreadsheet programs read Chinese correctly (not on standard
    // output, where the next program in a pipe would read it as data).
    const QByteArray bom = path == QLatin1String("-") ? QByteArray() : QByteArray("\xEF\xBB\xBF");
    return saveAtomically(path, bom + out, error);
}

bool writeJsonLines(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
                    const QString& path, QString* error) {
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
        out += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
    }
    return saveAtomically(path, out, error);
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

ExportReport writeXmpSidecars(const QList<ExportRow>& rows,
                              const QList<TaxonomyAttribute>& attributes, const QString& outDir,
                              const ExportOptions& options) {
    ExportReport report;
    const QStringList attrs = columnAttributes(rows, attributes);
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

}  // namespace vistag::catalog

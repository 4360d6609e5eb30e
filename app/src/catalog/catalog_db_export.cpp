// CatalogDb: the rows an export writes (per image or per SKU group).
#include <QHash>
#include <QSqlQuery>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {

std::optional<QList<ExportRow>> CatalogDb::exportRows(bool perSku, bool acceptedOnly,
                                                      QString* error) const {
    if (!d_->checkOpen(error))
        return std::nullopt;

    // Tag values per owner ("g:<group>" or "i:<image id>"), in the order they were made.
    QHash<QString, QMap<QString, QStringList>> valuesByOwner;
    {
        QSqlQuery q(d_->db);
        q.setForwardOnly(true);
        const QString statuses = acceptedOnly ? QStringLiteral("('accepted')")
                                              : QStringLiteral("('accepted', 'suggested')");
        if (!d_->run(q,
                     QStringLiteral("SELECT owner, attribute, value_code FROM tags WHERE status "
                                    "IN %1 ORDER BY id")
                         .arg(statuses),
                     {}, error))
            return std::nullopt;
        while (q.next()) {
            QStringList& values = valuesByOwner[q.value(0).toString()][q.value(1).toString()];
            const QString value = q.value(2).toString();
            if (!values.contains(value))
                values << value;
        }
    }

    QList<ExportRow> rows;
    QHash<QString, qsizetype> rowOfGroup;
    QSqlQuery q(d_->db);
    q.setForwardOnly(true);
    if (!d_->run(q,
                 QStringLiteral("SELECT id, path, width, height, sku_group FROM images "
                                "ORDER BY id"),
                 {}, error))
        return std::nullopt;
    while (q.next()) {
        const qint64 id = q.value(0).toLongLong();
        const QString path = d_->fromStored(q.value(1).toString());
        const QString group = q.value(4).toString();
        if (perSku && !group.isEmpty()) {
            const auto found = rowOfGroup.constFind(group);
            if (found != rowOfGroup.constEnd()) {
                rows[*found].imagePaths << path;
                continue;
            }
            rowOfGroup.insert(group, rows.size());
        }
        ExportRow row;
        row.id = perSku && !group.isEmpty() ? group : path;
        row.skuGroup = group;
        row.imagePaths << path;
        row.width = q.value(2).toInt();
        row.height = q.value(3).toInt();
        row.values = valuesByOwner.value(ownerKey(id, group));
        rows << row;
    }
    return rows;
}

}  // namespace vistag::catalog

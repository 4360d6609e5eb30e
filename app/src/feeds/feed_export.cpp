#include "feeds/feed_export.h"

#include <QCoreApplication>
#include <QSet>

#include "catalog/exporters.h"
#include "feeds/csv_table.h"
#include "feeds/product_feed.h"

namespace vistag::feeds {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("vistag::feeds", text);
}

const QString kCategory = QLatin1String(catalog::Taxonomy::kCategoryAttribute);

QString valueText(const catalog::Taxonomy& t, const QString& attribute, const QString& code) {
    if (const auto* v = t.value(attribute, code))
        return catalog::Taxonomy::label(*v, QStringLiteral("en"));
    return code;
}

QString categoryText(const catalog::Taxonomy& t, const QString& code) {
    if (t.hasCategoryTree()) {
        const QString path = t.categoryPath(code, QStringLiteral("en"));
        if (!path.isEmpty())
            return path;
    }
    return valueText(t, kCategory, code);
}

// The attributes some product has a value for, in taxonomy order (the category left out).
QList<const catalog::TaxonomyAttribute*> usedAttributes(
    const catalog::Taxonomy& t, const QHash<QString, ProductValues>& values) {
    QSet<QString> used;
    for (const ProductValues& pv : values)
        for (auto it = pv.constBegin(); it != pv.constEnd(); ++it)
            if (!it.value().isEmpty())
                used.insert(it.key());
    QList<const catalog::TaxonomyAttribute*> out;
    for (const catalog::TaxonomyAttribute& a : t.attributes())
        if (a.code != kCategory && used.contains(a.code))
            out << &a;
    return out;
}

// Merchant Center's own words for gender and age group.
QString merchantWord(const catalog::Taxonomy& t, const catalog::TaxonomyAttribute& a,
                     const QString& code) {
    static const QHash<QString, QString> words = {
        {QStringLiteral("female"), QStringLiteral("female")},
        {QStringLiteral("women"), QStringLiteral("female")},
        {QStringLiteral("woman"), QStringLiteral("female")},
        {QStringLiteral("womens"), QStringLiteral("female")},
        {QStringLiteral("ladies"), QStringLiteral("female")},
        {QStringLiteral("male"), QStringLiteral("male")},
        {QStringLiteral("men"), QStringLiteral("male")},
        {QStringLiteral("man"), QStringLiteral("male")},
        {QStringLiteral("mens"), QStringLiteral("male")},
        {QStringLiteral("unisex"), QStringLiteral("unisex")},
        {QStringLiteral("newborn"), QStringLiteral("newborn")},
        {QStringLiteral("infant"), QStringLiteral("infant")},
        {QStringLiteral("toddler"), QStringLiteral("toddler")},
        {QStringLiteral("kids"), QStringLiteral("kids")},
        {QStringLiteral("children"), QStringLiteral("kids")},
        {QStringLiteral("adult"), QStringLiteral("adult")},
        {QStringLiteral("adults"), QStringLiteral("adult")},
    };
    const QString column = a.merchantColumn;
    if (column != QLatin1String("gender") && column != QLatin1String("age_group"))
        return valueText(t, a.code, code);
    QStringList names{code};
    if (const auto* v = t.value(a.code, code))
        names += catalog::Taxonomy::terms(*v);
    for (const QString& n : names) {
        const QString w =
            words.value(catalog::Taxonomy::normalizeTerm(n).remove(QLatin1Char('\'')));
        if (!w.isEmpty())
            return w;
    }
    return valueText(t, a.code, code);
}

std::optional<ProductFeed> reparse(const catalog::FeedRecord& feed, QString* error) {
    QString err;
    auto parsed = parseProductFeed(feed.content, feed.format, {}, &err);
    if (!parsed && error)
        *error = tr("the imported feed %1 cannot be read again: %2").arg(feed.path, err);
    return parsed;
}

}  // namespace

QString metafieldKeyFor(const QString& attributeCode) {
    QString key = attributeCode.toLower();
    for (QChar& c : key)
        if (!(c.isLetterOrNumber() || c == QLatin1Char('_')))
            c = QLatin1Char('_');
    return key;
}

std::optional<FeedExportResult> exportShopify(const catalog::FeedRecord& feed,
                                              const QHash<QString, ProductValues>& values,
                                              const catalog::Taxonomy& taxonomy, bool overwrite,
                                              const QString& outPath, QString* error) {
    if (feed.format != QLatin1String("shopify")) {
        if (error)
            *error = tr("%1 was imported as a %2 feed; --format shopify writes back a Shopify "
                        "product CSV")
                         .arg(feed.path, feed.format);
        return std::nullopt;
    }
    QString err;
    auto table = parseCsv(feed.content, sniffDelimiter(feed.content), &err);
    const auto parsed = reparse(feed, error);
    if (!table || !parsed) {
        if (!table && error)
            *error = tr("the imported feed %1 cannot be read again: %2").arg(feed.path, err);
        return std::nullopt;
    }
    FeedExportResult result;
    const qsizetype width = table->header.size();
    const auto columnOf = [&](const QString& name) {
        int c = table->column(name);
        if (c < 0) {
            table->header << name;
            c = int(table->header.size()) - 1;
        }
        return c;
    };
    const int categoryColumn = columnOf(QStringLiteral("Product Category"));
    const int tagsColumn = columnOf(QStringLiteral("Tags"));
    QList<QPair<const catalog::TaxonomyAttribute*, int>> metafields;
    for (const auto* a : usedAttributes(taxonomy, values)) {
        const QString suffix =
            QStringLiteral("(product.metafields.custom.%1)").arg(metafieldKeyFor(a->code));
        int c = -1;
        for (qsizetype k = 0; k < table->header.size(); ++k)
            if (table->header.at(k).endsWith(suffix))
                c = int(k);
        if (c < 0)
            c = columnOf(catalog::Taxonomy::label(*a, QStringLiteral("en")) + QLatin1Char(' ') +
                         suffix);
        metafields.append({a, c});
    }
    Q_UNUSED(width);
    const qsizetype columns = table->header.size();
    QHash<int, QString> firstRowHandle;  // data row (1-based) → product handle
    for (const FeedProduct& p : parsed->products)
        firstRowHandle.insert(p.record.firstRow, p.record.handle);
    const auto fill = [&](QStringList& cells, int c, const QString& text) {
        if (text.isEmpty())
            return;
        if (!cells[c].trimmed().isEmpty() && !overwrite) {
            ++result.keptMerchant;
            return;
        }
        if (cells[c] != text) {
            cells[c] = text;
            ++result.filledCells;
        }
    };
    for (qsizetype r = 0; r < table->rows.size(); ++r) {
        QStringList& cells = table->rows[r].cells;
        // Short rows keep their cells; the new columns are added after the header's width.
        while (cells.size() < columns)
            cells << QString();
        ++result.rows;
        const auto handle = firstRowHandle.constFind(int(r) + 1);
        if (handle == firstRowHandle.constEnd())
            continue;
        const ProductValues pv = values.value(*handle);
        if (pv.isEmpty())
            continue;
        const QStringList categories = pv.value(kCategory);
        if (!categories.isEmpty())
            fill(cells, categoryColumn, categoryText(taxonomy, categories.first()));
        // Tags: the merchant's, then the accepted values not already there.
        QStringList tags;
        QSet<QString> seen;
        for (const QString& t : cells[tagsColumn].split(QLatin1Char(','), Qt::SkipEmptyParts)) {
            const QString v = t.trimmed();
            if (!v.isEmpty() && !seen.contains(v.toLower())) {
                tags << v;
                seen.insert(v.toLower());
            }
        }
        const qsizetype merchantTags = tags.size();
        for (const catalog::TaxonomyAttribute& a : taxonomy.attributes()) {
            if (a.code == kCategory)
                continue;
            for (const QString& code : pv.value(a.code)) {
                const QString label = valueText(taxonomy, a.code, code);
                if (!seen.contains(label.toLower())) {
                    tags << label;
                    seen.insert(label.toLower());
                }
            }
        }
        if (tags.size() > merchantTags) {
            cells[tagsColumn] = tags.join(QStringLiteral(", "));
            result.filledCells += int(tags.size() - merchantTags);
        }
        for (const auto& [a, c] : metafields) {
            QStringList labels;
            for (const QString& code : pv.value(a->code))
                labels << valueText(taxonomy, a->code, code);
            fill(cells, c, labels.join(QStringLiteral(", ")));
        }
    }
    if (!catalog::replaceFileAtomically(outPath, writeCsv(*table), error))
        return std::nullopt;
    return result;
}

std::optional<FeedExportResult> exportMerchant(const catalog::FeedRecord& feed,
                                               const QHash<QString, ProductValues>& values,
                                               const catalog::Taxonomy& taxonomy, bool overwrite,
                                               const QString& outPath, QString* error) {
    const auto parsed = reparse(feed, error);
    if (!parsed)
        return std::nullopt;
    // id, the taxonomy's merchant columns (one per column name, in taxonomy order), product_type.
    QStringList header{QStringLiteral("id")};
    QList<QPair<QString, QList<const catalog::TaxonomyAttribute*>>> columns;
    for (const catalog::TaxonomyAttribute& a : taxonomy.attributes()) {
        if (a.merchantColumn.isEmpty() || a.code == kCategory ||
            a.merchantColumn == QLatin1String("product_type"))
            continue;
        bool known = false;
        for (auto& [name, attrs] : columns)
            if (name == a.merchantColumn) {
                attrs << &a;
                known = true;
            }
        if (!known) {
            columns.append({a.merchantColumn, {&a}});
            header << a.merchantColumn;
        }
    }
    header << QStringLiteral("product_type");
    const bool shopify = parsed->format == QLatin1String("shopify");
    QHash<int, const FeedRow*> rowByNumber;
    for (const FeedRow& r : parsed->rows)
        rowByNumber.insert(r.row, &r);
    FeedExportResult result;
    QByteArray out = csvLine(header, '\t', false);
    const auto merchantValue = [&](const FeedRow* row, const QString& column) {
        // A Shopify feed has Merchant's gender and age group under Google Shopping / ….
        if (!row)
            return QString();
        if (!shopify)
            return row->value(column).trimmed();
        if (column == QLatin1String("gender"))
            return row->value(QStringLiteral("Google Shopping / Gender")).trimmed();
        if (column == QLatin1String("age_group"))
            return row->value(QStringLiteral("Google Shopping / Age Group")).trimmed();
        return QString();
    };
    for (const FeedProduct& p : parsed->products) {
        const ProductValues pv = values.value(p.record.handle);
        // One row per item id; a product without any (a Shopify product without SKUs) is one
        // row under its handle.
        QList<QPair<QString, int>> items;
        for (const catalog::ProductVariantRecord& v : p.record.variants)
            if (!v.sku.isEmpty())
                items.append({v.sku, v.feedRow});
        if (items.isEmpty())
            items.append({p.record.handle, p.record.firstRow});
        const FeedRow* first = rowByNumber.value(p.record.firstRow);
        for (const auto& [id, rowNumber] : items) {
            const FeedRow* row = rowByNumber.value(rowNumber);
            QStringList cells{id};
            const auto cell = [&](const QString& column, const QString& ours) {
                QString mine = merchantValue(row, column);
                if (mine.isEmpty() && shopify)
                    mine = merchantValue(first, column);
                if (!mine.isEmpty() && (!overwrite || ours.isEmpty())) {
                    ++result.keptMerchant;
                    return mine;
                }
                if (!ours.isEmpty())
                    ++result.filledCells;
                return ours;
            };
            for (const auto& [name, attrs] : columns) {
                QStringList texts;
                for (const auto* a : attrs)
                    for (const QString& code : pv.value(a->code)) {
                        const QString w = merchantWord(taxonomy, *a, code);
                        if (!texts.contains(w))
                            texts << w;
                    }
                // Merchant Center takes one gender and one age group; several colours,
                // materials or patterns are joined with "/".
                if ((name == QLatin1String("gender") || name == QLatin1String("age_group")) &&
                    texts.size() > 1)
                    texts = texts.mid(0, 1);
                cells << cell(name, texts.join(QLatin1Char('/')));
            }
            const QStringList categories = pv.value(kCategory);
            cells << cell(
                QStringLiteral("product_type"),
                categories.isEmpty() ? QString() : categoryText(taxonomy, categories.first()));
            out += csvLine(cells, '\t', false);
            ++result.rows;
        }
    }
    if (!catalog::replaceFileAtomically(outPath, out, error))
        return std::nullopt;
    return result;
}

}  // namespace vistag::feeds

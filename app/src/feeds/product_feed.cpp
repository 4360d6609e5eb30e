#include "feeds/product_feed.h"

#include <QCoreApplication>
#include <QRegularExpression>
#include <QSet>
#include <QUrl>
#include <QXmlStreamReader>

#include "feeds/csv_table.h"

namespace vistag::feeds {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("vistag::feeds", text);
}

const QString kGoogleNs = QStringLiteral("http://base.google.com/ns/1.0");

// Shopify's documented columns that carry no taxonomy value (read by name; any other column is
// looked up as an attribute).
const QSet<QString>& shopifyPlainColumns() {
    static const QSet<QString> s = [] {
        QSet<QString> out;
        for (const char* c : {"Handle",
                              "Title",
                              "Body (HTML)",
                              "Vendor",
                              "Type",
                              "Tags",
                              "Published",
                              "Variant SKU",
                              "Variant Grams",
                              "Variant Inventory Tracker",
                              "Variant Inventory Qty",
                              "Variant Inventory Policy",
                              "Variant Fulfillment Service",
                              "Variant Price",
                              "Variant Compare At Price",
                              "Variant Requires Shipping",
                              "Variant Taxable",
                              "Variant Barcode",
                              "Image Src",
                              "Image Position",
                              "Image Alt Text",
                              "Gift Card",
                              "SEO Title",
                              "SEO Description",
                              "Google Shopping / MPN",
                              "Google Shopping / Condition",
                              "Google Shopping / Custom Product",
                              "Google Shopping / Custom Label 0",
                              "Google Shopping / Custom Label 1",
                              "Google Shopping / Custom Label 2",
                              "Google Shopping / Custom Label 3",
                              "Google Shopping / Custom Label 4",
                              "Google Shopping / AdWords Grouping",
                              "Google Shopping / AdWords Labels",
                              "Variant Image",
                              "Variant Weight Unit",
                              "Variant Tax Code",
                              "Cost per item",
                              "Status",
                              "Price / International",
                              "Compare At Price / International",
                              "Option1 Name",
                              "Option2 Name",
                              "Option3 Name",
                              "Option1 Value",
                              "Option2 Value",
                              "Option3 Value",
                              "Product Category",
                              "Google Shopping / Google Product Category"})
            out.insert(QString::fromLatin1(c));
        return out;
    }();
    return s;
}

// Merchant Center attributes that carry no taxonomy value.
const QSet<QString>& merchantPlainColumns() {
    static const QSet<QString> s = [] {
        QSet<QString> out;
        for (const char* c : {"id",
                              "item_group_id",
                              "title",
                              "description",
                              "link",
                              "mobile_link",
                              "image_link",
                              "additional_image_link",
                              "price",
                              "sale_price",
                              "availability",
                              "brand",
                              "gtin",
                              "mpn",
                              "condition",
                              "shipping",
                              "shipping_weight",
                              "identifier_exists",
                              "google_product_category",
                              "product_type",
                              "size",
                              "custom_label_0",
                              "custom_label_1",
                              "custom_label_2",
                              "custom_label_3",
                              "custom_label_4"})
            out.insert(QString::fromLatin1(c));
        return out;
    }();
    return s;
}

// "Color (product.metafields.custom.color)" → "color"
QString metafieldKey(const QString& column) {
    static const QRegularExpression re(
        QStringLiteral("\\(product\\.metafields\\.[^.()]+\\.([^()]+)\\)\\s*$"));
    const auto m = re.match(column);
    return m.hasMatch() ? m.captured(1) : QString();
}

QString rowLabel(const FeedRow& r) {
    return r.line > 0 ? tr("row %1 (line %2)").arg(r.row).arg(r.line) : tr("row %1").arg(r.row);
}

QList<FeedRow> rowsOfTable(const CsvTable& t) {
    QList<FeedRow> out;
    out.reserve(t.rows.size());
    int n = 0;
    for (const CsvRow& r : t.rows) {
        FeedRow f;
        f.row = ++n;
        f.line = r.line;
        for (qsizetype c = 0; c < t.header.size(); ++c)
            f.cells.append({t.header.at(c), c < r.cells.size() ? r.cells.at(c) : QString()});
        out << f;
    }
    return out;
}

struct Grouping {
    QHash<QString, int> index;  // handle → products index
};

FeedProduct& productFor(ProductFeed& feed, Grouping& g, const QString& handle, int row) {
    const auto it = g.index.constFind(handle);
    if (it != g.index.constEnd())
        return feed.products[*it];
    g.index.insert(handle, int(feed.products.size()));
    FeedProduct p;
    p.record.handle = handle;
    p.record.skuGroup = handle;
    p.record.firstRow = row;
    feed.products << p;
    return feed.products.last();
}

void addImage(ProductFeed& feed, FeedProduct& p, const FeedRow& r, const QString& url,
              int position) {
    const QString u = url.trimmed();
    if (u.isEmpty())
        return;
    if (!isFetchableUrl(u)) {
        feed.problems << tr("%1: the image URL “%2” is not valid (http, https, file or a local "
                            "path)")
                             .arg(rowLabel(r), u);
        return;
    }
    for (const catalog::ProductImageRecord& known : p.record.images)
        if (known.url == u)
            return;
    catalog::ProductImageRecord img;
    img.url = u;
    img.feedRow = r.row;
    img.position = position;
    p.record.images << img;
}

// Orders images by position (stable), then numbers them 1, 2, … (images without a position
// come after those with one, in row order).
void numberImages(FeedProduct& p) {
    std::stable_sort(p.record.images.begin(), p.record.images.end(),
                     [](const auto& a, const auto& b) {
                         const int pa = a.position > 0 ? a.position : 1 << 30;
                         const int pb = b.position > 0 ? b.position : 1 << 30;
                         return pa < pb;
                     });
    int k = 0;
    for (auto& img : p.record.images)
        img.position = ++k;
}

void addValue(FeedProduct& p, const QString& field, const QString& value, const FeedRow& r,
              const QString& column) {
    const QString v = value.trimmed();
    if (v.isEmpty() || field.isEmpty())
        return;
    for (const FeedValue& known : p.values)
        if (known.field == field && known.value == v)
            return;
    p.values << FeedValue{field, v, r.row, column};
}

void groupShopify(ProductFeed& feed, const QHash<QString, QString>& map) {
    Grouping g;
    QHash<QString, QStringList> optionNames;  // handle → Option1..3 Name of its first row
    for (const FeedRow& r : feed.rows) {
        const QString handle = r.value(QStringLiteral("Handle")).trimmed();
        if (handle.isEmpty()) {
            feed.problems << tr("%1: no Handle: the row belongs to no product").arg(rowLabel(r));
            continue;
        }
        FeedProduct& p = productFor(feed, g, handle, r.row);
        const QString title = r.value(QStringLiteral("Title"));
        if (p.record.title.isEmpty() && !title.isEmpty()) {
            p.record.title = title.trimmed();
            p.record.firstRow = r.row;
            p.record.description = htmlToText(r.value(QStringLiteral("Body (HTML)")));
        }
        if (!optionNames.contains(handle) && !r.value(QStringLiteral("Option1 Name")).isEmpty())
            optionNames.insert(handle, {r.value(QStringLiteral("Option1 Name")),
                                        r.value(QStringLiteral("Option2 Name")),
                                        r.value(QStringLiteral("Option3 Name"))});
        const QString sku = r.value(QStringLiteral("Variant SKU")).trimmed();
        const QString variantImage = r.value(QStringLiteral("Variant Image")).trimmed();
        if (!sku.isEmpty() || !r.value(QStringLiteral("Option1 Value")).isEmpty()) {
            p.record.variants << catalog::ProductVariantRecord{sku, r.row, variantImage};
            if (!sku.isEmpty())
                p.itemIds << sku;
        }
        const QString src = r.value(QStringLiteral("Image Src"));
        bool positionOk = false;
        const int position = r.value(QStringLiteral("Image Position")).trimmed().toInt(&positionOk);
        addImage(feed, p, r, src, positionOk ? position : 0);
        addImage(feed, p, r, variantImage, 0);
        const QStringList names = optionNames.value(handle);
        for (int k = 0; k < names.size(); ++k)
            addValue(p, names.at(k), r.value(QStringLiteral("Option%1 Value").arg(k + 1)), r,
                     names.at(k));
        for (const auto& [column, value] : r.cells) {
            if (value.trimmed().isEmpty())
                continue;
            QString field = map.value(column);
            if (field.isEmpty()) {
                if (column == QLatin1String("Product Category") ||
                    column == QLatin1String("Google Shopping / Google Product Category"))
                    field = QStringLiteral("category");
                else if (column == QLatin1String("Google Shopping / Gender"))
                    field = QStringLiteral("gender");
                else if (column == QLatin1String("Google Shopping / Age Group"))
                    field = QStringLiteral("age_group");
                else if (const QString key = metafieldKey(column); !key.isEmpty())
                    field = key;
                else if (!shopifyPlainColumns().contains(column))
                    field = column;
            }
            if (!field.isEmpty())
                addValue(p, field, value, r, column);
        }
    }
}

// Merchant Center's and mapped CSV feeds: one row per item; items with one item_group_id (or
// handle) are one product.
void groupItems(ProductFeed& feed, const QHash<QString, QString>& fieldOf) {
    Grouping g;
    const auto field = [&](const QString& column) { return fieldOf.value(column, column); };
    for (const FeedRow& r : feed.rows) {
        QString id, handle, title, description;
        QStringList images;
        QList<QPair<QString, int>> positioned;
        for (const auto& [column, value] : r.cells) {
            const QString f = field(column);
            if (f == QLatin1String("id") || f == QLatin1String("sku"))
                id = value.trimmed();
            else if (f == QLatin1String("handle") || f == QLatin1String("item_group_id"))
                handle = value.trimmed();
            else if (f == QLatin1String("title") && title.isEmpty())
                title = value.trimmed();
            else if (f == QLatin1String("description") && description.isEmpty())
                description = htmlToText(value);
        }
        if (handle.isEmpty())
            handle = id;
        if (handle.isEmpty()) {
            feed.problems << tr("%1: no id: the item belongs to no product").arg(rowLabel(r));
            continue;
        }
        FeedProduct& p = productFor(feed, g, handle, r.row);
        if (p.record.title.isEmpty()) {
            p.record.title = title;
            p.record.description = description;
        }
        if (!id.isEmpty()) {
            p.itemIds << id;
            p.record.variants << catalog::ProductVariantRecord{id, r.row, QString()};
        }
        for (const auto& [column, value] : r.cells) {
            const QString f = field(column);
            if (f == QLatin1String("image") || f == QLatin1String("image_link") ||
                f == QLatin1String("variant_image")) {
                addImage(feed, p, r, value, 0);
            } else if (f == QLatin1String("additional_image") ||
                       f == QLatin1String("additional_image_link")) {
                // Text feeds separate several links with commas; an XML feed repeats the element.
                for (const QString& u : value.split(QLatin1Char(','), Qt::SkipEmptyParts))
                    addImage(feed, p, r, u, 0);
            } else if (f == QLatin1String("google_product_category") ||
                       f == QLatin1String("product_type") || f == QLatin1String("category")) {
                addValue(p, QStringLiteral("category"), value, r, column);
            } else if (!merchantPlainColumns().contains(f) &&
                       !QSet<QString>{QStringLiteral("handle"), QStringLiteral("sku"),
                                      QStringLiteral("image_position")}
                            .contains(f)) {
                addValue(p, f, value, r, column);
            }
        }
    }
}

std::optional<QList<FeedRow>> readXml(const QByteArray& data, QStringList* problems,
                                      QString* error) {
    QXmlStreamReader x(data);
    QList<FeedRow> rows;
    bool sawRss = false;
    while (!x.atEnd()) {
        x.readNext();
        if (!x.isStartElement())
            continue;
        if (x.name() == QLatin1String("rss") || x.name() == QLatin1String("feed"))
            sawRss = true;
        if (x.name() != QLatin1String("item") && x.name() != QLatin1String("entry"))
            continue;
        FeedRow r;
        r.row = int(rows.size()) + 1;
        r.line = int(x.lineNumber());
        while (!x.atEnd()) {
            x.readNext();
            if (x.isEndElement() &&
                (x.name() == QLatin1String("item") || x.name() == QLatin1String("entry")))
                break;
            if (!x.isStartElement())
                continue;
            const QString name = x.name().toString();
            const QString text = x.readElementText(QXmlStreamReader::IncludeChildElements);
            if (x.hasError())
                break;
            r.cells.append({name, text});
        }
        if (x.hasError())
            break;
        rows << r;
    }
    if (x.hasError()) {
        const QString why = tr("line %1, column %2: the XML is broken (%3)")
                                .arg(x.lineNumber())
                                .arg(x.columnNumber())
                                .arg(x.errorString());
        if (rows.isEmpty()) {
            *error = why;
            return std::nullopt;
        }
        *problems << why + tr("; the items after item %1 were not read").arg(rows.size());
    }
    if (!sawRss && rows.isEmpty()) {
        *error = tr("no RSS <item> elements: not a Merchant Center XML feed");
        return std::nullopt;
    }
    return rows;
}

}  // namespace

QString FeedRow::value(const QString& column) const {
    for (const auto& [name, v] : cells)
        if (name == column)
            return v;
    return {};
}

QStringList FeedRow::values(const QString& column) const {
    QStringList out;
    for (const auto& [name, v] : cells)
        if (name == column)
            out << v;
    return out;
}

bool isFetchableUrl(const QString& url) {
    if (url.startsWith(QLatin1Char('/')))
        return true;
    const QUrl u(url, QUrl::StrictMode);
    if (!u.isValid())
        return false;
    const QString scheme = u.scheme().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        return !u.host().isEmpty();
    if (scheme == QLatin1String("file"))
        return !u.path().isEmpty();
    return scheme.isEmpty() && !url.contains(QLatin1String("://")) &&
           !url.contains(QLatin1Char(' '));
}

QString htmlToText(const QString& html) {
    if (!html.contains(QLatin1Char('<')) && !html.contains(QLatin1Char('&')))
        return html.simplified();
    QString s = html;
    static const QRegularExpression breaks(
        QStringLiteral("<\\s*(br|/p|/div|/li|/h[1-6]|/tr)\\b[^>]*>"),
        QRegularExpression::CaseInsensitiveOption);
    static const QRegularExpression scripts(
        QStringLiteral("<(script|style)\\b[^>]*>.*?</\\1\\s*>"),
        QRegularExpression::CaseInsensitiveOption | QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression tags(QStringLiteral("<[^>]*>"));
    s.replace(scripts, QString());
    s.replace(breaks, QStringLiteral("\n"));
    s.replace(tags, QString());
    static const QRegularExpression numeric(QStringLiteral("&#(x?)([0-9A-Fa-f]+);"));
    QString out;
    qsizetype last = 0;
    for (auto it = numeric.globalMatch(s); it.hasNext();) {
        const auto m = it.next();
        out += s.mid(last, m.capturedStart() - last);
        bool ok = false;
        const uint code = m.captured(2).toUInt(&ok, m.captured(1).isEmpty() ? 10 : 16);
        if (ok && code > 0 && code < 0x110000)
            out += QString::fromUcs4(reinterpret_cast<const char32_t*>(&code), 1);
        last = m.capturedEnd();
    }
    out += s.mid(last);
    out.replace(QLatin1String("&nbsp;"), QLatin1String(" "));
    out.replace(QLatin1String("&lt;"), QLatin1String("<"));
    out.replace(QLatin1String("&gt;"), QLatin1String(">"));
    out.replace(QLatin1String("&quot;"), QLatin1String("\""));
    out.replace(QLatin1String("&#39;"), QLatin1String("'"));
    out.replace(QLatin1String("&apos;"), QLatin1String("'"));
    out.replace(QLatin1String("&amp;"), QLatin1String("&"));
    QStringList lines;
    for (const QString& l : out.split(QLatin1Char('\n')))
        if (const QString t = l.simplified(); !t.isEmpty())
            lines << t;
    return lines.join(QLatin1Char('\n'));
}

std::optional<ProductFeed> parseProductFeed(const QByteArray& data, const QString& format,
                                            const QHash<QString, QString>& map, QString* error) {
    ProductFeed feed;
    QString err;
    const QByteArray head = data.left(512).trimmed();
    const bool looksXml =
        head.startsWith("<?xml") || head.startsWith("<rss") || head.startsWith("\xEF\xBB\xBF<");
    if (looksXml) {
        if (!format.isEmpty() && format != QLatin1String("merchant")) {
            *error = tr("the file is XML; only Merchant Center feeds are read as XML");
            return std::nullopt;
        }
        auto rows = readXml(data, &feed.problems, &err);
        if (!rows) {
            *error = err;
            return std::nullopt;
        }
        feed.format = QStringLiteral("merchant");
        feed.xml = true;
        feed.rows = std::move(*rows);
        QHash<QString, QString> fields = map;
        groupItems(feed, fields);
        return feed;
    }
    auto table = parseCsv(data, sniffDelimiter(data), &err);
    if (!table) {
        *error = err;
        return std::nullopt;
    }
    feed.header = table->header;
    QString fmt = format;
    const bool hasHandle = table->header.contains(QStringLiteral("Handle"));
    const bool hasId = table->header.contains(QStringLiteral("id"));
    if (fmt.isEmpty()) {
        if (hasHandle)
            fmt = QStringLiteral("shopify");
        else if (hasId && (table->header.contains(QStringLiteral("image_link")) ||
                           table->header.contains(QStringLiteral("title"))))
            fmt = QStringLiteral("merchant");
        else if (!map.isEmpty())
            fmt = QStringLiteral("csv");
        else {
            *error = tr("the header (%1) is neither a Shopify product CSV (Handle, Title, Image "
                        "Src, …) nor a Merchant Center feed (id, title, image_link, …); give "
                        "--format csv with --map COLUMN=FIELD")
                         .arg(table->header.mid(0, 6).join(QStringLiteral(", ")));
            return std::nullopt;
        }
    }
    feed.format = fmt;
    feed.rows = rowsOfTable(*table);
    if (fmt == QLatin1String("shopify")) {
        if (!hasHandle && !map.values().contains(QStringLiteral("handle"))) {
            *error =
                tr("no Handle column: a Shopify product CSV names each row's product in "
                   "Handle");
            return std::nullopt;
        }
        if (!hasHandle) {  // a mapped handle column
            for (FeedRow& r : feed.rows)
                for (auto& [column, v] : r.cells)
                    if (map.value(column) == QLatin1String("handle"))
                        column = QStringLiteral("Handle");
        }
        groupShopify(feed, map);
    } else if (fmt == QLatin1String("merchant")) {
        if (!hasId && !map.values().contains(QStringLiteral("id"))) {
            *error = tr("no id column: a Merchant Center feed names each item in id");
            return std::nullopt;
        }
        groupItems(feed, map);
    } else if (fmt == QLatin1String("csv")) {
        const QStringList fields = map.values();
        if (!fields.contains(QStringLiteral("handle")) && !fields.contains(QStringLiteral("id"))) {
            *error = tr("--map names no handle or id column (e.g. --map \"Product ID=handle\")");
            return std::nullopt;
        }
        for (auto it = map.constBegin(); it != map.constEnd(); ++it)
            if (!table->header.contains(it.key())) {
                *error =
                    tr("--map names the column “%1”, which the header does not have").arg(it.key());
                return std::nullopt;
            }
        // Unmapped columns of a plain CSV carry nothing.
        QHash<QString, QString> fieldOf = map;
        for (const QString& h : table->header)
            if (!fieldOf.contains(h))
                fieldOf.insert(h, QStringLiteral("link"));
        groupItems(feed, fieldOf);
    } else {
        *error = tr("unknown format “%1” (shopify, merchant or csv)").arg(fmt);
        return std::nullopt;
    }
    for (FeedProduct& p : feed.products)
        numberImages(p);
    return feed;
}

FeedMatch matchFeedValues(const FeedProduct& product, const catalog::Taxonomy& taxonomy) {
    FeedMatch out;
    QSet<QString> seen;
    const auto add = [&](const QString& attribute, const QString& code) {
        if (seen.contains(attribute + QLatin1Char('\n') + code))
            return;
        seen.insert(attribute + QLatin1Char('\n') + code);
        catalog::TagSuggestion s;
        s.attribute = attribute;
        s.valueCode = code;
        s.rawText = code;
        out.tags << s;
    };
    const QString categoryAttr = QLatin1String(catalog::Taxonomy::kCategoryAttribute);
    bool haveCategory = false;
    for (const FeedValue& v : product.values) {
        const QString where = tr("row %1: %2 “%3”").arg(v.row).arg(v.column, v.value);
        if (v.field == QLatin1String("category")) {
            if (haveCategory)
                continue;  // the first category column that matches wins
            QString text = v.value;
            if (text.startsWith(QLatin1String("gid://shopify/TaxonomyCategory/")))
                text = text.mid(text.lastIndexOf(QLatin1Char('/')) + 1);
            if (taxonomy.hasCategoryTree()) {
                if (const auto* c = taxonomy.findCategory(text)) {
                    add(categoryAttr, c->code);
                    haveCategory = true;
                    continue;
                }
            } else if (taxonomy.attribute(categoryAttr)) {
                if (const auto* val = taxonomy.findValue(categoryAttr, text)) {
                    add(categoryAttr, val->code);
                    haveCategory = true;
                    continue;
                }
            }
            out.unmatched << tr("%1 matches no category of the taxonomy").arg(where);
            continue;
        }
        const catalog::TaxonomyAttribute* a = taxonomy.findAttribute(v.field);
        if (!a || a->code == categoryAttr)
            continue;  // not something the taxonomy describes
        if (const auto* val = taxonomy.findValue(a->code, v.value)) {
            add(a->code, val->code);
            continue;
        }
        static const QRegularExpression separators(QStringLiteral("\\s*[/,;|]\\s*"));
        const QStringList parts = v.value.split(separators, Qt::SkipEmptyParts);
        QStringList missing;
        for (const QString& part : parts) {
            if (const auto* val = taxonomy.findValue(a->code, part))
                add(a->code, val->code);
            else
                missing << part;
        }
        if (!missing.isEmpty())
            out.unmatched << tr("%1: “%2” matches no value of %3")
                                 .arg(where, missing.join(QStringLiteral("”, “")),
                                      catalog::Taxonomy::label(*a, QStringLiteral("en")));
    }
    return out;
}

}  // namespace vistag::feeds

// The product feed reader: CSV as shops write it (byte-order mark, CRLF, quoted commas, quotes and
// line breaks), written back cell for cell; HTML descriptions reduced to text; a Shopify export's
// rows grouped by Handle (out of order, variants, image rows, Variant Image); Merchant Center XML.
#include <QTest>

#include "feeds/csv_table.h"
#include "feeds/product_feed.h"

using namespace vistag::feeds;

class TestFeedCsv : public QObject {
    Q_OBJECT

private slots:
    void parsesQuotedCellsBomAndCrlf() {
        const QByteArray data =
            "\xEF\xBB\xBFHandle,Title,Body (HTML)\r\n"
            "a,\"Dress, red\",\"<p>Line one,\r\nline \"\"two\"\"</p>\"\r\n"
            "\r\n"
            "b,Top,\r\n";
        QString err;
        const auto t = parseCsv(data, sniffDelimiter(data), &err);
        QVERIFY2(t, qPrintable(err));
        QVERIFY(t->byteOrderMark);
        QVERIFY(t->crlf);
        QCOMPARE(t->header, (QStringList{"Handle", "Title", "Body (HTML)"}));
        QCOMPARE(t->rows.size(), 2);
        QCOMPARE(t->rows[0].cells[1], QStringLiteral("Dress, red"));
        QCOMPARE(t->rows[0].cells[2], QStringLiteral("<p>Line one,\r\nline \"two\"</p>"));
        QCOMPARE(t->rows[0].line, 2);
        QCOMPARE(t->rows[1].line, 5);  // the quoted line break and the blank line counted
        QCOMPARE(t->rows[1].cells, (QStringList{"b", "Top", ""}));
        // Written back: the same bytes.
        QCOMPARE(writeCsv(*t), QByteArray(data).replace("\r\n\r\n", "\r\n"));
    }

    void tabsAndUnclosedQuotes() {
        const QByteArray tsv = "id\ttitle\tcolor\n1\tTee, striped\tBlack/White\n";
        QCOMPARE(sniffDelimiter(tsv), '\t');
        QString err;
        const auto t = parseCsv(tsv, '\t', &err);
        QVERIFY(t);
        QCOMPARE(t->rows[0].cells, (QStringList{"1", "Tee, striped", "Black/White"}));
        QVERIFY(!parseCsv("a,b\n1,\"open\n2,3\n", ',', &err));
        QVERIFY2(err.contains(QLatin1String("line 2")), qPrintable(err));
        QVERIFY(!parseCsv("", ',', &err));
    }

    void htmlBecomesText() {
        QCOMPARE(htmlToText(QStringLiteral("<p>Soft &amp; light<br>linen</p><ul><li>A</li>"
                                           "<li>B&#233;</li></ul><script>x()</script>")),
                 QStringLiteral("Soft & light\nlinen\nA\nBé"));
        QCOMPARE(htmlToText(QStringLiteral("  plain   text ")), QStringLiteral("plain text"));
    }

    void groupsShopifyRowsByHandle() {
        const QByteArray csv =
            "Handle,Title,Option1 Name,Option1 Value,Variant SKU,Image Src,Image Position,"
            "Variant Image\n"
            "dress,Dress,Color,Red,D-R,http://h/1.jpg,1,\n"
            "top,Top,Color,Blue,T-B,http://h/t.jpg,1,\n"
            "dress,,,Blue,D-B,,,http://h/3.jpg\n"
            "dress,,,,,http://h/2.jpg,2,\n"
            ",,,,,http://h/x.jpg,1,\n"
            "top,,,,,not a url,2,\n";
        QString err;
        const auto feed = parseProductFeed(csv, {}, {}, &err);
        QVERIFY2(feed, qPrintable(err));
        QCOMPARE(feed->format, QStringLiteral("shopify"));
        QCOMPARE(feed->products.size(), 2);
        const FeedProduct& dress = feed->products[0];
        QCOMPARE(dress.record.handle, QStringLiteral("dress"));
        QCOMPARE(dress.record.title, QStringLiteral("Dress"));
        QCOMPARE(dress.itemIds, (QStringList{"D-R", "D-B"}));
        QCOMPARE(dress.record.images.size(), 3);
        QCOMPARE(dress.record.images[0].url, QStringLiteral("http://h/1.jpg"));
        QCOMPARE(dress.record.images[1].url, QStringLiteral("http://h/2.jpg"));
        QCOMPARE(dress.record.images[2].url, QStringLiteral("http://h/3.jpg"));
        QCOMPARE(dress.record.images[2].position, 3);
        QCOMPARE(dress.record.variants[1].imageUrl, QStringLiteral("http://h/3.jpg"));
        QCOMPARE(feed->problems.size(), 2);  // the row without Handle, the invalid URL
        QVERIFY(feed->problems[0].startsWith(QLatin1String("row 5")));
        QVERIFY(feed->problems[1].contains(QLatin1String("not a url")));
        bool red = false, blue = false;
        for (const FeedValue& v : dress.values) {
            red |= v.field == QLatin1String("Color") && v.value == QLatin1String("Red");
            blue |= v.field == QLatin1String("Color") && v.value == QLatin1String("Blue");
        }
        QVERIFY(red && blue);
    }

    void readsMerchantXml() {
        const QByteArray xml =
            "<?xml version=\"1.0\"?><rss version=\"2.0\" "
            "xmlns:g=\"http://base.google.com/ns/1.0\"><channel>"
            "<item><g:id>1</g:id><g:item_group_id>G</g:item_group_id><title>Tee</title>"
            "<g:image_link>http://h/a.jpg</g:image_link>"
            "<g:additional_image_link>http://h/b.jpg</g:additional_image_link>"
            "<g:additional_image_link>http://h/c.jpg</g:additional_image_link>"
            "<g:color>Black</g:color></item>"
            "<item><g:id>2</g:id><g:item_group_id>G</g:item_group_id>"
            "<g:image_link>http://h/a.jpg</g:image_link></item>"
            "</channel></rss>";
        QString err;
        const auto feed = parseProductFeed(xml, {}, {}, &err);
        QVERIFY2(feed, qPrintable(err));
        QVERIFY(feed->xml);
        QCOMPARE(feed->products.size(), 1);
        QCOMPARE(feed->products[0].itemIds, (QStringList{"1", "2"}));
        QCOMPARE(feed->products[0].record.images.size(), 3);
        QCOMPARE(feed->products[0].record.title, QStringLiteral("Tee"));
        QVERIFY(
            !parseProductFeed("<?xml version=\"1.0\"?><rss><channel><item><g:id>", {}, {}, &err));
    }
};

QTEST_GUILESS_MAIN(TestFeedCsv)
#include "test_feed_csv.moc"

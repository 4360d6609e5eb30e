// vistag-cli import: a shop's product feed into the catalogue — products as SKU groups with their
// images downloaded, the values the feed already has as accepted tags (source "feed").
#include <unistd.h>

#include <QCommandLineParser>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QSet>
#include <csignal>
#include <cstdio>

#include "catalog/catalog_db.h"
#include "cli_util.h"
#include "commands.h"
#include "feeds/image_fetch.h"
#include "feeds/product_feed.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli import --db FILE|postgresql://… [--taxonomy FILE] FEED\n"
    "                         [--format shopify|merchant|csv] [--map COLUMN=FIELD …]\n"
    "                         [--concurrency N] [--images DIR] [--timeout S] [--max-image-mb N]\n"
    "       vistag-cli import --db … --retry-failed [FEED]\n"
    "Imports a product feed: a Shopify product CSV as the admin exports it, a Google Merchant\n"
    "Center feed (TSV, CSV or RSS 2.0 XML with g: attributes) or any CSV with --map (FIELD: "
    "handle,\n"
    "id, title, description, image, image_position, sku, variant_image, category, or an attribute\n"
    "of the taxonomy). The format is recognised from the header when --format is not given.\n"
    "Each product becomes one SKU group holding its images in position order; images are\n"
    "downloaded (several at once, 429/503 retried, redirects followed; an HTML page, a truncated\n"
    "body or one over the size limit fails) into --images DIR (default: <catalogue>-images beside\n"
    "a catalogue file), named by their content hash. Values the feed has (category, colour,\n"
    "gender, material, …) matched to the taxonomy become accepted tags with source \"feed\";\n"
    "values that match nothing are listed. Running it again downloads nothing it already has and\n"
    "updates changed rows; failed images are tried again with --retry-failed.\n"
    "Ctrl+C stops the downloads; what was not fetched is fetched by the next run.\n"
    "Exit 0 all imported; 1 some rows or images failed (listed; the rest imported); 2 usage or a\n"
    "file that cannot be read as a feed; 8 cancelled; 10 the catalogue; 12 the taxonomy.\n";

constexpr int kSomeFailed = 1;
constexpr int kCancelled = 8;  // as download and tag
constexpr int kCatalogueError = 10;

std::atomic<bool> gCancel{false};
void onSignal(int) {
    gCancel = true;
}

QString defaultImageFolder(const catalog::CatalogDb& db) {
    if (!db.imageRoot().isEmpty())
        return QDir(db.imageRoot()).filePath(QStringLiteral("feed-images"));
    if (db.isShared())
        return {};
    const QFileInfo f(db.path());
    return f.absoluteDir().filePath(f.completeBaseName() + QStringLiteral("-images"));
}

}  // namespace

int runFeedImport(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions(catalogueOptions());
    p.addOptions(
        {{"taxonomy", "Taxonomy JSON the feed's values are matched to.", "FILE"},
         {"format", "shopify, merchant or csv (default: recognised from the header).", "FORMAT"},
         {"map", "COLUMN=FIELD: what a column holds (repeatable).", "COLUMN=FIELD"},
         {"concurrency", "Downloads at once (default 4).", "N"},
         {"images", "Folder the downloaded images are kept in.", "DIR"},
         {"timeout", "Seconds without an answer before a download fails (default 30).", "S"},
         {"max-image-mb", "Largest image accepted, in MB (default 50).", "N"},
         {"retry-failed", "Try the images that failed before again."}});
    p.addPositionalArgument(QStringLiteral("FEED"), QStringLiteral("The feed file."));
    auto usage = [&](const QString& why) { return usageError(why, kUsage); };
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    applyCatalogueOptions(p);
    if (!p.isSet(QStringLiteral("db")))
        return usage(QStringLiteral("--db is required"));
    const QStringList positional = p.positionalArguments();
    const bool retry = p.isSet(QStringLiteral("retry-failed"));
    if (positional.size() > 1)
        return usage(QStringLiteral("one feed at a time"));
    if (positional.isEmpty() && !retry)
        return usage(QStringLiteral("the feed file is required"));
    const QString format = p.value(QStringLiteral("format"));
    if (!format.isEmpty() && !QStringList{"shopify", "merchant", "csv"}.contains(format))
        return usage(QStringLiteral("--format must be shopify, merchant or csv"));
    QHash<QString, QString> map;
    for (const QString& m : p.values(QStringLiteral("map"))) {
        const qsizetype eq = m.lastIndexOf(QLatin1Char('='));
        if (eq <= 0 || eq == m.size() - 1)
            return usage(QStringLiteral("--map takes COLUMN=FIELD, not '%1'").arg(m));
        map.insert(m.left(eq).trimmed(), m.mid(eq + 1).trimmed());
    }
    if (format == QLatin1String("csv") && map.isEmpty())
        return usage(QStringLiteral("--format csv needs --map COLUMN=FIELD for its columns"));
    feeds::FetchOptions fetch;
    bool ok = true;
    if (p.isSet(QStringLiteral("concurrency"))) {
        fetch.concurrency = p.value(QStringLiteral("concurrency")).toInt(&ok);
        if (!ok || fetch.concurrency < 1 || fetch.concurrency > 64)
            return usage(QStringLiteral("--concurrency must be 1 to 64"));
    }
    if (p.isSet(QStringLiteral("timeout"))) {
        const double s = p.value(QStringLiteral("timeout")).toDouble(&ok);
        if (!ok || s <= 0)
            return usage(QStringLiteral("--timeout must be a number of seconds above 0"));
        fetch.timeoutMs = int(s * 1000);
    }
    if (p.isSet(QStringLiteral("max-image-mb"))) {
        const double mb = p.value(QStringLiteral("max-image-mb")).toDouble(&ok);
        if (!ok || mb <= 0)
            return usage(QStringLiteral("--max-image-mb must be above 0"));
        fetch.maxBytes = qint64(mb * 1024 * 1024);
    }

    int rc = 0;
    const auto taxonomy = taxonomyFromOption(p, &rc);
    if (!taxonomy)
        return rc;

    // Read and parse the feed before the catalogue is touched: a file that is no feed changes
    // nothing.
    std::optional<feeds::ProductFeed> feed;
    QByteArray bytes;
    QString feedPath;
    QString err;
    if (!positional.isEmpty()) {
        feedPath = QFileInfo(positional.first()).absoluteFilePath();
        QFile f(feedPath);
        if (!f.open(QIODevice::ReadOnly)) {
            std::fprintf(stderr, "vistag-cli: cannot read %s: %s\n",
                         qPrintable(QDir::toNativeSeparators(feedPath)),
                         qPrintable(f.errorString()));
            return 2;
        }
        bytes = f.readAll();
        feed = feeds::parseProductFeed(bytes, format, map, &err);
        if (!feed) {
            std::fprintf(stderr, "vistag-cli: %s: %s\n",
                         qPrintable(QDir::toNativeSeparators(feedPath)), qPrintable(err));
            return 2;
        }
        fetch.baseDir = QFileInfo(feedPath).absolutePath();
    }

    catalog::CatalogDb db;
    if (!db.open(p.value(QStringLiteral("db")), &err)) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    fetch.folder = p.isSet(QStringLiteral("images")) ? p.value(QStringLiteral("images"))
                                                     : defaultImageFolder(db);
    if (fetch.folder.isEmpty())
        return usage(QStringLiteral("a team catalogue needs --images DIR (or --image-root)"));
    fetch.folder = QFileInfo(fetch.folder).absoluteFilePath();
    const QString who = QStringLiteral("import");
    const QString label = QDir::toNativeSeparators(feedPath);

    int failedRows = 0;
    qint64 feedId = 0;
    if (feed) {
        for (const QString& problem : feed->problems)
            std::fprintf(stderr, "%s: %s\n", qPrintable(label), qPrintable(problem));
        failedRows += int(feed->problems.size());
        const auto id = db.saveFeed(feedPath, feed->format, bytes, who, &err);
        if (!id) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return kCatalogueError;
        }
        feedId = *id;
        QList<catalog::ProductRecord> records;
        records.reserve(feed->products.size());
        for (const feeds::FeedProduct& fp : feed->products)
            records << fp.record;
        const auto sync = db.syncProducts(feedId, records, who, &err);
        if (!sync) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return kCatalogueError;
        }
        std::printf("%s: %s feed%s, %lld products: %d new, %d changed, %d unchanged\n",
                    qPrintable(label), qPrintable(feed->format), feed->xml ? " (XML)" : "",
                    static_cast<long long>(feed->products.size()), sync->added, sync->updated,
                    sync->unchanged);
    }

    // Downloads: pending URLs (and failed ones with --retry-failed).
    const auto todo = db.imagesToDownload(feedId, retry, &err);
    if (!todo) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    QHash<qint64, catalog::ProductImageRecord> byId;
    QList<feeds::FetchJob> jobs;
    for (const catalog::ProductImageRecord& r : *todo) {
        byId.insert(r.id, r);
        jobs << feeds::FetchJob{r.id, r.url};
    }
    const bool tty = isatty(STDERR_FILENO) != 0;
    QElapsedTimer clock;
    clock.start();
    qint64 lastShown = -1000;
    int done = 0, downloaded = 0, failed = 0, requests = 0;
    QStringList failures;
    bool catalogueFailed = false;
    std::signal(SIGINT, onSignal);
    std::signal(SIGTERM, onSignal);
    std::atomic<bool>& cancel = gCancel;
    int cancelled = 0;
    feeds::fetchImages(jobs, fetch, cancel, [&](const feeds::FetchResult& r) {
        ++done;
        if (r.cancelled) {
            ++cancelled;  // stays pending: the next run fetches it
            return;
        }
        requests += r.requests;
        const catalog::ProductImageRecord& row = byId[r.id];
        QString dbErr;
        const bool stored =
            r.image ? db.finishImageDownload(r.id, &*r.image, {}, who, &dbErr)
                    : db.finishImageDownload(
                          r.id, nullptr, QStringLiteral("%1: %2").arg(r.url, r.error), who, &dbErr);
        if (!stored) {
            catalogueFailed = true;
            cancel = true;
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(dbErr));
        }
        if (r.image) {
            ++downloaded;
        } else {
            ++failed;
            failures << QStringLiteral("row %1: %2: %3").arg(row.feedRow).arg(r.url, r.error);
        }
        if (tty && (clock.elapsed() - lastShown >= 200 || done == jobs.size())) {
            lastShown = clock.elapsed();
            std::fprintf(stderr, "\rimages: %d of %lld (%d failed)", done,
                         static_cast<long long>(jobs.size()), failed);
            std::fflush(stderr);
        }
    });
    if (tty && !jobs.isEmpty())
        std::fprintf(stderr, "\n");
    if (catalogueFailed)
        return kCatalogueError;
    if (cancel) {
        std::fprintf(stderr,
                     "vistag-cli: cancelled: %d images downloaded, %lld left for the next run\n",
                     downloaded, static_cast<long long>(jobs.size() - downloaded - failed));
        return kCancelled;
    }
    for (const QString& f : failures)
        std::fprintf(stderr, "%s%s%s\n", qPrintable(label), label.isEmpty() ? "" : ": ",
                     qPrintable(f));

    // The feed's own values, as accepted tags of each product that has an image.
    int tagsAdded = 0;
    QStringList unmatched;
    if (feed) {
        const auto stored = db.products(feedId, &err);
        if (!stored) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return kCatalogueError;
        }
        QHash<QString, qint64> idOf;
        for (const catalog::ProductRecord& r : *stored)
            idOf.insert(r.handle, r.id);
        for (const feeds::FeedProduct& fp : feed->products) {
            const feeds::FeedMatch m = feeds::matchFeedValues(fp, *taxonomy);
            unmatched += m.unmatched;
            if (m.tags.isEmpty())
                continue;
            const auto added = db.addFeedTags(idOf.value(fp.record.handle), m.tags, who, &err);
            if (!added) {
                std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
                return kCatalogueError;
            }
            tagsAdded += *added;
        }
        for (const QString& u : unmatched)
            std::fprintf(stderr, "%s: %s\n", qPrintable(label), qPrintable(u));
    }

    // Where the feed stands now: images still failed (from this run or before).
    int stillFailed = 0;
    const auto products = db.products(feedId, &err);
    if (products)
        for (const catalog::ProductRecord& r : *products)
            for (const catalog::ProductImageRecord& img : r.images)
                stillFailed += img.state == catalog::DownloadState::Failed ? 1 : 0;
    std::printf("images: %d downloaded, %d failed (%d requests) into %s; %d already there\n",
                downloaded, failed, requests, qPrintable(QDir::toNativeSeparators(fetch.folder)),
                products ? [&] {
                    int n = 0;
                    for (const catalog::ProductRecord& r : *products)
                        for (const catalog::ProductImageRecord& img : r.images)
                            n += img.state == catalog::DownloadState::Done ? 1 : 0;
                    return n - downloaded;
                }()
                         : 0);
    if (feed)
        std::printf("feed values: %d tags added, %lld values match nothing in the taxonomy\n",
                    tagsAdded, static_cast<long long>(unmatched.size()));
    if (stillFailed > failed)
        std::printf("%d images failed earlier: run again with --retry-failed to try them\n",
                    stillFailed - failed);
    return failedRows > 0 || stillFailed > 0 ? kSomeFailed : 0;
}

}  // namespace vistag::cli

// ---- export --format shopify|merchant ----------------------------------------------------------
#include "feeds/feed_export.h"

namespace vistag::cli {

int exportProductFeed(const QCommandLineParser& p, const catalog::Taxonomy& taxonomy,
                      catalog::CatalogDb& db) {
    const QString format = p.value(QStringLiteral("format"));
    const QString out = p.value(QStringLiteral("out"));
    if (out == QLatin1String("-"))
        return usageError(QStringLiteral("--format %1 writes a file: give --out FILE").arg(format),
                          kUsage);
    QString err;
    const auto feeds = db.feeds(&err);
    if (!feeds) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    const catalog::FeedRecord* feed = nullptr;
    const QString wanted = p.isSet(QStringLiteral("feed"))
                               ? QFileInfo(p.value(QStringLiteral("feed"))).absoluteFilePath()
                               : QString();
    for (const catalog::FeedRecord& f : *feeds)
        if (wanted.isEmpty() || f.path == wanted)
            feed = &f;  // the newest, or the one named
    if (!feed) {
        std::fprintf(stderr, "vistag-cli: %s\n",
                     wanted.isEmpty()
                         ? "the catalogue has no imported feed (vistag-cli import first)"
                         : qPrintable(QStringLiteral("%1 was never imported into this catalogue")
                                          .arg(QDir::toNativeSeparators(wanted))));
        return kCatalogueError;
    }
    const auto products = db.products(feed->id, &err);
    if (!products) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return kCatalogueError;
    }
    // Each product's accepted values (any source: the feed, people, the model's accepted ones).
    QHash<QString, feeds::ProductValues> values;
    for (const catalog::ProductRecord& r : *products) {
        qint64 imageId = 0;
        for (const catalog::ProductImageRecord& img : r.images)
            if (img.imageId != 0 && imageId == 0)
                imageId = img.imageId;
        if (imageId == 0)
            continue;
        const auto tags = db.tagsForImage(imageId, &err);
        if (!tags) {
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
            return kCatalogueError;
        }
        feeds::ProductValues& pv = values[r.handle];
        for (const catalog::TagRecord& t : *tags)
            if (t.status == catalog::TagStatus::Accepted && !pv[t.attribute].contains(t.valueCode))
                pv[t.attribute] << t.valueCode;
    }
    const bool overwrite = p.isSet(QStringLiteral("overwrite"));
    const auto result = format == QLatin1String("shopify")
                            ? feeds::exportShopify(*feed, values, taxonomy, overwrite, out, &err)
                            : feeds::exportMerchant(*feed, values, taxonomy, overwrite, out, &err);
    if (!result) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return 11;
    }
    std::printf("wrote %d rows to %s: %d cells filled, %d of the merchant's values kept\n",
                result->rows, qPrintable(out), result->filledCells, result->keptMerchant);
    return 0;
}

}  // namespace vistag::cli

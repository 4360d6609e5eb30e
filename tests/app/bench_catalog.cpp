// Not a test: builds a 10,000-image catalogue with tags and prints how long opening it, the
// filters of the image grid, an export and single review edits take.
//   bench_catalog [folder]   (default: a temporary folder, removed afterwards)
//   bench_catalog postgresql://user@host:port/empty_database   (the same on a team catalogue)
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <cstdio>
#include <functional>

#include "catalog/catalog_db.h"

using namespace vistag::catalog;

namespace {

constexpr int kImages = 10000;
const char* const kColours[] = {"red", "blue", "white", "black", "green", "beige", "pink"};
const char* const kStyles[] = {"boho", "minimal", "retro", "commute", "street", "sporty"};

double ms(const QElapsedTimer& t) {
    return t.nsecsElapsed() / 1e6;
}

template <class F>
double timed(F&& f, int repeat = 5) {
    double best = 1e18;
    for (int i = 0; i < repeat; ++i) {
        QElapsedTimer t;
        t.start();
        f();
        best = std::min(best, ms(t));
    }
    return best;
}

void report(const char* what, double millis) {
    std::printf("%-52s %9.2f ms\n", what, millis);
}

}  // namespace

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    QTemporaryDir tmp;
    const QString where = argc > 1 ? QString::fromLocal8Bit(argv[1]) : tmp.path();
    const bool shared = CatalogDb::isDatabaseAddress(where);
    const QString path = shared ? where : where + QStringLiteral("/bench-catalogue.sqlite");
    if (!shared)
        QFile::remove(path);
    std::printf("catalogue: %s\n", qPrintable(CatalogDb::displayAddress(path)));
    QString error;

    QElapsedTimer total;
    total.start();
    {
        CatalogDb db;
        if (!db.open(path, &error)) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        QList<ImageRecord> images;
        for (int i = 0; i < kImages; ++i) {
            ImageRecord r;
            r.path = QStringLiteral("/shop/2024/%1/%2_%3.jpg")
                         .arg(i % 50)
                         .arg(i % 7 == 0 ? QStringLiteral("dress") : QStringLiteral("item"))
                         .arg(i);
            r.contentHash = QStringLiteral("%1").arg(i, 64, 16, QLatin1Char('0'));
            r.width = 1200;
            r.height = 1600;
            images << r;
        }
        QElapsedTimer t;
        t.start();
        const auto ids = db.addImages(images, &error);
        if (!ids) {
            std::fprintf(stderr, "%s\n", qPrintable(error));
            return 1;
        }
        report("add 10,000 images (one transaction)", ms(t));

        // SKU groups of 4 views for the first 2,000 images.
        QList<qint64> grouped;
        t.restart();
        for (int i = 0; i < 2000; i += 4)
            if (!db.setSkuGroup(ids->mid(i, 4), QStringLiteral("SKU-%1").arg(i / 4),
                                QStringLiteral("bench"), &error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 1;
            }
        report("500 SKU groups of 4 (one transaction each)", ms(t));

        // Model suggestions on two thirds of the images, one transaction per image as a batch
        // run writes them.
        t.restart();
        int written = 0;
        for (int i = 0; i < kImages; ++i) {
            if (i % 3 == 0)
                continue;  // stays "new"
            QList<TagSuggestion> s;
            for (int k = 0; k < 5; ++k) {
                TagSuggestion x;
                x.attribute = k == 0 ? QStringLiteral("style") : QStringLiteral("colour");
                x.valueCode =
                    QString::fromLatin1(k == 0 ? kStyles[(i / 3) % 6] : kColours[(i + k) % 7]);
                x.confidence = (i % 100) / 100.0;
                s << x;
            }
            if (!db.addSuggestions(ids->at(i), 0, s, QStringLiteral("model:bench"), &error)) {
                std::fprintf(stderr, "%s\n", qPrintable(error));
                return 1;
            }
            ++written;
        }
        const double suggestMs = ms(t);
        report("addSuggestions, per image (5 tags, committed)", suggestMs / written);

        // Half of the tagged images reviewed (bulk, outside the timed part).
        {
            QSqlDatabase c = QSqlDatabase::database(db.connectionName());
            QSqlQuery q(c);
            q.exec(
                QStringLiteral("UPDATE tags SET status = 'accepted', decided_by = 'bench' "
                               "WHERE image_id % 3 = 2"));
        }
        // Single review edits, each committed with synchronous=FULL.
        const auto tags = db.tagsForImage(ids->at(1), &error).value_or(QList<TagRecord>{});
        t.restart();
        int edits = 0;
        for (int round = 0; round < 40; ++round)
            for (const TagRecord& tag : tags) {
                const bool ok = round % 2 ? db.acceptTag(tag.id, QStringLiteral("bench"))
                                          : db.rejectTag(tag.id, QStringLiteral("bench"));
                if (ok)
                    ++edits;
            }
        report("acceptTag/rejectTag, per edit (committed)", ms(t) / std::max(edits, 1));
    }
    report("build the catalogue, total", ms(total));
    if (!shared)
        std::printf("file size: %.1f MiB\n", QFileInfo(path).size() / 1048576.0);

    CatalogDb db;
    report("open (existing 10,000-image catalogue)", timed([&] {
               db.close();
               db.open(path, &error);
           }));
    if (!db.isOpen()) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }

    struct Case {
        const char* name;
        ImageFilter filter;
    };
    QList<Case> cases;
    ImageFilter f;
    cases.append({"no filter", f});
    f.nameContains = QStringLiteral("dress");
    cases.append({"name contains \"dress\"", f});
    f = {};
    f.valueCode = QStringLiteral("boho");
    cases.append({"tag value boho", f});
    f.attribute = QStringLiteral("colour");
    f.valueCode = QStringLiteral("red");
    cases.append({"tag colour=red", f});
    f = {};
    f.reviewState = ReviewState::New;
    cases.append({"review state new", f});
    f.reviewState = ReviewState::Suggested;
    cases.append({"review state suggested", f});
    f.reviewState = ReviewState::Reviewed;
    cases.append({"review state reviewed", f});
    f.nameContains = QStringLiteral("dress");
    f.valueCode = QStringLiteral("blue");
    cases.append({"name + value blue + reviewed", f});
    f = {};
    f.attribute = QStringLiteral("style");
    cases.append({"has attribute style", f});
    f = {};
    f.lacksAttribute = QStringLiteral("style");
    cases.append({"lacks attribute style", f});
    f.reviewState = ReviewState::Suggested;
    f.valueCode = QStringLiteral("red");
    cases.append({"lacks style + red + suggested", f});

    for (const Case& c : cases) {
        qint64 count = 0;
        const double countMs = timed([&] { count = db.countImages(c.filter).value_or(-1); });
        ImageFilter page = c.filter;
        page.limit = 100;
        const double pageMs = timed([&] { db.listImages(page); });
        qsizetype all = 0;
        const double allMs =
            timed([&] { all = db.listImages(c.filter).value_or(QList<ImageRecord>{}).size(); });
        std::printf("%-30s %6lld images: count %7.2f ms, first 100 %7.2f ms, all %7.2f ms\n",
                    c.name, static_cast<long long>(count), countMs, pageMs, allMs);
        Q_UNUSED(all);
    }
    // Sort orders: the grid reads pages of 500 with LIMIT/OFFSET, so a page deep in the list
    // costs the sort of everything before it.
    struct SortCase {
        const char* name;
        ImageSort sort;
    };
    const SortCase sorts[] = {{"sort: added (id)", ImageSort::Added},
                              {"sort: newest first", ImageSort::AddedNewest},
                              {"sort: name", ImageSort::Name},
                              {"sort: review state", ImageSort::ReviewState},
                              {"sort: least certain first", ImageSort::LeastCertain}};
    for (const SortCase& c : sorts) {
        for (int filtered = 0; filtered < 2; ++filtered) {
            ImageFilter page;
            page.sort = c.sort;
            if (filtered)
                page.reviewState = ReviewState::Suggested;
            page.limit = 500;
            const double firstMs = timed([&] { db.listImages(page); });
            page.offset = filtered ? 3000 : 9500;
            const double deepMs = timed([&] { db.listImages(page); });
            std::printf("%-28s%-12s first 500 %7.2f ms, page at %5d %7.2f ms\n", c.name,
                        filtered ? " +suggested" : "", firstMs, page.offset, deepMs);
        }
    }
    report("exportRows per image, accepted only", timed([&] { db.exportRows(false, true); }, 3));
    report("exportRows per SKU, all", timed([&] { db.exportRows(true, false); }, 3));
    report("tagsForImage", timed([&] { db.tagsForImage(5000); }, 20));
    return 0;
}

// The local backend's cache of compiled taxonomy grammars (tracker issue 21, defect 2): bounded
// in count and in estimated bytes, least recently used out first, so that one client sending
// ever new schemas cannot grow the server without bound.
#include <malloc.h>

#include <QtTest>

#include "backend/local_backend.h"
#include "tags/tag_schema.h"
#include "vistag/inference/tag_constraint.h"

using namespace vistag;
using vistag::backend::GrammarCache;

namespace {

// One Single attribute with `values` values whose surfaces are `surfaceBytes` long; `seed` makes
// each schema distinct.
inference::TagSchema schema(int seed, int values = 20, int surfaceBytes = 24) {
    inference::TagSchema s;
    inference::TagSchemaAttribute a;
    a.code = "colour";
    for (int k = 0; k < values; ++k) {
        inference::TagSchemaValue v;
        v.code = "v" + std::to_string(k);
        std::string surface = "s" + std::to_string(seed) + "-" + std::to_string(k) + "-";
        surface.resize(static_cast<size_t>(surfaceBytes), 'x');
        v.surfaces.push_back(surface);
        a.values.push_back(v);
    }
    s.attributes.push_back(a);
    return s;
}

GrammarCache::Compile compiler(const inference::TagSchema& s, int* compiles = nullptr) {
    return [s, compiles](QString* error) -> GrammarCache::Grammar {
        if (compiles)
            ++*compiles;
        auto g = inference::TagGrammar::compile(s, nullptr);
        if (!g) {
            *error = QString::fromStdString(g.error().message());
            return nullptr;
        }
        return *g;
    };
}

GrammarCache::Grammar get(GrammarCache& cache, const inference::TagSchema& s,
                          int* compiles = nullptr) {
    QString err;
    auto g = cache.get(catalog::tagSchemaKey(s), compiler(s, compiles), &err);
    if (!g)
        qWarning("%s", qPrintable(err));
    return g;
}

}  // namespace

class TestGrammarCache final : public QObject {
    Q_OBJECT
private slots:
    void defaultLimits() {
        const GrammarCache cache;
        QCOMPARE(cache.limits().maxEntries, 32);
        QCOMPARE(cache.limits().maxBytes, 256LL * 1024 * 1024);
    }

    void aSecondAskIsAHit() {
        GrammarCache cache;
        int compiles = 0;
        const auto a = get(cache, schema(1), &compiles);
        const auto b = get(cache, schema(1), &compiles);
        QVERIFY(a && a == b);
        QCOMPARE(compiles, 1);
        QCOMPARE(cache.hits(), 1);
        QCOMPARE(cache.misses(), 1);
    }

    // Many distinct schemas: never more than maxEntries kept; the one used between every two
    // new ones stays; an old one that was not used again is gone.
    void boundedInCount() {
        GrammarCache cache({8, 1LL << 40});
        const auto keep = schema(0);
        QVERIFY(get(cache, keep));
        for (int i = 1; i <= 200; ++i) {
            QVERIFY(get(cache, schema(i)));
            QVERIFY(cache.size() <= 8);
            const qint64 hitsBefore = cache.hits();
            QVERIFY(get(cache, keep));
            QCOMPARE(cache.hits(), hitsBefore + 1);  // still cached
        }
        QCOMPARE(cache.size(), 8);
        QVERIFY(cache.contains(catalog::tagSchemaKey(keep)));
        QVERIFY(!cache.contains(catalog::tagSchemaKey(schema(1))));
        QVERIFY(cache.contains(catalog::tagSchemaKey(schema(200))));
    }

    // The byte budget holds five grammars: never more bytes than that, the recent one stays.
    void boundedInBytes() {
        const auto probe = inference::TagGrammar::compile(schema(0, 200, 64), nullptr);
        QVERIFY(probe);
        const qint64 one = GrammarCache::estimateBytes(**probe);
        QVERIFY(one > 200 * 64);
        const qint64 budget = 5 * one + one / 2;
        GrammarCache cache({1000, budget});
        const auto keep = schema(0, 200, 64);
        QVERIFY(get(cache, keep));
        for (int i = 1; i <= 100; ++i) {
            QVERIFY(get(cache, schema(i, 200, 64)));
            QVERIFY2(cache.bytes() <= budget,
                     qPrintable(QStringLiteral("%1 > %2").arg(cache.bytes()).arg(budget)));
            QVERIFY(cache.size() <= 5);
            QVERIFY(get(cache, keep));
            QVERIFY(cache.contains(catalog::tagSchemaKey(keep)));
        }
        QCOMPARE(cache.size(), 5);
        QCOMPARE(cache.bytes(), 5 * one);
    }

    // A grammar larger than the whole budget is used for its request but not kept.
    void oversizedIsUsedButNotKept() {
        GrammarCache cache({8, 1024});
        int compiles = 0;
        QVERIFY(get(cache, schema(1), &compiles));
        QVERIFY(get(cache, schema(1), &compiles));
        QCOMPARE(compiles, 2);
        QCOMPARE(cache.size(), 0);
        QCOMPARE(cache.bytes(), 0);
    }

    void aBrokenSchemaIsAnErrorAndNotKept() {
        GrammarCache cache;
        inference::TagSchema broken = schema(1);
        broken.attributes[0].values[0].surfaces = {""};  // an empty surface
        QString err;
        QVERIFY(!cache.get(catalog::tagSchemaKey(broken), compiler(broken), &err));
        QVERIFY(!err.isEmpty());
        QCOMPARE(cache.size(), 0);
    }

    // The estimate against what compiling really takes from the heap (glibc's count of bytes in
    // use): the same order of magnitude, never a small fraction of it.
    void estimateFollowsTheHeap() {
        const inference::TagSchema big = schema(7, 5000, 48);
        const size_t before = mallinfo2().uordblks;
        auto g = inference::TagGrammar::compile(big, nullptr);
        QVERIFY(g);
        const auto used = static_cast<qint64>(mallinfo2().uordblks - before);
        const qint64 estimate = GrammarCache::estimateBytes(**g);
        qInfo("5000 surfaces of 48 bytes: heap %lld bytes, estimate %lld bytes",
              static_cast<long long>(used), static_cast<long long>(estimate));
        QVERIFY2(estimate >= used / 2 && estimate <= used * 3,
                 qPrintable(QStringLiteral("heap %1, estimate %2").arg(used).arg(estimate)));
    }
};

QTEST_GUILESS_MAIN(TestGrammarCache)
#include "test_grammar_cache.moc"

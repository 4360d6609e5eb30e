// vistag-cli taxonomy: import Shopify's Standard Product Taxonomy into a taxonomy file, and check
// a taxonomy file (counts and problems).
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <cstdio>
#include <cstring>

#include "catalog/exporters.h"
#include "cli_util.h"
#include "commands.h"
#include "tags/shopify_import.h"
#include "tags/taxonomy.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli taxonomy import shopify DIR --out FILE [--under PATH|ID]\n"
    "                           [--languages en,zh-CN] [--all-notes]\n"
    "       vistag-cli taxonomy check FILE\n"
    "import shopify reads Shopify's Standard Product Taxonomy as published in the dist/ folder of\n"
    "github.com/Shopify/product-taxonomy (DIR/<locale>/categories.json and attributes.json; en is\n"
    "required) and writes a version-2 taxonomy file. --under keeps one category (a full English\n"
    "path such as \"Apparel & Accessories > Clothing\", or an id such as aa-1) with its ancestors\n"
    "and descendants; --languages picks the locale folders (default: all present). Problems of\n"
    "the source (a name shared by two categories or two values) are resolved and listed as notes.\n"
    "check loads a taxonomy file (version 1 or 2) and prints its counts and problems.\n"
    "Exit 0 done; 2 usage or input that cannot be read (one line naming the file and the id;\n"
    "nothing is written); 11 the output file could not be written.\n";

constexpr int kNotesShown = 20;

// Input that cannot be used: its one-line message, then the usage line (exit 2, as for a usage
// error: the command was given something it cannot take).
int inputError(const QString& message) {
    std::fprintf(stderr, "vistag-cli: %s\n%.*s", qPrintable(message),
                 int(std::strchr(kUsage, '\n') - kUsage + 1), kUsage);
    return 2;
}

int runImport(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions(
        {{"out", "The taxonomy file to write.", "FILE"},
         {"under", "Keep one category and its subtree (full English path or id).", "PATH|ID"},
         {"languages", "Locale folders to read, comma-separated (en always).", "LIST"},
         {"all-notes", "List every source problem resolved (default: the first 20)."}});
    auto usage = [&](const QString& why) { return usageError(why, kUsage); };
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    // args[0] ("taxonomy") is the parser's program name: import shopify DIR
    const QStringList pos = p.positionalArguments();
    if (pos.size() < 2 || pos.at(1) != QLatin1String("shopify"))
        return usage(
            QStringLiteral("import: the only source is 'shopify': taxonomy import "
                           "shopify DIR --out FILE"));
    if (pos.size() != 3)
        return usage(pos.size() < 3 ? QStringLiteral("import shopify: DIR is required")
                                    : QStringLiteral("unexpected argument '%1'").arg(pos.at(3)));
    if (!p.isSet(QStringLiteral("out")))
        return usage(QStringLiteral("--out is required"));
    catalog::ShopifyImportOptions options;
    options.under = p.value(QStringLiteral("under"));
    if (p.isSet(QStringLiteral("languages")))
        for (const QString& l : p.value(QStringLiteral("languages")).split(QLatin1Char(',')))
            if (!l.trimmed().isEmpty())
                options.languages.append(l.trimmed());

    QElapsedTimer timer;
    timer.start();
    QStringList notes;
    QString err;
    catalog::ShopifyImportStats stats;
    const auto taxonomy = catalog::importShopifyTaxonomy(pos.at(2), options, &notes, &err, &stats);
    if (!taxonomy)
        return inputError(err);
    const QString out = p.value(QStringLiteral("out"));
    const QByteArray json = taxonomy->toJson();
    // What is written must load: the importer resolves every clash the loader refuses.
    if (!catalog::Taxonomy::fromJson(json, out, &err)) {
        std::fprintf(stderr,
                     "vistag-cli: the imported taxonomy does not load (nothing written): "
                     "%s\n",
                     qPrintable(err.section(QLatin1Char('\n'), 0, 0)));
        return 2;
    }
    if (!catalog::replaceFileAtomically(out, json, &err)) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(err));
        return 11;
    }
    const int shown = p.isSet(QStringLiteral("all-notes"))
                          ? notes.size()
                          : std::min<int>(notes.size(), kNotesShown);
    for (int i = 0; i < shown; ++i)
        std::printf("note: %s\n", qPrintable(notes.at(i)));
    if (shown < notes.size())
        std::printf("note: … and %lld more (--all-notes lists them)\n",
                    static_cast<long long>(notes.size() - shown));
    std::printf(
        "imported Shopify taxonomy %s (%s): %d categories, %d attributes, %d values; "
        "%lld source problems resolved; wrote %s in %.2f s\n",
        qPrintable(stats.version), qPrintable(stats.locales.join(QStringLiteral(", "))),
        stats.categories, stats.attributes, stats.values, static_cast<long long>(notes.size()),
        qPrintable(out), timer.nsecsElapsed() / 1e9);
    return 0;
}

int runCheck(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    const QStringList pos = p.positionalArguments();  // check FILE
    if (pos.size() != 2)
        return usageError(pos.size() < 2
                              ? QStringLiteral("check: FILE is required")
                              : QStringLiteral("unexpected argument '%1'").arg(pos.at(2)),
                          kUsage);
    QElapsedTimer timer;
    timer.start();
    QString err;
    const auto t = catalog::Taxonomy::load(pos.at(1), &err);
    const double ms = timer.nsecsElapsed() / 1e6;
    if (!t)
        return inputError(err);
    QStringList problems;
    int values = 0, extended = 0;
    const bool tree = t->hasCategoryTree();
    QSet<QString> usedAttributes;
    int roots = 0, leaves = 0, depth = 0;
    for (const catalog::TaxonomyCategory& c : t->categories()) {
        for (const QString& a : c.attributeCodes)
            usedAttributes.insert(a);
        roots += c.parentCode.isEmpty();
        leaves += t->childCategories(c.code).isEmpty();
        depth = std::max<int>(depth, t->categoryPathCodes(c.code).size());
        if (c.attributeCodes.isEmpty())
            problems << QStringLiteral("category \"%1\" (%2) has no attributes")
                            .arg(c.code, t->categoryPath(c.code, QStringLiteral("en")));
    }
    int attributes = 0;
    for (const catalog::TaxonomyAttribute& a : t->attributes()) {
        if (tree && a.code == QLatin1String(catalog::Taxonomy::kCategoryAttribute))
            continue;
        ++attributes;
        if (!a.valuesFrom.isEmpty())
            ++extended;
        else
            values += a.values.size();
        if (tree && !usedAttributes.contains(a.code)) {
            bool shared = false;  // the values of an extended attribute that is used
            for (const catalog::TaxonomyAttribute& b : t->attributes())
                shared = shared || (b.valuesFrom == a.code && usedAttributes.contains(b.code));
            if (!shared)
                problems << QStringLiteral("attribute \"%1\" applies to no category").arg(a.code);
        }
    }
    const QStringList langs = t->languages();
    for (const QString& lang : langs) {
        int missing = 0;
        for (const catalog::TaxonomyCategory& c : t->categories())
            missing += !c.labels.contains(lang);
        for (const catalog::TaxonomyAttribute& a : t->attributes())
            missing += !a.labels.contains(lang) &&
                       !(tree && a.code == QLatin1String(catalog::Taxonomy::kCategoryAttribute));
        if (missing > 0)
            problems << QStringLiteral(
                            "%1 categories or attributes have no \"%2\" label (English "
                            "is shown)")
                            .arg(missing)
                            .arg(lang);
    }
    std::printf("%s: version %d taxonomy \"%s\"\n", qPrintable(pos.at(1)), tree ? 2 : 1,
                qPrintable(t->name()));
    if (tree)
        std::printf("categories: %lld (%d roots, %d leaves, %d levels)\n",
                    static_cast<long long>(t->categories().size()), roots, leaves, depth);
    std::printf("attributes: %d (%d sharing another's values), values: %d\n", attributes, extended,
                values);
    std::printf("languages: %s\n", qPrintable(langs.join(QStringLiteral(", "))));
    std::printf("loaded and indexed in %.1f ms\n", ms);
    if (problems.isEmpty())
        std::printf("problems: none\n");
    for (const QString& pr : problems)
        std::printf("problem: %s\n", qPrintable(pr));
    return 0;
}

}  // namespace

int runTaxonomy(const QStringList& args) {
    const QString sub = args.value(1);
    if (sub == QLatin1String("import"))
        return runImport(args);
    if (sub == QLatin1String("check"))
        return runCheck(args);
    if (sub == QLatin1String("--help") || sub == QLatin1String("-h")) {
        std::fputs(kUsage, stdout);
        return 0;
    }
    return usageError(sub.isEmpty() ? QStringLiteral("taxonomy: say import or check")
                                    : QStringLiteral("taxonomy: unknown subcommand '%1'").arg(sub),
                      kUsage);
}

}  // namespace vistag::cli

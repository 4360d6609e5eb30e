// vistag-cli review: measure the model on people's decisions (stats), accept what a measured
// threshold trusts (auto-accept, undo), and apply answers the merchant already has (import).
#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <cstdio>

#include "catalog/catalog_db.h"
#include "cli_util.h"
#include "commands.h"
#include "review/review_stats.h"
#include "tags/taxonomy.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli review stats --db DB [--taxonomy FILE] [--json]\n"
    "       vistag-cli review auto-accept --db DB [--taxonomy FILE] --min-precision P\n"
    "                  --min-reviewed M [--attribute CODE …] [--dry-run] [--json] [--who NAME]\n"
    "       vistag-cli review undo --db DB [--run ID] [--json] [--who NAME]\n"
    "       vistag-cli review import --db DB [--taxonomy FILE] [--dry-run] [--json] [--who NAME]\n"
    "                  FILE\n"
    "stats: per attribute, the model's suggestions people reviewed (accepted unchanged = correct;\n"
    "  fixed or rejected = wrong), precision with its 95 % Wilson lower bound, precision by\n"
    "  confidence, coverage against precision and the calibration.\n"
    "auto-accept: per attribute the threshold is the lowest confidence c among its reviewed\n"
    "  suggestions such that those with confidence >= c number at least M and the Wilson lower\n"
    "  bound of their precision is at least P (0 < P <= 1); the pending suggestions with\n"
    "  confidence >= c are accepted, each audited with its rule. No threshold, no rule.\n"
    "undo: takes back one auto-accept run (default: the newest not undone) as one step.\n"
    "import: FILE is CSV (image,attribute,value; a header row is optional) or JSON Lines\n"
    "  ({\"image\": …, \"attribute\": …, \"value\": …}); image is an id, a path or a file name.\n"
    "  Each pending suggestion of that image and attribute is accepted (same value) or fixed\n"
    "  (another value) as if --who had reviewed it. Every row is checked first: an unknown image,\n"
    "  attribute or value stops the import with nothing changed.\n"
    "--dry-run never writes. Exit 0 done; 2 usage or bad input (nothing changed), 10 the\n"
    "catalogue, 12 the taxonomy.\n";

int fail(int code, const QString& why) {
    std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(why));
    return code;
}

void printJson(const QJsonObject& o) {
    std::fputs(QJsonDocument(o).toJson(QJsonDocument::Indented).constData(), stdout);
}

QString who(const QCommandLineParser& p) {
    if (p.isSet(QStringLiteral("who")))
        return p.value(QStringLiteral("who"));
    return qEnvironmentVariable("USER", QStringLiteral("cli"));
}

QStringList attributeOrder(const catalog::Taxonomy& t) {
    QStringList out;
    for (const catalog::TaxonomyAttribute& a : t.attributes())
        out << a.code;
    return out;
}

QString pct(double v) {
    return QString::number(v * 100, 'f', 1);
}

// ---- stats ------------------------------------------------------------------------------------

int runStats(const QCommandLineParser& p, catalog::CatalogDb& db, const catalog::Taxonomy& t) {
    QString err;
    const auto stats = review::measure(db, attributeOrder(t), &err);
    if (!stats)
        return fail(10, err);
    int reviewed = 0, correct = 0, pending = 0;
    QJsonArray attrs;
    for (const review::AttributeStats& s : *stats) {
        reviewed += s.reviewed;
        correct += s.correct();
        pending += s.pending;
        QJsonObject o = review::statsJson(s);
        o.insert(QStringLiteral("in_taxonomy"), t.attribute(s.attribute) != nullptr);
        attrs.append(o);
    }
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("attributes"), attrs},
                   {QStringLiteral("reviewed"), reviewed},
                   {QStringLiteral("correct"), correct},
                   {QStringLiteral("pending"), pending}});
        return 0;
    }
    if (reviewed == 0)
        std::printf(
            "No reviewed suggestions yet: accept, fix or reject some (or `vistag-cli "
            "review import` answers you have) to measure the model.\n");
    std::printf("%-16s %8s %8s %6s %8s %10s %9s %8s %10s\n", "attribute", "reviewed", "correct",
                "fixed", "rejected", "precision", "lower 95%", "pending", "calibrated");
    for (const review::AttributeStats& s : *stats)
        std::printf(
            "%-16s %8d %8d %6d %8d %9s%% %8s%% %8d %10s\n", qPrintable(s.attribute), s.reviewed,
            s.correct(), s.fixed, s.rejected, s.reviewed ? qPrintable(pct(s.precision())) : "   -",
            qPrintable(pct(s.lowerBound)), s.pending, s.calibration.isEmpty() ? "no" : "yes");
    return 0;
}

// ---- auto-accept ------------------------------------------------------------------------------

int runAutoAccept(const QCommandLineParser& p, catalog::CatalogDb& db, const catalog::Taxonomy& t) {
    bool ok = false;
    const double minPrecision = p.value(QStringLiteral("min-precision")).toDouble(&ok);
    if (!ok || !(minPrecision > 0 && minPrecision <= 1))
        return usageError(QStringLiteral("--min-precision must be a number above 0 and at most "
                                         "1 (it is '%1')")
                              .arg(p.value(QStringLiteral("min-precision"))),
                          kUsage);
    const int minReviewed = p.value(QStringLiteral("min-reviewed")).toInt(&ok);
    if (!ok || minReviewed < 1)
        return usageError(QStringLiteral("--min-reviewed must be a whole number, 1 or more (it "
                                         "is '%1')")
                              .arg(p.value(QStringLiteral("min-reviewed"))),
                          kUsage);
    QString err;
    const auto stats = review::measure(db, attributeOrder(t), &err);
    if (!stats)
        return fail(10, err);
    QStringList wanted = p.values(QStringLiteral("attribute"));
    for (QString& a : wanted) {
        if (const auto* attr = t.findAttribute(a))
            a = attr->code;
        const bool known =
            std::any_of(stats->cbegin(), stats->cend(),
                        [&](const review::AttributeStats& s) { return s.attribute == a; });
        if (!known && !t.attribute(a))
            return usageError(QStringLiteral("--attribute '%1' is neither in the taxonomy nor in "
                                             "the catalogue")
                                  .arg(a),
                              kUsage);
    }
    QList<catalog::RuleThreshold> rules;
    QList<QPair<QString, review::ThresholdResult>> results;
    for (const review::AttributeStats& s : *stats) {
        if (!wanted.isEmpty() && !wanted.contains(s.attribute))
            continue;
        review::ThresholdResult r = review::findThreshold(s.samples, minPrecision, minReviewed);
        if (r.threshold) {
            r.wouldAccept = review::wouldAccept(s, *r.threshold);
            rules.append({s.attribute, *r.threshold, minPrecision, minReviewed, r.lowerBound,
                          r.reviewedAbove});
        }
        results.append({s.attribute, r});
    }
    for (const QString& a : wanted)  // asked for, but no suggestions at all
        if (std::none_of(results.cbegin(), results.cend(),
                         [&](const auto& r) { return r.first == a; })) {
            review::ThresholdResult r;
            r.reason = QStringLiteral("no suggestions for this attribute yet");
            results.append({a, r});
        }
    const bool dry = p.isSet(QStringLiteral("dry-run"));
    std::optional<catalog::AutoAcceptResult> done;
    if (dry) {  // the same suggestions autoAccept() takes: pending, model's, confidence >= c
        done.emplace();
        for (const review::AttributeStats& s : *stats)
            for (const catalog::RuleThreshold& r : rules)
                if (r.attribute == s.attribute)
                    done->acceptedPerAttribute.insert(s.attribute,
                                                      review::wouldAccept(s, r.threshold));
    } else if (!rules.isEmpty()) {
        done = db.autoAccept(rules, who(p), &err);
        if (!done)
            return fail(10, err);
    }
    QJsonArray attrs;
    int total = 0;
    for (const auto& [attribute, r] : results) {
        const int n = done ? done->acceptedPerAttribute.value(attribute, 0) : 0;
        total += n;
        QJsonObject o{
            {QStringLiteral("attribute"), attribute},
            {QStringLiteral("threshold"), r.threshold ? QJsonValue(*r.threshold) : QJsonValue()},
            {QStringLiteral("would_accept"), n},
            {QStringLiteral("reviewed_above"), r.reviewedAbove},
            {QStringLiteral("correct_above"), r.correctAbove},
            {QStringLiteral("precision_lower_bound"), r.lowerBound}};
        if (!r.reason.isEmpty())
            o.insert(QStringLiteral("reason"), r.reason);
        attrs.append(o);
    }
    const qint64 runId = done ? done->runId : 0;
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("attributes"), attrs},
                   {QStringLiteral("min_precision"), minPrecision},
                   {QStringLiteral("min_reviewed"), minReviewed},
                   {QStringLiteral("dry_run"), dry},
                   {QStringLiteral("accepted"), dry ? 0 : total},
                   {QStringLiteral("run"), runId ? QJsonValue(double(runId)) : QJsonValue()}});
        return 0;
    }
    for (const auto& [attribute, r] : results) {
        if (r.threshold)
            std::printf(
                "%-16s threshold %.4g: %d reviewed at or above, precision >= %s%% (95%%); "
                "%s %d\n",
                qPrintable(attribute), *r.threshold, r.reviewedAbove, qPrintable(pct(r.lowerBound)),
                dry ? "would accept" : "accepted",
                done ? done->acceptedPerAttribute.value(attribute, 0) : 0);
        else
            std::printf("%-16s no rule: %s\n", qPrintable(attribute), qPrintable(r.reason));
    }
    if (dry)
        std::printf("dry run: would accept %d suggestions; nothing was changed\n", total);
    else if (runId)
        std::printf(
            "accepted %d suggestions (run %lld; `vistag-cli review undo --run %lld` "
            "takes it back)\n",
            total, static_cast<long long>(runId), static_cast<long long>(runId));
    else
        std::printf("nothing to accept\n");
    return 0;
}

int runUndo(const QCommandLineParser& p, catalog::CatalogDb& db) {
    QString err;
    qint64 runId = 0;
    if (p.isSet(QStringLiteral("run"))) {
        bool ok = false;
        runId = p.value(QStringLiteral("run")).toLongLong(&ok);
        if (!ok || runId < 1)
            return usageError(QStringLiteral("--run must be a run id (a whole number)"), kUsage);
    } else {
        const auto runs = db.ruleRuns(&err);
        if (!runs)
            return fail(10, err);
        for (const catalog::RuleRun& r : *runs)
            if (!r.undoneAt.isValid()) {
                runId = r.id;
                break;
            }
        if (runId == 0)
            return fail(2, QStringLiteral("no auto-accept run to undo in %1").arg(db.path()));
    }
    int restored = 0;
    if (!db.undoRuleRun(runId, who(p), &err, &restored))
        return fail(err.startsWith(QLatin1String("There is no run")) ||
                            err.contains(QLatin1String("undone already"))
                        ? 2
                        : 10,
                    err);
    if (p.isSet(QStringLiteral("json")))
        printJson({{QStringLiteral("run"), double(runId)}, {QStringLiteral("restored"), restored}});
    else
        std::printf("run %lld undone: %d suggestions are pending again\n",
                    static_cast<long long>(runId), restored);
    return 0;
}

// ---- import -----------------------------------------------------------------------------------

// One CSV record per line (quoted fields may hold commas and doubled quotes; not newlines).
QStringList csvFields(const QString& line) {
    QStringList out;
    QString cur;
    bool quoted = false;
    for (int i = 0; i < line.size(); ++i) {
        const QChar c = line[i];
        if (quoted) {
            if (c == QLatin1Char('"') && i + 1 < line.size() && line[i + 1] == QLatin1Char('"')) {
                cur += c;
                ++i;
            } else if (c == QLatin1Char('"')) {
                quoted = false;
            } else {
                cur += c;
            }
        } else if (c == QLatin1Char('"')) {
            quoted = true;
        } else if (c == QLatin1Char(',')) {
            out << cur;
            cur.clear();
        } else {
            cur += c;
        }
    }
    out << cur;
    for (QString& f : out)
        f = f.trimmed();
    return out;
}

struct RawAnswer {
    QString image, attribute, value, where;
};

std::optional<QList<RawAnswer>> readAnswers(const QString& path, QStringList* problems) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        *problems << QStringLiteral("%1: cannot be read (%2)").arg(path, f.errorString());
        return std::nullopt;
    }
    const QString name = QFileInfo(path).fileName();
    QList<RawAnswer> out;
    int row = 0;
    const QStringList lines = QString::fromUtf8(f.readAll()).split(QLatin1Char('\n'));
    bool jsonl = path.endsWith(QLatin1String(".jsonl"), Qt::CaseInsensitive) ||
                 path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive);
    if (!jsonl && !path.endsWith(QLatin1String(".csv"), Qt::CaseInsensitive))
        for (const QString& l : lines)
            if (!l.trimmed().isEmpty()) {
                jsonl = l.trimmed().startsWith(QLatin1Char('{'));
                break;
            }
    for (QString line : lines) {
        ++row;
        if (line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        if (row == 1 && line.startsWith(QChar(0xFEFF)))
            line.remove(0, 1);
        if (line.trimmed().isEmpty())
            continue;
        const QString where = QStringLiteral("%1:%2").arg(name).arg(row);
        if (jsonl) {
            QJsonParseError pe;
            const QJsonDocument d = QJsonDocument::fromJson(line.toUtf8(), &pe);
            if (!d.isObject()) {
                *problems << QStringLiteral("%1: not a JSON object (%2)")
                                 .arg(where, pe.error != QJsonParseError::NoError
                                                 ? pe.errorString()
                                                 : QStringLiteral("another JSON value"));
                continue;
            }
            const QJsonObject o = d.object();
            const QJsonValue image = o.value(QStringLiteral("image"));
            RawAnswer a{image.isDouble() ? QString::number(qint64(image.toDouble()))
                                         : image.toString().trimmed(),
                        o.value(QStringLiteral("attribute")).toString().trimmed(),
                        o.value(QStringLiteral("value")).toString().trimmed(), where};
            if (a.image.isEmpty() || a.attribute.isEmpty() || a.value.isEmpty()) {
                *problems << QStringLiteral("%1: needs \"image\", \"attribute\" and \"value\"")
                                 .arg(where);
                continue;
            }
            out << a;
            continue;
        }
        const QStringList f3 = csvFields(line);
        if (out.isEmpty() && row == 1 && f3.size() >= 3 &&
            f3[0].compare(QLatin1String("image"), Qt::CaseInsensitive) == 0 &&
            f3[1].compare(QLatin1String("attribute"), Qt::CaseInsensitive) == 0)
            continue;  // the header row
        if (f3.size() != 3 || f3[0].isEmpty() || f3[1].isEmpty() || f3[2].isEmpty()) {
            *problems << QStringLiteral("%1: needs three fields image,attribute,value (has %2)")
                             .arg(where)
                             .arg(f3.size());
            continue;
        }
        out << RawAnswer{f3[0], f3[1], f3[2], where};
    }
    return out;
}

// Image ids by file name (read once, on the first answer that names a file): ids, paths and the
// file names of the catalogue.
using NameIndex = QHash<QString, QList<qint64>>;

std::optional<qint64> resolveImage(const catalog::CatalogDb& db, const QString& text,
                                   std::optional<NameIndex>* names, QString* problem) {
    QString err;
    static const QRegularExpression digits(QStringLiteral("^[0-9]+$"));
    if (digits.match(text).hasMatch()) {
        const auto img = db.imageById(text.toLongLong(), &err);
        if (img)
            return img->id;
    }
    if (const auto img = db.imageByPath(QFileInfo(text).absoluteFilePath(), &err); img)
        return img->id;
    if (const auto img = db.imageByPath(text, &err); img)
        return img->id;
    if (!err.isEmpty()) {
        *problem = err;
        return std::nullopt;
    }
    if (!*names) {
        const auto all = db.listImages({}, &err);
        if (!all) {
            *problem = err;
            return std::nullopt;
        }
        names->emplace();
        for (const catalog::ImageRecord& r : *all)
            (**names)[QFileInfo(r.path).fileName()] << r.id;
    }
    const QList<qint64> exact = (*names)->value(text);
    if (exact.size() == 1)
        return exact.first();
    *problem = exact.isEmpty()
                   ? QStringLiteral(
                         "unknown image '%1' (no id, path or file name in the "
                         "catalogue matches)")
                         .arg(text)
                   : QStringLiteral("the file name '%1' names %2 images; give the path or id")
                         .arg(text)
                         .arg(exact.size());
    return std::nullopt;
}

int runImport(const QCommandLineParser& p, catalog::CatalogDb& db, const catalog::Taxonomy& t) {
    const QStringList files = p.positionalArguments().mid(1);  // after "import"
    if (files.size() != 1)
        return usageError(QStringLiteral("review import takes one FILE"), kUsage);
    QStringList problems;
    const auto raw = readAnswers(files.first(), &problems);
    QList<catalog::KnownAnswer> answers;
    std::optional<NameIndex> names;
    if (raw)
        for (const RawAnswer& a : *raw) {
            QString problem;
            const auto image = resolveImage(db, a.image, &names, &problem);
            if (!image) {
                problems << QStringLiteral("%1: %2").arg(a.where, problem);
                continue;
            }
            const catalog::TaxonomyAttribute* attr = t.findAttribute(a.attribute);
            if (!attr) {
                problems << QStringLiteral("%1: unknown attribute '%2' (not in the taxonomy %3)")
                                .arg(a.where, a.attribute, t.name());
                continue;
            }
            QString value = a.value;
            if (!attr->values.isEmpty()) {
                const catalog::TaxonomyValue* v = t.findValue(attr->code, a.value);
                if (!v) {
                    problems << QStringLiteral("%1: '%2' is not a value of %3 in the taxonomy")
                                    .arg(a.where, a.value, attr->code);
                    continue;
                }
                value = v->code;
            }
            answers.append({*image, attr->code, value, a.where});
        }
    if (raw && raw->isEmpty() && problems.isEmpty())
        problems << QStringLiteral("%1: no answers in the file").arg(files.first());
    if (!problems.isEmpty()) {
        const int shown = std::min<int>(problems.size(), 20);
        for (int i = 0; i < shown; ++i)
            std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(problems[i]));
        if (problems.size() > shown)
            std::fprintf(stderr, "vistag-cli: … and %lld more problems\n",
                         static_cast<long long>(problems.size() - shown));
        std::fprintf(stderr, "vistag-cli: nothing was imported\n");
        return 2;
    }
    QString err;
    const bool dry = p.isSet(QStringLiteral("dry-run"));
    const auto r =
        db.resolveWithAnswers(answers, who(p), QFileInfo(files.first()).fileName(), &err, dry);
    if (!r)
        return fail(10, err);
    if (p.isSet(QStringLiteral("json"))) {
        printJson({{QStringLiteral("answers"), static_cast<int>(answers.size())},
                   {QStringLiteral("accepted"), r->accepted},
                   {QStringLiteral("fixed"), r->fixed},
                   {QStringLiteral("rejected"), r->rejected},
                   {QStringLiteral("without_suggestion"), r->answersWithoutSuggestion},
                   {QStringLiteral("dry_run"), dry}});
        return 0;
    }
    std::printf(
        "%s%lld answers: %d suggestions accepted, %d fixed, %d rejected; %d answers had no "
        "pending suggestion%s\n",
        dry ? "dry run: " : "", static_cast<long long>(answers.size()), r->accepted, r->fixed,
        r->rejected, r->answersWithoutSuggestion, dry ? "; nothing was changed" : "");
    return 0;
}

}  // namespace

int runReview(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions(catalogueOptions());
    p.addOptions(
        {{"taxonomy", "Taxonomy JSON (attribute order, import values).", "FILE"},
         {"json", "Print JSON."},
         {"dry-run", "Count what would change; change nothing."},
         {"min-precision", "auto-accept: target precision, (0, 1].", "P"},
         {"min-reviewed", "auto-accept: reviewed suggestions at or above the threshold.", "M"},
         {"attribute", "auto-accept: only this attribute (repeatable).", "CODE"},
         {"run", "undo: the auto-accept run.", "ID"},
         {"who", "The name decisions are audited under (default $USER).", "NAME"}});
    if (int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    applyCatalogueOptions(p);
    const QStringList pos = p.positionalArguments();
    const QString sub = pos.value(0);
    const QStringList subs{"stats", "auto-accept", "undo", "import"};
    if (!subs.contains(sub))
        return usageError(sub.isEmpty() ? QStringLiteral("review needs stats, auto-accept, undo or "
                                                         "import")
                                        : QStringLiteral("unknown review command '%1'").arg(sub),
                          kUsage);
    if (!p.isSet(QStringLiteral("db")))
        return usageError(QStringLiteral("--db is required"), kUsage);
    if (sub != QLatin1String("import") && pos.size() > 1)
        return usageError(QStringLiteral("unexpected argument '%1'").arg(pos[1]), kUsage);
    if (sub == QLatin1String("auto-accept"))
        for (const char* required : {"min-precision", "min-reviewed"})
            if (!p.isSet(QLatin1String(required)))
                return usageError(QStringLiteral("--%1 is required").arg(QLatin1String(required)),
                                  kUsage);
    int rc = 0;
    const auto taxonomy = taxonomyFromOption(p, &rc);
    if (!taxonomy)
        return rc;
    const bool dry = p.isSet(QStringLiteral("dry-run"));
    const QString location = p.value(QStringLiteral("db"));
    if (!catalog::CatalogDb::isDatabaseAddress(location) && !QFileInfo::exists(location))
        return fail(10, QStringLiteral("no catalogue at %1").arg(location));
    QString err;
    catalog::CatalogDb db;
    // A dry run opens the catalogue read-only: it cannot write, not even a schema upgrade.
    // stats upgrades an older catalogue like every other command, and reads one it cannot write
    // (read-only media) as it is.
    const bool opened =
        dry ? db.open(location, &err, catalog::CatalogDb::OpenMode::ReadOnly)
            : db.open(location, &err) ||
                  (sub == QLatin1String("stats") &&
                   db.open(location, nullptr, catalog::CatalogDb::OpenMode::ReadOnly));
    if (!opened)
        return fail(10, dry ? err + QStringLiteral(" (a dry run never writes: run any other "
                                                   "vistag-cli command on it once first)")
                            : err);
    if (sub == QLatin1String("stats"))
        return runStats(p, db, *taxonomy);
    if (sub == QLatin1String("auto-accept"))
        return runAutoAccept(p, db, *taxonomy);
    if (sub == QLatin1String("undo"))
        return runUndo(p, db);
    return runImport(p, db, *taxonomy);
}

}  // namespace vistag::cli

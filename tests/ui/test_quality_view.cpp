// Tools → Model quality… and Tools → Review rules…, clicked as a person would, in English and in
// Chinese: the quality view shows the catalogue's numbers (those of `vistag-cli review stats`)
// and its charts; the rules page shows each attribute's threshold and what it would accept,
// "Accept now" accepts exactly those suggestions (each by its rule), "Undo last run" takes them
// back. Screenshots: quality-view-<lang>.png, review-rules-<lang>.png.
#include <QAction>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QFileInfo>
#include <QImage>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QTreeWidgetItemIterator>
#include <QtTest>

#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "catalog_pane.h"
#include "main_window.h"
#include "quality_view.h"
#include "review_rules_page.h"
#include "settings_test_util.h"
#include "tag_editor.h"
#include "translations.h"

using namespace vistag;

namespace {

const QString kModel = QStringLiteral("model:test");

// 50 colour suggestions: 40 reviewed at confidence 0.025 … 1.0 (above 0.25 accepted, the others
// fixed), 10 pending (0.05 … 0.25 and 0.8 … 1.0). Season: 6 reviews, half rejected.
struct Built {
    QList<qint64> pendingHigh;  // colour, confidence >= 0.5, undecided
    QList<qint64> pendingLow;
};

Built build(catalog::CatalogDb& db, const QString& folder) {
    Built out;
    const auto addImage = [&](int i) {
        const QString path = folder + QStringLiteral("/img%1.png").arg(i);
        QImage img(32, 32, QImage::Format_RGB32);
        img.fill(QColor::fromHsv((i * 37) % 360, 160, 200));
        img.save(path);
        catalog::ImageRecord r;
        r.path = path;
        r.contentHash = QStringLiteral("h%1").arg(i);
        r.width = r.height = 32;
        return db.addImage(r).value_or(0);
    };
    const auto suggest = [&](qint64 image, const QString& attribute, const QString& value,
                             double confidence) {
        catalog::TagSuggestion s;
        s.attribute = attribute;
        s.valueCode = value;
        s.rawText = value;
        s.confidence = confidence;
        return db.addSuggestions(image, 0, {s}, kModel).value_or(QList<qint64>{}).value(0);
    };
    for (int i = 0; i < 50; ++i) {
        const qint64 image = addImage(i);
        const double c = i < 40 ? (i + 1) / 40.0 : i < 45 ? 0.05 * (i - 39) : 0.8 + 0.05 * (i - 45);
        const qint64 colour = suggest(image, QStringLiteral("colour"), QStringLiteral("red"), c);
        if (i >= 40) {  // pending
            (c >= 0.5 ? out.pendingHigh : out.pendingLow) << colour;
        } else if (c > 0.25) {
            db.acceptTag(colour, QStringLiteral("anna"));
        } else {
            db.fixTag(colour, QStringLiteral("blue"), false, QStringLiteral("anna"));
        }
        if (i < 6) {
            const qint64 season =
                suggest(image, QStringLiteral("season"), QStringLiteral("summer"), 0.8);
            if (i % 2)
                db.acceptTag(season, QStringLiteral("anna"));
            else
                db.rejectTag(season, QStringLiteral("anna"));
        }
    }
    return out;
}

int rowOf(QTableWidget* table, const QString& code) {
    for (int r = 0; r < table->rowCount(); ++r)
        if (table->item(r, 0)->data(Qt::UserRole).toString() == code)
            return r;
    return -1;
}

}  // namespace

class TestQualityView final : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() {
        test::isolateSettings(QStringLiteral("test_quality_view"), config_, logs_);
    }
    void cleanupTestCase() { ui::installTranslations(*qApp, QStringLiteral("en")); }

    void qualityViewAndRules_data() {
        QTest::addColumn<QString>("language");
        QTest::newRow("English") << QStringLiteral("en");
        QTest::newRow("Chinese") << QStringLiteral("zh_CN");
    }
    void qualityViewAndRules() {
        QFETCH(QString, language);
        ui::installTranslations(*qApp, language);
        QTemporaryDir tmp;
        const QString dbPath = tmp.filePath(QStringLiteral("shop.sqlite"));
        Built built;
        {
            catalog::CatalogDb db;
            QVERIFY(db.open(dbPath));
            built = build(db, tmp.path());
        }
        ui::MainWindow w(dbPath);
        w.resize(1200, 800);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));

        // Tools → Model quality…
        QAction* quality = w.findChild<QAction*>(QStringLiteral("tools.quality"));
        QVERIFY(quality);
        quality->trigger();
        auto* view = w.findChild<ui::QualityView*>();
        QVERIFY(view);
        QVERIFY(QTest::qWaitForWindowExposed(view));
        QTableWidget* table = view->table();
        const int colour = rowOf(table, QStringLiteral("colour"));
        QVERIFY(colour >= 0);
        QCOMPARE(table->item(colour, 1)->text(), QStringLiteral("40"));  // reviewed
        QCOMPARE(table->item(colour, 2)->text(), QStringLiteral("30"));  // accepted
        QCOMPARE(table->item(colour, 3)->text(), QStringLiteral("10"));  // fixed
        QCOMPARE(table->item(colour, 7)->text(), QStringLiteral("10"));  // pending
        const int season = rowOf(table, QStringLiteral("season"));
        QCOMPARE(table->item(season, 4)->text(), QStringLiteral("3"));  // rejected
        // Clicking a row shows that attribute's charts.
        QTest::mouseClick(table->viewport(), Qt::LeftButton, {},
                          table->visualItemRect(table->item(colour, 0)).center());
        QCOMPARE(table->currentRow(), colour);
        QCOMPARE(view->chartViews().size(), 4);
        for (QChartView* c : view->chartViews())
            QVERIFY(!c->chart()->series().isEmpty());
        QVERIFY(view->chartViews()[0]->chart()->title().contains(table->item(colour, 0)->text()));
        QTest::qWait(50);
        QVERIFY(view->grab().save(test::artifactPath(QStringLiteral("quality-view-") + language)));
        // Write report… writes the same numbers.
        QString error;
        const QString report = tmp.filePath(QStringLiteral("report.html"));
        QVERIFY2(view->writeReport(report, &error), qPrintable(error));
        QVERIFY(QFileInfo(report).size() > 1000);
        view->close();

        // Tools → Review rules…: colour at 85 % with 10 reviews.
        QAction* rulesAction = w.findChild<QAction*>(QStringLiteral("tools.reviewRules"));
        QVERIFY(rulesAction);
        rulesAction->trigger();
        auto* page = w.findChild<ui::ReviewRulesPage*>();
        QVERIFY(page);
        QVERIFY(QTest::qWaitForWindowExposed(page));
        QTableWidget* rules = page->table();
        const int row = rowOf(rules, QStringLiteral("colour"));
        QVERIFY(row >= 0);
        auto* on = qobject_cast<QCheckBox*>(rules->cellWidget(row, 1));
        auto* target = qobject_cast<QDoubleSpinBox*>(rules->cellWidget(row, 2));
        auto* reviews = qobject_cast<QSpinBox*>(rules->cellWidget(row, 3));
        QVERIFY(on && target && reviews);
        QVERIFY(!on->isChecked());  // no rule saved yet
        QTest::mouseClick(on, Qt::LeftButton, {}, QPoint(4, on->height() / 2));
        QVERIFY(on->isChecked());
        target->selectAll();
        QTest::keyClicks(target, QStringLiteral("85"));
        QTest::keyClick(target, Qt::Key_Tab);
        reviews->selectAll();
        QTest::keyClicks(reviews, QStringLiteral("10"));
        QTest::keyClick(reviews, Qt::Key_Tab);
        QCOMPARE(target->value(), 85.0);
        QCOMPARE(reviews->value(), 10);
        // The 30 reviews above 0.25 are all right: 30 of 30 has a Wilson bound of 0.886, so the
        // threshold is 0.275 (31 reviews at 0.25 include a wrong one: 0.838 < 0.85).
        QList<review::Sample> samples;
        for (int i = 0; i < 40; ++i)
            samples.append({(i + 1) / 40.0, (i + 1) / 40.0 > 0.25});
        const auto expected = review::findThreshold(samples, 0.85, 10);
        QVERIFY(expected.threshold);
        QCOMPARE(*expected.threshold, 0.275);
        QCOMPARE(rules->item(row, 4)->text(), QString::number(*expected.threshold, 'g', 3));
        const int would = static_cast<int>(built.pendingHigh.size());  // 0.8 … 1.0
        QCOMPARE(would, 5);
        QCOMPARE(rules->item(row, 5)->text(), QString::number(would));
        QVERIFY(page->grab().save(test::artifactPath(QStringLiteral("review-rules-") + language)));

        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("acceptNow")),
                          Qt::LeftButton);
        catalog::CatalogDb check;
        QVERIFY(check.open(dbPath));
        int accepted = 0;
        for (qint64 id : built.pendingHigh + built.pendingLow) {
            const catalog::TagRecord t = check.tagById(id).value();
            const bool above = t.confidence >= *expected.threshold;
            QCOMPARE(t.status,
                     above ? catalog::TagStatus::Accepted : catalog::TagStatus::Suggested);
            if (above) {
                ++accepted;
                const auto how = check.ruleAcceptance(id);
                QVERIFY(how);
                QCOMPARE(how->rule.threshold, *expected.threshold);
                QCOMPARE(how->rule.minPrecision, 0.85);
            }
        }
        QCOMPARE(accepted, would);
        QVERIFY2(page->statusLabel()->text().contains(QString::number(would)),
                 qPrintable(page->statusLabel()->text()));
        QCOMPARE(check.reviewRules()->value(0).attribute, QStringLiteral("colour"));
        page->hide();

        // The grid's filter "Accepted by a rule" lists those images; the tag editor says so.
        QComboBox* state = w.catalogPane()->stateBox();
        state->setCurrentIndex(state->findData(QStringLiteral("rule")));
        QTRY_COMPARE(w.catalogModel()->rowCount(), would);
        const qint64 ruled = check.tagById(built.pendingHigh.first())->imageId;
        w.selectRow(w.catalogModel()->rowOfImage(ruled));
        QTreeWidgetItem* shown = nullptr;
        for (QTreeWidgetItemIterator it(w.tagEditor()->tree()); *it; ++it)
            if ((*it)->data(0, Qt::UserRole + 1).toLongLong() == built.pendingHigh.first() ||
                (*it)->toolTip(2).contains(QStringLiteral("0.275")))
                shown = *it;
        QVERIFY(shown);
        QVERIFY2(shown->toolTip(2).contains(QStringLiteral("0.275")),
                 qPrintable(shown->toolTip(2)));
        QVERIFY(shown->text(2) != ui::ReviewRulesPage::tr("Accepted"));
        // Colour has 40 reviews: its confidence is shown calibrated (every review above 0.275
        // was right: 0.80 → 1.00), the model's own value in the tooltip.
        QVERIFY2(shown->text(1).startsWith(QStringLiteral("1.00")), qPrintable(shown->text(1)));
        QVERIFY2(shown->toolTip(1).contains(QStringLiteral("0.80")), qPrintable(shown->toolTip(1)));
        QVERIFY(w.grab().save(test::artifactPath(QStringLiteral("accepted-by-rule-") + language)));
        state->setCurrentIndex(0);
        page->show();

        QTest::mouseClick(page->findChild<QPushButton*>(QStringLiteral("undoRun")), Qt::LeftButton);
        for (qint64 id : built.pendingHigh + built.pendingLow)
            QCOMPARE(check.tagById(id)->status, catalog::TagStatus::Suggested);
        page->close();
    }

private:
    QTemporaryDir config_, logs_;
};

QTEST_MAIN(TestQualityView)
#include "test_quality_view.moc"

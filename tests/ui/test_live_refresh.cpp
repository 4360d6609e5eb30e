// A window sees what another workstation does to the same catalogue without being told: new
// images, a decision on the tag it shows, while its selection stays. On SQLite (the file's change
// counter) and, as test_live_refresh_pg, on the test PostgreSQL server (LISTEN/NOTIFY).
#include <QListView>
#include <QTemporaryDir>
#include <QTreeWidget>
#include <QtTest>

#include "catalog/catalog_db.h"
#include "catalog_model.h"
#include "main_window.h"
#include "pg_test_util.h"

using namespace vistag;
using namespace vistag::catalog::testing;

namespace {

catalog::ImageRecord image(const QString& path) {
    catalog::ImageRecord r;
    r.path = path;
    r.contentHash = QStringLiteral("hash-") + path;
    r.width = 640;
    r.height = 480;
    return r;
}

}  // namespace

class TestLiveRefresh final : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString location_;

private slots:
    void init() {
        location_ = dir_.filePath(QStringLiteral("team.sqlite"));
        if (!testPgAddress().isEmpty()) {
            QString error;
            location_ = freshPgDatabase(&error);
            QVERIFY2(!location_.isEmpty(), qPrintable(error));
        }
    }
    void cleanup() {
        if (location_.startsWith(QLatin1String("postgresql:")))
            dropPgDatabase(location_);
        QFile::remove(dir_.filePath(QStringLiteral("team.sqlite")));
    }

    void otherWorkstationsChangesAppear() {
        catalog::CatalogDb other;  // the other workstation
        QString error;
        QVERIFY2(other.open(location_, &error), qPrintable(error));
        QList<qint64> ids;
        for (const char* name : {"/share/a.jpg", "/share/b.jpg", "/share/c.jpg"})
            ids << other.addImage(image(QString::fromLatin1(name))).value_or(0);
        catalog::TagSuggestion s;
        s.attribute = QStringLiteral("style");
        s.valueCode = QStringLiteral("boho");
        s.confidence = 0.4;
        const qint64 tag =
            other.addSuggestions(ids[1], 0, {s}, QStringLiteral("model:m"))->value(0);

        ui::MainWindow w(location_);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* view = w.findChild<QListView*>();
        QVERIFY(view);
        auto* model = qobject_cast<ui::CatalogModel*>(view->model());
        QVERIFY(model);
        QCOMPARE(model->rowCount(), 3);
        // This workstation looks at image b.
        view->setCurrentIndex(model->index(1));
        QCOMPARE(view->selectionModel()->selectedIndexes().size(), 1);
        auto* tree = w.findChild<QTreeWidget*>();
        QVERIFY(tree);
        const auto treeText = [tree] {
            QStringList out;
            for (QTreeWidgetItemIterator it(tree); *it; ++it)
                out << (*it)->data(2, Qt::UserRole).toString() + QLatin1Char(' ') +
                           (*it)->toolTip(2);
            return out.join(QLatin1Char('|'));
        };
        QCOMPARE(model->index(1)
                     .data(ui::CatalogModel::ReviewStateRole)
                     .value<vistag::catalog::ReviewState>(),
                 vistag::catalog::ReviewState::Suggested);

        // The other workstation accepts b's tag and adds an image.
        QVERIFY(other.acceptTag(tag, QStringLiteral("anna")));
        other.addImage(image(QStringLiteral("/share/d.jpg")));
        QTRY_COMPARE_WITH_TIMEOUT(model->rowCount(), 4, 5000);
        QTRY_COMPARE_WITH_TIMEOUT(model->index(1)
                                      .data(ui::CatalogModel::ReviewStateRole)
                                      .value<vistag::catalog::ReviewState>(),
                                  vistag::catalog::ReviewState::Reviewed, 5000);
        QTRY_VERIFY_WITH_TIMEOUT(treeText().contains(QLatin1String("accepted")), 5000);
        QVERIFY2(treeText().contains(QLatin1String("anna")), qPrintable(treeText()));
        // The selection stayed on b.
        const auto selected = view->selectionModel()->selectedIndexes();
        QCOMPARE(selected.size(), 1);
        QCOMPARE(selected[0].data(ui::CatalogModel::ImageIdRole).toLongLong(), ids[1]);
        QCOMPARE(view->currentIndex().data(ui::CatalogModel::ImageIdRole).toLongLong(), ids[1]);
    }
};

QTEST_MAIN(TestLiveRefresh)
#include "test_live_refresh.moc"

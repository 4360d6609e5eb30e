// CatalogDb: seeing other connections' changes (another workstation's edits, new images, batch
// progress) — PostgreSQL notifications, or SQLite's data_version.
#include <QSqlDriver>
#include <QSqlError>
#include <QSqlQuery>
#include <QTimer>
#include <algorithm>

#include "catalog/catalog_db.h"
#include "catalog/catalog_db_impl.h"

namespace vistag::catalog {
namespace {

const QString kChannel = QStringLiteral("vistag_catalog");
// Notifications that arrive together (a worker stores a run, its tags and its progress) are
// reported once, this long after the first.
constexpr int kCoalesceMs = 250;
// SQLite has no notifications: the file's change counter is read this often.
constexpr int kPollMs = 1000;
// A PostgreSQL connection that broke delivers nothing: it is checked this often and made again
// when the server is back (what changed meanwhile is then shown).
constexpr int kPingMs = 3000;

}  // namespace

bool CatalogDb::Impl::notifyChange(QString* error) const {
    // Delivered to the listeners when the transaction commits, and only then.
    QSqlQuery q(db);
    if (q.exec(QStringLiteral("NOTIFY %1").arg(kChannel)))
        return true;
    setError(error, describe(q.lastError()));
    return false;
}

bool CatalogDb::watchChanges(QObject* context, std::function<void()> onChange, QString* error) {
    if (!d_->checkOpen(error))
        return false;
    auto* coalesce = new QTimer(context);
    d_->watchers << coalesce;
    coalesce->setSingleShot(true);
    coalesce->setInterval(kCoalesceMs);
    QObject::connect(coalesce, &QTimer::timeout, context, std::move(onChange));
    const auto changed = [coalesce] {
        if (!coalesce->isActive())
            coalesce->start();
    };
    if (d_->pg()) {
        QSqlDriver* driver = d_->db.driver();
        QObject::connect(
            driver, &QSqlDriver::notification, context,
            [changed](const QString& name, QSqlDriver::NotificationSource source, const QVariant&) {
                if (name == kChannel && source == QSqlDriver::OtherSource)
                    changed();
            });
        if (!driver->subscribeToNotification(kChannel)) {
            setError(error, d_->describe(driver->lastError()));
            return false;
        }
        // A connection made again after the server came back listens again; what changed while
        // it was away is shown too.
        d_->onReconnected = [this, changed] {
            d_->db.driver()->subscribeToNotification(kChannel);
            changed();
        };
        auto* ping = new QTimer(context);
        d_->watchers << ping;
        ping->setInterval(kPingMs);
        QObject::connect(ping, &QTimer::timeout, context, [this, ping] {
            if (d_->inTransaction)
                return;
            d_->recover();  // a no-op while the connection answers
            // While the server stays away, try less often (a connection attempt to a host that
            // does not answer waits for the connect timeout).
            ping->setInterval(d_->isOpen() ? kPingMs : std::min(ping->interval() * 2, 60000));
        });
        ping->start();
        return true;
    }
    auto* poll = new QTimer(context);
    d_->watchers << poll;
    poll->setInterval(kPollMs);
    auto last = std::make_shared<qint64>(-1);
    const auto version = [this]() -> qint64 {
        QSqlQuery q(d_->db);
        if (!d_->isOpen() || !q.exec(QStringLiteral("PRAGMA data_version")) || !q.next())
            return -1;
        return q.value(0).toLongLong();
    };
    *last = version();
    QObject::connect(poll, &QTimer::timeout, context, [version, last, changed] {
        const qint64 now = version();
        if (now >= 0 && now != *last) {
            *last = now;
            changed();
        }
    });
    poll->start();
    return true;
}

}  // namespace vistag::catalog

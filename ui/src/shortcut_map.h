// The remappable keyboard map: every keyboard action of the window registers here once, with a
// stable id (the key in the settings file), a title for the Settings table, its default keys
// (product.md's map) and what it does. Keys the user chose are kept in QSettings under
// "shortcuts/<id>"; a change takes effect at once.
//
//     shortcuts->add(QStringLiteral("tag.rename"), tr("Rename tag"), {QKeySequence(Qt::Key_F2)},
//                    [this] { renameTag(); });
//     shortcuts->addAction(QStringLiteral("model.run"), runAction, {QKeySequence("Ctrl+T")});
#pragma once

#include <QHash>
#include <QKeySequence>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QStringList>
#include <functional>
#include <vector>

class QAction;
class QShortcut;
class QWidget;

namespace vistag::ui {

class ShortcutMap final : public QObject {
    Q_OBJECT
public:
    // The shortcuts work anywhere in `window` (Qt::WindowShortcut).
    explicit ShortcutMap(QWidget* window);

    // Registers an action run by keys only. Registering an id again replaces it.
    void add(const QString& id, const QString& title, const QList<QKeySequence>& defaults,
             std::function<void()> fn);
    // Registers a QAction (a menu item, say): its shortcuts follow the map. The title is the
    // action's text without its '&'.
    void addAction(const QString& id, QAction* action, const QList<QKeySequence>& defaults);

    QStringList ids() const;  // in registration order
    bool contains(const QString& id) const;
    QString title(const QString& id) const;
    // A new language: the title of an entry made with add() (an action's title is its text).
    void setTitle(const QString& id, const QString& title);
    QList<QKeySequence> keys(const QString& id) const;
    QList<QKeySequence> defaults(const QString& id) const;
    // Sets and saves an action's keys (empty sequences are dropped; none = no shortcut).
    void setKeys(const QString& id, const QList<QKeySequence>& keys);
    void resetToDefaults();
    // The id of the action that `key` triggers ("" if none).
    QString actionFor(const QKeySequence& key) const;
    // For the Settings table: groups of ids that share a key, as readable text ("" if none).
    static QString describeConflicts(const ShortcutMap& map,
                                     const QHash<QString, QList<QKeySequence>>& proposed);

    static QString settingsKey(const QString& id) { return QStringLiteral("shortcuts/") + id; }

signals:
    void changed();

private:
    struct Entry {
        QString id;
        QString title;
        QList<QKeySequence> defaults;
        QList<QKeySequence> keys;
        std::function<void()> fn;
        QPointer<QAction> action;
        QList<QShortcut*> shortcuts;
    };
    Entry* find(const QString& id);
    const Entry* find(const QString& id) const;
    void apply(Entry& e);
    void save(const Entry& e) const;

    QWidget* window_;
    std::vector<Entry> entries_;
};

}  // namespace vistag::ui

#include "shortcut_map.h"

#include <QAction>
#include <QHash>
#include <QSettings>
#include <QShortcut>
#include <QWidget>

namespace vistag::ui {
namespace {

QList<QKeySequence> cleaned(const QList<QKeySequence>& keys) {
    QList<QKeySequence> out;
    for (const QKeySequence& k : keys)
        if (!k.isEmpty() && !out.contains(k))
            out << k;
    return out;
}

QList<QKeySequence> loadKeys(const QString& id, const QList<QKeySequence>& defaults) {
    const QSettings s;
    const QString key = ShortcutMap::settingsKey(id);
    if (!s.contains(key))
        return defaults;
    QList<QKeySequence> out;
    for (const QString& text : s.value(key).toStringList())
        out << QKeySequence::fromString(text, QKeySequence::PortableText);
    return cleaned(out);
}

}  // namespace

ShortcutMap::ShortcutMap(QWidget* window) : QObject(window), window_(window) {}

ShortcutMap::Entry* ShortcutMap::find(const QString& id) {
    for (Entry& e : entries_)
        if (e.id == id)
            return &e;
    return nullptr;
}

const ShortcutMap::Entry* ShortcutMap::find(const QString& id) const {
    for (const Entry& e : entries_)
        if (e.id == id)
            return &e;
    return nullptr;
}

void ShortcutMap::add(const QString& id, const QString& title, const QList<QKeySequence>& defaults,
                      std::function<void()> fn) {
    Entry* e = find(id);
    if (!e) {
        entries_.push_back({});
        e = &entries_.back();
        e->id = id;
    }
    e->title = title;
    e->defaults = cleaned(defaults);
    e->fn = std::move(fn);
    e->action = nullptr;
    e->keys = loadKeys(id, e->defaults);
    apply(*e);
}

void ShortcutMap::addAction(const QString& id, QAction* action,
                            const QList<QKeySequence>& defaults) {
    add(id, action->text().remove(QLatin1Char('&')), defaults, {});
    Entry* e = find(id);
    e->action = action;
    apply(*e);
}

void ShortcutMap::apply(Entry& e) {
    if (e.action) {
        qDeleteAll(e.shortcuts);
        e.shortcuts.clear();
        e.action->setShortcuts(e.keys);
        return;
    }
    while (e.shortcuts.size() > e.keys.size())
        delete e.shortcuts.takeLast();
    for (qsizetype i = 0; i < e.keys.size(); ++i) {
        if (i == e.shortcuts.size()) {
            auto* sc = new QShortcut(window_);
            sc->setContext(Qt::WindowShortcut);
            // Looked up at activation: add() may replace fn later.
            connect(sc, &QShortcut::activated, this, [this, id = e.id] {
                if (const Entry* entry = find(id); entry && entry->fn)
                    entry->fn();
            });
            e.shortcuts << sc;
        }
        e.shortcuts[i]->setKey(e.keys[i]);
    }
}

void ShortcutMap::save(const Entry& e) const {
    QSettings s;
    if (e.keys == e.defaults) {
        s.remove(settingsKey(e.id));
        return;
    }
    QStringList texts;
    for (const QKeySequence& k : e.keys)
        texts << k.toString(QKeySequence::PortableText);
    s.setValue(settingsKey(e.id), texts);  // an empty list: the user removed every key
}

QStringList ShortcutMap::ids() const {
    QStringList out;
    for (const Entry& e : entries_)
        out << e.id;
    return out;
}

bool ShortcutMap::contains(const QString& id) const {
    return find(id) != nullptr;
}

QString ShortcutMap::title(const QString& id) const {
    const Entry* e = find(id);
    if (e && e->action)  // the action's own text, in the language of the moment
        return e->action->text().remove(QLatin1Char('&'));
    return e ? e->title : QString();
}

void ShortcutMap::setTitle(const QString& id, const QString& title) {
    if (Entry* e = find(id))
        e->title = title;
}

QList<QKeySequence> ShortcutMap::keys(const QString& id) const {
    const Entry* e = find(id);
    return e ? e->keys : QList<QKeySequence>{};
}

QList<QKeySequence> ShortcutMap::defaults(const QString& id) const {
    const Entry* e = find(id);
    return e ? e->defaults : QList<QKeySequence>{};
}

void ShortcutMap::setKeys(const QString& id, const QList<QKeySequence>& keys) {
    Entry* e = find(id);
    if (!e)
        return;
    const QList<QKeySequence> k = cleaned(keys);
    if (k == e->keys)
        return;
    e->keys = k;
    apply(*e);
    save(*e);
    emit changed();
}

void ShortcutMap::resetToDefaults() {
    bool any = false;
    for (Entry& e : entries_) {
        if (e.keys == e.defaults)
            continue;
        e.keys = e.defaults;
        apply(e);
        save(e);
        any = true;
    }
    if (any)
        emit changed();
}

QString ShortcutMap::actionFor(const QKeySequence& key) const {
    for (const Entry& e : entries_)
        if (e.keys.contains(key))
            return e.id;
    return {};
}

QString ShortcutMap::describeConflicts(const ShortcutMap& map,
                                       const QHash<QString, QList<QKeySequence>>& proposed) {
    // Keys are compared as keys (their portable form), never as displayed text: translated key
    // names can coincide (in Chinese, Ctrl+Return and Ctrl+Enter both read "Ctrl+回车").
    QHash<QString, QStringList> users;  // portable key text -> ids
    QList<QKeySequence> order;
    for (const QString& id : map.ids()) {
        for (const QKeySequence& k : proposed.value(id, map.keys(id))) {
            if (k.isEmpty())
                continue;
            const QString key = k.toString(QKeySequence::PortableText);
            if (!users.contains(key))
                order << k;
            if (!users[key].contains(id))
                users[key] << id;
        }
    }
    QStringList lines;
    for (const QKeySequence& k : order) {
        const QStringList& ids = users[k.toString(QKeySequence::PortableText)];
        QStringList titles;
        for (const QString& id : ids)
            titles << map.title(id);
        if (ids.size() > 1)
            lines << tr("%1 is used by: %2")
                         .arg(k.toString(QKeySequence::NativeText),
                              titles.join(QStringLiteral(", ")));
    }
    return lines.join(QLatin1Char('\n'));
}

}  // namespace vistag::ui

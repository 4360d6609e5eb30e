#include "translations.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QTranslator>

namespace vistag::ui {

QString installTranslations(QCoreApplication& app, const QString& language) {
    static QTranslator* current = nullptr;
    static QTranslator* qtBase = nullptr;
    for (QTranslator** t : {&current, &qtBase}) {
        if (*t) {
            app.removeTranslator(*t);
            delete *t;
            *t = nullptr;
        }
    }
    QString wanted = qEnvironmentVariable("VISTAG_LANG", language);
    const QLocale locale = wanted.isEmpty() ? QLocale::system() : QLocale(wanted);
    const QLocale chinese(QLocale::Chinese, QLocale::China);
    auto* t = new QTranslator(&app);
    if (locale.language() != QLocale::Chinese ||
        !t->load(chinese, QStringLiteral("vistag"), QStringLiteral("_"),
                 QStringLiteral(":/i18n"))) {
        delete t;
        QLocale::setDefault(wanted.isEmpty() && locale.language() != QLocale::Chinese
                                ? QLocale::system()
                                : QLocale(QLocale::English, QLocale::UnitedStates));
        return QStringLiteral("en");
    }
    app.installTranslator(t);
    current = t;
    QLocale::setDefault(chinese);
    // Qt's own strings (dialog buttons, context menus): Debian's qt6-translations-l10n.
    auto* base = new QTranslator(&app);
    if (base->load(chinese, QStringLiteral("qtbase"), QStringLiteral("_"),
                   QLibraryInfo::path(QLibraryInfo::TranslationsPath))) {
        app.installTranslator(base);
        qtBase = base;
    } else {
        delete base;
    }
    return QStringLiteral("zh_CN");
}

QString uiLanguage() {
    return QLocale().language() == QLocale::Chinese ? QStringLiteral("zh") : QStringLiteral("en");
}

}  // namespace vistag::ui

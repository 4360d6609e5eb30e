#include "translations.h"

#include <QCoreApplication>
#include <QLocale>
#include <QTranslator>

namespace vistag::ui {

QString installTranslations(QCoreApplication& app, const QString& language) {
    static QTranslator* current = nullptr;
    if (current) {
        app.removeTranslator(current);
        delete current;
        current = nullptr;
    }
    QString wanted = qEnvironmentVariable("VISTAG_LANG", language);
    const QLocale locale = wanted.isEmpty() ? QLocale::system() : QLocale(wanted);
    if (locale.language() != QLocale::Chinese) return QStringLiteral("en");
    auto* t = new QTranslator(&app);
    if (!t->load(QLocale(QLocale::Chinese, QLocale::China), QStringLiteral("vistag"),
                 QStringLiteral("_"), QStringLiteral(":/i18n"))) {
        delete t;
        return QStringLiteral("en");
    }
    app.installTranslator(t);
    current = t;
    return QStringLiteral("zh_CN");
}

}  // namespace vistag::ui

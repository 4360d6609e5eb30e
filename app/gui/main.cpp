// vistag: the desktop application.
#include <QApplication>

#include "logging/app_log.h"
#include "main_window.h"
#include "settings/app_settings.h"
#include "translations.h"
#include "vistag_version.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vistag"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vistag"));
    QApplication::setOrganizationName(QStringLiteral("Vistag"));
    // The log: logs/vistag.log in the data folder (5 MB × 3) and the in-app log panel.
    QString logError;
    const bool logOk = vistag::logging::setup(vistag::logging::defaultLogDir(), &logError);
    vistag::logging::info(QStringLiteral("Vistag %1 starting").arg(QStringLiteral(VISTAG_VERSION)));
    if (!logOk) qWarning("the log file cannot be written: %s", qPrintable(logError));
    const vistag::settings::AppSettings settings = vistag::settings::AppSettings::load();
    vistag::ui::installTranslations(app, settings.language);
    QStringList paths = QApplication::arguments();
    paths.removeFirst();
    QString db = qEnvironmentVariable("VISTAG_DB");
    if (const qsizetype i = paths.indexOf(QStringLiteral("--db")); i >= 0 && i + 1 < paths.size()) {
        db = paths.at(i + 1);
        paths.remove(i, 2);
    }
    QString model = qEnvironmentVariable("VISTAG_MODEL");
    if (const qsizetype i = paths.indexOf(QStringLiteral("--model")); i >= 0 && i + 1 < paths.size()) {
        model = paths.at(i + 1);
        paths.remove(i, 2);
    }
    // On the heap: a language chosen in Settings replaces the window with one built in it.
    auto* window = new vistag::ui::MainWindow(db);
    window->setAttribute(Qt::WA_DeleteOnClose);
    window->show();
    if (!model.isEmpty())
        window->loadModel(model);
    else
        window->restoreLastBackend();  // the last model folder or server from the settings
    if (!paths.isEmpty()) window->importPaths(paths);  // `vistag FOLDER...`
    const int rc = app.exec();
    vistag::logging::info(QStringLiteral("Vistag stopped"));
    vistag::logging::flush();
    return rc;
}

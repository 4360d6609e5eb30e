// vistag: the desktop application.
#include <QApplication>
#include <cstdio>
#include <cstring>

#include "about.h"

#include "logging/app_log.h"
#include "main_window.h"
#include "settings/app_settings.h"
#include "translations.h"
#include "vistag_version.h"

namespace {

// Before QApplication, so that these work without a display.
bool printInfo(int argc, char** argv) {
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--help") || !std::strcmp(argv[i], "-h")) {
            std::printf(
                "usage: vistag [--model DIR] [--db FILE|URL] [PATH...]\n\n"
                "Vistag: review product images and their attribute tags with Qwen3-VL.\n\n"
                "  PATH...      images or folders to add to the catalogue\n"
                "  --model DIR  load this model folder at start (also $VISTAG_MODEL)\n"
                "  --db FILE|URL  the catalogue: a file, or a team catalogue's address\n"
                "               postgresql://user@host:port/database (also $VISTAG_DB;\n"
                "               default: Tools > Settings > Catalogue)\n"
                "  $VISTAG_IMAGE_ROOT  the team's shared image folder on this computer\n"
                "  --version    print the versions of Vistag and its libraries\n"
                "  --help       this text\n\n"
                "The language follows the system locale ($VISTAG_LANG=zh_CN or en to choose).\n"
                "A server is chosen in the window (Tools > Settings); vistag-cli --help lists the\n"
                "command-line tools.\n");
            if (!vistag::hasLocalEngine())
                std::printf("\n%s\n", qPrintable(vistag::serversOnlyNote()));
            return true;
        }
        if (!std::strcmp(argv[i], "--version")) {
            for (const QString& line : vistag::describeVersions(vistag::componentVersions()))
                std::printf("%s\n", qPrintable(line));
            return true;
        }
    }
    return false;
}

}  // namespace

int main(int argc, char** argv) {
    if (printInfo(argc, argv))
        return 0;
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vistag"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vistag"));
    QApplication::setOrganizationName(QStringLiteral("Vistag"));
    // The log: logs/vistag.log in the data folder (5 MB × 3) and the in-app log panel.
    QString logError;
    const bool logOk = vistag::logging::setup(vistag::logging::defaultLogDir(), &logError);
    vistag::logging::info(QStringLiteral("Vistag %1 starting").arg(QStringLiteral(VISTAG_VERSION)));
    if (!logOk)
        qWarning("the log file cannot be written: %s", qPrintable(logError));
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
    if (const qsizetype i = paths.indexOf(QStringLiteral("--model"));
        i >= 0 && i + 1 < paths.size()) {
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
    if (!paths.isEmpty())
        window->importPaths(paths);  // `vistag FOLDER...`
    const int rc = app.exec();
    vistag::logging::info(QStringLiteral("Vistag stopped"));
    vistag::logging::flush();
    return rc;
}

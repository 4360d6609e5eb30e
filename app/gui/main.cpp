// vistag: the desktop application.
#include <QApplication>

#include "main_window.h"
#include "translations.h"

int main(int argc, char** argv) {
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("vistag"));
    QApplication::setApplicationDisplayName(QStringLiteral("Vistag"));
    QApplication::setOrganizationName(QStringLiteral("Vistag"));
    vistag::ui::installTranslations(app);
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
    vistag::ui::MainWindow window(db);
    window.show();
    if (!model.isEmpty()) window.loadModel(model);
    if (!paths.isEmpty()) window.importPaths(paths);  // `vistag FOLDER...`
    return app.exec();
}

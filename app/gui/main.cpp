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
    vistag::ui::MainWindow window;
    window.show();
    return app.exec();
}

#include "main_window.h"

#include <QApplication>
#include <QDir>
#include <QFileDialog>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QStackedWidget>
#include <QStatusBar>

#include "about.h"
#include "start_page.h"

// The icons live in a static resource library; referencing its initializer keeps the linker from
// dropping it. Q_INIT_RESOURCE must be used outside any namespace.
static void initVistagResources() { Q_INIT_RESOURCE(vistag); }

namespace vistag::ui {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent) {
    initVistagResources();
    setWindowTitle(tr("Vistag — product image review"));
    setWindowIcon(QIcon(QStringLiteral(":/icons/vistag.svg")));
    resize(1280, 800);

    pages_ = new QStackedWidget(this);
    startPage_ = new StartPage(pages_);
    pages_->addWidget(startPage_);
    setCentralWidget(pages_);
    connect(startPage_, &StartPage::chooseModelFolderRequested, this,
            &MainWindow::chooseModelFolder);

    buildMenus();

    const ComponentVersions v = componentVersions();
    engineLabel_ = new QLabel(this);
    engineLabel_->setText(v.gpuAvailable ? tr("GPU: %1").arg(v.gpuName)
                                         : tr("No GPU found — the model runs on the CPU"));
    statusBar()->addPermanentWidget(engineLabel_);
    statusBar()->showMessage(tr("No model selected"));
}

void MainWindow::buildMenus() {
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Use a &model folder…"), this, &MainWindow::chooseModelFolder);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, qApp, &QApplication::closeAllWindows);

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Vistag"), this, [this] {
        QMessageBox::about(this, tr("About Vistag"),
                           describeVersions(componentVersions()).join(QLatin1Char('\n')));
    });
}

void MainWindow::chooseModelFolder() {
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose a Qwen3-VL model folder"),
                                                          QDir::homePath());
    if (dir.isEmpty()) return;
    startPage_->setMessage(tr("Selected %1").arg(QDir::toNativeSeparators(dir)));
}

}  // namespace vistag::ui

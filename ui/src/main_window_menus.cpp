// MainWindow: its menus and the keyboard map — every action made once, with its key, in
// buildMenus(), createTagActions() and registerShortcuts().
#include <QAction>
#include <QApplication>
#include <QDockWidget>
#include <QMenuBar>
#include <QMessageBox>

#include "about.h"
#include "ask_pane.h"
#include "batch_panel.h"
#include "bulk_tag_dialog.h"
#include "catalog_pane.h"
#include "image_viewer.h"
#include "main_window.h"
#include "quality_view.h"
#include "review_rules_page.h"
#include "share_dialog.h"
#include "shortcut_map.h"
#include "tag_editor.h"
#include "taxonomy_browser.h"

namespace vistag::ui {

void MainWindow::registerShortcuts() {
    // product.md's keyboard map. Other actions register the same way, one call per id.
    using K = QKeySequence;
    shortcuts_->add(QStringLiteral("review.next"), QString(),
                    {K(Qt::CTRL | Qt::Key_Down), K(Qt::Key_PageDown)}, [this] { nextImage(1); });
    shortcuts_->add(QStringLiteral("review.previous"), QString(),
                    {K(Qt::CTRL | Qt::Key_Up), K(Qt::Key_PageUp)}, [this] { nextImage(-1); });
    shortcuts_->add(QStringLiteral("review.nextUnreviewed"), QString(), {K(Qt::CTRL | Qt::Key_J)},
                    [this] { nextUnreviewed(); });
    shortcuts_->add(QStringLiteral("review.acceptAllNext"), QString(),
                    {K(Qt::CTRL | Qt::Key_Return), K(Qt::CTRL | Qt::Key_Enter)},
                    [this] { acceptAllAndNext(); });
    // Their titles (the Settings key table) follow the interface language.
    onLanguage([this] {
        shortcuts_->setTitle(QStringLiteral("review.next"), tr("Next image"));
        shortcuts_->setTitle(QStringLiteral("review.previous"), tr("Previous image"));
        shortcuts_->setTitle(QStringLiteral("review.nextUnreviewed"), tr("Next unreviewed image"));
        shortcuts_->setTitle(QStringLiteral("review.acceptAllNext"),
                             tr("Accept all suggestions and go to the next image"));
    });
}

void MainWindow::buildMenus() {
    // Every text is set through onLanguage(), so a new interface language retranslates it.
    const auto menu = [this](QString (*title)()) {
        QMenu* m = menuBar()->addMenu(QString());
        onLanguage([m, title] { m->setTitle(title()); });
        return m;
    };
    const auto text = [this](QAction* a, QString (*text)()) {
        onLanguage([a, text] { a->setText(text()); });
        return a;
    };
    QMenu* file = menu([] { return tr("&File"); });
    text(file->addAction(QString(), QKeySequence::Open, this, &MainWindow::addImagesDialog),
         [] { return tr("&Add images…"); });
    QAction* exportAction = text(file->addAction(QString(), this, &MainWindow::exportDialog),
                                 [] { return tr("&Export tags…"); });
    exportAction->setObjectName(QStringLiteral("file.export"));
    shortcuts_->addAction(QStringLiteral("file.export"), exportAction,
                          {QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_E)});
    file->addSeparator();
    text(file->addAction(QString(), this, &MainWindow::openCatalogueDialog), [] {
        return tr("&Open catalogue…");
    })->setObjectName(QStringLiteral("file.openCatalogue"));
    text(file->addAction(QString(), this, &MainWindow::newCatalogueDialog), [] {
        return tr("&New catalogue…");
    })->setObjectName(QStringLiteral("file.newCatalogue"));
    file->addSeparator();
    text(file->addAction(QString(), this, &MainWindow::chooseModelFolder),
         [] { return tr("Use a &model folder…"); });
    text(file->addAction(QString(), this, &MainWindow::connectServerDialog),
         [] { return tr("Connect to a &server…"); });
    text(file->addAction(QString(), this, &MainWindow::downloadModelDialog),
         [] { return tr("&Download a model…"); });
    file->addSeparator();
    QAction* quitAction = text(file->addAction(QString(), qApp, &QApplication::closeAllWindows),
                               [] { return tr("&Quit"); });
    quitAction->setObjectName(QStringLiteral("app.quit"));
    quitAction->setMenuRole(QAction::QuitRole);
    // Ctrl+Q on every platform (the platform's own Quit key can be none), remappable; closing
    // asks first while tagging runs or the model is shared (closeEvent).
    shortcuts_->addAction(QStringLiteral("app.quit"), quitAction,
                          {QKeySequence(Qt::CTRL | Qt::Key_Q)});

    // Each action is made here, once, with its key: the place to map shortcuts from.
    const auto action = [this, text](QMenu* menu, const QString& name, QString (*label)(),
                                     const QList<QKeySequence>& keys, auto&& slot) {
        auto* a = text(new QAction(this), label);
        a->setObjectName(name);
        a->setShortcutContext(Qt::WindowShortcut);
        shortcuts_->addAction(name, a, keys);
        connect(a, &QAction::triggered, this, slot);
        menu->addAction(a);
        addAction(a);  // works while the menu bar is hidden too
        return a;
    };
    QMenu* edit = menu([] { return tr("&Edit"); });
    edit->addAction(tagEditor_->action(QStringLiteral("edit.undo")));
    edit->addAction(tagEditor_->action(QStringLiteral("edit.redo")));
    edit->addSeparator();
    action(
        edit, QStringLiteral("pasteImage"), [] { return tr("&Paste image"); },
        QKeySequence::keyBindings(QKeySequence::Paste), [this] { pasteFromClipboard(); });
    createTagActions(menu([] { return tr("&Tags"); }));
    // The tag editor's keys (F2, Del, Alt+A, 1–9, undo/redo) join the remappable map; each
    // QAction keeps its own context (the tag list only, or the whole window).
    for (QAction* a : tagEditor_->findChildren<QAction*>(QString(), Qt::FindDirectChildrenOnly))
        if (!a->objectName().isEmpty())
            shortcuts_->addAction(a->objectName(), a, a->shortcuts());

    QMenu* tagging = menu([] { return tr("Ta&gging"); });
    action(
        tagging, QStringLiteral("tagSelection"), [] { return tr("&Tag the selected images"); },
        {QKeySequence(Qt::CTRL | Qt::Key_T)}, [this] { tagSelection(); });
    action(
        tagging, QStringLiteral("tagUntagged"), [] { return tr("Tag every &untagged image"); }, {},
        [this] { tagUntagged(); });
    action(
        tagging, QStringLiteral("retryFailed"), [] { return tr("Retry the &failed images"); }, {},
        [this] { batchPanel_->retryFailed(); });
    action(
        tagging, QStringLiteral("resumeTagging"), [] { return tr("&Resume unfinished tagging"); },
        {}, [this] { batchPanel_->resume(); });
    action(
        tagging, QStringLiteral("cancelTagging"), [] { return tr("&Cancel tagging"); }, {},
        [this] { batchPanel_->cancel(); });

    QMenu* view = menu([] { return tr("&View"); });
    // After the dock's title (which the toggle action copies) in every retranslation.
    QAction* logAction = text(logDock_->toggleViewAction(), [] { return tr("&Log"); });
    action(
        view, QStringLiteral("zoomFit"), [] { return tr("&Fit to window"); },
        {QKeySequence(Qt::CTRL | Qt::Key_0)}, [this] { viewer_->fitToWindow(); });
    action(
        view, QStringLiteral("zoomActual"), [] { return tr("&Actual size (100 %)"); },
        {QKeySequence(Qt::CTRL | Qt::Key_1)}, [this] { viewer_->actualSize(); });
    action(
        view, QStringLiteral("zoomIn"), [] { return tr("Zoom &in"); },
        {QKeySequence::ZoomIn, QKeySequence(Qt::Key_Plus), QKeySequence(Qt::Key_Equal)},
        [this] { viewer_->zoomIn(); });
    action(
        view, QStringLiteral("zoomOut"), [] { return tr("Zoom &out"); },
        {QKeySequence::ZoomOut, QKeySequence(Qt::Key_Minus)}, [this] { viewer_->zoomOut(); });
    view->addSeparator();
    view->addAction(logAction);

    QMenu* tools = menu([] { return tr("T&ools"); });
    QAction* settingsAction = text(tools->addAction(QString(), this, &MainWindow::openSettings),
                                   [] { return tr("&Settings…"); });
    settingsAction->setMenuRole(QAction::PreferencesRole);
    shortcuts_->addAction(QStringLiteral("app.settings"), settingsAction,
                          {QKeySequence(Qt::CTRL | Qt::Key_Comma)});
    text(tools->addAction(QString(), this,
                          [this] {
                              shareDialog()->show();
                              shareDialog()->raise();
                          }),
         [] { return tr("S&hare this model…"); });
    tools->addSeparator();
    text(tools->addAction(QString(), this, [this] { showQualityView(this, db_.get(), taxonomy_); }),
         [] { return tr("Model &quality…"); })
        ->setObjectName(QStringLiteral("tools.quality"));
    text(tools->addAction(QString(), this, [this] { showReviewRules(this, db_.get(), taxonomy_); }),
         [] { return tr("&Review rules…"); })
        ->setObjectName(QStringLiteral("tools.reviewRules"));

    QMenu* help = menu([] { return tr("&Help"); });
    QAction* browse = text(help->addAction(QString(), this, [this] { showTaxonomyBrowser(); }),
                           [] { return tr("&Taxonomy: categories, attributes, values…"); });
    browse->setObjectName(QStringLiteral("help.taxonomy"));
    connect(tagEditor_, &TagEditor::taxonomyBrowserRequested, this,
            &MainWindow::showTaxonomyBrowser);
    text(help->addAction(QString(), this,
                         [this] {
                             QMessageBox::about(
                                 this, tr("About Vistag"),
                                 describeVersions(componentVersions()).join(QLatin1Char('\n')));
                         }),
         [] { return tr("&About Vistag"); });
}

// The window's tag actions, in one place (the Settings shortcut map takes them over by id, the
// QAction's objectName). The tag editor's own keys are in TagEditor::createActions().
void MainWindow::createTagActions(QMenu* menu) {
    using Op = BulkTagDialog::Operation;
    const struct {
        const char* id;
        QString (*text)();
        QKeySequence key;
        Op op;
    } specs[] = {
        {"tags.bulkAdd", [] { return tr("&Add a tag to the selected images…"); }, {}, Op::Add},
        {"tags.bulkRemove",
         [] { return tr("&Remove a tag from the selected images…"); },
         {},
         Op::Remove},
        {"tags.bulkReplace",
         [] { return tr("Re&place a tag on the selected images…"); },
         {},
         Op::Replace},
        {"tags.findReplace", [] { return tr("&Find and replace tags…"); },
         QKeySequence(Qt::CTRL | Qt::Key_R), Op::Replace},
    };
    for (const auto& s : specs) {
        auto* a = menu->addAction(QString());
        onLanguage([a, text = s.text] { a->setText(text()); });
        a->setObjectName(QLatin1String(s.id));
        a->setShortcutContext(Qt::WindowShortcut);
        shortcuts_->addAction(QLatin1String(s.id), a,
                              s.key.isEmpty() ? QList<QKeySequence>{} : QList<QKeySequence>{s.key});
        const Op op = s.op;
        connect(a, &QAction::triggered, this, [this, op] { openBulkDialog(static_cast<int>(op)); });
    }
}

QAction* MainWindow::action(const QString& id) const {
    return menuBar()->findChild<QAction*>(id);
}

TaxonomyBrowser* MainWindow::showTaxonomyBrowser(const QString& categoryCode) {
    if (!taxonomyBrowser_)
        taxonomyBrowser_ = new TaxonomyBrowser(taxonomy_, this);
    taxonomyBrowser_->show();
    taxonomyBrowser_->raise();
    taxonomyBrowser_->activateWindow();
    if (!categoryCode.isEmpty())
        taxonomyBrowser_->showCategory(categoryCode);
    return taxonomyBrowser_;
}

void MainWindow::setTaxonomy(const catalog::Taxonomy& taxonomy, const QString& path) {
    // The browser's tree indexes the old taxonomy: it goes (and is made again on demand).
    delete taxonomyBrowser_;
    taxonomyBrowser_ = nullptr;
    taxonomy_ = taxonomy;  // in place: the panes hold references to it
    taxonomyPath_ = path;
    catalogPane_->setTaxonomy(taxonomy_);
    askPane_->setTaxonomy(&taxonomy_);
    tagEditor_->taxonomyChanged();
}

}  // namespace vistag::ui

#include "settings_taxonomy_page.h"

#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSaveFile>
#include <QSettings>
#include <QStandardPaths>
#include <QVBoxLayout>

#include "tags/shopify_import.h"
#include "translations.h"

namespace vistag::ui {
namespace {

const QString kPathKey = QStringLiteral("taxonomy/path");

}  // namespace

QString TaxonomyPage::storedPath() {
    return QSettings().value(kPathKey).toString();
}

void TaxonomyPage::storePath(const QString& path) {
    QSettings().setValue(kPathKey, path);
}

catalog::Taxonomy TaxonomyPage::loadStored(QString* error) {
    const QString path = storedPath();
    if (!path.isEmpty())
        if (auto t = catalog::Taxonomy::load(path, error))
            return *t;
    return catalog::Taxonomy::defaultApparel();
}

QString TaxonomyPage::defaultImportPath() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/taxonomies/shopify.json");
}

TaxonomyPage::TaxonomyPage(const catalog::Taxonomy& current, const QString& currentPath,
                           QWidget* parent)
    : QWidget(parent), shownPath_(currentPath), shown_(current) {
    setObjectName(QStringLiteral("taxonomyPage"));
    source_ = new QLabel(this);
    source_->setObjectName(QStringLiteral("taxonomySource"));
    source_->setWordWrap(true);
    source_->setTextFormat(Qt::PlainText);
    counts_ = new QLabel(this);
    counts_->setObjectName(QStringLiteral("taxonomyCounts"));
    counts_->setWordWrap(true);
    problems_ = new QPlainTextEdit(this);
    problems_->setObjectName(QStringLiteral("taxonomyProblems"));
    problems_->setReadOnly(true);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 0);  // busy: the importer reports no steps
    progress_->setVisible(false);
    open_ = new QPushButton(this);
    open_->setObjectName(QStringLiteral("openTaxonomy"));
    import_ = new QPushButton(this);
    import_->setObjectName(QStringLiteral("importShopify"));
    builtIn_ = new QPushButton(this);
    builtIn_->setObjectName(QStringLiteral("builtInTaxonomy"));
    cancel_ = new QPushButton(this);
    cancel_->setObjectName(QStringLiteral("cancelTaxonomy"));
    cancel_->setVisible(false);
    applyNote_ = new QLabel(this);
    applyNote_->setWordWrap(true);

    connect(open_, &QPushButton::clicked, this, [this] {
        const QString path =
            QFileDialog::getOpenFileName(this, tr("Open a taxonomy"), QFileInfo(shownPath_).path(),
                                         tr("Taxonomy (*.json);;All files (*)"));
        if (!path.isEmpty())
            openFile(path);
    });
    connect(import_, &QPushButton::clicked, this, [this] {
        const QString dir = QFileDialog::getExistingDirectory(
            this, tr("Shopify's taxonomy folder (dist, with en/categories.json)"));
        if (!dir.isEmpty())
            importShopify(dir, defaultImportPath());
    });
    connect(builtIn_, &QPushButton::clicked, this, [this] {
        cancel();
        chosen_ = catalog::Taxonomy::defaultApparel();
        chosenPath_.clear();
        problems_->clear();
        showTaxonomy(*chosen_, QString());
    });
    connect(cancel_, &QPushButton::clicked, this, &TaxonomyPage::cancel);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(open_);
    buttons->addWidget(import_);
    buttons->addWidget(builtIn_);
    buttons->addStretch(1);
    auto* busy = new QHBoxLayout;
    busy->addWidget(progress_, 1);
    busy->addWidget(cancel_);
    auto* col = new QVBoxLayout(this);
    col->addWidget(source_);
    col->addWidget(counts_);
    col->addLayout(buttons);
    col->addLayout(busy);
    col->addWidget(problems_, 1);
    col->addWidget(applyNote_);
    retranslateUi();
}

void TaxonomyPage::retranslateUi() {
    open_->setText(tr("Open a taxonomy file…"));
    import_->setText(tr("Import Shopify's taxonomy…"));
    import_->setToolTip(
        tr("The dist folder of github.com/Shopify/product-taxonomy: en/categories.json and "
           "en/attributes.json, other languages where present"));
    builtIn_->setText(tr("Built-in apparel"));
    cancel_->setText(tr("Cancel"));
    problems_->setPlaceholderText(tr("Problems found in the file are listed here."));
    applyNote_->setText(tr("Tagging uses the chosen taxonomy from OK on; images keep their tags."));
    showTaxonomy(shown_, shownPath_);
}

void TaxonomyPage::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void TaxonomyPage::showTaxonomy(const catalog::Taxonomy& t, const QString& path) {
    shown_ = t;
    shownPath_ = path;
    source_->setText(path.isEmpty()
                         ? tr("In use: the built-in apparel taxonomy")
                         : tr("In use: %1 (%2)")
                               .arg(t.name().isEmpty() ? QFileInfo(path).fileName() : t.name(),
                                    QDir::toNativeSeparators(path)));
    int values = 0;
    for (const auto& a : t.attributes())
        values += int(a.values.size());
    const int categories = int(t.categories().size());
    const int attributes = int(t.attributes().size()) - (categories > 0 ? 1 : 0);
    counts_->setText(tr("%1 categories, %2 attributes, %3 values; languages: %4")
                         .arg(categories)
                         .arg(attributes)
                         .arg(values - categories)
                         .arg(t.languages().join(QStringLiteral(", "))));
}

void TaxonomyPage::setBusy(bool on) {
    busy_ = on;
    progress_->setVisible(on);
    cancel_->setVisible(on);
    open_->setEnabled(!on);
    import_->setEnabled(!on);
}

void TaxonomyPage::cancel() {
    if (token_)
        token_->store(true);  // the worker's result is dropped
    token_.reset();
    if (busy_) {
        setBusy(false);
        problems_->setPlainText(tr("Cancelled."));
        emit finished(false);
    }
}

void TaxonomyPage::start(std::function<Result(const std::atomic<bool>&)> work) {
    cancel();
    setBusy(true);
    problems_->setPlainText(tr("Reading…"));
    QPointer<TaxonomyPage> self(this);
    token_ = tasks_.start(QStringLiteral("vistag-taxonomy"),
                          [work = std::move(work), self](const std::atomic<bool>& cancelled) {
                              Result r = work(cancelled);
                              if (cancelled.load())
                                  return;
                              QMetaObject::invokeMethod(
                                  self,
                                  [self, r = std::move(r)] {
                                      if (!self || !self->busy_)
                                          return;
                                      self->token_.reset();
                                      self->setBusy(false);
                                      if (!r.taxonomy) {
                                          self->problems_->setPlainText(r.error);
                                          emit self->finished(false);
                                          return;
                                      }
                                      self->chosen_ = r.taxonomy;
                                      self->chosenPath_ = r.path;
                                      self->showTaxonomy(*r.taxonomy, r.path);
                                      self->problems_->setPlainText(
                                          r.notes.isEmpty() ? tr("No problems found.")
                                                            : r.notes.join(QLatin1Char('\n')));
                                      emit self->finished(true);
                                  },
                                  Qt::QueuedConnection);
                          });
}

void TaxonomyPage::openFile(const QString& path) {
    start([path](const std::atomic<bool>&) {
        Result r;
        r.path = QFileInfo(path).absoluteFilePath();
        r.taxonomy = catalog::Taxonomy::load(path, &r.error);
        return r;
    });
}

void TaxonomyPage::importShopify(const QString& dir, const QString& out) {
    start([dir, out](const std::atomic<bool>& cancelled) {
        Result r;
        catalog::ShopifyImportStats stats;
        auto t = catalog::importShopifyTaxonomy(dir, {}, &r.notes, &r.error, &stats);
        if (!t || cancelled.load())
            return r;
        // Written as the CLI's --out does; the file is what Settings remembers.
        QDir().mkpath(QFileInfo(out).path());
        QSaveFile file(out);
        if (!file.open(QIODevice::WriteOnly) || file.write(t->toJson()) < 0 || !file.commit()) {
            r.error = tr("%1: cannot write the taxonomy: %2")
                          .arg(QDir::toNativeSeparators(out), file.errorString());
            return r;
        }
        r.path = QFileInfo(out).absoluteFilePath();
        r.taxonomy = std::move(t);
        if (!stats.version.isEmpty())
            r.notes.prepend(tr("Shopify release %1, languages: %2")
                                .arg(stats.version, stats.locales.join(QStringLiteral(", "))));
        return r;
    });
}

}  // namespace vistag::ui

#include "catalog_pane.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListView>
#include <QMimeData>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

#include "catalog_model.h"

namespace vistag::ui {

QStringList localPathsFromMime(const QMimeData* mime) {
    QStringList paths;
    if (!mime || !mime->hasUrls()) return paths;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile()) paths << url.toLocalFile();
    return paths;
}

CatalogPane::CatalogPane(CatalogModel* model, QWidget* parent) : QWidget(parent), model_(model) {
    search_ = new QLineEdit(this);
    search_->setPlaceholderText(tr("Search file names"));
    search_->setClearButtonEnabled(true);
    state_ = new QComboBox(this);
    state_->addItem(tr("All images"), QString());
    state_->addItem(tr("New"), QStringLiteral("new"));
    state_->addItem(tr("Suggested"), QStringLiteral("suggested"));
    state_->addItem(tr("Reviewed"), QStringLiteral("reviewed"));
    auto* add = new QPushButton(QIcon(QStringLiteral(":/icons/folder.svg")), tr("Add images…"), this);
    connect(add, &QPushButton::clicked, this, &CatalogPane::addRequested);
    connect(search_, &QLineEdit::textChanged, this, &CatalogPane::applyFilter);
    connect(state_, &QComboBox::currentIndexChanged, this, &CatalogPane::applyFilter);

    view_ = new QListView(this);
    view_->setObjectName(QStringLiteral("catalogGrid"));
    view_->setViewMode(QListView::IconMode);
    view_->setResizeMode(QListView::Adjust);
    view_->setMovement(QListView::Static);
    view_->setUniformItemSizes(true);  // layout without asking every row for its size
    view_->setLayoutMode(QListView::Batched);
    view_->setBatchSize(200);
    view_->setIconSize(QSize(160, 160));
    view_->setGridSize(QSize(184, 204));
    view_->setSpacing(6);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setModel(model_);

    auto* bar = new QHBoxLayout;
    bar->addWidget(search_, 1);
    bar->addWidget(state_);
    bar->addWidget(add);
    auto* col = new QVBoxLayout(this);
    col->addLayout(bar);
    col->addWidget(view_, 1);
}

void CatalogPane::applyFilter() {
    catalog::ImageFilter f;
    f.nameContains = search_->text().trimmed();
    const QString state = state_->currentData().toString();
    if (!state.isEmpty()) f.reviewState = catalog::reviewStateFromName(state);
    QString error;
    if (!model_->setFilter(f, &error)) emit errorOccurred(error);
}

}  // namespace vistag::ui

#include "taxonomy_browser.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

#include "category_picker.h"
#include "translations.h"

namespace vistag::ui {

TaxonomyBrowser::TaxonomyBrowser(const catalog::Taxonomy& taxonomy, QWidget* parent)
    : QDialog(parent), taxonomy_(taxonomy) {
    setObjectName(QStringLiteral("taxonomyBrowser"));
    model_ = new CategoryTreeModel(taxonomy_, this);
    filter_ = new CategoryFilterModel(this);
    filter_->setSourceModel(model_);

    search_ = new QLineEdit(this);
    search_->setObjectName(QStringLiteral("taxonomySearch"));
    search_->setClearButtonEnabled(true);
    categories_ = new QTreeView(this);
    categories_->setObjectName(QStringLiteral("taxonomyCategories"));
    categories_->setModel(filter_);
    categories_->setHeaderHidden(true);
    categories_->setUniformRowHeights(true);
    attributes_ = new QListWidget(this);
    attributes_->setObjectName(QStringLiteral("taxonomyAttributes"));
    values_ = new QListWidget(this);
    values_->setObjectName(QStringLiteral("taxonomyValues"));
    path_ = new QLabel(this);
    path_->setObjectName(QStringLiteral("taxonomyPath"));
    path_->setWordWrap(true);
    path_->setTextFormat(Qt::PlainText);
    summary_ = new QLabel(this);
    summary_->setObjectName(QStringLiteral("taxonomySummary"));
    summary_->setWordWrap(true);
    attributesTitle_ = new QLabel(this);
    valuesTitle_ = new QLabel(this);

    connect(search_, &QLineEdit::textChanged, this, [this](const QString& text) {
        filter_->setSearch(text);
        if (filter_->search().isEmpty())
            return;
        categories_->expandAll();
        if (const QModelIndex first = filter_->firstMatch(); first.isValid())
            categories_->setCurrentIndex(first);
    });
    connect(categories_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &TaxonomyBrowser::fillAttributes);
    connect(attributes_, &QListWidget::currentRowChanged, this, &TaxonomyBrowser::fillValues);

    auto column = [this](QWidget* title, QWidget* a, QWidget* b = nullptr) {
        auto* w = new QWidget(this);
        auto* l = new QVBoxLayout(w);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(title);
        l->addWidget(a, 1);
        if (b)
            l->insertWidget(1, b);
        return w;
    };
    auto* categoriesTitle = new QLabel(this);
    categoriesTitle->setObjectName(QStringLiteral("categoriesTitle"));
    auto* split = new QSplitter(this);
    split->addWidget(column(categoriesTitle, categories_, search_));
    split->addWidget(column(attributesTitle_, attributes_));
    split->addWidget(column(valuesTitle_, values_));
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setStretchFactor(2, 2);
    // Without a category tree there is only the one list of attributes.
    split->widget(0)->setVisible(taxonomy_.hasCategoryTree());

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* col = new QVBoxLayout(this);
    col->addWidget(summary_);
    col->addWidget(split, 1);
    col->addWidget(path_);
    col->addWidget(buttons);
    retranslateUi();
    resize(900, 560);
}

void TaxonomyBrowser::retranslateUi() {
    setWindowTitle(tr("Taxonomy"));
    search_->setPlaceholderText(tr("Search categories"));
    if (auto* t = findChild<QLabel*>(QStringLiteral("categoriesTitle")))
        t->setText(tr("Categories"));
    attributesTitle_->setText(tr("Attributes"));
    valuesTitle_->setText(tr("Values"));
    int values = 0;
    for (const auto& a : taxonomy_.attributes())
        values += int(a.values.size());
    const int categories = int(taxonomy_.categories().size());
    const int attributes = int(taxonomy_.attributes().size()) - (categories > 0 ? 1 : 0);
    const QString name = taxonomy_.name().isEmpty() ? tr("(unnamed)") : taxonomy_.name();
    summary_->setText(tr("%1: %2 categories, %3 attributes, %4 values; languages: %5")
                          .arg(name)
                          .arg(categories)
                          .arg(attributes)
                          .arg(values - categories)
                          .arg(taxonomy_.languages().join(QStringLiteral(", "))));
    model_->retranslate();
    fillAttributes();
}

void TaxonomyBrowser::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

QString TaxonomyBrowser::currentCategory() const {
    const QModelIndex i = categories_->currentIndex();
    return i.isValid() ? i.data(CategoryTreeModel::CodeRole).toString() : QString();
}

void TaxonomyBrowser::showCategory(const QString& code) {
    const QModelIndex i = filter_->mapFromSource(model_->indexOf(code));
    if (i.isValid()) {
        categories_->setCurrentIndex(i);
        categories_->scrollTo(i, QAbstractItemView::PositionAtCenter);
    }
    fillAttributes();
}

void TaxonomyBrowser::fillAttributes() {
    const QString language = uiLanguage();
    const QString code = currentCategory();
    const QString keep = attributes_->currentItem()
                             ? attributes_->currentItem()->data(Qt::UserRole).toString()
                             : QString();
    attributes_->clear();
    QList<const catalog::TaxonomyAttribute*> list;
    if (!taxonomy_.hasCategoryTree()) {
        for (const auto& a : taxonomy_.attributes())
            list << &a;
        path_->clear();
    } else if (!code.isEmpty()) {
        list = taxonomy_.attributesFor(code);
        path_->setText(taxonomy_.categoryPath(code, language) + QStringLiteral("  (") + code +
                       QLatin1Char(')'));
    } else {
        path_->setText(tr("Choose a category to see the attributes that apply to it."));
    }
    for (const auto* a : std::as_const(list)) {
        auto* item = new QListWidgetItem(catalog::Taxonomy::label(*a, language), attributes_);
        item->setData(Qt::UserRole, a->code);
        QString tip = a->code;
        if (a->multiValued)
            tip += QStringLiteral("\n") + tr("several values allowed");
        if (!a->merchantColumn.isEmpty())
            tip += QStringLiteral("\n") + tr("export column: %1").arg(a->merchantColumn);
        item->setToolTip(tip);
        if (a->code == keep)
            attributes_->setCurrentItem(item);
    }
    if (!attributes_->currentItem() && attributes_->count() > 0)
        attributes_->setCurrentRow(0);
    attributesTitle_->setText(tr("Attributes (%1)").arg(attributes_->count()));
    fillValues();
}

void TaxonomyBrowser::fillValues() {
    const QString language = uiLanguage();
    values_->clear();
    const auto* item = attributes_->currentItem();
    const auto* a = item ? taxonomy_.attribute(item->data(Qt::UserRole).toString()) : nullptr;
    if (a)
        for (const auto& v : a->values) {
            auto* row = new QListWidgetItem(catalog::Taxonomy::label(v, language), values_);
            QStringList tip{v.code};
            if (!v.synonyms.isEmpty())
                tip << tr("also: %1").arg(v.synonyms.join(QStringLiteral(", ")));
            row->setToolTip(tip.join(QLatin1Char('\n')));
            row->setData(Qt::UserRole, v.code);
        }
    valuesTitle_->setText(a ? tr("Values of %1 (%2)")
                                  .arg(catalog::Taxonomy::label(*a, language))
                                  .arg(values_->count())
                            : tr("Values"));
}

}  // namespace vistag::ui

#include "catalog_pane.h"

#include <QApplication>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLineEdit>
#include <QListView>
#include <QLocale>
#include <QMimeData>
#include <QPainter>
#include <QPushButton>
#include <QStyledItemDelegate>
#include <QUrl>
#include <QVBoxLayout>
#include <utility>

#include "catalog_model.h"
#include "category_picker.h"
#include "tags/taxonomy.h"
#include "translations.h"

namespace vistag::ui {
namespace {

// The default icon-and-name cell plus a badge for the image's auto-tagging status.
class CatalogDelegate final : public QStyledItemDelegate {
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    // A selected thumbnail keeps its true colours (the default tints it with the highlight,
    // which misleads whoever checks a colour tag); the selection shows around it.
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override {
        QStyledItemDelegate::initStyleOption(option, index);
        if (!(option->state & QStyle::State_Selected) || option->icon.isNull())
            return;
        const QPixmap pix = option->icon.pixmap(option->decorationSize);
        QIcon icon;
        icon.addPixmap(pix, QIcon::Normal);
        icon.addPixmap(pix, QIcon::Selected);
        option->icon = icon;
    }

public:
    void paint(QPainter* p, const QStyleOptionViewItem& option,
               const QModelIndex& index) const override {
        QStyledItemDelegate::paint(p, option, index);
        if (option.state & QStyle::State_Selected) {  // a frame around the thumbnail
            QStyleOptionViewItem opt = option;
            initStyleOption(&opt, index);
            const QWidget* w = option.widget;
            const QStyle* style = w ? w->style() : QApplication::style();
            const QRect icon = style->subElementRect(QStyle::SE_ItemViewItemDecoration, &opt, w);
            p->save();
            p->setRenderHint(QPainter::Antialiasing);
            p->setPen(QPen(option.palette.highlight(), 3));
            p->setBrush(Qt::NoBrush);
            p->drawRoundedRect(QRectF(icon).adjusted(-1.5, -1.5, 1.5, 1.5), 3, 3);
            p->restore();
        }
        const QVariant state = index.data(CatalogModel::BatchStatusRole);
        if (!state.isValid())
            return;
        QString text;
        QColor colour;
        switch (state.value<catalog::ItemState>()) {
            case catalog::ItemState::Pending:
                text = CatalogPane::tr("queued");
                colour = QColor(0x6b, 0x72, 0x80);
                break;
            case catalog::ItemState::Running:
                text = CatalogPane::tr("tagging…");
                colour = QColor(0x25, 0x63, 0xeb);
                break;
            case catalog::ItemState::Done:
                text = CatalogPane::tr("tagged");
                colour = QColor(0x16, 0xa3, 0x4a);
                break;
            case catalog::ItemState::Skipped:
                text = CatalogPane::tr("skipped");
                colour = QColor(0x9c, 0xa3, 0xaf);
                break;
            case catalog::ItemState::Failed:
                text = CatalogPane::tr("failed");
                colour = QColor(0xdc, 0x26, 0x26);
                break;
            case catalog::ItemState::Cancelled:
                return;  // no badge
        }
        p->save();
        p->setRenderHint(QPainter::Antialiasing);
        QFont f = option.font;
        f.setPointSizeF(f.pointSizeF() * 0.85);
        f.setBold(true);
        p->setFont(f);
        const QFontMetrics fm(f);
        const QRect badge(option.rect.left() + 8, option.rect.top() + 8,
                          fm.horizontalAdvance(text) + 12, fm.height() + 4);
        p->setPen(Qt::NoPen);
        p->setBrush(colour);
        p->drawRoundedRect(badge, badge.height() / 2.0, badge.height() / 2.0);
        p->setPen(Qt::white);
        p->drawText(badge, Qt::AlignCenter, text);
        p->restore();
    }
};

}  // namespace

QStringList localPathsFromMime(const QMimeData* mime) {
    QStringList paths;
    if (!mime || !mime->hasUrls())
        return paths;
    for (const QUrl& url : mime->urls())
        if (url.isLocalFile())
            paths << url.toLocalFile();
    return paths;
}

CatalogPane::CatalogPane(CatalogModel* model, QWidget* parent) : QWidget(parent), model_(model) {
    search_ = new QLineEdit(this);
    search_->setClearButtonEnabled(true);
    state_ = new QComboBox(this);
    state_->addItem(QString());  // all images; the texts are set in retranslateUi()
    for (catalog::ReviewState state : {catalog::ReviewState::New, catalog::ReviewState::Suggested,
                                       catalog::ReviewState::Reviewed})
        state_->addItem(QString(), QVariant::fromValue(state));
    state_->addItem(QString(), QStringLiteral("rule"));    // accepted by a review rule
    state_->addItem(QString(), QStringLiteral("failed"));  // tagging failed (the last one)
    auto* add = add_ =
        new QPushButton(QIcon(QStringLiteral(":/icons/folder.svg")), QString(), this);
    add->setObjectName(QStringLiteral("addImages"));
    connect(add, &QPushButton::clicked, this, &CatalogPane::addRequested);

    attribute_ = new QComboBox(this);
    attribute_->setObjectName(QStringLiteral("attributeFilter"));
    attribute_->addItem(QString(), QString());  // any tag
    condition_ = new QComboBox(this);
    condition_->setObjectName(QStringLiteral("conditionFilter"));
    condition_->addItem(QString(), QStringLiteral("has"));
    condition_->addItem(QString(), QStringLiteral("lacks"));
    condition_->setEnabled(false);  // "lacks" needs an attribute
    value_ = new QComboBox(this);
    value_->setObjectName(QStringLiteral("valueFilter"));
    value_->setEditable(true);
    value_->setInsertPolicy(QComboBox::NoInsert);
    value_->setMinimumContentsLength(8);
    value_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    category_ = new QPushButton(this);
    category_->setObjectName(QStringLiteral("categoryFilter"));
    category_->setVisible(false);  // a taxonomy with a category tree shows it
    connect(category_, &QPushButton::clicked, this, [this] { chooseCategory(); });
    clearCategory_ = new QPushButton(QStringLiteral("×"), this);
    clearCategory_->setObjectName(QStringLiteral("clearCategoryFilter"));
    clearCategory_->setFixedWidth(clearCategory_->sizeHint().height());
    clearCategory_->setVisible(false);
    connect(clearCategory_, &QPushButton::clicked, this, [this] { setCategoryFilter({}); });
    sort_ = new QComboBox(this);
    sort_->setObjectName(QStringLiteral("sortOrder"));
    for (catalog::ImageSort sort :
         {catalog::ImageSort::Added, catalog::ImageSort::AddedNewest, catalog::ImageSort::Name,
          catalog::ImageSort::ReviewState, catalog::ImageSort::LeastCertain})
        sort_->addItem(QString(), int(sort));

    connect(search_, &QLineEdit::textChanged, this, &CatalogPane::applyFilter);
    connect(state_, &QComboBox::currentIndexChanged, this, &CatalogPane::applyFilter);
    connect(attribute_, &QComboBox::currentIndexChanged, this, [this] {
        condition_->setEnabled(attribute_->currentIndex() > 0);
        if (attribute_->currentIndex() <= 0)
            condition_->setCurrentIndex(0);
        fillValues();
        applyFilter();
    });
    connect(condition_, &QComboBox::currentIndexChanged, this, [this] {
        value_->setEnabled(condition_->currentData().toString() != QLatin1String("lacks"));
        applyFilter();
    });
    connect(value_, &QComboBox::currentTextChanged, this, &CatalogPane::applyFilter);
    connect(sort_, &QComboBox::currentIndexChanged, this, &CatalogPane::applyFilter);

    view_ = new QListView(this);
    view_->setObjectName(QStringLiteral("catalogGrid"));
    view_->setViewMode(QListView::IconMode);
    view_->setResizeMode(QListView::Adjust);
    view_->setMovement(QListView::Static);
    view_->setUniformItemSizes(true);  // layout without asking every row for its size
    view_->setLayoutMode(QListView::Batched);
    view_->setBatchSize(200);
    view_->setIconSize(QSize(140, 140));
    view_->setGridSize(QSize(160, 180));
    view_->setSpacing(4);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setItemDelegate(new CatalogDelegate(view_));
    view_->setModel(model_);

    // Two rows that fit the pane's share of a 1366-pixel window in English and Chinese.
    auto* bar = new QHBoxLayout;
    bar->addWidget(search_, 1);
    bar->addWidget(state_);
    bar->addWidget(sort_);
    auto* tagBar = new QHBoxLayout;
    tagBar->addWidget(attribute_);
    tagBar->addWidget(condition_);
    tagBar->addWidget(value_, 1);
    tagBar->addWidget(add);
    auto* col = new QVBoxLayout(this);
    col->setContentsMargins(6, 6, 6, 6);
    col->addLayout(bar);
    col->addLayout(tagBar);
    // The category filter on a row of its own: the two rows above are as wide as they may be.
    auto* categoryBar = new QHBoxLayout;
    categoryBar->addWidget(category_);
    categoryBar->addWidget(clearCategory_);
    categoryBar->addStretch(1);
    col->addLayout(categoryBar);
    col->addWidget(view_, 1);
    retranslateUi();
}

void CatalogPane::retranslateUi() {
    search_->setPlaceholderText(tr("Search file names"));
    state_->setItemText(0, tr("All images"));
    state_->setItemText(1, tr("New"));
    state_->setItemText(2, tr("Suggested"));
    state_->setItemText(3, tr("Reviewed"));
    state_->setItemText(4, tr("Accepted by a rule"));
    state_->setItemText(5, tr("Tagging failed"));
    add_->setToolTip(tr("Add images…"));
    add_->setAccessibleName(tr("Add images…"));
    attribute_->setToolTip(tr("Filter by a tag's attribute"));
    condition_->setItemText(0, tr("has"));
    condition_->setItemText(1, tr("lacks"));
    value_->lineEdit()->setPlaceholderText(tr("any value"));
    value_->setToolTip(tr("Filter by a tag value (pick one or type its name)"));
    sort_->setToolTip(tr("Order of the images"));
    sort_->setItemText(0, tr("Oldest first"));
    sort_->setItemText(1, tr("Newest first"));
    sort_->setItemText(2, tr("Name"));
    sort_->setItemText(3, tr("Review state"));
    sort_->setItemText(4, tr("Least certain first"));
    clearCategory_->setToolTip(tr("Any category"));
    updateCategoryButton();
    // The taxonomy's names in the new language; the chosen attribute and value stay chosen.
    const bool wasFilling = std::exchange(filling_, true);
    attribute_->setItemText(0, tr("Any tag"));
    if (taxonomy_) {
        for (int i = 1; i < attribute_->count(); ++i)
            if (const auto* a = taxonomy_->findAttribute(attribute_->itemData(i).toString()))
                attribute_->setItemText(i, catalog::Taxonomy::label(*a, uiLanguage()));
        const int picked = value_->currentIndex();
        const bool typed = picked <= 0 || value_->currentText() != value_->itemText(picked);
        const QString text = value_->currentText();
        fillValues();
        if (typed)
            value_->setEditText(text);
        else
            value_->setCurrentIndex(picked);
    }
    filling_ = wasFilling;
    // The status badges on the thumbnails are drawn with tr() each time.
    view_->viewport()->update();
}

void CatalogPane::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void CatalogPane::setTaxonomy(const catalog::Taxonomy& taxonomy) {
    taxonomy_ = &taxonomy;
    category_->setVisible(taxonomy.hasCategoryTree());
    if (!taxonomy.category(categoryCode_))
        categoryCode_.clear();
    updateCategoryButton();
    filling_ = true;
    attribute_->clear();
    attribute_->addItem(tr("Any tag"), QString());
    for (const auto& a : taxonomy.attributes())
        attribute_->addItem(catalog::Taxonomy::label(a, uiLanguage()), a.code);
    filling_ = false;
    fillValues();
}

void CatalogPane::fillValues() {
    const bool wasFilling = filling_;
    filling_ = true;
    value_->clear();
    value_->addItem(QString(), QString());  // any value
    if (taxonomy_) {
        const QString code = attribute_->currentData().toString();
        for (const auto& a : taxonomy_->attributes()) {
            if (!code.isEmpty() && a.code != code)
                continue;
            // Categories have their own filter (a subtree), not thousands of entries here.
            if (code.isEmpty() && taxonomy_->hasCategoryTree() &&
                a.code == QLatin1String(catalog::Taxonomy::kCategoryAttribute))
                continue;
            for (const auto& v : a.values) {
                const QString label = catalog::Taxonomy::label(v, uiLanguage());
                value_->addItem(code.isEmpty() ? catalog::Taxonomy::label(a, uiLanguage()) +
                                                     QStringLiteral(": ") + label
                                               : label,
                                v.code);
            }
        }
    }
    value_->setCurrentIndex(0);
    filling_ = wasFilling;
}

void CatalogPane::setSort(catalog::ImageSort sort) {
    sort_->setCurrentIndex(qMax(0, sort_->findData(int(sort))));
}

catalog::ImageFilter CatalogPane::currentFilter() const {
    catalog::ImageFilter f;
    f.nameContains = search_->text().trimmed();
    const QVariant state = state_->currentData();
    if (state.metaType() == QMetaType::fromType<QString>()) {
        f.taggingFailed = state.toString() == QLatin1String("failed");
        f.acceptedByRule = state.toString() == QLatin1String("rule");
    } else if (state.isValid())
        f.reviewState = state.value<catalog::ReviewState>();
    f.sort = static_cast<catalog::ImageSort>(sort_->currentData().toInt());
    if (taxonomy_ && !categoryCode_.isEmpty()) {  // the category and everything below it
        QStringList pending{categoryCode_};
        while (!pending.isEmpty()) {
            const QString code = pending.takeLast();
            f.categoryCodes << code;
            for (int i : taxonomy_->childCategories(code))
                pending << taxonomy_->categories()[i].code;
        }
    }
    const QString attribute = attribute_->currentData().toString();
    if (condition_->currentData().toString() == QLatin1String("lacks") && !attribute.isEmpty()) {
        f.lacksAttribute = attribute;
        return f;
    }
    f.attribute = attribute;
    // A picked entry gives its code; typed text is looked up among the names (labels, codes,
    // synonyms) and otherwise taken as it is (values outside the taxonomy).
    const QString text = value_->currentText().trimmed();
    if (text.isEmpty())
        return f;
    const int picked = value_->findText(value_->currentText(), Qt::MatchExactly);
    if (picked > 0) {
        f.valueCode = value_->itemData(picked).toString();
    } else if (taxonomy_ && !attribute.isEmpty()) {
        const auto* v = taxonomy_->findValue(attribute, text);
        f.valueCode = v ? v->code : text;
    } else if (taxonomy_) {
        const auto refs = taxonomy_->findValueAnywhere(text);
        f.valueCode = refs.isEmpty() ? text : refs.first().value->code;
    } else {
        f.valueCode = text;
    }
    return f;
}

void CatalogPane::applyFilter() {
    if (filling_)
        return;
    QString error;
    if (!model_->setFilter(currentFilter(), &error))
        emit errorOccurred(error);
}

CategoryPicker* CatalogPane::chooseCategory() {
    if (!taxonomy_ || !taxonomy_->hasCategoryTree())
        return nullptr;
    auto* picker = new CategoryPicker(*taxonomy_, categoryCode_, this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    picker->setWindowModality(Qt::WindowModal);
    connect(picker, &QDialog::accepted, this,
            [this, picker] { setCategoryFilter(picker->chosenCode()); });
    picker->open();
    return picker;
}

void CatalogPane::setCategoryFilter(const QString& code) {
    if (code == categoryCode_)
        return;
    categoryCode_ = code;
    updateCategoryButton();
    applyFilter();
}

void CatalogPane::updateCategoryButton() {
    const auto* c = taxonomy_ ? taxonomy_->category(categoryCode_) : nullptr;
    // Shopify's long names are elided: the pane's width never depends on a category's name.
    category_->setText(
        c ? tr("Category: %1")
                .arg(category_->fontMetrics().elidedText(catalog::Taxonomy::label(*c, uiLanguage()),
                                                         Qt::ElideMiddle, 220))
          : tr("Category…"));
    category_->setToolTip(c ? tr("Images of %1 and every category below it")
                                  .arg(taxonomy_->categoryPath(c->code, uiLanguage()))
                            : tr("Show only the images of one category and its subcategories"));
    clearCategory_->setVisible(c != nullptr);
}

}  // namespace vistag::ui

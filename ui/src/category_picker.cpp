#include "category_picker.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QEvent>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

#include "translations.h"

namespace vistag::ui {

// ---- CategoryTreeModel ------------------------------------------------------------------------
// An index's internal id is the category's index in Taxonomy::categories() + 1.

CategoryTreeModel::CategoryTreeModel(const catalog::Taxonomy& taxonomy, QObject* parent)
    : QAbstractItemModel(parent), taxonomy_(taxonomy), language_(uiLanguage()) {
    const auto& cats = taxonomy_.categories();
    const int n = int(cats.size());
    children_.resize(n + 1);
    parent_.fill(-1, n);
    row_.fill(0, n);
    search_.resize(n);
    children_[0] = taxonomy_.childCategories(QString());
    for (int i = 0; i < n; ++i)
        children_[i + 1] = taxonomy_.childCategories(cats[i].code);
    for (int p = 0; p <= n; ++p)
        for (int r = 0; r < children_[p].size(); ++r) {
            parent_[children_[p][r]] = p - 1;
            row_[children_[p][r]] = r;
        }
    // Everything a person may type: the code, every label and synonym, and the path in every
    // language, so that "dresses", "连衣裙" and "clothing > dresses" all find the node.
    const QStringList languages = taxonomy_.languages();
    for (int i = 0; i < n; ++i) {
        const auto& c = cats[i];
        QStringList terms{c.code};
        for (auto it = c.labels.cbegin(); it != c.labels.cend(); ++it)
            terms << it.value();
        terms << c.labelEn << c.labelZh << c.synonyms;
        for (const QString& language : languages)
            terms << taxonomy_.categoryPath(c.code, language);
        QStringList normalised;
        for (const QString& t : std::as_const(terms))
            if (!t.isEmpty())
                normalised << catalog::Taxonomy::normalizeTerm(t);
        normalised.removeDuplicates();
        search_[i] = normalised.join(QChar(0x1f));  // a separator no term holds
    }
}

QModelIndex CategoryTreeModel::indexOf(const QString& code) const {
    const int i = taxonomy_.categoryIndex(code);
    return i < 0 ? QModelIndex() : createIndex(row_[i], 0, quintptr(i + 1));
}

void CategoryTreeModel::retranslate() {
    language_ = uiLanguage();
    if (!children_[0].isEmpty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, 0), {Qt::DisplayRole});
    emit headerDataChanged(Qt::Horizontal, 0, 0);
}

QModelIndex CategoryTreeModel::index(int row, int column, const QModelIndex& parent) const {
    if (column != 0 || row < 0)
        return {};
    const int p = parent.isValid() ? int(parent.internalId()) : 0;
    if (p >= children_.size() || row >= children_[p].size())
        return {};
    return createIndex(row, 0, quintptr(children_[p][row] + 1));
}

QModelIndex CategoryTreeModel::parent(const QModelIndex& child) const {
    if (!child.isValid())
        return {};
    const int p = parent_[int(child.internalId()) - 1];
    return p < 0 ? QModelIndex() : createIndex(row_[p], 0, quintptr(p + 1));
}

int CategoryTreeModel::rowCount(const QModelIndex& parent) const {
    if (parent.column() > 0)
        return 0;
    const int p = parent.isValid() ? int(parent.internalId()) : 0;
    return p < children_.size() ? int(children_[p].size()) : 0;
}

int CategoryTreeModel::columnCount(const QModelIndex&) const {
    return 1;
}

QVariant CategoryTreeModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid())
        return {};
    const int i = int(index.internalId()) - 1;
    const auto& c = taxonomy_.categories()[i];
    switch (role) {
        case Qt::DisplayRole:
            return catalog::Taxonomy::label(c, language_);
        case Qt::ToolTipRole:
            return taxonomy_.categoryPath(c.code, language_) + QStringLiteral("\n") + c.code;
        case CodeRole:
            return c.code;
        case SearchTextRole:
            return search_[i];
        default:
            return {};
    }
}

QVariant CategoryTreeModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (section == 0 && orientation == Qt::Horizontal && role == Qt::DisplayRole)
        return CategoryPicker::tr("Category");
    return {};
}

// ---- CategoryFilterModel ----------------------------------------------------------------------

void CategoryFilterModel::setSearch(const QString& text) {
    const QString needle = catalog::Taxonomy::normalizeTerm(text);
    if (needle == needle_)
        return;
    needle_ = needle;
    setRecursiveFilteringEnabled(true);  // a match keeps its ancestors
    invalidateFilter();
}

bool CategoryFilterModel::matches(const QModelIndex& sourceIndex) const {
    return needle_.isEmpty() ||
           sourceIndex.data(CategoryTreeModel::SearchTextRole).toString().contains(needle_);
}

bool CategoryFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const {
    return matches(sourceModel()->index(sourceRow, 0, sourceParent));
}

QModelIndex CategoryFilterModel::firstMatch(const QModelIndex& parent) const {
    for (int r = 0; r < rowCount(parent); ++r) {
        const QModelIndex i = index(r, 0, parent);
        if (!needle_.isEmpty() && matches(mapToSource(i)))
            return i;
        if (const QModelIndex below = firstMatch(i); below.isValid())
            return below;
    }
    return {};
}

// ---- CategoryPicker ---------------------------------------------------------------------------

CategoryPicker::CategoryPicker(const catalog::Taxonomy& taxonomy, const QString& current,
                               QWidget* parent)
    : QDialog(parent), taxonomy_(taxonomy) {
    setObjectName(QStringLiteral("categoryPicker"));
    model_ = new CategoryTreeModel(taxonomy_, this);
    filter_ = new CategoryFilterModel(this);
    filter_->setSourceModel(model_);

    search_ = new QLineEdit(this);
    search_->setObjectName(QStringLiteral("categorySearch"));
    search_->setClearButtonEnabled(true);
    search_->installEventFilter(this);
    connect(search_, &QLineEdit::textChanged, this, &CategoryPicker::applySearch);

    view_ = new QTreeView(this);
    view_->setObjectName(QStringLiteral("categoryTree"));
    view_->setModel(filter_);
    view_->setHeaderHidden(true);
    view_->setUniformRowHeights(true);  // 10,000 rows laid out without asking each
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->installEventFilter(this);
    connect(view_->selectionModel(), &QItemSelectionModel::currentChanged, this,
            &CategoryPicker::updatePath);
    connect(view_, &QTreeView::activated, this, [this](const QModelIndex& i) {
        if (i.isValid() && model_->rowCount(filter_->mapToSource(i)) == 0)
            accept();  // Enter or a double click on a leaf chooses it
    });

    path_ = new QLabel(this);
    path_->setObjectName(QStringLiteral("categoryPath"));
    path_->setWordWrap(true);
    path_->setTextFormat(Qt::PlainText);
    count_ = new QLabel(this);
    count_->setObjectName(QStringLiteral("categoryCount"));

    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* col = new QVBoxLayout(this);
    col->addWidget(search_);
    col->addWidget(view_, 1);
    col->addWidget(path_);
    auto* row = new QHBoxLayout;
    row->addWidget(count_, 1);
    row->addWidget(buttons_);
    col->addLayout(row);
    retranslateUi();
    select(current);
    updatePath();
    search_->setFocus();
    resize(520, 560);
}

QString CategoryPicker::pick(const catalog::Taxonomy& taxonomy, const QString& current,
                             QWidget* parent) {
    CategoryPicker picker(taxonomy, current, parent);
    return picker.exec() == QDialog::Accepted ? picker.chosenCode() : QString();
}

void CategoryPicker::retranslateUi() {
    setWindowTitle(tr("Choose a category"));
    search_->setPlaceholderText(tr("Search categories: name, code or path, in any language"));
    model_->retranslate();
    applySearch();
    updatePath();
}

void CategoryPicker::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QDialog::changeEvent(event);
}

QString CategoryPicker::chosenCode() const {
    const QModelIndex i = view_->currentIndex();
    return i.isValid() ? i.data(CategoryTreeModel::CodeRole).toString() : QString();
}

void CategoryPicker::select(const QString& code) {
    const QModelIndex source = model_->indexOf(code);
    QModelIndex i = filter_->mapFromSource(source);
    if (!i.isValid())
        return;
    view_->setCurrentIndex(i);
    view_->scrollTo(i, QAbstractItemView::PositionAtCenter);
}

void CategoryPicker::applySearch() {
    const QString keep = chosenCode();
    filter_->setSearch(search_->text());
    if (filter_->search().isEmpty()) {
        view_->collapseAll();
        select(keep);
    } else {
        // Matches are few once a word is typed; expand what is left so that every match shows.
        view_->expandAll();
        const QModelIndex first = filter_->firstMatch();
        if (first.isValid())
            view_->setCurrentIndex(first);
    }
    const int total = int(taxonomy_.categories().size());
    if (filter_->search().isEmpty())
        count_->setText(tr("%n categories", nullptr, total));
    else if (!filter_->firstMatch().isValid())
        count_->setText(tr("No category matches “%1”").arg(search_->text().trimmed()));
    else
        count_->clear();
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(view_->currentIndex().isValid());
}

void CategoryPicker::updatePath() {
    const QString code = chosenCode();
    path_->setText(code.isEmpty() ? QString()
                                  : taxonomy_.categoryPath(code, uiLanguage()) +
                                        QStringLiteral("  (") + code + QLatin1Char(')'));
    if (buttons_)
        buttons_->button(QDialogButtonBox::Ok)->setEnabled(!code.isEmpty());
}

bool CategoryPicker::eventFilter(QObject* watched, QEvent* event) {
    if (event->type() != QEvent::KeyPress)
        return QDialog::eventFilter(watched, event);
    auto* key = static_cast<QKeyEvent*>(event);
    if (watched == search_) {
        // Arrows move in the tree while the search box keeps the focus; Enter chooses.
        switch (key->key()) {
            case Qt::Key_Up:
            case Qt::Key_Down:
            case Qt::Key_PageUp:
            case Qt::Key_PageDown:
                QCoreApplication::sendEvent(view_, event);
                return true;
            case Qt::Key_Return:
            case Qt::Key_Enter:
                if (!chosenCode().isEmpty())
                    accept();
                return true;
            default:
                break;
        }
    } else if (watched == view_ && (key->key() == Qt::Key_Return || key->key() == Qt::Key_Enter)) {
        if (!chosenCode().isEmpty())
            accept();
        return true;
    }
    return QDialog::eventFilter(watched, event);
}

}  // namespace vistag::ui

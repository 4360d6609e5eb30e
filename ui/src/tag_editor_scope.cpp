// The tag editor's list, scoped to the image's category: with a category tree the image's
// category comes first, then only the attributes that apply to it; tags of other attributes are
// shown as not applying and can be dropped. Without a tree (a version-1 taxonomy, or no category
// chosen yet) every attribute is listed, as before.
#include <QApplication>
#include <QLocale>
#include <QPushButton>
#include <QSet>
#include <QTreeWidget>

#include "category_picker.h"
#include "review/review_stats.h"
#include "tag_editor.h"
#include "tag_editor_p.h"
#include "translations.h"

namespace vistag::ui {

using catalog::TagStatus;
using namespace tag_editor_detail;

namespace {

// The image's category among its tags: the accepted one, else the first suggested one.
QString categoryOf(const catalog::Taxonomy& taxonomy, const QList<catalog::TagRecord>& tags) {
    if (!taxonomy.hasCategoryTree())
        return {};
    const QLatin1String attribute(catalog::Taxonomy::kCategoryAttribute);
    QString suggested;
    for (const auto& t : tags) {
        if (t.attribute != attribute || !taxonomy.category(t.valueCode))
            continue;
        if (t.status == TagStatus::Accepted)
            return t.valueCode;
        if (t.status == TagStatus::Suggested && suggested.isEmpty())
            suggested = t.valueCode;
    }
    return suggested;
}

}  // namespace

void TagEditor::createCategoryControls() {
    categoryButton_ = new QPushButton(this);
    categoryButton_->setObjectName(QStringLiteral("categoryButton"));
    categoryButton_->setStyleSheet(QStringLiteral("text-align: left; padding: 3px 6px;"));
    categoryButton_->setVisible(taxonomy_.hasCategoryTree());
    connect(categoryButton_, &QPushButton::clicked, this, [this] { chooseCategory(); });
    dropButton_ = new QPushButton(this);
    dropButton_->setObjectName(QStringLiteral("dropInapplicable"));
    dropButton_->setVisible(false);
    connect(dropButton_, &QPushButton::clicked, this, &TagEditor::dropInapplicable);
    taxonomyButton_ = new QPushButton(this);
    taxonomyButton_->setObjectName(QStringLiteral("taxonomyButton"));
    connect(taxonomyButton_, &QPushButton::clicked, this,
            [this] { emit taxonomyBrowserRequested(category_); });
}

void TagEditor::retranslateCategoryControls() {
    categoryButton_->setVisible(taxonomy_.hasCategoryTree());
    taxonomyButton_->setText(tr("Taxonomy"));
    taxonomyButton_->setToolTip(tr("Browse the taxonomy: categories, their attributes, values"));
    const auto* c = taxonomy_.category(category_);
    categoryButton_->setText(
        c ? tr("Category: %1 — change…").arg(catalog::Taxonomy::label(*c, uiLanguage()))
          : tr("Category: none — choose…"));
    categoryButton_->setToolTip(
        c ? taxonomy_.categoryPath(c->code, uiLanguage())
          : tr("Choose the product's category: the list then shows only the attributes that "
               "apply to it"));
    dropButton_->setText(
        tr("Drop %n tag(s) that do not apply", nullptr, int(inapplicable_.size())));
    dropButton_->setVisible(!inapplicable_.isEmpty());
}

void TagEditor::taxonomyChanged() {
    retranslateUi();  // the add field's completions, the category controls
    refresh();
}

CategoryPicker* TagEditor::chooseCategory() {
    if (imageId_ == 0 || !taxonomy_.hasCategoryTree())
        return nullptr;
    auto* picker = new CategoryPicker(taxonomy_, category_, this);
    picker->setAttribute(Qt::WA_DeleteOnClose);
    picker->setWindowModality(Qt::WindowModal);
    const qint64 image = imageId_;
    connect(picker, &QDialog::accepted, this, [this, picker, image] {
        if (image == imageId_)
            setCategory(picker->chosenCode());
    });
    picker->open();
    return picker;
}

bool TagEditor::setCategory(const QString& code) {
    const auto* c = taxonomy_.category(code);
    if (imageId_ == 0 || !c)
        return false;
    QString error;
    const auto edit =
        db_.pickTagValue(imageId_, QLatin1String(catalog::Taxonomy::kCategoryAttribute), code,
                         false, true, user_, &error);
    if (!edit) {
        emit errorOccurred(error);
        return false;
    }
    pushEdit(tr("Category: %1").arg(catalog::Taxonomy::label(*c, uiLanguage())), *edit);
    return true;
}

bool TagEditor::dropInapplicable() {
    if (inapplicable_.isEmpty())
        return false;
    catalog::TagEdit all;
    bool ok = true;
    for (qint64 id : std::as_const(inapplicable_)) {
        QString error;
        catalog::TagEdit edit;
        if (!db_.removeTag(id, user_, &error, &edit, shownVersions_.value(id, -1))) {
            emit errorOccurred(error);
            ok = false;
            break;
        }
        all.before << edit.before;
        all.after << edit.after;
    }
    all.tagSets = all.isEmpty() ? 0 : 1;
    all.images = all.tagSets;
    // One step: Ctrl+Z puts every dropped tag back.
    pushEdit(tr("Drop %n tag(s) that do not apply", nullptr, int(all.before.size())), all);
    return ok;
}

void TagEditor::refresh() {
    // Keep the focused row (a tag, or else its attribute) across the rebuild.
    QString currentAttribute;
    qint64 currentTag = 0;
    if (auto* c = tree_->currentItem()) {
        currentAttribute = c->data(0, kAttributeRole).toString();
        currentTag = c->data(0, kTagIdRole).toLongLong();
    }
    tree_->clear();
    shownVersions_.clear();
    if (imageId_ == 0) {
        category_.clear();
        inapplicable_.clear();
        retranslateCategoryControls();
        return;
    }
    QString error;
    auto tags = db_.tagsForImage(imageId_, &error);
    if (!tags) {
        emit errorOccurred(error);
        return;
    }
    // What the person sees: an edit of a tag someone changed since is refused (team catalogue).
    for (const auto& t : *tags)
        shownVersions_.insert(t.id, t.version);
    // Every attribute of the taxonomy, so that any of them can be focused and picked (1–9);
    // attributes the taxonomy does not know follow. With a category, the category first, then
    // only the attributes that apply to it.
    category_ = categoryOf(taxonomy_, *tags);
    inapplicable_.clear();
    const bool scoped = !category_.isEmpty();
    QSet<QString> applies;
    if (scoped) {
        applies.insert(QLatin1String(catalog::Taxonomy::kCategoryAttribute));
        for (const auto* a : taxonomy_.attributesFor(category_))
            applies.insert(a->code);
    }
    const auto* category = taxonomy_.category(category_);
    const QString categoryLabel =
        category ? catalog::Taxonomy::label(*category, uiLanguage()) : QString();
    QHash<QString, QTreeWidgetItem*> groups;
    auto makeGroup = [&](const QString& code) {
        const auto* a = taxonomy_.attribute(code);
        auto* g =
            new QTreeWidgetItem(tree_, {a ? catalog::Taxonomy::label(*a, uiLanguage()) : code});
        g->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
        g->setData(0, kAttributeRole, code);
        QFont f = g->font(0);
        f.setBold(true);
        g->setFont(0, f);
        groups.insert(code, g);
        return g;
    };
    for (const auto& a : taxonomy_.attributes())
        if (!scoped || applies.contains(a.code))
            makeGroup(a.code);
    QTreeWidgetItem* restore = nullptr;
    // Attributes with enough reviews show their calibrated confidence (the raw one in the
    // tooltip), as the least-certain-first queue orders by it.
    const QHash<QString, review::Calibration> calibrations = review::cachedCalibrations(db_);
    for (const auto& t : *tags) {
        QTreeWidgetItem* group = groups.value(t.attribute);
        if (!group) {
            group = makeGroup(t.attribute);
            if (scoped && taxonomy_.attribute(t.attribute)) {  // known, but not for this category
                group->setText(0,
                               tr("%1 — does not apply to %2").arg(group->text(0), categoryLabel));
                group->setData(0, kInapplicableRole, true);
                group->setFirstColumnSpanned(true);  // the whole note, not cut at column 1
                group->setToolTip(0, tr("%1 is not an attribute of %2: drop these tags with "
                                        "the button below the list")
                                         .arg(group->text(0), categoryLabel));
            }
        }
        if (group->data(0, kInapplicableRole).toBool() && t.status != TagStatus::Rejected)
            inapplicable_ << t.id;
        const auto* v = taxonomy_.value(t.attribute, t.valueCode);
        const QString valueLabel = v ? catalog::Taxonomy::label(*v, uiLanguage()) : t.valueCode;
        QString label = valueLabel;
        if (t.isNewValue)
            label += tr(" (new value)");
        QString source = t.source.startsWith(QLatin1String("person:"))
                             ? t.source.mid(7)
                             : t.source.section(QLatin1Char(':'), 1);
        // The confidence first, so that a narrow column still shows it; a constrained answer
        // where little of the model's probability went to the taxonomy's values (it wanted to
        // say something the taxonomy does not have) is marked.
        const bool outside = t.allowedMass >= 0 && t.allowedMass < 0.5;
        const auto calibration = calibrations.constFind(t.attribute);
        const bool calibrated = t.confidence >= 0 && calibration != calibrations.cend() &&
                                t.source.startsWith(QLatin1String("model:"));
        if (t.confidence >= 0)
            source = QStringLiteral("%1%2 · %3")
                         .arg(calibrated ? calibration->map(t.confidence) : t.confidence, 0, 'f', 2)
                         .arg(outside ? QStringLiteral(" ⚠") : QString(), source);
        auto* item = new QTreeWidgetItem(group, {label, source, statusText(t.status)});
        if (outside)
            item->setToolTip(1, tr("The model gave only %1% of its probability to the taxonomy's "
                                   "values here: it may have wanted to say something the "
                                   "taxonomy does not have.")
                                    .arg(qRound(t.allowedMass * 100)));
        if (calibrated && !outside)
            item->setToolTip(1, tr("Calibrated on this catalogue's reviews of %1; the model's own "
                                   "confidence: %2")
                                    .arg(t.attribute)
                                    .arg(t.confidence, 0, 'f', 2));
        item->setFlags(item->flags() | Qt::ItemIsEditable);
        item->setData(0, kTagIdRole, t.id);
        item->setData(0, kAttributeRole, t.attribute);
        item->setData(0, kValueTextRole, valueLabel);
        item->setData(2, Qt::UserRole, catalog::tagStatusName(t.status));
        if (const auto* c = t.attribute == QLatin1String(catalog::Taxonomy::kCategoryAttribute)
                                ? taxonomy_.category(t.valueCode)
                                : nullptr)
            item->setToolTip(0, taxonomy_.categoryPath(c->code, uiLanguage()));
        if (!t.decidedBy.isEmpty())  // in a team: who decided, and when
            item->setToolTip(
                2, tr("%1 by %2, %3")
                       .arg(statusText(t.status), t.decidedBy,
                            QLocale().toString(t.decidedAt.toLocalTime(), QLocale::ShortFormat)));
        if (t.status == TagStatus::Accepted && t.decidedBy.startsWith(QLatin1String("rule:")))
            if (const auto how = db_.ruleAcceptance(t.id)) {  // Tools → Review rules…
                item->setText(2, tr("Accepted by rule"));
                item->setToolTip(
                    2, tr("Accepted by the review rule for %1: confidence %2 is at or above its "
                          "threshold %3 (target precision %4 %, at least %5 reviews); run %6 "
                          "by %7, %8")
                           .arg(t.attribute)
                           .arg(t.confidence, 0, 'f', 3)
                           .arg(how->rule.threshold, 0, 'g', 3)
                           .arg(how->rule.minPrecision * 100, 0, 'g', 3)
                           .arg(how->rule.minReviewed)
                           .arg(how->runId)
                           .arg(how->who,
                                QLocale().toString(how->at.toLocalTime(), QLocale::ShortFormat)));
            }
        if (t.status == TagStatus::Rejected)
            item->setForeground(0, palette().brush(QPalette::PlaceholderText));
        if (t.id == currentTag)
            restore = item;
    }
    for (auto* g : std::as_const(groups)) {
        if (g->childCount() == 0)
            g->setForeground(0, palette().brush(QPalette::PlaceholderText));
        if (!restore && g->data(0, kAttributeRole).toString() == currentAttribute)
            restore = g;
    }
    retranslateCategoryControls();
    tree_->expandAll();
    if (restore)
        tree_->setCurrentItem(restore, 0, QItemSelectionModel::ClearAndSelect);
    emit tagsChanged(imageId_);
}

}  // namespace vistag::ui

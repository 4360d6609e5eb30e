#include "batch_panel.h"

#include "settings/app_settings.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <algorithm>
#include <cmath>

#include "catalog_model.h"
#include "scheduler/backend_controller.h"
#include "tags/tag_extraction.h"
#include "translations.h"

namespace vistag::ui {

QString formatEta(double seconds) {
    if (seconds < 0 || !std::isfinite(seconds))
        return {};
    if (seconds < 60)
        return BatchPanel::tr("about %1 s left").arg(qMax(1, qRound(seconds)));
    if (seconds < 3600)
        return BatchPanel::tr("about %1 min left").arg(qRound(seconds / 60));
    return BatchPanel::tr("about %1 h %2 min left")
        .arg(int(seconds / 3600))
        .arg(qRound(std::fmod(seconds, 3600) / 60));
}

BatchPanel::BatchPanel(catalog::CatalogDb& db, backend::BackendController* backend,
                       CatalogModel* model, const catalog::Taxonomy& taxonomy, QWidget* parent)
    : QWidget(parent), db_(db), backend_(backend), model_(model), taxonomy_(taxonomy) {
    setObjectName(QStringLiteral("batchPanel"));
    params = settings::AppSettings::defaultGeneration();
    label_ = new QLabel(this);
    bar_ = new QProgressBar(this);
    bar_->setTextVisible(true);
    bar_->setFormat(QStringLiteral("%v / %m"));
    bar_->setFixedWidth(160);
    cancel_ = new QPushButton(this);
    resume_ = new QPushButton(this);
    resume_->setObjectName(QStringLiteral("resumeTagging"));
    discard_ = new QPushButton(this);
    connect(cancel_, &QPushButton::clicked, this, &BatchPanel::cancel);
    connect(resume_, &QPushButton::clicked, this, &BatchPanel::resume);
    connect(discard_, &QPushButton::clicked, this, &BatchPanel::discard);
    for (QPushButton* b : {cancel_, resume_, discard_})
        b->setSizePolicy(QSizePolicy::Maximum, QSizePolicy::Fixed);
    auto* row = new QHBoxLayout(this);
    row->setContentsMargins(0, 0, 0, 0);
    row->addWidget(label_);
    row->addWidget(bar_);
    row->addWidget(cancel_);
    row->addWidget(resume_);
    row->addWidget(discard_);
    retranslateUi();

    connect(backend_, &backend::BackendController::batchProgress, this, &BatchPanel::onProgress);
    connect(backend_, &backend::BackendController::batchItem, this, &BatchPanel::onItem);
    connect(backend_, &backend::BackendController::batchFinished, this, &BatchPanel::onFinished);
    // Badges from every batch, earlier sessions' too: tagged, failed (with why), and the work
    // left queued until it is resumed or dropped.
    model_->loadBatchOutcomes();
    showIdle();
}

int BatchPanel::unfinishedCount() const {
    const auto batches = db_.unfinishedBatches();
    int n = 0;
    if (batches)
        for (const auto& b : *batches)
            n += b.progress.pending + b.progress.running;
    return n;
}

void BatchPanel::retranslateUi() {
    cancel_->setText(tr("Cancel"));
    cancel_->setToolTip(tr("Stop tagging; the images not done yet stay queued"));
    discard_->setText(tr("Discard"));
    discard_->setToolTip(tr("Forget the unfinished tagging batch"));
    if (running()) {
        if (labelText_)
            label_->setText(labelText_());
    } else if (resume_->isVisible() || label_->isVisible()) {
        showIdle();  // "Resume tagging (%n left)" in the new language
    }
}

void BatchPanel::changeEvent(QEvent* event) {
    if (event->type() == QEvent::LanguageChange)
        retranslateUi();
    QWidget::changeEvent(event);
}

void BatchPanel::setLabel(std::function<QString()> text) {
    labelText_ = std::move(text);
    label_->setText(labelText_ ? labelText_() : QString());
}

void BatchPanel::showIdle() {
    bar_->hide();
    cancel_->hide();
    const int left = unfinishedCount();
    resume_->setText(tr("Resume tagging (%n left)", nullptr, left));
    resume_->setVisible(left > 0);
    discard_->setVisible(left > 0);
    label_->setVisible(left > 0);
    if (left > 0)
        setLabel([] { return tr("Unfinished tagging:"); });
    else
        setLabel({});
    setVisible(left > 0);
}

void BatchPanel::refreshUnfinished() {
    if (!running())
        showIdle();
}

bool BatchPanel::tagImages(const QList<qint64>& imageIds, const QString& mode) {
    if (running()) {
        emit errorOccurred(tr("Tagging is already running."));
        return false;
    }
    if (!backend_->hasModel()) {
        emit errorOccurred(tr("Choose a model or a server first, then run tagging."));
        return false;
    }
    if (imageIds.isEmpty()) {
        emit errorOccurred(tr("There are no images to tag."));
        return false;
    }
    const catalog::BatchSpec spec = catalog::taggingSpec(taxonomy_, mode, uiLanguage(), params,
                                                         constrained, backend_->usesServer());
    if (const QString problem = catalog::taggingSpecProblem(spec); !problem.isEmpty()) {
        emit errorOccurred(problem);
        return false;
    }
    QString error;
    const auto id = db_.createBatch(spec.mode, spec.prompt, backend_->modelId(),
                                    spec.params.toJson(), imageIds, &error);
    if (!id) {
        emit errorOccurred(error);
        return false;
    }
    return start(*id, spec);
}

bool BatchPanel::tagUntagged() {
    catalog::ImageFilter f;
    f.reviewState = catalog::ReviewState::New;
    QString error;
    const auto images = db_.listImages(f, &error);
    if (!images) {
        emit errorOccurred(error);
        return false;
    }
    QList<qint64> ids;
    ids.reserve(images->size());
    for (const auto& r : *images)
        ids << r.id;
    if (ids.isEmpty()) {
        emit errorOccurred(tr("Every image has tags already."));
        return false;
    }
    return tagImages(ids, QStringLiteral("untagged"));
}

bool BatchPanel::resume() {
    if (running())
        return false;
    if (!backend_->hasModel()) {
        emit errorOccurred(tr("Choose a model or a server first, then resume tagging."));
        return false;
    }
    QString error;
    const auto batches = db_.unfinishedBatches(&error);
    if (!batches) {
        emit errorOccurred(error);
        return false;
    }
    if (batches->isEmpty()) {
        showIdle();
        return false;
    }
    const catalog::BatchInfo& b = batches->first();
    if (!db_.resetInterrupted(b.id, &error)) {  // items a crash left "running"
        emit errorOccurred(error);
        return false;
    }
    // The batch goes on as it was started: its prompt and every parameter (penalties and the
    // tag schema too, so that it finds the same cache entries).
    catalog::BatchSpec spec;
    spec.mode = b.mode;
    spec.prompt = b.prompt;
    spec.params = catalog::InferenceParams::fromJson(b.paramsJson);
    if (!spec.params.tagSchema.isEmpty()) {
        const catalog::BatchSpec now = catalog::taggingSpec(
            taxonomy_, b.mode, uiLanguage(), spec.params, true, backend_->usesServer());
        spec.tagSchema = now.tagSchema;
        spec.schemaOptions = now.schemaOptions;
        if (now.params.tagSchema != spec.params.tagSchema) {
            // The taxonomy (or the kind of backend) changed since: the rest is asked with
            // today's schema and prompt, under its own cache key.
            spec.params.tagSchema = now.params.tagSchema;
            spec.prompt = now.prompt;
        }
    }
    return start(b.id, spec);
}

bool BatchPanel::start(qint64 batchId, const catalog::BatchSpec& spec) {
    backend::BatchJob job;
    job.dbPath = db_.path();
    job.batchId = batchId;
    job.spec = spec;
    job.taxonomy = taxonomy_;
    if (!backend_->runBatch(job)) {
        emit errorOccurred(tr("Tagging is already running."));
        return false;
    }
    runningBatch_ = batchId;
    clock_.start();
    model_->loadBatchOutcomes();  // this batch's items are each image's newest
    const auto p = db_.batchProgress(batchId).value_or(catalog::BatchProgress{});
    answeredAtStart_ = p.done;
    bar_->setRange(0, qMax(1, p.total()));
    bar_->setValue(p.finished());
    setLabel([] { return tr("Tagging…"); });
    label_->show();
    bar_->show();
    cancel_->show();
    cancel_->setEnabled(true);
    resume_->hide();
    discard_->hide();
    show();
    emit runningChanged(true);
    emit progressChanged(p.finished(), p.total());
    return true;
}

void BatchPanel::onProgress(qint64 batchId, const catalog::BatchRunStatus& s) {
    if (batchId != runningBatch_)
        return;
    lastProgress_ = s.progress;
    const int total = s.progress.total();
    const int finished = s.progress.finished();
    bar_->setRange(0, qMax(1, total));
    bar_->setValue(finished);
    // An estimate only after real answers, from the time they took: failures and skipped images
    // come back at once and say nothing about how long the rest takes.
    const int answeredHere = s.progress.done - answeredAtStart_;
    const double etaSeconds =
        answeredHere > 0 ? clock_.elapsed() / 1000.0 / answeredHere * (total - finished) : -1;
    const int failed = s.progress.failed;
    setLabel([finished, total, etaSeconds, failed] {
        QString text = tr("Tagging %1 / %2").arg(finished).arg(total);
        const QString eta = formatEta(etaSeconds);
        if (!eta.isEmpty() && finished < total)
            text += QStringLiteral(" · ") + eta;
        if (failed > 0)
            text += QStringLiteral(" · ") + tr("%n failed", nullptr, failed);
        return text;
    });
    label_->setToolTip(s.lastError);
    emit progressChanged(finished, total);
}

void BatchPanel::onItem(qint64 batchId, qint64 imageId, catalog::ItemState state) {
    if (batchId != runningBatch_)
        return;
    model_->setBatchStatus(imageId, state);
    emit imageChanged(imageId, state);
}

void BatchPanel::onFinished(qint64 batchId, bool ok, bool cancelled, const QString& error) {
    if (batchId != runningBatch_)
        return;
    runningBatch_ = 0;
    if (!ok)
        emit errorOccurred(tr("Tagging stopped: %1").arg(error));
    showIdle();
    emit runningChanged(false);
    emit finished(ok, cancelled);
}

bool BatchPanel::retryFailed() {
    QString error;
    const auto outcomes = db_.latestItemOutcomes(0, &error);
    if (!outcomes) {
        emit errorOccurred(error);
        return false;
    }
    QList<qint64> failed;
    for (auto it = outcomes->cbegin(); it != outcomes->cend(); ++it)
        if (it->state == catalog::ItemState::Failed)
            failed << it.key();
    std::sort(failed.begin(), failed.end());
    if (failed.isEmpty()) {
        emit errorOccurred(tr("No image failed its last tagging."));
        return false;
    }
    return tagImages(failed, QStringLiteral("replace"));
}

void BatchPanel::cancel() {
    if (!running())
        return;
    cancel_->setEnabled(false);
    setLabel([] { return tr("Stopping…"); });
    backend_->cancelBatch();
}

void BatchPanel::discard() {
    if (running())
        return;
    const auto batches = db_.unfinishedBatches();
    if (batches)
        for (const auto& b : *batches) {
            QString error;
            if (!db_.cancelBatch(b.id, &error))
                emit errorOccurred(error);
        }
    model_->loadBatchOutcomes();  // the dropped items' images show their earlier outcome
    showIdle();
}

}  // namespace vistag::ui

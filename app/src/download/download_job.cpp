#include "download/download_job.h"

#include <QMetaObject>

namespace vistag::download {

DownloadJob::DownloadJob(QObject* parent) : QObject(parent) {}

DownloadJob::~DownloadJob() {
    if (cancel_)
        cancel_->store(true);  // tasks_ then joins the thread
}

bool DownloadJob::start(const Options& options) {
    if (running_)
        return false;
    running_ = true;
    auto cancel = std::make_shared<std::atomic<bool>>(false);
    cancel_ = cancel;
    tasks_.start(QStringLiteral("vistag-download"),
                 [this, options, cancel](const std::atomic<bool>&) {
                     const Result r = downloadModel(options, *cancel, [this](const Progress& p) {
                         QMetaObject::invokeMethod(
                             this, [this, p] { emit progress(p); }, Qt::QueuedConnection);
                     });
                     QMetaObject::invokeMethod(
                         this,
                         [this, options, r] {
                             running_ = false;
                             emit finished(options, r);
                         },
                         Qt::QueuedConnection);
                 });
    return true;
}

void DownloadJob::cancel() {
    if (cancel_)
        cancel_->store(true);
}

}  // namespace vistag::download

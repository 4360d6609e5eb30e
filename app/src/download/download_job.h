// The model download as a job the window owns: downloadModel() on a thread of its own, progress
// and the result sent back as value types through queued calls to this object, a cancel of its
// own. Destroying the job cancels the download and waits for its thread, so the thread never
// outlives what it reports to.
#pragma once

#include <QObject>
#include <atomic>
#include <memory>

#include "download/model_download.h"
#include "tasks/background_tasks.h"

namespace vistag::download {

class DownloadJob final : public QObject {
    Q_OBJECT

public:
    explicit DownloadJob(QObject* parent = nullptr);
    ~DownloadJob() override;

    // Starts downloading; false (and nothing started) while another download runs.
    bool start(const Options& options);
    // Stops the running download; finished() follows with Result::cancelled.
    void cancel();
    bool running() const { return running_; }

signals:
    void progress(const vistag::download::Progress& progress);
    void finished(const vistag::download::Options& options, const vistag::download::Result& result);

private:
    bool running_ = false;
    std::shared_ptr<std::atomic<bool>> cancel_;
    tasks::BackgroundTasks tasks_{this};  // last: joined before the rest goes
};

}  // namespace vistag::download

// Short work off the GUI thread for one owner (a window): hashing the images being added, saving
// a pasted image. Each task runs on a thread of its own with its own cancel token; its result
// comes back to the owner's thread through a queued call, as a value. The owner holds the
// BackgroundTasks as a member: its destructor cancels every task and joins its thread before the
// owner goes, so no thread outlives what it posts to (and a result that arrives after is dropped
// with the owner's pending events).
#pragma once

#include <QMetaObject>
#include <QObject>
#include <QThread>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace vistag::tasks {

class BackgroundTasks {
public:
    explicit BackgroundTasks(QObject* owner) : owner_(owner) {}
    ~BackgroundTasks() {
        for (Task& t : tasks_)
            t.cancel->store(true);
        for (Task& t : tasks_) {
            t.thread->wait();
            delete t.thread;
        }
    }
    BackgroundTasks(const BackgroundTasks&) = delete;
    BackgroundTasks& operator=(const BackgroundTasks&) = delete;

    // Runs work(cancel) on a new thread, then done(result) on the owner's thread. `work` must
    // copy what it needs (it may not touch the owner) and should return early when `cancel` is
    // set; `done` is not called for a cancelled task.
    template <class Work, class Done>
    void run(Work work, Done done) {
        reap();
        auto cancel = std::make_shared<std::atomic<bool>>(false);
        auto finished = std::make_shared<std::atomic<bool>>(false);
        QObject* owner = owner_;
        QThread* thread = QThread::create(
            [work = std::move(work), done = std::move(done), cancel, finished, owner]() mutable {
                auto result = work(static_cast<const std::atomic<bool>&>(*cancel));
                if (!cancel->load())
                    QMetaObject::invokeMethod(
                        owner,
                        [done = std::move(done), result = std::move(result)]() mutable {
                            done(std::move(result));
                        },
                        Qt::QueuedConnection);
                finished->store(true);
            });
        thread->setObjectName(QStringLiteral("vistag-task"));
        tasks_.push_back({thread, cancel, finished});
        thread->start();
    }

    int running() const {
        int n = 0;
        for (const Task& t : tasks_)
            n += t.finished->load() ? 0 : 1;
        return n;
    }

private:
    struct Task {
        QThread* thread;
        std::shared_ptr<std::atomic<bool>> cancel;
        std::shared_ptr<std::atomic<bool>> finished;
    };
    void reap() {
        for (auto it = tasks_.begin(); it != tasks_.end();) {
            if (it->finished->load()) {
                it->thread->wait();
                delete it->thread;
                it = tasks_.erase(it);
            } else {
                ++it;
            }
        }
    }

    QObject* owner_;
    std::vector<Task> tasks_;
};

}  // namespace vistag::tasks

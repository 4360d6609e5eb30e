// Threads owned by one object (a window, the window's scheduler): each task runs on a thread of
// its own with its own cancel token. The owner holds the BackgroundTasks as a member: its
// destructor cancels every task and joins its thread before the owner goes, so no thread outlives
// what it posts to (and a result that arrives after is dropped with the owner's pending events).
// Finished threads are joined and freed when the next task starts.
#pragma once

#include <QMetaObject>
#include <QObject>
#include <QString>
#include <QThread>
#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace vistag::tasks {

class BackgroundTasks {
public:
    using CancelToken = std::shared_ptr<std::atomic<bool>>;

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

    // Runs body(cancel) on a new thread named `name`. What body captured is let go as soon as it
    // returns (not when the thread is freed), so a task holds nothing longer than it works.
    CancelToken start(const QString& name, std::function<void(const std::atomic<bool>&)> body) {
        reap();
        auto cancel = std::make_shared<std::atomic<bool>>(false);
        auto finished = std::make_shared<std::atomic<bool>>(false);
        QThread* thread = QThread::create([fn = std::move(body), cancel, finished]() mutable {
            fn(*cancel);
            fn = nullptr;
            finished->store(true);
        });
        thread->setObjectName(name);
        tasks_.push_back({thread, cancel, finished});
        thread->start();
        return cancel;
    }

    // Runs work(cancel) on a new thread, then done(result) on the owner's thread. `work` must
    // copy what it needs (it may not touch the owner) and should return early when `cancel` is
    // set; `done` is not called for a cancelled task.
    template <class Work, class Done>
    void run(Work work, Done done) {
        QObject* owner = owner_;
        start(QStringLiteral("vistag-task"), [work = std::move(work), done = std::move(done),
                                              owner](const std::atomic<bool>& cancel) mutable {
            auto result = work(cancel);
            if (!cancel.load())
                QMetaObject::invokeMethod(
                    owner,
                    [done = std::move(done), result = std::move(result)]() mutable {
                        done(std::move(result));
                    },
                    Qt::QueuedConnection);
        });
    }

private:
    struct Task {
        QThread* thread;
        CancelToken cancel;
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

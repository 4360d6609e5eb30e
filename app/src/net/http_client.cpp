#include "net/http_client.h"

#include <QCoreApplication>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkRequest>
#include <QPointer>
#include <QSslError>
#include <QThread>
#include <QTimer>
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace vistag::net {
namespace {

constexpr int kPerThread = 6;  // QNetworkAccessManager's connections per host
constexpr int kMaxThreads = 8;

// One request between the caller and a network thread. The caller waits for `done`; everything
// else is touched on the network thread only until then.
struct Exchange {
    const HttpRequest* request = nullptr;
    const HttpHandlers* handlers = nullptr;
    HttpResult result;
    QPointer<QNetworkReply> reply;
    bool aborted = false;
    bool headersSeen = false;
    std::mutex mutex;
    std::condition_variable cv;
    bool done = false;

    void finish() {
        {
            std::lock_guard<std::mutex> lock(mutex);
            done = true;
        }
        cv.notify_all();
    }
};

// A thread with one QNetworkAccessManager and its own event loop (QThread::exec, top level).
class NetworkThread final : public QThread {
public:
    std::atomic<int> inFlight{0};

    // Waits until the manager exists; false when the thread could not start its loop.
    bool startAndWait() {
        start();
        std::unique_lock<std::mutex> lock(mutex_);
        cv_.wait(lock, [this] { return ready_; });
        return context_ != nullptr;
    }

    // Runs `f(manager)` on this thread.
    void post(std::function<void(QNetworkAccessManager&)> f) {
        QObject* context = context_;
        QNetworkAccessManager* nam = nam_;
        QMetaObject::invokeMethod(context, [f = std::move(f), nam] { f(*nam); });
    }

    // Aborts every request in flight (their callers wake up), then ends the loop.
    void shutDown() {
        post([](QNetworkAccessManager& nam) {
            for (QNetworkReply* r : nam.findChildren<QNetworkReply*>())
                r->abort();
        });
        quit();
        wait();
    }

protected:
    void run() override {
        QNetworkAccessManager nam;
        QObject context;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            nam_ = &nam;
            context_ = &context;
            ready_ = true;
        }
        cv_.notify_all();
        exec();
        // Replies still alive belong to `nam` and go with it, in this thread.
    }

private:
    std::mutex mutex_;
    std::condition_variable cv_;
    bool ready_ = false;
    QNetworkAccessManager* nam_ = nullptr;
    QObject* context_ = nullptr;
};

class Pool {
public:
    // A thread for one more request (the least busy; a new one when all have kPerThread), or
    // null once the application is shutting down.
    NetworkThread* acquire() {
        std::lock_guard<std::mutex> lock(mutex_);
        if (closed_)
            return nullptr;
        if (!postRoutineAdded_) {
            qAddPostRoutine(&Pool::shutDownAll);  // stop the threads while the app object lives
            postRoutineAdded_ = true;
        }
        NetworkThread* best = nullptr;
        for (const auto& t : threads_)
            if (!best || t->inFlight.load() < best->inFlight.load())
                best = t.get();
        if (!best || (best->inFlight.load() >= kPerThread && int(threads_.size()) < kMaxThreads)) {
            auto t = std::make_unique<NetworkThread>();
            t->setObjectName(QStringLiteral("vistag-net-%1").arg(threads_.size()));
            if (!t->startAndWait())
                return best;
            best = t.get();
            threads_.push_back(std::move(t));
        }
        best->inFlight.fetch_add(1);
        return best;
    }

    bool isNetworkThread(const QThread* thread) {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& t : threads_)
            if (t.get() == thread)
                return true;
        return false;
    }

    HttpClientStats stats() {
        std::lock_guard<std::mutex> lock(mutex_);
        HttpClientStats s;
        s.threads = int(threads_.size());
        for (const auto& t : threads_)
            s.inFlight += t->inFlight.load();
        return s;
    }

    static Pool& instance() {
        static Pool pool;
        return pool;
    }

private:
    // Called while QCoreApplication is destroyed. The thread objects stay (finished) until the
    // process ends: a caller still waiting reads them.
    static void shutDownAll() {
        Pool& p = instance();
        std::vector<NetworkThread*> threads;
        {
            std::lock_guard<std::mutex> lock(p.mutex_);
            p.closed_ = true;
            for (const auto& t : p.threads_)
                threads.push_back(t.get());
        }
        for (NetworkThread* t : threads)
            t->shutDown();
    }

    std::mutex mutex_;
    std::vector<std::unique_ptr<NetworkThread>> threads_;
    bool closed_ = false;
    bool postRoutineAdded_ = false;
};

int statusOf(const QNetworkReply* reply) {
    const QVariant s = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    return s.isValid() ? s.toInt() : 0;
}

// Starts `x` on `nam`'s thread; from here on its reply's signals drive it.
void start(const std::shared_ptr<Exchange>& x, QNetworkAccessManager& nam) {
    const HttpRequest& rq = *x->request;
    QNetworkRequest req(rq.url);
    req.setAttribute(QNetworkRequest::RedirectPolicyAttribute,
                     rq.followRedirects ? QNetworkRequest::NoLessSafeRedirectPolicy
                                        : QNetworkRequest::ManualRedirectPolicy);
    for (const auto& [name, value] : rq.headers)
        req.setRawHeader(name, value);
    QNetworkReply* reply = nullptr;
    if (rq.method == "GET")
        reply = nam.get(req);
    else if (rq.method == "POST")
        reply = nam.post(req, rq.body);
    else
        reply = nam.sendCustomRequest(req, rq.method, rq.body);
    x->reply = reply;

    auto* idle = new QTimer(reply);
    idle->setSingleShot(true);
    idle->setInterval(rq.idleMs);
    HttpResult& out = x->result;
    auto abortWith = [x](bool HttpResult::*flag) {
        x->result.*flag = true;
        if (!x->aborted && x->reply) {
            x->aborted = true;
            x->reply->abort();  // emits finished() before it returns
        }
    };
    auto readHeaders = [x, reply] {
        if (x->headersSeen || statusOf(reply) == 0)
            return;
        x->headersSeen = true;
        x->result.status = statusOf(reply);
        x->result.headers = reply->rawHeaderPairs();
        if (x->handlers->onHeaders)
            x->handlers->onHeaders(x->result);
    };
    auto consume = [x, reply, readHeaders, abortWith] {
        readHeaders();
        const QByteArray bytes = reply->readAll();
        if (bytes.isEmpty() || x->aborted)
            return;
        if (x->handlers->onBytes && !x->handlers->onBytes(x->result, bytes))
            abortWith(&HttpResult::stopped);
    };
    QObject::connect(reply, &QNetworkReply::metaDataChanged, reply, [idle, readHeaders] {
        readHeaders();
        idle->start();
    });
    // A followed redirect: the answer that counts (status, headers) is the one after it.
    QObject::connect(reply, &QNetworkReply::redirected, reply, [x] { x->headersSeen = false; });
    QObject::connect(reply, &QNetworkReply::readyRead, reply, [idle, consume] {
        idle->start();
        consume();
    });
    QObject::connect(reply, &QNetworkReply::uploadProgress, idle, qOverload<>(&QTimer::start));
    QObject::connect(reply, &QNetworkReply::sslErrors, reply,
                     [&out](const QList<QSslError>& errors) {
                         for (const QSslError& e : errors)
                             out.sslErrors << e.errorString();  // never ignored
                     });
    QObject::connect(idle, &QTimer::timeout, reply,
                     [abortWith] { abortWith(&HttpResult::timedOut); });
    QObject::connect(reply, &QNetworkReply::finished, reply,
                     [x, reply, idle, consume, readHeaders] {
                         idle->stop();
                         if (!x->aborted)
                             consume();
                         readHeaders();
                         x->result.error = reply->error();
                         x->result.errorText = reply->errorString();
                         x->reply = nullptr;
                         reply->deleteLater();
                         x->finish();
                     });
    idle->start();
}

}  // namespace

HttpRequest HttpRequest::get(const QUrl& url) {
    HttpRequest r;
    r.url = url;
    return r;
}

HttpRequest HttpRequest::post(const QUrl& url, QByteArray body, const QByteArray& contentType) {
    HttpRequest r;
    r.method = "POST";
    r.url = url;
    r.body = std::move(body);
    r.headers.append({QByteArray("Content-Type"), contentType});
    return r;
}

HttpRequest& HttpRequest::header(const QByteArray& name, const QByteArray& value) {
    headers.append({name, value});
    return *this;
}

HttpRequest& HttpRequest::idleTimeout(int ms) {
    idleMs = ms;
    return *this;
}

QByteArray HttpResult::header(const QByteArray& name) const {
    for (const auto& [n, v] : headers)
        if (n.compare(name, Qt::CaseInsensitive) == 0)
            return v;
    return {};
}

HttpResult send(const HttpRequest& request, const std::atomic<bool>& cancel,
                const HttpHandlers& handlers) {
    HttpResult failed;
    failed.error = QNetworkReply::OperationCanceledError;
    if (!QCoreApplication::instance()) {
        failed.errorText = QStringLiteral("no application object: the network is not available");
        return failed;
    }
    Pool& pool = Pool::instance();
    if (pool.isNetworkThread(QThread::currentThread())) {
        // A handler sending again would wait for its own thread.
        failed.errorText = QStringLiteral("an HTTP request was sent from the network thread");
        return failed;
    }
    NetworkThread* thread = pool.acquire();
    if (!thread) {
        failed.errorText = QStringLiteral("the application is shutting down");
        return failed;
    }
    auto x = std::make_shared<Exchange>();
    x->request = &request;
    x->handlers = &handlers;
    thread->post([x](QNetworkAccessManager& nam) { start(x, nam); });
    bool cancelSent = false;
    std::unique_lock<std::mutex> lock(x->mutex);
    while (!x->done) {
        x->cv.wait_for(lock, std::chrono::milliseconds(50));
        if (!x->done && thread->isFinished()) {  // shut down before it saw the request
            lock.unlock();
            thread->inFlight.fetch_sub(1);
            failed.errorText = QStringLiteral("the application is shutting down");
            return failed;
        }
        if (!x->done && !cancelSent && cancel.load()) {
            cancelSent = true;
            thread->post([x](QNetworkAccessManager&) {
                if (x->reply && !x->aborted) {
                    x->result.cancelled = true;
                    x->aborted = true;
                    x->reply->abort();
                }
            });
        }
    }
    lock.unlock();
    thread->inFlight.fetch_sub(1);
    return std::move(x->result);
}

bool pause(int ms, const std::atomic<bool>& cancel) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    while (!cancel.load()) {
        const auto left = until - std::chrono::steady_clock::now();
        if (left <= std::chrono::steady_clock::duration::zero())
            return true;
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(left, std::chrono::milliseconds(50)));
    }
    return false;
}

HttpClientStats stats() {
    return Pool::instance().stats();
}

}  // namespace vistag::net

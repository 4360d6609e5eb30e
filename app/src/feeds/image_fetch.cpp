#include "feeds/image_fetch.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>
#include <QUrl>
#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "catalog/image_scan.h"
#include "net/http_client.h"

namespace vistag::feeds {
namespace {

QString tr(const char* text) {
    return QCoreApplication::translate("vistag::feeds", text);
}

// The file name extension of an image's bytes; "" when they are no image of a known format.
QString imageExtension(const QByteArray& b) {
    if (b.startsWith("\xFF\xD8\xFF"))
        return QStringLiteral("jpg");
    if (b.startsWith("\x89PNG\r\n\x1A\n"))
        return QStringLiteral("png");
    if (b.startsWith("GIF87a") || b.startsWith("GIF89a"))
        return QStringLiteral("gif");
    if (b.startsWith("RIFF") && b.mid(8, 4) == "WEBP")
        return QStringLiteral("webp");
    if (b.startsWith("BM"))
        return QStringLiteral("bmp");
    return {};
}

bool looksLikeHtml(const QByteArray& body, const QByteArray& contentType) {
    if (contentType.toLower().contains("text/html"))
        return true;
    const QByteArray head = body.left(256).trimmed().toLower();
    return head.startsWith("<!doctype html") || head.startsWith("<html") ||
           head.startsWith("<?xml") || head.startsWith("<head") || head.startsWith("<body");
}

QString sizeText(qint64 bytes) {
    if (bytes >= (qint64(1) << 30))
        return QStringLiteral("%1 GB").arg(double(bytes) / double(qint64(1) << 30), 0, 'f', 1);
    if (bytes >= (1 << 20))
        return QStringLiteral("%1 MB").arg(double(bytes) / double(1 << 20), 0, 'f', 1);
    return QStringLiteral("%1 bytes").arg(bytes);
}

// Checks the bytes, keeps them under their content hash; fills r.image or r.error.
void keep(const QByteArray& body, const FetchOptions& o, FetchResult& r) {
    if (body.isEmpty()) {
        r.error = tr("the answer is empty");
        return;
    }
    if (looksLikeHtml(body, {})) {
        r.error = tr("an HTML page, not an image");
        return;
    }
    const QString ext = imageExtension(body);
    if (ext.isEmpty()) {
        r.error = tr("not an image (no JPEG, PNG, GIF, WebP or BMP header)");
        return;
    }
    const QString hash =
        QString::fromLatin1(QCryptographicHash::hash(body, QCryptographicHash::Sha256).toHex());
    const QString dir = QDir(o.folder).filePath(hash.left(2));
    const QString path = QDir(dir).filePath(hash + QLatin1Char('.') + ext);
    if (!QDir().mkpath(dir)) {
        r.error = tr("cannot create the folder %1").arg(QDir::toNativeSeparators(dir));
        return;
    }
    if (!QFileInfo::exists(path)) {
        QSaveFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(body) != body.size() || !f.commit()) {
            r.error =
                tr("cannot write %1: %2").arg(QDir::toNativeSeparators(path), f.errorString());
            return;
        }
    }
    if (const auto refused = catalog::checkImageFile(path)) {
        QFile::remove(path);
        r.error = refused->problem == catalog::ImageProblem::Truncated
                      ? tr("the image is truncated (%1)").arg(refused->detail)
                      : tr("not a usable image (%1)").arg(refused->detail);
        return;
    }
    QString err;
    auto described = catalog::describeImageFile(path, &err);
    if (!described) {
        r.error = err;
        return;
    }
    r.image = *described;
}

int retryAfterMs(const net::HttpResult& res, int attempt) {
    const QByteArray v = res.header("Retry-After").trimmed();
    bool ok = false;
    const int seconds = v.toInt(&ok);
    if (ok)
        return seconds * 1000;
    if (!v.isEmpty()) {
        const QDateTime at = QDateTime::fromString(QString::fromLatin1(v), Qt::RFC2822Date);
        if (at.isValid())
            return int(qMax<qint64>(0, QDateTime::currentDateTimeUtc().msecsTo(at)));
    }
    return 500 * (1 << attempt);
}

void fetchHttp(const QUrl& url, const FetchOptions& o, const std::atomic<bool>& cancel,
               FetchResult& r) {
    for (int attempt = 0;; ++attempt) {
        std::atomic<bool> stop{false};
        QByteArray body;
        qint64 declared = -1;
        QString refused;
        net::HttpRequest req = net::HttpRequest::get(url);
        req.followRedirects = true;
        req.idleTimeout(o.timeoutMs).header("Accept", "image/*");
        net::HttpHandlers h;
        h.onHeaders = [&](const net::HttpResult& head) {
            bool ok = false;
            declared = head.header("Content-Length").toLongLong(&ok);
            if (!ok)
                declared = -1;
            if (head.success() && declared > o.maxBytes) {
                refused = tr("too large: Content-Length says %1, the limit is %2")
                              .arg(sizeText(declared), sizeText(o.maxBytes));
                stop = true;  // before any of the body is read
            }
        };
        h.onBytes = [&](const net::HttpResult& head, const QByteArray& piece) {
            if (!refused.isEmpty() || cancel)
                return false;
            if (!head.success())
                return body.size() < 65536 ? (body += piece, true) : true;
            body += piece;
            if (body.size() > o.maxBytes) {
                refused = tr("too large: more than %1").arg(sizeText(o.maxBytes));
                return false;
            }
            return true;
        };
        ++r.requests;
        const net::HttpResult res = net::send(req, stop, h);
        if (cancel) {
            r.cancelled = true;
            return;
        }
        if (!refused.isEmpty()) {
            r.error = refused;
            return;
        }
        const bool retriable = res.status == 429 || res.status == 503 ||
                               (!res.answered() && !res.timedOut && res.sslErrors.isEmpty());
        if (retriable && attempt < o.retries) {
            const int wait = res.answered() ? retryAfterMs(res, attempt) : 500 * (1 << attempt);
            if (wait <= o.maxRetryAfterS * 1000) {
                if (!net::pause(wait, cancel)) {
                    r.cancelled = true;
                    return;
                }
                continue;
            }
        }
        if (res.timedOut) {
            r.error = tr("no answer for %1 s (the host hangs)").arg(o.timeoutMs / 1000.0);
            return;
        }
        if (!res.sslErrors.isEmpty()) {
            r.error = tr("TLS error: %1").arg(res.sslErrors.join(QStringLiteral("; ")));
            return;
        }
        if (!res.answered()) {
            r.error = tr("no answer: %1").arg(res.errorText);
            return;
        }
        if (!res.success()) {
            r.error = tr("HTTP %1").arg(res.status);
            if (res.status == 429 || res.status == 503)
                r.error += tr(" after %1 tries").arg(attempt + 1);
            return;
        }
        if (declared >= 0 && body.size() < declared) {
            r.error = tr("truncated: %1 of the %2 announced")
                          .arg(sizeText(body.size()), sizeText(declared));
            return;
        }
        if (res.error != QNetworkReply::NoError) {
            r.error =
                tr("the connection broke after %1: %2").arg(sizeText(body.size()), res.errorText);
            return;
        }
        if (looksLikeHtml(body, res.header("Content-Type"))) {
            r.error = tr("an HTML page, not an image");
            return;
        }
        keep(body, o, r);
        return;
    }
}

void fetchLocal(const QString& path, const FetchOptions& o, FetchResult& r) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) {
        r.error = tr("cannot read %1: %2").arg(QDir::toNativeSeparators(path), f.errorString());
        return;
    }
    if (f.size() > o.maxBytes) {
        r.error =
            tr("too large: %1, the limit is %2").arg(sizeText(f.size()), sizeText(o.maxBytes));
        return;
    }
    keep(f.readAll(), o, r);
}

FetchResult fetchOne(const FetchJob& job, const FetchOptions& o, const std::atomic<bool>& cancel) {
    FetchResult r;
    r.id = job.id;
    r.url = job.url;
    const QUrl url(job.url);
    const QString scheme = url.scheme().toLower();
    if (scheme == QLatin1String("http") || scheme == QLatin1String("https"))
        fetchHttp(url, o, cancel, r);
    else if (scheme == QLatin1String("file"))
        fetchLocal(url.toLocalFile(), o, r);
    else
        fetchLocal(QDir(o.baseDir).absoluteFilePath(job.url), o, r);
    return r;
}

}  // namespace

void fetchImages(const QList<FetchJob>& jobs, const FetchOptions& options,
                 const std::atomic<bool>& cancel,
                 const std::function<void(const FetchResult&)>& onResult) {
    std::mutex m;
    std::condition_variable ready;
    std::deque<FetchResult> done;
    qsizetype next = 0;
    const int threads = int(
        std::clamp<qsizetype>(qsizetype(options.concurrency), 1, qMax<qsizetype>(1, jobs.size())));
    int running = threads;
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t)
        pool.emplace_back([&] {
            for (;;) {
                qsizetype k = 0;
                {
                    std::lock_guard lock(m);
                    if (next >= jobs.size() || cancel)
                        break;
                    k = next++;
                }
                FetchResult r = fetchOne(jobs.at(k), options, cancel);
                std::lock_guard lock(m);
                done.push_back(std::move(r));
                ready.notify_one();
            }
            std::lock_guard lock(m);
            --running;
            ready.notify_one();
        });
    for (;;) {
        std::unique_lock lock(m);
        ready.wait(lock, [&] { return !done.empty() || running == 0; });
        if (done.empty() && running == 0)
            break;
        FetchResult r = std::move(done.front());
        done.pop_front();
        lock.unlock();
        onResult(r);
    }
    for (std::thread& t : pool)
        t.join();
}

}  // namespace vistag::feeds

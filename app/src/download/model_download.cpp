#include "download/model_download.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QStorageInfo>
#include <QUrlQuery>
#include <algorithm>

#include "net/http_client.h"

namespace vistag::download {
namespace {

constexpr qsizetype kMaxListing = 64 * 1024 * 1024;
constexpr int kMaxRedirects = 10;
const QString kPartDir = QStringLiteral(".vistag-download");

// What one GET (after redirects) ended with.
struct Reply {
    int status = 0;
    QNetworkReply::NetworkError netError = QNetworkReply::NoError;
    QString netErrorText;
    QByteArray body;  // the body when collected, or the first 64 KB of an error body
    QByteArray link;  // Link header of the final answer
    QByteArray etag;  // X-Linked-Etag of any hop, else the final ETag
    qint64 contentLength = -1;
    QUrl url;  // the final URL
    bool timedOut = false, cancelled = false, stopped = false, tooLarge = false;
};

using BodySink = std::function<bool(const Reply&, const QByteArray&)>;

// One GET through net::send, following redirects by hand (so that the X-Linked-Etag of the
// redirect is kept). `sink` gets the body of a 2xx answer and returns false to stop; without a
// sink the body is collected into Reply::body.
Reply httpGet(QUrl url, const QByteArray& range, int idleMs, const std::atomic<bool>& cancel,
              const BodySink& sink) {
    Reply x;
    for (int hop = 0;; ++hop) {
        const QByteArray keptEtag = x.etag;  // an X-Linked-Etag seen on a redirect
        x = Reply();
        x.etag = keptEtag;
        x.url = url;
        net::HttpRequest req = net::HttpRequest::get(url);
        req.header("User-Agent", "vistag-download").idleTimeout(idleMs);
        // Bytes as stored: no transparent gzip, so that Range offsets and sizes mean file bytes.
        req.header("Accept-Encoding", "identity");
        if (!range.isEmpty())
            req.header("Range", range);
        net::HttpHandlers handlers;
        handlers.onHeaders = [&](const net::HttpResult& r) {
            x.status = r.status;
            x.link = r.header("Link");
            bool okLen = false;
            const qint64 len = r.header("Content-Length").toLongLong(&okLen);
            x.contentLength = okLen ? len : -1;
            const QByteArray linked = r.header("X-Linked-Etag");
            if (!linked.isEmpty())
                x.etag = linked;
            else if (x.etag.isEmpty() && (x.status < 300 || x.status >= 400))
                x.etag = r.header("ETag");
        };
        handlers.onBytes = [&](const net::HttpResult&, const QByteArray& bytes) {
            if (x.status < 200 || x.status >= 300) {
                if (x.body.size() < 65536)
                    x.body += bytes.left(65536 - x.body.size());
                return true;
            }
            if (sink)
                return sink(x, bytes);
            if (x.body.size() + bytes.size() > kMaxListing) {
                x.tooLarge = true;
                return false;
            }
            x.body += bytes;
            return true;
        };
        const net::HttpResult o = net::send(req, cancel, handlers);
        x.netError = o.error;
        x.netErrorText = o.errorText;
        x.timedOut = o.timedOut;
        x.cancelled = o.cancelled;
        x.stopped = o.stopped && !x.tooLarge;
        const bool aborted = o.timedOut || o.cancelled || o.stopped;
        const QByteArray location = o.header("Location");
        const bool redirect = x.status == 301 || x.status == 302 || x.status == 303 ||
                              x.status == 307 || x.status == 308;
        if (!redirect || location.isEmpty() || aborted)
            return x;
        if (hop >= kMaxRedirects) {
            x.status = 0;
            x.netError = QNetworkReply::TooManyRedirectsError;
            x.netErrorText = QStringLiteral("too many redirects");
            return x;
        }
        url = url.resolved(QUrl::fromEncoded(location));
    }
}

bool fail(QString* error, const QString& why) {
    *error = why;
    return false;
}

QString hostOf(const QUrl& url) {
    return url.port() > 0 ? QStringLiteral("%1:%2").arg(url.host()).arg(url.port()) : url.host();
}

QString serverText(const QByteArray& body) {
    QString m;
    const QJsonDocument doc = QJsonDocument::fromJson(body);
    if (doc.isObject()) {
        const QJsonObject o = doc.object();
        for (const char* k : {"error", "Message", "message", "detail"})
            if (o.value(QLatin1String(k)).isString()) {
                m = o.value(QLatin1String(k)).toString();
                break;
            }
    } else if (!body.trimmed().startsWith('<')) {
        m = QString::fromUtf8(body);
    }
    m = m.simplified();
    return m.size() > 200 ? m.left(200) + QStringLiteral("…") : m;
}

// A plain-language message for a failed request; `what` says what was asked ("the file list").
QString requestError(const Reply& x, const Options& opt, const QString& what) {
    const QString where = hostOf(x.url);
    if (x.timedOut)
        return QStringLiteral("%1 at %2 sent nothing for %3 s; stopped (run again to resume)")
            .arg(what, where)
            .arg(opt.idleMs / 1000.0);
    if (x.status == 401 || x.status == 403 || x.status == 404) {
        QString m = QStringLiteral(
                        "repository '%1' (revision %2) was not found at %3 (HTTP %4): check the "
                        "name and revision; private or gated repositories are not supported")
                        .arg(opt.repo, opt.revision, where)
                        .arg(x.status);
        const QString detail = serverText(x.body);
        return detail.isEmpty() ? m : m + QStringLiteral(" — ") + detail;
    }
    if (x.status >= 400) {
        const QString detail = serverText(x.body);
        return QStringLiteral("%1: %2 answered HTTP %3%4")
            .arg(what, where)
            .arg(x.status)
            .arg(detail.isEmpty() ? QString() : QStringLiteral(" (") + detail + QLatin1Char(')'));
    }
    switch (x.netError) {
        case QNetworkReply::ConnectionRefusedError:
            return QStringLiteral("cannot connect to %1: connection refused (check --endpoint)")
                .arg(where);
        case QNetworkReply::HostNotFoundError:
            return QStringLiteral("the host '%1' was not found; check --endpoint or the network")
                .arg(x.url.host());
        case QNetworkReply::RemoteHostClosedError:
            return QStringLiteral("%1: %2 closed the connection").arg(what, where);
        default:
            return QStringLiteral("%1: cannot reach %2: %3").arg(what, where, x.netErrorText);
    }
}

QString base(const Options& opt) {
    QString b = opt.endpoint.trimmed();
    while (b.endsWith(QLatin1Char('/')))
        b.chop(1);
    return b;
}

QString enc(const QString& s) {
    return QString::fromLatin1(QUrl::toPercentEncoding(s, "/"));
}

QUrl fileUrl(const Options& opt, const QString& path) {
    if (opt.source == Source::HuggingFace)
        return QUrl(base(opt) + QLatin1Char('/') + enc(opt.repo) + QStringLiteral("/resolve/") +
                        QString::fromLatin1(QUrl::toPercentEncoding(opt.revision)) +
                        QLatin1Char('/') + enc(path),
                    QUrl::StrictMode);
    QUrl u(base(opt) + QStringLiteral("/api/v1/models/") + enc(opt.repo) + QStringLiteral("/repo"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("Revision"), opt.revision);
    q.addQueryItem(QStringLiteral("FilePath"), path);
    u.setQuery(q);
    return u;
}

bool addFile(QList<RemoteFile>* files, RemoteFile f, QString* error) {
    const QString why = checkRelativePath(f.path);
    if (!why.isEmpty()) {
        *error = QStringLiteral(
                     "the server listed an unsafe file path '%1' (%2); refusing to "
                     "download")
                     .arg(f.path, why);
        return false;
    }
    f.sha256 = f.sha256.toLower();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    if (!hex.match(QString::fromLatin1(f.sha256)).hasMatch())
        f.sha256.clear();
    files->append(f);
    return true;
}

QString writeError(const QFile& f, const QString& path) {
    // ENOSPC shows as ResourceError; check the free space too, whatever the error says.
    const QStorageInfo disk(QFileInfo(f.fileName()).absolutePath());
    if (f.error() == QFileDevice::ResourceError ||
        (disk.isValid() && disk.bytesAvailable() < 1024 * 1024))
        return QStringLiteral(
                   "cannot write %1: the disk is full (free some space and run again "
                   "to resume)")
            .arg(path);
    return QStringLiteral("cannot write %1: %2").arg(path, f.errorString());
}

// sha256 of a file's contents (hex), or empty on a read error.
QByteArray hashFile(const QString& file, QCryptographicHash* h) {
    QFile f(file);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    if (!h->addData(&f))
        return {};
    return h->result().toHex();
}

// Whether DIR/path already holds the right file.
bool alreadyPresent(const QString& target, const RemoteFile& rf) {
    const QFileInfo fi(target);
    if (!fi.isFile() || rf.size < 0 || fi.size() != rf.size)
        return false;
    if (rf.sha256.isEmpty())
        return true;
    QCryptographicHash h(QCryptographicHash::Sha256);
    return hashFile(target, &h) == rf.sha256;
}

}  // namespace

QString checkRelativePath(const QString& path) {
    if (path.isEmpty())
        return QStringLiteral("empty");
    if (path.contains(QLatin1Char('\\')))
        return QStringLiteral("contains a backslash");
    if (path.startsWith(QLatin1Char('/')) || (path.size() > 1 && path[1] == QLatin1Char(':')))
        return QStringLiteral("absolute");
    if (path.contains(QChar(0)))
        return QStringLiteral("contains a NUL");
    for (const QString& part : path.split(QLatin1Char('/'))) {
        if (part == QLatin1String(".."))
            return QStringLiteral("contains '..'");
        if (part.isEmpty() || part == QLatin1String("."))
            return QStringLiteral("has an empty or '.' component");
    }
    if (path == kPartDir || path.startsWith(kPartDir + QLatin1Char('/')))
        return QStringLiteral("uses the download folder's name");
    return {};
}

QByteArray sha256FromEtag(const QByteArray& etag) {
    QByteArray e = etag.trimmed();
    if (e.startsWith("W/"))
        e = e.mid(2);
    if (e.size() >= 2 && e.startsWith('"') && e.endsWith('"'))
        e = e.mid(1, e.size() - 2);
    e = e.toLower();
    static const QRegularExpression hex(QStringLiteral("^[0-9a-f]{64}$"));
    return hex.match(QString::fromLatin1(e)).hasMatch() ? e : QByteArray();
}

QString nextLink(const QByteArray& link) {
    static const QRegularExpression re(QStringLiteral("<([^>]*)>\\s*;[^,]*rel=\"?next\"?"));
    const auto m = re.match(QString::fromLatin1(link));
    return m.hasMatch() ? m.captured(1) : QString();
}

bool listFiles(const Options& opt, const std::atomic<bool>& cancel, QList<RemoteFile>* files,
               QString* error) {
    files->clear();
    const QString what = QStringLiteral("listing the files of %1").arg(opt.repo);
    if (opt.source == Source::HuggingFace) {
        QUrl url(base(opt) + QStringLiteral("/api/models/") + enc(opt.repo) +
                 QStringLiteral("/tree/") +
                 QString::fromLatin1(QUrl::toPercentEncoding(opt.revision)) +
                 QStringLiteral("?recursive=true"));
        for (int page = 0; url.isValid() && page < 10000; ++page) {
            const Reply x = httpGet(url, {}, opt.idleMs, cancel, {});
            if (x.cancelled)
                return fail(error, QStringLiteral("cancelled"));
            if (x.status != 200)
                return fail(error, requestError(x, opt, what));
            const QJsonDocument doc = QJsonDocument::fromJson(x.body);
            if (!doc.isArray())
                return fail(error,
                            QStringLiteral("%1: the server's answer is not a file list").arg(what));
            for (const QJsonValue& v : doc.array()) {
                const QJsonObject o = v.toObject();
                if (o.value(QLatin1String("type")).toString() != QLatin1String("file"))
                    continue;
                RemoteFile f;
                f.path = o.value(QLatin1String("path")).toString();
                f.size = o.value(QLatin1String("size")).toInteger(-1);
                const QJsonObject lfs = o.value(QLatin1String("lfs")).toObject();
                if (!lfs.isEmpty()) {
                    f.sha256 = lfs.value(QLatin1String("oid")).toString().toLatin1();
                    f.size = lfs.value(QLatin1String("size")).toInteger(f.size);
                }
                if (!addFile(files, f, error))
                    return false;
            }
            const QString next = nextLink(x.link);
            url = next.isEmpty() ? QUrl() : x.url.resolved(QUrl(next));
        }
        return true;
    }
    QUrl url(base(opt) + QStringLiteral("/api/v1/models/") + enc(opt.repo) +
             QStringLiteral("/repo/files"));
    QUrlQuery q;
    q.addQueryItem(QStringLiteral("Revision"), opt.revision);
    q.addQueryItem(QStringLiteral("Recursive"), QStringLiteral("True"));
    url.setQuery(q);
    const Reply x = httpGet(url, {}, opt.idleMs, cancel, {});
    if (x.cancelled)
        return fail(error, QStringLiteral("cancelled"));
    if (x.status != 200)
        return fail(error, requestError(x, opt, what));
    const QJsonObject root = QJsonDocument::fromJson(x.body).object();
    const QJsonValue data = root.value(QLatin1String("Data"));
    if (!data.isObject() || !data.toObject().value(QLatin1String("Files")).isArray()) {
        Reply nf = x;
        nf.status = 404;
        return fail(error, requestError(nf, opt, what));
    }
    for (const QJsonValue& v : data.toObject().value(QLatin1String("Files")).toArray()) {
        const QJsonObject o = v.toObject();
        if (o.value(QLatin1String("Type")).toString() == QLatin1String("tree"))
            continue;
        RemoteFile f;
        f.path = o.value(QLatin1String("Path")).toString();
        f.size = o.value(QLatin1String("Size")).toInteger(-1);
        f.sha256 = o.value(QLatin1String("Sha256")).toString().toLatin1();
        if (!addFile(files, f, error))
            return false;
    }
    return true;
}

namespace {

struct FileJob {
    const Options& opt;
    const std::atomic<bool>& cancel;
    const std::function<void(const Progress&)>& onProgress;
    Progress pr;
};

// Downloads one file into its .part and, once verified, into place. Empty on success.
QString downloadOne(FileJob& job, const RemoteFile& rf, const QString& target, const QString& part,
                    bool* cancelled) {
    const Options& opt = job.opt;
    QDir().mkpath(QFileInfo(part).absolutePath());
    QFile f(part);
    qint64 have = QFileInfo(part).isFile() ? QFileInfo(part).size() : 0;
    if (rf.size >= 0 && have > rf.size)
        have = 0;  // longer than the file: start again
    // Unbuffered: a failed write (disk full) is seen at once, with its cause.
    const QIODevice::OpenMode mode =
        QIODevice::Unbuffered | (have > 0 ? QIODevice::OpenMode(QIODevice::ReadWrite)
                                          : (QIODevice::WriteOnly | QIODevice::Truncate));
    if (!f.open(mode))
        return QStringLiteral("cannot create %1: %2").arg(part, f.errorString());
    QCryptographicHash h(QCryptographicHash::Sha256);
    if (have > 0) {
        f.seek(0);
        while (f.pos() < have) {
            const QByteArray b = f.read(std::min<qint64>(1 << 20, have - f.pos()));
            if (b.isEmpty())
                return QStringLiteral("cannot read %1: %2").arg(part, f.errorString());
            h.addData(b);
        }
        f.resize(have);
        f.seek(have);
    }
    const qint64 allBase = job.pr.allDone;
    auto report = [&](qint64 done) {
        job.pr.fileDone = done;
        job.pr.allDone = allBase + done;
        job.onProgress(job.pr);
    };
    report(have);
    QByteArray etagSha;
    QString writeErr;
    for (int attempt = 0; attempt < 2; ++attempt) {
        if (rf.size >= 0 && have == rf.size)
            break;  // the part is complete: verify it
        bool started = false;
        qint64 received = 0;  // in this request
        auto restart = [&] {
            f.resize(0);
            f.seek(0);
            h.reset();
            have = 0;
        };
        const QByteArray range = have > 0 ? "bytes=" + QByteArray::number(have) + '-' : "";
        const Reply x = httpGet(fileUrl(opt, rf.path), range, opt.idleMs, job.cancel,
                                [&](const Reply& r, const QByteArray& bytes) {
                                    if (!started) {
                                        started = true;
                                        if (r.status != 206)
                                            restart();  // the server ignored the Range
                                    }
                                    if (f.write(bytes) != bytes.size()) {
                                        writeErr = writeError(f, rf.path);
                                        return false;
                                    }
                                    h.addData(bytes);
                                    have += bytes.size();
                                    received += bytes.size();
                                    report(have);
                                    return true;
                                });
        etagSha = sha256FromEtag(x.etag);
        if (!writeErr.isEmpty())
            return writeErr;
        if (x.cancelled) {
            f.flush();
            *cancelled = true;
            return QStringLiteral("cancelled");
        }
        if (x.status == 416 && attempt == 0 && have > 0) {  // range past the end: start again
            restart();
            continue;
        }
        if (x.netError != QNetworkReply::NoError || x.status < 200 || x.status >= 300) {
            f.flush();
            const QString why = requestError(x, opt, QStringLiteral("downloading %1").arg(rf.path));
            return x.status >= 400 ? why
                                   : QStringLiteral("%1 (%2 bytes kept; run again to resume)")
                                         .arg(why)
                                         .arg(have);
        }
        if (!started && x.status == 200)
            restart();  // an empty 200 answer to a Range request
        if ((x.contentLength >= 0 && received < x.contentLength) ||
            (rf.size >= 0 && have < rf.size)) {
            // The connection ended before the whole body came (Qt may report no error then).
            f.flush();
            return QStringLiteral(
                       "the download of %1 ended early: %2 of %3 bytes kept; run again to resume")
                .arg(rf.path)
                .arg(have)
                .arg(rf.size >= 0 ? QString::number(rf.size) : QStringLiteral("?"));
        }
        break;
    }
    if (!f.flush())
        return writeError(f, rf.path);
    f.close();
    const QByteArray want = rf.sha256.isEmpty() ? etagSha : rf.sha256;
    const QByteArray got = h.result().toHex();
    QString bad;
    if (rf.size >= 0 && have != rf.size)
        bad = QStringLiteral("%1 has %2 bytes, expected %3").arg(rf.path).arg(have).arg(rf.size);
    else if (!want.isEmpty() && got != want)
        bad = QStringLiteral("%1 is corrupt: its sha256 is %2, expected %3")
                  .arg(rf.path, QString::fromLatin1(got), QString::fromLatin1(want));
    if (!bad.isEmpty()) {
        QFile::remove(part);
        return bad + QStringLiteral("; the partial file was deleted (run again to retry)");
    }
    QDir().mkpath(QFileInfo(target).absolutePath());
    if (QFileInfo::exists(target) && !QFile::remove(target))
        return QStringLiteral("cannot replace %1").arg(target);
    if (!QFile::rename(part, target))
        return QStringLiteral("cannot move %1 into place at %2").arg(part, target);
    return {};
}

}  // namespace

Result downloadModel(const Options& optIn, const std::atomic<bool>& cancel,
                     const std::function<void(const Progress&)>& onProgress) {
    Options opt = optIn;
    const bool hf = opt.source == Source::HuggingFace;
    if (opt.endpoint.isEmpty())
        opt.endpoint = hf ? QStringLiteral("https://huggingface.co")
                          : QStringLiteral("https://www.modelscope.cn");
    if (opt.revision.isEmpty())
        opt.revision = hf ? QStringLiteral("main") : QStringLiteral("master");
    Result res;
    const QUrl ep(opt.endpoint);
    if (!ep.isValid() || ep.host().isEmpty() ||
        (ep.scheme() != QLatin1String("http") && ep.scheme() != QLatin1String("https"))) {
        res.error = QStringLiteral("'%1' is not an endpoint URL (expected http(s)://HOST)")
                        .arg(opt.endpoint);
        return res;
    }
    static const QRegularExpression repoRe(QStringLiteral("^[A-Za-z0-9_.-]+(/[A-Za-z0-9_.-]+)?$"));
    if (!repoRe.match(opt.repo).hasMatch() || opt.repo.contains(QLatin1String(".."))) {
        res.error =
            QStringLiteral("'%1' is not a repository name (expected OWNER/NAME)").arg(opt.repo);
        return res;
    }
    QList<RemoteFile> files;
    if (!listFiles(opt, cancel, &files, &res.error)) {
        res.cancelled = cancel.load();
        return res;
    }
    if (files.isEmpty()) {
        res.error = QStringLiteral("repository '%1' has no files").arg(opt.repo);
        return res;
    }
    const QDir dir(opt.targetDir);
    if (!QDir().mkpath(dir.absolutePath())) {
        res.error = QStringLiteral("cannot create the folder %1").arg(opt.targetDir);
        return res;
    }
    const QString partRoot = dir.absoluteFilePath(kPartDir);
    FileJob job{opt, cancel, onProgress, {}};
    job.pr.count = int(files.size());
    qint64 needed = 0;
    for (const RemoteFile& rf : files) {
        job.pr.allTotal += std::max<qint64>(rf.size, 0);
        if (!QFileInfo::exists(dir.absoluteFilePath(rf.path)))
            needed += std::max<qint64>(rf.size, 0);
    }
    const QStorageInfo disk(dir.absolutePath());
    if (disk.isValid() && disk.bytesAvailable() >= 0 && needed > disk.bytesAvailable()) {
        res.error = QStringLiteral("not enough disk space in %1: %2 MB needed, %3 MB free")
                        .arg(opt.targetDir)
                        .arg(needed / 1e6, 0, 'f', 1)
                        .arg(disk.bytesAvailable() / 1e6, 0, 'f', 1);
        return res;
    }
    for (const RemoteFile& rf : files) {
        ++job.pr.index;
        job.pr.path = rf.path;
        job.pr.fileTotal = rf.size;
        job.pr.skipped = job.pr.finished = false;
        const QString target = dir.absoluteFilePath(rf.path);
        if (alreadyPresent(target, rf)) {
            ++res.skipped;
            job.pr.skipped = job.pr.finished = true;
            job.pr.fileDone = rf.size;
            job.pr.allDone += rf.size;
            onProgress(job.pr);
            continue;
        }
        const qint64 before = job.pr.allDone;
        res.error = downloadOne(job, rf, target,
                                partRoot + QLatin1Char('/') + rf.path + QStringLiteral(".part"),
                                &res.cancelled);
        if (!res.error.isEmpty())
            return res;
        ++res.downloaded;
        job.pr.allDone = before + std::max<qint64>(rf.size, job.pr.fileDone);
        job.pr.finished = true;
        onProgress(job.pr);
        if (cancel.load()) {
            res.cancelled = true;
            res.error = QStringLiteral("cancelled");
            return res;
        }
    }
    QDir(partRoot).removeRecursively();
    res.ok = true;
    return res;
}

}  // namespace vistag::download

// Downloading a feed's images into the catalogue's image folder, several at once, through the
// app's HTTP client: 429 and 503 retried as Retry-After asks, redirects followed, and the body
// checked before it is kept (an HTML page, a truncated body, more than the size limit — a huge
// Content-Length is refused before its body is read — and anything that is not a complete image
// fail, naming the URL). A kept image is named by its content hash (<folder>/ab/<sha256>.jpg),
// written to a temporary file first and renamed: never half a file. file:// URLs and local paths
// (relative to the feed's folder) are copied the same way.
#pragma once

#include <QList>
#include <QString>
#include <atomic>
#include <functional>
#include <optional>

#include "tags/types.h"

namespace vistag::feeds {

struct FetchOptions {
    QString folder;              // where images are kept (created when missing)
    QString baseDir;             // relative local paths are read from here (the feed's folder)
    int concurrency = 4;         // downloads at once
    qint64 maxBytes = 50 << 20;  // an image larger than this fails
    int timeoutMs = 30000;       // silence this long (nothing received) fails the request
    int retries = 3;             // extra tries after 429/503 or a dropped connection
    int maxRetryAfterS = 60;     // a longer Retry-After fails instead of waiting
};

struct FetchJob {
    qint64 id = 0;  // the caller's (product image row)
    QString url;
};

struct FetchResult {
    qint64 id = 0;
    QString url;
    std::optional<catalog::ImageRecord> image;  // the kept file, described; nullopt = failed
    QString error;                              // why it failed, in words
    bool cancelled = false;  // stopped by `cancel`: neither kept nor failed (try it again later)
    int requests = 0;        // HTTP requests made (retries and redirects
                             // count as one each try)
};

// Runs the jobs on `concurrency` threads; onResult runs on the calling thread, once per job, in
// the order they finish (so the caller writes the catalogue from its own thread). When `cancel`
// becomes true no new job starts and the downloads under way stop at their next bytes (a silent
// host: at its timeout), reported as FetchResult::cancelled.
// Needs a QCoreApplication.
void fetchImages(const QList<FetchJob>& jobs, const FetchOptions& options,
                 const std::atomic<bool>& cancel,
                 const std::function<void(const FetchResult&)>& onResult);

}  // namespace vistag::feeds

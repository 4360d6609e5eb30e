// Model download from Hugging Face or ModelScope: lists a repository's files, downloads each into
// DIR/.vistag-download/<path>.part (resuming with Range), verifies size and sha256, and only then
// renames it into DIR/<path>. Synchronous (local event loops of the calling thread).
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <atomic>
#include <functional>

namespace vistag::download {

enum class Source { HuggingFace, ModelScope };

struct Options {
    Source source = Source::HuggingFace;
    QString endpoint;  // empty: https://huggingface.co or https://www.modelscope.cn
    QString repo;      // "owner/name"
    QString revision;  // empty: "main" (HF) or "master" (ModelScope)
    QString targetDir;
    int idleMs = 60000;  // silence that stops a request
};

struct RemoteFile {
    QString path;       // relative, '/'-separated
    qint64 size = -1;   // -1 when unknown
    QByteArray sha256;  // lower-case hex, empty when unknown
};

struct Progress {
    QString path;
    qint64 fileDone = 0, fileTotal = -1;
    int index = 0, count = 0;  // file index (1-based) of count
    qint64 allDone = 0, allTotal = 0;
    bool skipped = false;   // already present and verified
    bool finished = false;  // this file is complete
};

struct Result {
    bool ok = false;
    bool cancelled = false;
    QString error;  // plain language, names the file when one is at fault
    int downloaded = 0, skipped = 0;
};

// Empty when `path` (from a server listing) is a safe relative path; else why not.
QString checkRelativePath(const QString& path);
// The sha256 in an ETag / X-Linked-Etag value (quotes and W/ removed), or empty.
QByteArray sha256FromEtag(const QByteArray& etag);
// The "next" URL in a Link header, or empty.
QString nextLink(const QByteArray& link);

// Lists the files of opt.repo; on failure returns false with *error set.
bool listFiles(const Options& opt, const std::atomic<bool>& cancel, QList<RemoteFile>* files,
               QString* error);

Result downloadModel(const Options& opt, const std::atomic<bool>& cancel,
                     const std::function<void(const Progress&)>& onProgress);

}  // namespace vistag::download

// One interface for asking Qwen3-VL about images, whatever runs the model: the in-process engine
// (LocalBackend) or an inference server (RemoteBackend). submit() starts one request and returns
// its handle at once: the handle cancels that request only (never another one sharing the engine
// or the server) and waits for its result; ask() is submit() and wait() for code that has a
// thread to spare (the command-line tool, batch workers).
#pragma once

#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "tags/types.h"
#include "vistag/inference/tag_constraint.h"

namespace vistag::backend {

// An image of a request: a file, read when the request runs, or the encoded image already in
// memory (what a client uploaded to the server) — never written to disk to be read back.
struct RequestImage {
    QString path;      // the file; with bytes, only a name for messages ("" = "image N")
    QByteArray bytes;  // the encoded image (PNG, JPEG, WebP, …); empty: read `path`
    bool inMemory() const { return !bytes.isEmpty(); }
    static RequestImage file(const QString& path) { return {path, {}}; }
    static QList<RequestImage> files(const QStringList& paths) {
        QList<RequestImage> out;
        for (const QString& p : paths)
            out << file(p);
        return out;
    }
};

// An earlier turn of a conversation, before the request's own user turn.
struct ChatTurn {
    QString role;  // "user" or "assistant"
    QString text;
    QList<RequestImage> images;  // user turns: in order, before the text
};

struct AskRequest {
    QList<RequestImage> images;  // in order, before the prompt
    QString prompt;
    QString system;
    QList<ChatTurn> history;  // earlier turns, oldest first (empty: a single question)
    catalog::InferenceParams params;
    // Tagging with an answer that is valid by construction (catalog/tag_schema.h): the local
    // engine constrains its decoding to this schema; a server is sent its JSON schema and the
    // answer is validated against it here. Null: a free answer.
    std::shared_ptr<const inference::TagSchema> tagSchema;
    // The local engine's batch admits higher first when it is full: a question asked in the
    // window (1) goes ahead of batch items (0). Servers ignore it.
    int priority = 0;
};

// How the tags of a tagSchema request were obtained.
enum class TagProvenance {
    None,           // no tagSchema, or no valid tags (see AskResult::tagsError)
    Constrained,    // the local engine's constrained decoding
    ServerSchema,   // a server's answer to a schema request, checked here
    Repaired,       // a server's second answer, after the first did not fit the schema
    InvalidOutput,  // neither answer fitted: every attribute "unknown"
};

// Why an answer ended. The names ("stop", "length", "cancelled", OpenAI's finish_reason) are
// used only where it is stored or sent: the catalogue, the server's JSON, logs.
enum class FinishReason {
    None,       // no answer (an error)
    Stop,       // the model ended it (or a stop token)
    Length,     // the token limit
    Cancelled,  // Stop / cancel: what came so far
    Other,      // a server's other reason (content_filter, tool_calls, ...)
};
inline QString finishReasonName(FinishReason r) {
    switch (r) {
        case FinishReason::Stop:
            return QStringLiteral("stop");
        case FinishReason::Length:
            return QStringLiteral("length");
        case FinishReason::Cancelled:
            return QStringLiteral("cancelled");
        case FinishReason::Other:
            return QStringLiteral("other");
        case FinishReason::None:
            break;
    }
    return {};
}
inline FinishReason finishReasonFromName(const QString& name) {
    if (name.isEmpty())
        return FinishReason::None;
    if (name == QLatin1String("stop") || name == QLatin1String("eos"))
        return FinishReason::Stop;
    if (name == QLatin1String("length"))
        return FinishReason::Length;
    if (name == QLatin1String("cancelled"))
        return FinishReason::Cancelled;
    return FinishReason::Other;
}

struct AskResult {
    bool ok = false;
    QString error;      // plain words for a merchandiser when !ok
    int errorCode = 0;  // vistag::inference::ErrorCode value when !ok
    QString text;
    FinishReason finishReason = FinishReason::None;
    QList<int> tokenIds;
    QList<double> tokenProbs;           // probability of each generated token (-1 unknown)
    QList<QPair<int, int>> tokenSpans;  // UTF-16 [begin, end) of each token in `text`
    double latencyMs = 0;
    double ttftMs = 0;
    int promptTokens = 0;  // tokens in the prompt (images included), 0 unknown
    // tagSchema requests: the values (codes, confidence, allowed mass) when there are any.
    std::optional<inference::TagResult> tags;
    TagProvenance tagProvenance = TagProvenance::None;
    QString tagsError;  // why there are no tags, in plain words
};

// One request in flight. cancel() and wait() may be called from any thread; onText callbacks run
// on the thread the backend works on (the engine's batch thread, or the request's own thread
// for a server), so they must be short and thread-safe.
class AskHandle {
public:
    AskHandle() = default;
    AskHandle(const AskHandle&) = delete;
    AskHandle& operator=(const AskHandle&) = delete;
    ~AskHandle();  // joins the request's own thread, if it has one

    // Ends this request: the engine stops it after the current token, a server request is
    // aborted at once. Its result is then the text so far, finish reason Cancelled.
    void cancel();
    bool cancelRequested() const { return cancel_.load(); }
    bool finished() const;
    AskResult wait();  // blocks until the request has finished
    // Waits up to `ms`; true when finished.
    bool waitFor(int ms);

    // ---- for backends ----
    // The flag a blocking implementation watches (net::send, net::pause take it).
    const std::atomic<bool>& cancelFlag() const { return cancel_; }
    // What cancel() does beyond setting the flag (the engine handle's own cancel).
    void setOnCancel(std::function<void()> fn);
    void finish(AskResult result);
    // Adds a callback run once with the result when the request finishes (at once when it
    // already has), on the thread that finished it, before wait() returns: a LoggedBackend's
    // log line, the window's answer. Keep it short; never wait() on a handle from it.
    void addOnFinished(std::function<void(const AskResult&)> fn);
    // Runs `work` on a thread of this request's own; its result finishes the handle.
    void runOnThread(std::function<AskResult()> work);

private:
    std::atomic<bool> cancel_{false};
    mutable std::mutex lock_;
    std::condition_variable done_;
    std::optional<AskResult> result_;
    bool finishing_ = false;  // finish() is running the callbacks
    std::function<void()> onCancel_;
    std::vector<std::function<void(const AskResult&)>> onFinished_;
    std::thread thread_;
};
using AskHandlePtr = std::shared_ptr<AskHandle>;

// Streamed text of one request; return false to stop that request.
using TextCallback = std::function<bool(const QString&)>;

class InferenceBackend {
public:
    virtual ~InferenceBackend() = default;
    virtual QString backendName() const = 0;  // "local" or "remote:<url>"
    virtual QString modelId() const = 0;
    // The model as the result cache names it: stable for the same weights, different for
    // different ones even when their folders (or served names) are alike. modelId() is what
    // people see; this is what answers are cached under.
    virtual QString cacheModelKey() const { return modelId(); }
    // Starts one request; returns at once (errors in the request come back as its result).
    virtual AskHandlePtr submit(const AskRequest& request, TextCallback onText = {}) = 0;
    // submit() and wait. `cancel`, when given, ends this request as soon as it becomes true (it
    // is looked at while waiting, so a request waiting on a silent server stops at once).
    AskResult ask(const AskRequest& request, const TextCallback& onText = {},
                  const std::atomic<bool>* cancel = nullptr);
};

}  // namespace vistag::backend

// Results cross threads through queued signals.
Q_DECLARE_METATYPE(vistag::backend::AskResult)

// One interface for asking Qwen3-VL about images, whatever runs the model: the in-process engine
// (LocalBackend) or an inference server (issue 5). Calls are synchronous and run on a worker
// thread or in the command-line tool; cancel() may be called from any thread.
#pragma once

#include <QList>
#include <QMetaType>
#include <QPair>
#include <QString>
#include <QStringList>
#include <functional>

#include "catalog/types.h"

namespace vistag::backend {

// An earlier turn of a conversation, before the request's own user turn.
struct ChatTurn {
    QString role;             // "user" or "assistant"
    QString text;
    QStringList imagePaths;   // user turns: image files, in order, before the text
};

struct AskRequest {
    QStringList imagePaths;   // image files, in order, before the prompt
    QString prompt;
    QString system;
    QList<ChatTurn> history;  // earlier turns, oldest first (empty: a single question)
    catalog::InferenceParams params;
};

struct AskResult {
    bool ok = false;
    QString error;            // plain words for a merchandiser when !ok
    int errorCode = 0;        // vistag::inference::ErrorCode value when !ok
    QString text;
    QString finishReason;     // "stop", "length" or "cancelled"
    QList<int> tokenIds;
    QList<double> tokenProbs;           // probability of each generated token (-1 unknown)
    QList<QPair<int, int>> tokenSpans;  // UTF-16 [begin, end) of each token in `text`
    double latencyMs = 0;
    double ttftMs = 0;
    int promptTokens = 0;     // tokens in the prompt (images included), 0 unknown
};

class InferenceBackend {
public:
    virtual ~InferenceBackend() = default;
    virtual QString backendName() const = 0;  // "local" or "remote:<url>"
    virtual QString modelId() const = 0;
    // onText receives streamed text; return false to stop.
    virtual AskResult ask(const AskRequest& request,
                          const std::function<bool(const QString&)>& onText = {}) = 0;
    virtual void cancel() = 0;
};

}  // namespace vistag::backend

// Results cross threads through queued signals.
Q_DECLARE_METATYPE(vistag::backend::AskResult)

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
#include <memory>
#include <optional>

#include "tags/types.h"
#include "vistag/inference/tag_constraint.h"

namespace vistag::backend {

// An earlier turn of a conversation, before the request's own user turn.
struct ChatTurn {
    QString role;  // "user" or "assistant"
    QString text;
    QStringList imagePaths;  // user turns: image files, in order, before the text
};

struct AskRequest {
    QStringList imagePaths;  // image files, in order, before the prompt
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

class InferenceBackend {
public:
    virtual ~InferenceBackend() = default;
    virtual QString backendName() const = 0;  // "local" or "remote:<url>"
    virtual QString modelId() const = 0;
    // The model as the result cache names it: stable for the same weights, different for
    // different ones even when their folders (or served names) are alike. modelId() is what
    // people see; this is what answers are cached under.
    virtual QString cacheModelKey() const { return modelId(); }
    // onText receives streamed text; return false to stop.
    virtual AskResult ask(const AskRequest& request,
                          const std::function<bool(const QString&)>& onText = {}) = 0;
    virtual void cancel() = 0;
};

}  // namespace vistag::backend

// Results cross threads through queued signals.
Q_DECLARE_METATYPE(vistag::backend::AskResult)

// An OpenAI-compatible inference server (vLLM, transformers serve, `vistag --serve`) behind the
// InferenceBackend interface: POST {base}/chat/completions with `stream: true`, read as SSE.
#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QMutex>
#include <QStringList>
#include <atomic>
#include <functional>
#include <optional>

#include "backend/inference_backend.h"

namespace vistag::backend {

// How a tagging request (AskRequest::tagSchema) asks the server for structured output
// (../shared/docs/structured-tags.md §4). Whatever the mode, every answer is checked here.
enum class StructuredOutput {
    JsonSchema,  // response_format json_schema, strict (vLLM, SGLang, llama.cpp, LM Studio, OpenAI)
    JsonObject,  // response_format json_object + "JSON" in the messages + enable_thinking false
                 // (DashScope / Bailian VL models); the schema goes in the prompt
    None,        // no response_format; the schema goes in the prompt
};
QString structuredOutputName(StructuredOutput mode);  // "json_schema", "json_object", "none"
std::optional<StructuredOutput> structuredOutputFromName(const QString& name);

// Whether a server enforces the JSON schema it is sent (RemoteBackend::probeTagSchema()).
struct TagSchemaProbe {
    enum class State {
        Enforced,     // the answer was the only string the schema allows
        NotEnforced,  // the server answered something else: it ignores the schema
        NotSent,      // structured output is json_object or none: no schema is sent
        Refused,      // the server refused a request with a schema (e.g. HTTP 400)
        Unchecked,    // the probe could not run (network, cancelled)
    };
    State state = State::Unchecked;
    QString detail;  // plain words: what the server answered, or why it could not be checked
    // One line for the window and the command line, e.g. "tag schema: enforced".
    QString summary() const;
};

struct RemoteOptions {
    QString baseUrl;  // e.g. http://127.0.0.1:8000/v1 (a trailing '/' is ignored)
    QString apiKey;   // sent as "Authorization: Bearer KEY" when not empty
    QString model;    // model name in requests; empty: the first id of GET {base}/models
    QString tokenLimitField = QStringLiteral("max_tokens");  // or "max_completion_tokens"
    int inactivityTimeoutMs = 60000;  // a stream silent this long is stopped (also connecting)
    int maxRetries = 3;               // for 429 / 503 answers before any content arrived
    int maxRetryWaitMs = 60000;       // longest wait honoured from Retry-After
    bool logprobs = false;            // ask for token log-probabilities (tag confidence)
    bool includeUsage = true;         // stream_options.include_usage (prompt token counts)
    StructuredOutput structuredOutput = StructuredOutput::JsonSchema;
    // What one request's schema may hold (0 = no limit); a taxonomy over them is split into
    // several requests by attributes. Defaults: OpenAI's limits.
    int schemaMaxEnumValues = 1000;  // enum values of all attributes together
    int schemaMaxChars = 120000;     // characters of the schema as sent
    // When set, the first tagging request of this backend probes the server first
    // (probeTagSchema(), cached) and hands the result here; the command line prints it.
    std::function<void(const TagSchemaProbe&)> onTagSchemaProbe;
};

class RemoteBackend final : public InferenceBackend {
public:
    // Exit code / AskResult::errorCode for server and network failures (the inference
    // ErrorCode values stop at 9; 10 is the catalogue's).
    static constexpr int kServerError = 11;

    explicit RemoteBackend(RemoteOptions options);

    QString backendName() const override;  // "remote:<base url>"
    QString modelId() const override;      // any thread
    // "<model>@<server address>": one name served by two servers is two models.
    QString cacheModelKey() const override;
    // Runs the request on a thread of its own (the HTTP exchange itself runs on the shared
    // client's network thread); the handle aborts that exchange alone. The backend must outlive
    // the handles it returned.
    AskHandlePtr submit(const AskRequest& request, TextCallback onText = {}) override;

    // GET {base}/models: the model ids, or nullopt and a plain-language *error.
    std::optional<QStringList> listModels(QString* error);

    // One request whose schema allows exactly one made-up string while the prompt asks for
    // something else: the server enforces schemas iff it answers that string. Cached per server
    // URL, model and structured-output mode for the process (Unchecked results are not cached).
    // Blocks like ask().
    TagSchemaProbe probeTagSchema();
    // The cached result for this server, if it was probed.
    std::optional<TagSchemaProbe> cachedTagSchemaProbe() const;
    // Forgets every cached probe (tests).
    static void clearTagSchemaProbes();

    const RemoteOptions& options() const { return options_; }
    // The prompt tokens the last successful ask() reported (usage), or -1.
    int lastPromptTokens() const { return lastPromptTokens_; }
    int lastCompletionTokens() const { return lastCompletionTokens_; }

    // The JSON body of a chat-completions request (images read and, past params.maxPixels,
    // scaled down). nullopt and *error (*errorCode 5) when an image cannot be read.
    static std::optional<QByteArray> buildRequestBody(const AskRequest& request,
                                                      const RemoteOptions& options,
                                                      const QString& model, QString* error,
                                                      int* errorCode = nullptr);
    // One image as a data: URL: the original bytes when within maxPixels (0 = no limit), else a
    // PNG scaled down to fit.
    static std::optional<QByteArray> imageDataUrl(const QString& path, qint64 maxPixels,
                                                  QString* error);
    static std::optional<QByteArray> imageDataUrl(const RequestImage& image, qint64 maxPixels,
                                                  QString* error);

private:
    struct Completion;
    // Every step of a request watches that request's own `cancel` (its handle's flag).
    // One request, start to end, on the calling thread.
    AskResult run(const AskRequest& request, const TextCallback& onText,
                  const std::atomic<bool>& cancel);
    std::optional<QStringList> listModels(QString* error, const std::atomic<bool>& cancel);
    // One chat completion: POST `body`, stream the answer to onText; retries 429/503.
    Completion complete(const QByteArray& body, const TextCallback& onText,
                        const QElapsedTimer& clock, const std::atomic<bool>& cancel);
    // The model name, asked from the server when not given; empty and *error on failure.
    QString resolveModel(QString* error, const std::atomic<bool>& cancel);
    // run() for a tagSchema request, once the URL is checked; `clock` started with the request.
    AskResult askTags(const AskRequest& request, const TextCallback& onText,
                      const QElapsedTimer& clock, const std::atomic<bool>& cancel);
    // askTags() for a category-first schema too large for one request: the category first,
    // then that category's attributes (each step split further by the server's limits).
    AskResult askCategoryThenAttributes(const AskRequest& request, const TextCallback& onText,
                                        const QElapsedTimer& clock,
                                        const std::atomic<bool>& cancel);
    QString probeKey(const QString& model) const;
    TagSchemaProbe probe(const QString& model, const std::atomic<bool>& cancel);

    std::atomic<bool> probeReported_{false};
    RemoteOptions options_;
    mutable QMutex modelMutex_;
    QString model_;  // guarded by modelMutex_ (filled from GET /models on first use)
    std::atomic<int> lastPromptTokens_{-1};  // requests may run on several threads at once
    std::atomic<int> lastCompletionTokens_{-1};
};

}  // namespace vistag::backend

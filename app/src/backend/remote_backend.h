// An OpenAI-compatible inference server (vLLM, transformers serve, `vistag --serve`) behind the
// InferenceBackend interface: POST {base}/chat/completions with `stream: true`, read as SSE.
#pragma once

#include <QByteArray>
#include <QMutex>
#include <QStringList>
#include <atomic>
#include <optional>

#include "backend/inference_backend.h"

namespace vistag::backend {

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
};

class RemoteBackend final : public InferenceBackend {
public:
    // Exit code / AskResult::errorCode for server and network failures (the inference
    // ErrorCode values stop at 9; 10 is the catalogue's).
    static constexpr int kServerError = 11;

    explicit RemoteBackend(RemoteOptions options);

    QString backendName() const override;  // "remote:<base url>"
    QString modelId() const override;      // any thread
    AskResult ask(const AskRequest& request,
                  const std::function<bool(const QString&)>& onText = {}) override;
    void cancel() override;  // any thread

    // GET {base}/models: the model ids, or nullopt and a plain-language *error.
    std::optional<QStringList> listModels(QString* error);

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

private:
    RemoteOptions options_;
    mutable QMutex modelMutex_;
    QString model_;  // guarded by modelMutex_ (filled from GET /models on first use)
    std::atomic<bool> cancel_{false};
    int lastPromptTokens_ = -1;
    int lastCompletionTokens_ = -1;
};

}  // namespace vistag::backend

// An InferenceBackend that writes one line to the application log for every answer (backend,
// model, images, prompt, answer, latency: logInference) around another backend. The
// window's questions, batch tagging and the shared server all ask through one.
#pragma once

#include <memory>

#include "backend/inference_backend.h"
#include "logging/app_log.h"

namespace vistag::backend {

// One line for a finished inference: backend and model, images, prompt, answer (clipped),
// finish reason or error, tokens and latency.
void logInference(const QString& backendName, const QString& modelId, const AskRequest& request,
                  const AskResult& result);

class LoggedBackend final : public InferenceBackend {
public:
    // label: the backend= field of the log line ("" = the wrapped backend's name).
    explicit LoggedBackend(InferenceBackend& inner, QString label = {})
        : inner_(inner), label_(std::move(label)) {}

    QString backendName() const override { return inner_.backendName(); }
    QString modelId() const override { return inner_.modelId(); }
    QString cacheModelKey() const override { return inner_.cacheModelKey(); }
    AskHandlePtr submit(const AskRequest& request, TextCallback onText = {}) override {
        AskHandlePtr h = inner_.submit(request, std::move(onText));
        h->addOnFinished([name = label_.isEmpty() ? inner_.backendName() : label_,
                          model = inner_.modelId(),
                          request](const AskResult& r) { logInference(name, model, request, r); });
        return h;
    }

private:
    InferenceBackend& inner_;
    QString label_;
};

// The same, owning the backend it wraps (for work that may outlive the caller's reference).
class OwningLoggedBackend final : public InferenceBackend {
public:
    explicit OwningLoggedBackend(std::shared_ptr<InferenceBackend> inner, QString label = {})
        : inner_(std::move(inner)), logged_(*inner_, std::move(label)) {}
    QString backendName() const override { return logged_.backendName(); }
    QString modelId() const override { return logged_.modelId(); }
    QString cacheModelKey() const override { return logged_.cacheModelKey(); }
    AskHandlePtr submit(const AskRequest& request, TextCallback onText = {}) override {
        return logged_.submit(request, std::move(onText));
    }

private:
    std::shared_ptr<InferenceBackend> inner_;
    LoggedBackend logged_;
};

}  // namespace vistag::backend

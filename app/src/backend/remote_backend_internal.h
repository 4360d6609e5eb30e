// Internal to backend/: what remote_backend.cpp (plain answers) and remote_backend_tags.cpp
// (tagging, schema probes) share.
#pragma once

#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <optional>

#include "backend/remote_backend.h"

namespace vistag::backend {

inline constexpr int kImageError = 5;  // vistag::inference::ErrorCode::Image
inline constexpr int kUsageError = 2;  // vistag::inference::ErrorCode::Usage

// One streamed (or whole) chat completion as RemoteBackend::complete() ended it.
struct RemoteBackend::Completion {
    enum class End { Ok, Failed, Cancelled };
    End end = End::Failed;
    QString error;
    int errorCode = kServerError;
    int httpStatus = 0;  // of a refused request (non-2xx), else 0
    QString text;        // the answer, or what arrived before it ended
    FinishReason finishReason = FinishReason::None;
    QList<double> tokenProbs;
    QList<QPair<int, int>> tokenSpans;
    double ttftMs = 0;  // since the caller's clock started; 0 when no text arrived
    int promptTokens = -1;
    int completionTokens = -1;
};

// The request without its model name (the images are read first, so that a bad image is
// reported before the server is asked anything).
std::optional<QJsonObject> requestObject(const AskRequest& request, const RemoteOptions& options,
                                         QString* error, int* errorCode);

}  // namespace vistag::backend

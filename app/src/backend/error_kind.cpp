#include "backend/error_kind.h"

#include "backend/remote_backend.h"
#include "vistag/inference/status.h"

namespace vistag::backend {

ErrorKind errorKindOf(int errorCode, const QString& message) {
    using inference::ErrorCode;
    if (errorCode == RemoteBackend::kServerError)
        return ErrorKind::Server;
    switch (static_cast<ErrorCode>(errorCode)) {
        case ErrorCode::Ok:
            return ErrorKind::None;
        case ErrorCode::Usage:
            return ErrorKind::BadRequest;
        case ErrorCode::ModelFolder:
        case ErrorCode::Weights:
            return ErrorKind::ModelFiles;
        case ErrorCode::Image:
            return ErrorKind::Image;
        case ErrorCode::Prompt:
            return ErrorKind::Prompt;
        case ErrorCode::Device:
            return message.contains(QLatin1String("memory"), Qt::CaseInsensitive) ||
                           message.contains(QLatin1String("OOM"))
                       ? ErrorKind::OutOfMemory
                       : ErrorKind::Device;
        case ErrorCode::Cancelled:
            return ErrorKind::Cancelled;
        case ErrorCode::Internal:
            return ErrorKind::Internal;
    }
    return ErrorKind::Internal;
}

}  // namespace vistag::backend

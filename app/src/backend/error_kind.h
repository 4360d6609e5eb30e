// What went wrong with an inference job, as the window tells it apart. The engine's ErrorCode
// numbers (vistag/inference/status.h) and the server client's code stay inside app/: the user
// interface speaks this enum.
#pragma once

#include <QString>

namespace vistag::backend {

enum class ErrorKind {
    None,
    Cancelled,
    BadRequest,   // arguments the engine refused
    ModelFiles,   // the model folder or its weights cannot be used
    Image,        // an image cannot be read
    Prompt,       // the prompt is too long or not valid text
    OutOfMemory,  // the device ran out of memory
    Device,       // the device cannot be used (no CUDA, driver)
    Server,       // the inference server or the network
    Internal,
};

// The kind of an AskResult::errorCode / BackendController::lastErrorCode() with its message.
ErrorKind errorKindOf(int errorCode, const QString& message);

}  // namespace vistag::backend

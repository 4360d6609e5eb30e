// Engine and backend errors in plain words for the window.
#pragma once

#include <QString>

#include "backend/error_kind.h"

namespace vistag::ui {

// The message to show: out of memory becomes a plain explanation with what to try (a smaller
// pixel budget, the CPU, a smaller model); a cancelled load says so; anything else is returned
// as it is.
QString plainError(backend::ErrorKind kind, const QString& message);

// Why tagging an image failed, in the interface language, from the message the batch queue
// stored (English, from the engine, the server or the batch runner): the known causes in plain
// words, followed by the stored message; anything else as it is.
QString failureReason(const QString& storedMessage);

}  // namespace vistag::ui

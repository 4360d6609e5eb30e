// Engine and backend errors in plain words for the window.
#pragma once

#include <QString>

namespace vistag::ui {

// True when an engine error (inference::ErrorCode value + message) is an out-of-memory one.
bool isOutOfMemory(int errorCode, const QString& message);
// The message to show: out of memory becomes a plain explanation with what to try (a smaller
// pixel budget, the CPU, a smaller model); a cancelled load says so; anything else is returned
// as it is.
QString plainError(int errorCode, const QString& message);

}  // namespace vistag::ui

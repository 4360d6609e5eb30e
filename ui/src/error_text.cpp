#include "error_text.h"

#include <QCoreApplication>

#include "vistag/inference/status.h"

namespace vistag::ui {

bool isOutOfMemory(int errorCode, const QString& message) {
    return errorCode == static_cast<int>(inference::ErrorCode::Device) &&
           (message.contains(QLatin1String("memory"), Qt::CaseInsensitive) ||
            message.contains(QLatin1String("OOM")));
}

QString plainError(int errorCode, const QString& message) {
    if (isOutOfMemory(errorCode, message))
        return QCoreApplication::translate(
            "vistag::ui::ErrorText",
            "There is not enough memory for this model or this request.\n"
            "What to try: a smaller pixel budget (Tools → Settings → Generation), fewer images at "
            "once, running on the CPU (Settings → Model → Device), or a smaller Qwen3-VL model "
            "(2B or 4B).");
    if (errorCode == static_cast<int>(inference::ErrorCode::Cancelled))
        return QCoreApplication::translate("vistag::ui::ErrorText",
                                           "Loading the model was cancelled.");
    return message;
}

}  // namespace vistag::ui

#include "error_text.h"

#include <QCoreApplication>

namespace vistag::ui {

QString plainError(backend::ErrorKind kind, const QString& message) {
    if (kind == backend::ErrorKind::OutOfMemory)
        return QCoreApplication::translate(
            "vistag::ui::ErrorText",
            "There is not enough memory for this model or this request.\n"
            "What to try: a smaller pixel budget (Tools → Settings → Generation), fewer images at "
            "once, running on the CPU (Settings → Model → Device), or a smaller Qwen3-VL model "
            "(2B or 4B).");
    if (kind == backend::ErrorKind::Cancelled)
        return QCoreApplication::translate("vistag::ui::ErrorText",
                                           "Loading the model was cancelled.");
    return message;
}

}  // namespace vistag::ui

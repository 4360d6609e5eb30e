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

QString failureReason(const QString& stored) {
    const QString m = stored.toLower();
    QString reason;
    if (m.contains(QLatin1String("shared image folder")))
        reason = QCoreApplication::translate(
            "vistag::ui::ErrorText",
            "the image is in the team's shared image folder, which is not set on this "
            "workstation (Settings → Shared image folder)");
    else if (m.contains(QLatin1String("cannot be found")) ||
             m.contains(QLatin1String("no such file")) ||
             m.contains(QLatin1String("does not exist")))
        reason = QCoreApplication::translate("vistag::ui::ErrorText",
                                             "the image file is no longer where it was added");
    else if (m.contains(QLatin1String("damaged")) || m.contains(QLatin1String("truncated")) ||
             m.contains(QLatin1String("cannot decode")) ||
             m.contains(QLatin1String("not an image")))
        reason = QCoreApplication::translate(
            "vistag::ui::ErrorText", "the image file is damaged, truncated or not an image");
    else if (m.contains(QLatin1String("out of memory")) ||
             m.contains(QLatin1String("not enough memory")))
        reason = QCoreApplication::translate(
            "vistag::ui::ErrorText",
            "there was not enough memory (try a smaller pixel budget in Settings)");
    else if (m.contains(QLatin1String("held no tags")) || m.contains(QLatin1String("no tags")))
        reason =
            QCoreApplication::translate("vistag::ui::ErrorText", "the model's answer held no tags");
    else if (m.contains(QLatin1String("too long")) || m.contains(QLatin1String("context")))
        reason = QCoreApplication::translate(
            "vistag::ui::ErrorText",
            "the image and prompt are too long for the model (try a smaller pixel "
            "budget in Settings)");
    else if (m.contains(QLatin1String("http")) || m.contains(QLatin1String("server")) ||
             m.contains(QLatin1String("connection")) || m.contains(QLatin1String("timed out")))
        reason = QCoreApplication::translate("vistag::ui::ErrorText",
                                             "the inference server did not answer properly");
    if (reason.isEmpty())
        return stored;
    return stored.isEmpty() ? reason : reason + QStringLiteral(" (") + stored + QLatin1Char(')');
}

}  // namespace vistag::ui

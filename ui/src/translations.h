// The UI language: Chinese (zh_CN) or English, following the system locale unless the user chose.
#pragma once

#include <QString>

class QCoreApplication;

namespace vistag::ui {

// language: "zh_CN", "en" or "" for the system locale. The VISTAG_LANG environment variable, if
// set, wins (handy for screenshots and tests). Returns the language now in use.
// Chinese also installs Qt's own translations (OK / Cancel, ...) when present, and makes
// Chinese the default QLocale, which uiLanguage() and number formats follow.
QString installTranslations(QCoreApplication& app, const QString& language = {});

// "zh" or "en": which of the taxonomy's labels to show (from the default QLocale).
QString uiLanguage();

}  // namespace vistag::ui

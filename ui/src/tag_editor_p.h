// Shared by the tag editor's source files (tag_editor.cpp, tag_editor_scope.cpp).
#pragma once

#include <QString>

#include "catalog/catalog_records.h"

namespace vistag::ui::tag_editor_detail {

inline constexpr int kTagIdRole = Qt::UserRole + 1;
inline constexpr int kAttributeRole = Qt::UserRole + 2;
inline constexpr int kValueTextRole = Qt::UserRole + 3;  // the value as shown, for renaming
// On an attribute row: true when the attribute does not apply to the image's category.
inline constexpr int kInapplicableRole = Qt::UserRole + 4;

QString statusText(catalog::TagStatus s);  // "suggested", ... in the interface language

}  // namespace vistag::ui::tag_editor_detail

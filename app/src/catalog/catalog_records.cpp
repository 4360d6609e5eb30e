#include "catalog/catalog_records.h"

namespace vistag::catalog {

QString reviewStateName(ReviewState s) {
    switch (s) {
        case ReviewState::New:
            return QStringLiteral("new");
        case ReviewState::Suggested:
            return QStringLiteral("suggested");
        case ReviewState::Reviewed:
            return QStringLiteral("reviewed");
    }
    return {};
}

std::optional<ReviewState> reviewStateFromName(const QString& name) {
    if (name == QLatin1String("new"))
        return ReviewState::New;
    if (name == QLatin1String("suggested"))
        return ReviewState::Suggested;
    if (name == QLatin1String("reviewed"))
        return ReviewState::Reviewed;
    return std::nullopt;
}

}  // namespace vistag::catalog

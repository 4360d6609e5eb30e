#include "catalog/catalog_records.h"

namespace vistag::catalog {

QString itemStateName(ItemState s) {
    switch (s) {
        case ItemState::Pending:
            return QStringLiteral("pending");
        case ItemState::Running:
            return QStringLiteral("running");
        case ItemState::Done:
            return QStringLiteral("done");
        case ItemState::Skipped:
            return QStringLiteral("skipped");
        case ItemState::Failed:
            return QStringLiteral("failed");
        case ItemState::Cancelled:
            return QStringLiteral("cancelled");
    }
    return {};
}

std::optional<ItemState> itemStateFromName(const QString& name) {
    for (ItemState s : {ItemState::Pending, ItemState::Running, ItemState::Done, ItemState::Skipped,
                        ItemState::Failed, ItemState::Cancelled})
        if (name == itemStateName(s))
            return s;
    return std::nullopt;
}

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

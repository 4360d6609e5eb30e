#include "catalog/types.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vistag::catalog {

QString tagStatusName(TagStatus s) {
    switch (s) {
        case TagStatus::Suggested: return QStringLiteral("suggested");
        case TagStatus::Accepted: return QStringLiteral("accepted");
        case TagStatus::Rejected: return QStringLiteral("rejected");
    }
    return {};
}

std::optional<TagStatus> tagStatusFromName(const QString& name) {
    if (name == QLatin1String("suggested")) return TagStatus::Suggested;
    if (name == QLatin1String("accepted")) return TagStatus::Accepted;
    if (name == QLatin1String("rejected")) return TagStatus::Rejected;
    return std::nullopt;
}

QString InferenceParams::toJson() const {
    QJsonObject o{{QStringLiteral("max_new_tokens"), maxNewTokens},
                  {QStringLiteral("temperature"), temperature},
                  {QStringLiteral("top_p"), topP},
                  {QStringLiteral("top_k"), topK},
                  {QStringLiteral("max_pixels"), static_cast<double>(maxPixels)},
                  {QStringLiteral("seed"), QString::number(seed)}};
    // Only when set, so that the cache keys of answers stored before these existed still match.
    if (repetitionPenalty != 1)
        o.insert(QStringLiteral("repetition_penalty"), repetitionPenalty);
    if (presencePenalty != 0)
        o.insert(QStringLiteral("presence_penalty"), presencePenalty);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));  // keys sorted
}

}  // namespace vistag::catalog

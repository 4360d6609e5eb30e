#include "tags/types.h"

#include <QJsonDocument>
#include <QJsonObject>

namespace vistag::catalog {

QString tagStatusName(TagStatus s) {
    switch (s) {
        case TagStatus::Suggested:
            return QStringLiteral("suggested");
        case TagStatus::Accepted:
            return QStringLiteral("accepted");
        case TagStatus::Rejected:
            return QStringLiteral("rejected");
    }
    return {};
}

std::optional<TagStatus> tagStatusFromName(const QString& name) {
    if (name == QLatin1String("suggested"))
        return TagStatus::Suggested;
    if (name == QLatin1String("accepted"))
        return TagStatus::Accepted;
    if (name == QLatin1String("rejected"))
        return TagStatus::Rejected;
    return std::nullopt;
}

InferenceParams InferenceParams::fromJson(const QString& json) {
    const QJsonObject o = QJsonDocument::fromJson(json.toUtf8()).object();
    InferenceParams p;
    p.maxNewTokens = o.value(QStringLiteral("max_new_tokens")).toInt(p.maxNewTokens);
    p.temperature = o.value(QStringLiteral("temperature")).toDouble(p.temperature);
    p.topP = o.value(QStringLiteral("top_p")).toDouble(p.topP);
    p.topK = o.value(QStringLiteral("top_k")).toInt(p.topK);
    p.maxPixels = static_cast<qint64>(o.value(QStringLiteral("max_pixels")).toDouble(0));
    p.seed = o.value(QStringLiteral("seed")).toString().toULongLong();
    p.repetitionPenalty =
        o.value(QStringLiteral("repetition_penalty")).toDouble(p.repetitionPenalty);
    p.presencePenalty = o.value(QStringLiteral("presence_penalty")).toDouble(p.presencePenalty);
    p.tagSchema = o.value(QStringLiteral("tag_schema")).toString();
    return p;
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
    if (!tagSchema.isEmpty())
        o.insert(QStringLiteral("tag_schema"), tagSchema);
    return QString::fromUtf8(QJsonDocument(o).toJson(QJsonDocument::Compact));  // keys sorted
}

}  // namespace vistag::catalog

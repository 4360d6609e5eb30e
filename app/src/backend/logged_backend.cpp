#include "backend/logged_backend.h"

#include <QFileInfo>
#include <QStringList>

namespace vistag::backend {

void logInference(const QString& backendName, const QString& modelId, const AskRequest& request,
                  const AskResult& result) {
    if (!logging::active())
        return;
    QStringList images;
    for (const RequestImage& image : request.images)
        images << (image.path.isEmpty() ? QStringLiteral("(%1 bytes)").arg(image.bytes.size())
                                        : QFileInfo(image.path).fileName());
    const QString common = QStringLiteral("inference backend=%1 model=%2 images=[%3] prompt=\"%4\"")
                               .arg(backendName, modelId, images.join(QLatin1Char(',')),
                                    logging::clip(request.prompt, 200));
    if (!result.ok) {
        logging::warn(common + QStringLiteral(" error=\"%1\" latency_ms=%2")
                                   .arg(logging::clip(result.error, 300))
                                   .arg(result.latencyMs, 0, 'f', 1));
        return;
    }
    logging::info(common +
                  QStringLiteral(" answer=\"%1\" finish=%2 tokens=%3 prompt_tokens=%4 ttft_ms=%5 "
                                 "latency_ms=%6")
                      .arg(logging::clip(result.text, 400), finishReasonName(result.finishReason))
                      .arg(result.tokenIds.size())
                      .arg(result.promptTokens)
                      .arg(result.ttftMs, 0, 'f', 1)
                      .arg(result.latencyMs, 0, 'f', 1));
}

}  // namespace vistag::backend

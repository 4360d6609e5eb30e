#include "vistag/inference/vision_tokens.h"

#include <algorithm>
#include <string>

#include "vistag/inference/image.h"

namespace vistag::inference {

Expected<VisionTokenEstimate> estimateVisionTokens(int64_t width, int64_t height,
                                                   const PreprocessorConfig& config,
                                                   int64_t maxPixels) {
    const int64_t patch = config.patchSize, merge = config.mergeSize;
    if (patch <= 0 || merge <= 0)
        return Status(ErrorCode::Image, "the image processor settings have no patch grid");
    // The same limits as the engine's request path (engine_generate.cpp).
    int64_t maxP = config.maxPixels, minP = config.minPixels;
    if (maxPixels > 0) {
        maxP = std::min(maxP, maxPixels);
        minP = std::min(minP, maxP);
    }
    int64_t h = height, w = width;
    if (config.doResize) {
        std::string why;
        if (!smartResize(height, width, patch * merge, minP, maxP, &h, &w, &why))
            return Status(ErrorCode::Image, why);
    } else if (h <= 0 || w <= 0 || h % (patch * merge) || w % (patch * merge)) {
        return Status(ErrorCode::Image, "size must be a multiple of the patch grid");
    }
    VisionTokenEstimate out;
    out.resizedWidth = w;
    out.resizedHeight = h;
    out.imageTokens = (h / patch) * (w / patch) / (merge * merge);
    out.promptTokens = out.imageTokens + 2;
    return out;
}

}  // namespace vistag::inference

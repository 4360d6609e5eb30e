// What an image costs in the prompt, from its size alone: the image processor's resize
// (smartResize) and the patch grid, without decoding a pixel. With readImageHeader
// (image_file.h) a caller can refuse an image by its token budget before decoding it: an
// 11,000 × 12,000 PNG of 385 KB decodes to about 400 MB of RGB (1.2 GB at the peak) and is
// still 16,226 vision tokens after the resize to the model's 16.7 megapixels.
#pragma once

#include <cstdint>

#include "vistag/inference/model_config.h"
#include "vistag/inference/status.h"

namespace vistag::inference {

struct VisionTokenEstimate {
    int64_t resizedWidth = 0;   // what the image processor resizes the image to
    int64_t resizedHeight = 0;  // (multiples of patch × merge)
    int64_t imageTokens = 0;    // <|image_pad|> tokens: merged patches
    int64_t promptTokens = 0;   // imageTokens + <|vision_start|> and <|vision_end|>
};

// The tokens an image of width × height takes, as the engine would process it with this
// preprocessor config; maxPixels > 0 is a request's pixel budget (GenerateRequest::maxPixels,
// EngineOptions), applied as the engine does (the smaller of it and the config's, the minimum
// lowered to it). The count does not depend on an EXIF rotation (width and height swapped give
// the same). Errors (ErrorCode::Image): no pixels, an aspect ratio above 200:1, or (without
// resizing) a size off the patch grid. Constant time.
Expected<VisionTokenEstimate> estimateVisionTokens(int64_t width, int64_t height,
                                                   const PreprocessorConfig& config,
                                                   int64_t maxPixels = 0);

}  // namespace vistag::inference

// Images as the engine takes them: 8-bit RGB pixels, row-major, no padding between rows.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vistag::inference {

struct RgbImage {
    int32_t width = 0;
    int32_t height = 0;
    std::vector<uint8_t> pixels;  // width * height * 3 bytes, R G B
    std::string label;            // where it came from (file name), for messages and logs
};

// Qwen's smart_resize: both sides multiples of `factor` (patch × merge), the pixel count within
// [minPixels, maxPixels], the aspect ratio kept as closely as possible; Python rounding (half to
// even). Returns false and sets *error when the aspect ratio exceeds 200.
bool smartResize(int64_t height, int64_t width, int64_t factor, int64_t minPixels,
                 int64_t maxPixels, int64_t* outHeight, int64_t* outWidth, std::string* error);

}  // namespace vistag::inference

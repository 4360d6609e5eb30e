// Image files → RGB pixels, decoded with OpenCV outside the engine. The size is read from the
// file header first and refused above a pixel limit, so a decompression bomb never allocates.
// EXIF orientation is applied (as transformers' load_image does); alpha is dropped and grey,
// CMYK and 16-bit images become 8-bit RGB.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vistag/inference/image.h"
#include "vistag/inference/status.h"

namespace vistag::inference {

constexpr int64_t kDefaultMaxImagePixels = 128LL * 1024 * 1024;  // 128 megapixels

struct ImageHeader {
    std::string format;  // "png", "jpeg", "webp", "bmp", "gif", "tiff"
    int64_t width = 0;
    int64_t height = 0;
};

// Reads width and height from the first bytes of an encoded image without decoding it.
Expected<ImageHeader> readImageHeader(std::string_view bytes, const std::string& label);

// Why the decoder of this build cannot read an image that starts with `head` (its first bytes),
// in a sentence; empty when it can. OpenCV 4.6 has no GIF reader, so GIF files are refused here
// (and by decodeImage()) with a plain "not supported" rather than "damaged". The one check used
// by the catalogue's import, the command line, the server and the backends.
std::string unsupportedImageFormat(std::string_view head);

Expected<RgbImage> decodeImage(std::string_view bytes, const std::string& label,
                               int64_t maxPixels = kDefaultMaxImagePixels);
Expected<RgbImage> loadImageFile(const std::string& path,
                                 int64_t maxPixels = kDefaultMaxImagePixels);

}  // namespace vistag::inference

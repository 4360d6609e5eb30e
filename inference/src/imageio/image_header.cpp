// Width and height from image headers: PNG, JPEG, WebP, BMP, GIF, TIFF.
#include <cstring>

#include "vistag/inference/image_file.h"

namespace vistag::inference {
namespace {

uint32_t be16(const unsigned char* p) {
    return (p[0] << 8) | p[1];
}
uint32_t be32(const unsigned char* p) {
    return (uint32_t(p[0]) << 24) | (uint32_t(p[1]) << 16) | (uint32_t(p[2]) << 8) | p[3];
}
uint32_t le16(const unsigned char* p) {
    return p[0] | (p[1] << 8);
}
uint32_t le32(const unsigned char* p) {
    return p[0] | (p[1] << 8) | (p[2] << 16) | (uint32_t(p[3]) << 24);
}

Status bad(const std::string& label, const std::string& what) {
    return {ErrorCode::Image, label + ": " + what};
}

Expected<ImageHeader> jpeg(const unsigned char* p, size_t n, const std::string& label) {
    size_t i = 2;
    while (i + 4 <= n) {
        if (p[i] != 0xFF)
            return bad(label, "damaged JPEG file (bad marker)");
        const unsigned char marker = p[i + 1];
        if (marker == 0xFF) {  // fill byte
            ++i;
            continue;
        }
        if (marker == 0xD8 || (marker >= 0xD0 && marker <= 0xD7) || marker == 0x01) {
            i += 2;
            continue;
        }
        const size_t len = be16(p + i + 2);
        if (len < 2)
            return bad(label, "damaged JPEG file (bad segment length)");
        const bool sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
            if (i + 9 > n)
                break;
            return ImageHeader{"jpeg", be16(p + i + 7), be16(p + i + 5)};
        }
        i += 2 + len;
    }
    return bad(label, "damaged or truncated JPEG file (no image size found)");
}

Expected<ImageHeader> tiff(const unsigned char* p, size_t n, const std::string& label) {
    const bool le = p[0] == 'I';
    auto u16 = [&](size_t o) { return le ? le16(p + o) : be16(p + o); };
    auto u32 = [&](size_t o) { return le ? le32(p + o) : be32(p + o); };
    const size_t ifd = u32(4);
    if (ifd + 2 > n)
        return bad(label, "damaged TIFF file");
    const size_t count = u16(ifd);
    int64_t w = 0, h = 0;
    for (size_t k = 0; k < count; ++k) {
        const size_t e = ifd + 2 + k * 12;
        if (e + 12 > n)
            break;
        const uint32_t tag = u16(e), type = u16(e + 2);
        const uint32_t value = type == 3 ? u16(e + 8) : u32(e + 8);
        if (tag == 256)
            w = value;
        if (tag == 257)
            h = value;
    }
    if (w <= 0 || h <= 0)
        return bad(label, "damaged TIFF file (no image size found)");
    return ImageHeader{"tiff", w, h};
}

}  // namespace

Expected<ImageHeader> readImageHeader(std::string_view bytes, const std::string& label) {
    const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
    const size_t n = bytes.size();
    if (n == 0)
        return bad(label, "the file is empty");
    if (n >= 24 && std::memcmp(p, "\x89PNG\r\n\x1a\n", 8) == 0) {
        if (std::memcmp(p + 12, "IHDR", 4) != 0)
            return bad(label, "damaged PNG file");
        return ImageHeader{"png", be32(p + 16), be32(p + 20)};
    }
    if (n >= 4 && p[0] == 0xFF && p[1] == 0xD8)
        return jpeg(p, n, label);
    if (n >= 30 && std::memcmp(p, "RIFF", 4) == 0 && std::memcmp(p + 8, "WEBP", 4) == 0) {
        if (std::memcmp(p + 12, "VP8 ", 4) == 0)
            return ImageHeader{"webp", le16(p + 26) & 0x3FFF, le16(p + 28) & 0x3FFF};
        if (std::memcmp(p + 12, "VP8L", 4) == 0) {
            const uint32_t b = le32(p + 21);
            return ImageHeader{"webp", (b & 0x3FFF) + 1, ((b >> 14) & 0x3FFF) + 1};
        }
        if (std::memcmp(p + 12, "VP8X", 4) == 0) {
            const uint32_t w = (p[24] | (p[25] << 8) | (p[26] << 16)) + 1;
            const uint32_t h = (p[27] | (p[28] << 8) | (p[29] << 16)) + 1;
            return ImageHeader{"webp", w, h};
        }
        return bad(label, "unsupported kind of WebP file");
    }
    if (n >= 26 && p[0] == 'B' && p[1] == 'M') {
        const int32_t w = static_cast<int32_t>(le32(p + 18));
        const int32_t h = static_cast<int32_t>(le32(p + 22));
        return ImageHeader{"bmp", w < 0 ? -int64_t(w) : w, h < 0 ? -int64_t(h) : h};
    }
    if (n >= 10 && (std::memcmp(p, "GIF87a", 6) == 0 || std::memcmp(p, "GIF89a", 6) == 0))
        return ImageHeader{"gif", le16(p + 6), le16(p + 8)};
    if (n >= 8 && ((p[0] == 'I' && p[1] == 'I' && p[2] == 42 && p[3] == 0) ||
                   (p[0] == 'M' && p[1] == 'M' && p[2] == 0 && p[3] == 42)))
        return tiff(p, n, label);
    return bad(label, "not an image Vistag can read (JPEG, PNG, WebP, BMP, GIF or TIFF)");
}

}  // namespace vistag::inference

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <string>
#include <utility>
#include <vector>

#include "vistag/inference/image_file.h"
#include "vistag/inference/vision_tokens.h"

using namespace vistag::inference;

namespace {

std::string encode(const cv::Mat& m, const char* ext) {
    std::vector<uchar> buf;
    EXPECT_TRUE(cv::imencode(ext, m, buf));
    return std::string(buf.begin(), buf.end());
}

uint32_t crc32(const unsigned char* p, size_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (size_t i = 0; i < n; ++i) {
        c ^= p[i];
        for (int k = 0; k < 8; ++k)
            c = (c >> 1) ^ (0xEDB88320u & (0u - (c & 1u)));
    }
    return ~c;
}

// A valid PNG signature + IHDR claiming width × height, and nothing else.
std::string pngHeaderOnly(uint32_t w, uint32_t h) {
    std::string s("\x89PNG\r\n\x1a\n", 8);
    unsigned char ihdr[17] = {'I',
                              'H',
                              'D',
                              'R',
                              static_cast<unsigned char>(w >> 24),
                              static_cast<unsigned char>(w >> 16),
                              static_cast<unsigned char>(w >> 8),
                              static_cast<unsigned char>(w),
                              static_cast<unsigned char>(h >> 24),
                              static_cast<unsigned char>(h >> 16),
                              static_cast<unsigned char>(h >> 8),
                              static_cast<unsigned char>(h),
                              8,
                              2,
                              0,
                              0,
                              0};
    s += std::string("\0\0\0\x0d", 4);
    s.append(reinterpret_cast<char*>(ihdr), 17);
    const uint32_t c = crc32(ihdr, 17);
    for (int i = 3; i >= 0; --i)
        s.push_back(static_cast<char>(c >> (8 * i)));
    return s;
}

// Inserts an EXIF APP1 segment with the given orientation right after the JPEG's SOI.
std::string withExifOrientation(const std::string& jpeg, uint16_t orientation) {
    const unsigned char tiff[] = {'M',
                                  'M',
                                  0,
                                  42,
                                  0,
                                  0,
                                  0,
                                  8,  // big-endian TIFF header
                                  0,
                                  1,  // one IFD entry
                                  0x01,
                                  0x12,
                                  0,
                                  3,
                                  0,
                                  0,
                                  0,
                                  1,  // Orientation, SHORT, count 1
                                  static_cast<unsigned char>(orientation >> 8),
                                  static_cast<unsigned char>(orientation),
                                  0,
                                  0,
                                  0,
                                  0,
                                  0,
                                  0};  // no next IFD
    std::string app1 =
        std::string("Exif\0\0", 6) + std::string(reinterpret_cast<const char*>(tiff), sizeof tiff);
    const uint16_t len = static_cast<uint16_t>(app1.size() + 2);
    std::string seg = "\xFF\xE1";
    seg.push_back(static_cast<char>(len >> 8));
    seg.push_back(static_cast<char>(len & 0xFF));
    return jpeg.substr(0, 2) + seg + app1 + jpeg.substr(2);
}

}  // namespace

TEST(ImageFile, DecodesPngToRgb) {
    cv::Mat bgr(3, 5, CV_8UC3, cv::Scalar(10, 20, 30));  // B=10 G=20 R=30
    auto img = decodeImage(encode(bgr, ".png"), "a.png");
    ASSERT_TRUE(img) << img.error().message();
    EXPECT_EQ(img->width, 5);
    EXPECT_EQ(img->height, 3);
    ASSERT_EQ(img->pixels.size(), 5u * 3 * 3);
    EXPECT_EQ(img->pixels[0], 30);
    EXPECT_EQ(img->pixels[1], 20);
    EXPECT_EQ(img->pixels[2], 10);
}

TEST(ImageFile, GreyAlphaAndSixteenBitBecomeEightBitRgb) {
    auto grey = decodeImage(encode(cv::Mat(4, 4, CV_8UC1, cv::Scalar(77)), ".png"), "g.png");
    ASSERT_TRUE(grey);
    EXPECT_EQ(grey->pixels[0], 77);
    EXPECT_EQ(grey->pixels[2], 77);
    auto rgba =
        decodeImage(encode(cv::Mat(2, 2, CV_8UC4, cv::Scalar(1, 2, 3, 0)), ".png"), "a.png");
    ASSERT_TRUE(rgba);
    EXPECT_EQ(rgba->pixels.size(), 2u * 2 * 3);
    EXPECT_EQ(rgba->pixels[0], 3);
    auto deep = decodeImage(
        encode(cv::Mat(2, 2, CV_16UC3, cv::Scalar(65535, 0, 256 * 100)), ".png"), "d.png");
    ASSERT_TRUE(deep);
    EXPECT_EQ(deep->pixels[0], 100);
    EXPECT_EQ(deep->pixels[2], 255);
    auto one = decodeImage(encode(cv::Mat(1, 1, CV_8UC3, cv::Scalar(0, 0, 0)), ".png"), "1.png");
    ASSERT_TRUE(one);
    EXPECT_EQ(one->width, 1);
}

TEST(ImageFile, AppliesExifOrientation) {
    cv::Mat bgr(20, 40, CV_8UC3, cv::Scalar(200, 200, 200));
    const std::string jpeg = encode(bgr, ".jpg");
    auto plain = decodeImage(jpeg, "p.jpg");
    ASSERT_TRUE(plain);
    EXPECT_EQ(plain->width, 40);
    auto rotated = decodeImage(withExifOrientation(jpeg, 6), "r.jpg");  // rotate 90° CW
    ASSERT_TRUE(rotated) << rotated.error().message();
    EXPECT_EQ(rotated->width, 20);
    EXPECT_EQ(rotated->height, 40);
}

TEST(ImageFile, RefusesDecompressionBombFromTheHeader) {
    const std::string bomb = pngHeaderOnly(50000, 50000);
    auto header = readImageHeader(bomb, "bomb.png");
    ASSERT_TRUE(header);
    EXPECT_EQ(header->width, 50000);
    auto img = decodeImage(bomb, "bomb.png");
    ASSERT_FALSE(img);
    EXPECT_EQ(img.error().code(), ErrorCode::Image);
    EXPECT_NE(img.error().message().find("too large"), std::string::npos);
    EXPECT_NE(img.error().message().find("bomb.png"), std::string::npos);
}

TEST(ImageFile, ClearErrorsForBrokenFiles) {
    for (const auto& [bytes, what] : std::vector<std::pair<std::string, std::string>>{
             {"", "empty"},
             {"hello, this is text", "not an image"},
             {encode(cv::Mat(8, 8, CV_8UC3, cv::Scalar(1, 2, 3)), ".jpg").substr(0, 40), "trunc"},
             {pngHeaderOnly(10, 10), "damaged"}}) {
        auto img = decodeImage(bytes, "x.bin");
        ASSERT_FALSE(img) << what;
        EXPECT_EQ(img.error().code(), ErrorCode::Image) << what;
        EXPECT_EQ(img.error().message().rfind("x.bin: ", 0), 0u) << img.error().message();
    }
    auto missing = loadImageFile("/nonexistent/dir/photo.jpg");
    ASSERT_FALSE(missing);
    EXPECT_NE(missing.error().message().find("photo.jpg"), std::string::npos);
}

// Tracker issue 21, defect 6: an 11,000 × 12,000 PNG of a few hundred KB passes the 128-megapixel
// decode limit, costs about 1.2 GB to decode and is then too long for the context. Its cost in
// tokens is known from the header alone; the numbers are transformers' smart_resize
// (Qwen2VLImageProcessor, factor 32, min 65,536 px) for the same sizes.
TEST(VisionTokens, FromTheHeaderBeforeDecoding) {
    const std::string big = pngHeaderOnly(11000, 12000);
    const auto start = std::chrono::steady_clock::now();
    auto header = readImageHeader(big, "big.png");
    ASSERT_TRUE(header.hasValue()) << header.error().message();
    EXPECT_EQ(header->width, 11000);
    EXPECT_EQ(header->height, 12000);
    const PreprocessorConfig qwen;  // Qwen3-VL's defaults: 16 px patches, merge 2, 16.7 MP
    auto cost = estimateVisionTokens(header->width, header->height, qwen);
    const double us =
        std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
    ASSERT_TRUE(cost.hasValue()) << cost.error().message();
    std::printf(
        "11000x12000: %lld vision tokens (resized to %lldx%lld), from the header in %.1f us\n",
        static_cast<long long>(cost->imageTokens), static_cast<long long>(cost->resizedWidth),
        static_cast<long long>(cost->resizedHeight), us);
    EXPECT_EQ(cost->resizedHeight, 4256);
    EXPECT_EQ(cost->resizedWidth, 3904);
    EXPECT_EQ(cost->imageTokens, 16226);
    EXPECT_EQ(cost->promptTokens, 16228);
    // Width and height swapped (an EXIF rotation) cost the same.
    EXPECT_EQ(estimateVisionTokens(12000, 11000, qwen)->imageTokens, 16226);
}

TEST(VisionTokens, MatchTransformersSmartResize) {
    const PreprocessorConfig qwen;
    struct Case {
        int64_t h, w, maxPixels, rh, rw, tokens;
    };
    for (const Case& c : {Case{1024, 1024, 0, 1024, 1024, 1024}, Case{50, 50, 0, 256, 256, 64},
                          Case{480, 640, 0, 480, 640, 300}, Case{20, 3990, 0, 32, 4000, 125},
                          // a request's pixel budget (vistag-cli --max-pixels, the server)
                          Case{3000, 4000, 1048576, 864, 1152, 972}}) {
        auto e = estimateVisionTokens(c.w, c.h, qwen, c.maxPixels);
        ASSERT_TRUE(e.hasValue()) << c.h << "x" << c.w << ": " << e.error().message();
        EXPECT_EQ(e->resizedHeight, c.rh) << c.h << "x" << c.w;
        EXPECT_EQ(e->resizedWidth, c.rw) << c.h << "x" << c.w;
        EXPECT_EQ(e->imageTokens, c.tokens) << c.h << "x" << c.w;
    }
}

TEST(VisionTokens, RefusesWhatTheEngineRefuses) {
    const PreprocessorConfig qwen;
    for (auto [w, h] : {std::pair<int64_t, int64_t>{0, 10}, {10, 0}, {10, 2500}}) {
        auto e = estimateVisionTokens(w, h, qwen);
        ASSERT_FALSE(e.hasValue()) << w << "x" << h;
        EXPECT_EQ(e.error().code(), ErrorCode::Image);
    }
    PreprocessorConfig fixed;
    fixed.doResize = false;
    EXPECT_FALSE(estimateVisionTokens(100, 64, fixed).hasValue());
    EXPECT_EQ(estimateVisionTokens(96, 64, fixed)->imageTokens, 6);
}

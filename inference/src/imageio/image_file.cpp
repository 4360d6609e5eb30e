#include "vistag/inference/image_file.h"

#include <fstream>
#include <iterator>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

namespace vistag::inference {

std::string unsupportedImageFormat(std::string_view head) {
    if (head.substr(0, 6) == "GIF87a" || head.substr(0, 6) == "GIF89a")
        return "GIF images are not supported (the image decoder has no GIF reader); convert it "
               "to PNG or JPEG";
    return {};
}

Expected<RgbImage> decodeImage(std::string_view bytes, const std::string& label,
                               int64_t maxPixels) {
    if (const std::string why = unsupportedImageFormat(bytes); !why.empty())
        return Status(ErrorCode::Image, label + ": " + why);
    auto header = readImageHeader(bytes, label);
    if (!header)
        return header.error();
    if (header->width <= 0 || header->height <= 0)
        return Status(ErrorCode::Image, label + ": the image has no pixels");
    if (header->width > maxPixels / header->height)
        return Status(ErrorCode::Image, label + ": the image is too large (" +
                                            std::to_string(header->width) + "×" +
                                            std::to_string(header->height) + " pixels; at most " +
                                            std::to_string(maxPixels / 1000000) + " megapixels)");
    cv::Mat bgr;
    try {
        cv::Mat buf(1, static_cast<int>(bytes.size()), CV_8U, const_cast<char*>(bytes.data()));
        // IMREAD_COLOR: 8-bit, 3 channels, EXIF orientation applied, alpha dropped.
        bgr = cv::imdecode(buf, cv::IMREAD_COLOR);
    } catch (const cv::Exception& e) {
        return Status(ErrorCode::Image,
                      label + ": the image could not be decoded (" + e.what() + ")");
    }
    if (bgr.empty())
        return Status(ErrorCode::Image, label + ": the image is damaged or truncated");
    RgbImage img;
    img.label = label;
    img.width = bgr.cols;
    img.height = bgr.rows;
    img.pixels.resize(static_cast<size_t>(img.width) * img.height * 3);
    cv::Mat rgb(img.height, img.width, CV_8UC3, img.pixels.data());
    cv::cvtColor(bgr, rgb, cv::COLOR_BGR2RGB);
    return img;
}

Expected<RgbImage> loadImageFile(const std::string& path, int64_t maxPixels) {
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return Status(ErrorCode::Image, path + ": cannot open the file");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        return Status(ErrorCode::Image, path + ": cannot read the file");
    return decodeImage(bytes, path, maxPixels);
}

}  // namespace vistag::inference

#include "model/image_processor.h"

namespace vistag::inference::model {
namespace {

// One image → [gh*gw, C*T*P*P] rows.
at::Tensor processOne(const RgbImage& img, const ImageProcessorSettings& s, int64_t outH,
                      int64_t outW) {
    // HWC bytes viewed as NCHW with channels-last strides, as torchvision sees a PIL image.
    at::Tensor x = at::from_blob(const_cast<uint8_t*>(img.pixels.data()),
                                 {img.height, img.width, 3}, at::kByte)
                       .permute({2, 0, 1})
                       .unsqueeze(0);
    if (s.doResize && (outH != img.height || outW != img.width)) {
        // The native uint8 antialiased bicubic kernel (Pillow-compatible) torchvision uses on CPU.
        x = at::_upsample_bicubic2d_aa(x, {outH, outW}, /*align_corners=*/false);
    }
    at::Tensor f = x.to(at::kFloat);
    if (s.doNormalize) {
        // Fused rescale + normalise: (x - mean/r) / (std/r), constants rounded to float32.
        const double k = s.doRescale ? 1.0 / s.rescale : 1.0;
        at::Tensor mean =
            at::tensor({static_cast<float>(s.mean[0] * k), static_cast<float>(s.mean[1] * k),
                        static_cast<float>(s.mean[2] * k)})
                .view({1, 3, 1, 1});
        at::Tensor stdv =
            at::tensor({static_cast<float>(s.std[0] * k), static_cast<float>(s.std[1] * k),
                        static_cast<float>(s.std[2] * k)})
                .view({1, 3, 1, 1});
        f = (f - mean) / stdv;
    } else if (s.doRescale) {
        f = f * s.rescale;
    }
    const int64_t P = s.patch, m = s.merge, T = s.temporalPatch;
    const int64_t gh = outH / P, gw = outW / P;
    // [1, C, gh/m, m, P, gw/m, m, P] → [1, gh/m, gw/m, m, m, C, P, P], then the frame repeated T
    // times → rows of C*T*P*P.
    at::Tensor p = f.reshape({1, 3, gh / m, m, P, gw / m, m, P}).permute({0, 2, 5, 3, 6, 1, 4, 7});
    p = p.unsqueeze(6).expand({-1, -1, -1, -1, -1, -1, T, -1, -1});
    return p.reshape({gh * gw, 3 * T * P * P});
}

}  // namespace

bool preprocessImages(const std::vector<const RgbImage*>& images, const ImageProcessorSettings& s,
                      ProcessedImages* out, std::string* error) {
    std::vector<at::Tensor> rows;
    out->grids.clear();
    for (const RgbImage* img : images) {
        const std::string name = img->label.empty() ? std::string("image") : img->label;
        if (img->width <= 0 || img->height <= 0 ||
            img->pixels.size() != static_cast<size_t>(img->width) * img->height * 3) {
            if (error)
                *error = name + ": the image has no pixels or a wrong pixel buffer size";
            return false;
        }
        int64_t h = img->height, w = img->width;
        if (s.doResize) {
            std::string why;
            if (!smartResize(img->height, img->width, s.patch * s.merge, s.minPixels, s.maxPixels,
                             &h, &w, &why)) {
                if (error)
                    *error = name + ": " + why;
                return false;
            }
        } else if (h % (s.patch * s.merge) || w % (s.patch * s.merge)) {
            if (error)
                *error = name + ": size must be a multiple of the patch grid";
            return false;
        }
        rows.push_back(processOne(*img, s, h, w));
        out->grids.push_back({1, h / s.patch, w / s.patch});
    }
    out->pixelValues = rows.empty() ? at::Tensor() : at::cat(rows, 0);
    return true;
}

}  // namespace vistag::inference::model

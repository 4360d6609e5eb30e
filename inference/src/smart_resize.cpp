#include <algorithm>
#include <cfenv>
#include <cmath>

#include "vistag/inference/image.h"

namespace vistag::inference {
namespace {

// Python's round(): half to even (the default floating-point rounding mode).
int64_t roundHalfEven(double x) {
    const int saved = std::fegetround();
    std::fesetround(FE_TONEAREST);
    const double r = std::nearbyint(x);
    std::fesetround(saved);
    return static_cast<int64_t>(r);
}

}  // namespace

bool smartResize(int64_t height, int64_t width, int64_t factor, int64_t minPixels,
                 int64_t maxPixels, int64_t* outHeight, int64_t* outWidth, std::string* error) {
    if (height <= 0 || width <= 0 || factor <= 0) {
        if (error)
            *error = "the image has no pixels";
        return false;
    }
    const double h = static_cast<double>(height), w = static_cast<double>(width);
    if (std::max(h, w) / std::min(h, w) > 200.0) {
        if (error)
            *error = "the image is too long and thin (aspect ratio " +
                     std::to_string(static_cast<int64_t>(std::max(h, w) / std::min(h, w))) +
                     ":1; at most 200:1)";
        return false;
    }
    const double f = static_cast<double>(factor);
    int64_t hBar = roundHalfEven(h / f) * factor;
    int64_t wBar = roundHalfEven(w / f) * factor;
    if (hBar * wBar > maxPixels) {
        const double beta = std::sqrt(h * w / static_cast<double>(maxPixels));
        hBar = std::max(factor, static_cast<int64_t>(std::floor(h / beta / f)) * factor);
        wBar = std::max(factor, static_cast<int64_t>(std::floor(w / beta / f)) * factor);
    } else if (hBar * wBar < minPixels) {
        const double beta = std::sqrt(static_cast<double>(minPixels) / (h * w));
        hBar = static_cast<int64_t>(std::ceil(h * beta / f)) * factor;
        wBar = static_cast<int64_t>(std::ceil(w * beta / f)) * factor;
    }
    *outHeight = hBar;
    *outWidth = wBar;
    return true;
}

}  // namespace vistag::inference

// Building the engine's GenerateRequest from the application's values: one place for the message
// layout (each message's images first, in order, then its text) and for the sampling settings,
// shared by the local backend (image files) and `vistag-cli batch` (images sent in the request).
#pragma once

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "tags/types.h"
#include "vistag/inference/engine.h"

namespace vistag::backend {

// Sampling settings and the pixel budget of `params` into `req`.
void applyInferenceParams(const catalog::InferenceParams& params, inference::GenerateRequest* req);
// The inverse: the engine's sampling parameters (a model's generation_config defaults, say) as
// the application's parameter type, every field kept (the penalties too).
catalog::InferenceParams inferenceParamsFrom(const inference::SamplingParams& sampling,
                                             qint64 maxPixels = 0);

// Appends a message of `role`: its images (already decoded, in order) and then its text.
void appendMessage(inference::GenerateRequest* req, const std::string& role,
                   std::vector<inference::RgbImage> images, const QString& text);

// The same with the images read from files; the first image that cannot be read is returned as
// the error (plain words naming the file) and nothing is appended.
inference::Status appendMessageFromFiles(inference::GenerateRequest* req, const std::string& role,
                                         const QStringList& imagePaths, const QString& text);

}  // namespace vistag::backend

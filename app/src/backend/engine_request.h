// Building the engine's GenerateRequest from the application's values: one place for the message
// layout (each message's images first, in order, then its text), the images (decoded from their
// bytes or read from their files) and the sampling settings — the local backend, the server and
// `vistag-cli batch` all go through toGenerateRequest().
#pragma once

#include <QString>
#include <QStringList>
#include <string>
#include <vector>

#include "backend/inference_backend.h"
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

// The engine's request for `request`: the system message, the earlier turns, the user turn and
// the sampling parameters (no grammar, no priority: those are the backend's). The first image
// that cannot be used is the error, in plain words, named by its path or as "image N".
inference::Expected<inference::GenerateRequest> toGenerateRequest(const AskRequest& request);

}  // namespace vistag::backend

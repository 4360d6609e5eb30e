#include "backend/engine_request.h"

#include "vistag/inference/image_file.h"

namespace vistag::backend {

using inference::ChatPart;

void applyInferenceParams(const catalog::InferenceParams& p, inference::GenerateRequest* req) {
    req->sampling.maxNewTokens = p.maxNewTokens;
    req->sampling.temperature = static_cast<float>(p.temperature);
    req->sampling.topP = static_cast<float>(p.topP);
    req->sampling.topK = p.topK;
    req->sampling.repetitionPenalty = static_cast<float>(p.repetitionPenalty);
    req->sampling.presencePenalty = static_cast<float>(p.presencePenalty);
    req->sampling.seed = p.seed;
    req->maxPixels = p.maxPixels;
}

catalog::InferenceParams inferenceParamsFrom(const inference::SamplingParams& s, qint64 maxPixels) {
    catalog::InferenceParams p;
    p.maxNewTokens = s.maxNewTokens;
    p.temperature = s.temperature;
    p.topP = s.topP;
    p.topK = s.topK;
    p.repetitionPenalty = s.repetitionPenalty;
    p.presencePenalty = s.presencePenalty;
    p.seed = s.seed;
    p.maxPixels = maxPixels;
    return p;
}

void appendMessage(inference::GenerateRequest* req, const std::string& role,
                   std::vector<inference::RgbImage> images, const QString& text) {
    inference::ChatMessage m{role, {}};
    for (auto& image : images) {
        req->images.push_back(std::move(image));
        m.content.push_back({ChatPart::Kind::Image, {}});
    }
    m.content.push_back({ChatPart::Kind::Text, text.toStdString()});
    req->messages.push_back(std::move(m));
}

inference::Status appendMessageFromFiles(inference::GenerateRequest* req, const std::string& role,
                                         const QStringList& imagePaths, const QString& text) {
    std::vector<inference::RgbImage> images;
    for (const QString& path : imagePaths) {
        auto img = inference::loadImageFile(path.toStdString());
        if (!img)
            return img.error();
        images.push_back(std::move(*img));
    }
    appendMessage(req, role, std::move(images), text);
    return inference::Status::ok();
}

}  // namespace vistag::backend

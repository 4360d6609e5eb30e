#include "backend/engine_request.h"

#include <QFile>
#include <algorithm>
#include <semaphore>
#include <thread>

#include "vistag/inference/image_file.h"

namespace vistag::backend {
namespace {

// Images decoded at once in this process (a counting semaphore: half the cores, at least 2).
class DecodeSlot {
public:
    DecodeSlot() { gate().acquire(); }
    ~DecodeSlot() { gate().release(); }
    DecodeSlot(const DecodeSlot&) = delete;
    DecodeSlot& operator=(const DecodeSlot&) = delete;

private:
    static std::counting_semaphore<>& gate() {
        static std::counting_semaphore<> g(
            std::max<std::ptrdiff_t>(2, std::thread::hardware_concurrency() / 2));
        return g;
    }
};

}  // namespace

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

inference::Expected<inference::GenerateRequest> toGenerateRequest(const AskRequest& request) {
    inference::GenerateRequest req;
    int count = 0;
    const auto decode = [&](const QList<RequestImage>& images,
                            std::vector<inference::RgbImage>* out) {
        for (const RequestImage& image : images) {
            ++count;
            const std::string label =
                image.path.isEmpty() ? "image " + std::to_string(count) : image.path.toStdString();
            // Decoding a large image takes hundreds of MB for a moment: a few at a time, however
            // many requests arrive together.
            DecodeSlot slot;
            auto img = image.inMemory()
                           ? inference::decodeImage(
                                 std::string_view(image.bytes.constData(),
                                                  static_cast<size_t>(image.bytes.size())),
                                 label)
                           : inference::loadImageFile(image.path.toStdString());
            if (!img)
                return img.error();
            out->push_back(std::move(*img));
        }
        return inference::Status::ok();
    };
    if (!request.system.isEmpty())
        appendMessage(&req, "system", {}, request.system);
    for (const ChatTurn& t : request.history) {
        const bool user = t.role != QLatin1String("assistant");
        std::vector<inference::RgbImage> images;
        if (user)
            if (auto s = decode(t.images, &images); !s)
                return s;
        appendMessage(&req, user ? "user" : "assistant", std::move(images), t.text);
    }
    std::vector<inference::RgbImage> images;
    if (auto s = decode(request.images, &images); !s)
        return s;
    appendMessage(&req, "user", std::move(images), request.prompt);
    applyInferenceParams(request.params, &req);
    return req;
}

}  // namespace vistag::backend

#include "engine_options.h"

#include <unistd.h>

#include <QFile>
#include <cstdio>

#include "about.h"
#include "backend/engine_request.h"
#include "catalog/image_scan.h"
#include "vistag/inference/image_file.h"

namespace vistag::cli {

using inference::ErrorCode;
using inference::Status;

void printError(const Status& s) {
    // One line: multi-line messages (lists of tensors) are joined with "; ".
    QStringList parts;
    for (const QString& line : QString::fromStdString(s.message()).split(QLatin1Char('\n')))
        if (!line.trimmed().isEmpty())
            parts << line.trimmed();
    // A NUL in the message (quoted from a file) is shown as \0, not where the line stops.
    const QByteArray text = parts.join(QStringLiteral("; ")).toLocal8Bit().replace('\0', "\\0");
    std::fprintf(stderr, "vistag-cli: %s\n", text.constData());
}

void addEngineOptions(QCommandLineParser& p) {
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions({
        {"model", "Model folder (Hugging Face layout).", "DIR"},
        {"image", "Image file; repeat for several images.", "PATH"},
        {"prompt", "The question.", "TEXT"},
        {"system", "A system message.", "TEXT"},
        {"max-new-tokens", "Most tokens to generate (default 256).", "N"},
        {"temperature", "Sampling temperature; 0 = greedy.", "T"},
        {"top-p", "Nucleus sampling threshold.", "P"},
        {"top-k", "Sample from the K most likely tokens.", "K"},
        {"repetition-penalty", "transformers' repetition penalty.", "R"},
        {"presence-penalty", "Penalty for tokens already generated.", "R"},
        {"seed", "Random seed for sampling.", "S"},
        {"max-pixels", "Pixel budget per image (default: the model's).", "N"},
        {"device", "auto, cpu or cuda.", "DEVICE"},
        {"dtype", "auto, float32, bfloat16 or float16.", "DTYPE"},
        {"threads", "CPU threads (default: all cores).", "N"},
    });
}

namespace {

template <typename T>
bool number(const QCommandLineParser& p, const char* name, T* out, double lo, double hi) {
    if (!p.isSet(QLatin1String(name)))
        return true;
    bool ok = false;
    const double v = p.value(QLatin1String(name)).toDouble(&ok);
    if (!ok || v < lo || v > hi) {
        std::fprintf(stderr, "vistag-cli: --%s: '%s' is not a valid value\n", name,
                     qPrintable(p.value(QLatin1String(name))));
        return false;
    }
    *out = static_cast<T>(v);
    return true;
}

}  // namespace

std::optional<EngineArgs> parseEngineArgs(QCommandLineParser& p, const QStringList& args,
                                          const char* usage, bool requirePrompt, bool* helpShown,
                                          bool requireModel) {
    *helpShown = false;
    auto fail = [&](const QString& why) -> std::optional<EngineArgs> {
        std::fprintf(stderr, "vistag-cli: %s\n\n%s", qPrintable(why), usage);
        return std::nullopt;
    };
    if (!p.parse(args))
        return fail(p.errorText());
    if (p.isSet(QStringLiteral("help"))) {
        std::fputs(usage, stdout);
        *helpShown = true;
        return std::nullopt;
    }
    if (!p.positionalArguments().isEmpty())
        return fail(
            QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments().first()));
    EngineArgs a;
    a.model = p.value(QStringLiteral("model"));
    if (!a.model.isEmpty() && !hasLocalEngine())
        return fail(
            QStringLiteral("--model DIR needs the local engine, and this build has none: "
                           "it talks to servers only; use --server URL instead"));
    if (a.model.isEmpty() && requireModel)
        return fail(QStringLiteral("--model DIR is required"));
    a.images = p.values(QStringLiteral("image"));
    a.prompt = p.value(QStringLiteral("prompt"));
    if (requirePrompt && !p.isSet(QStringLiteral("prompt")))
        return fail(QStringLiteral("--prompt TEXT is required"));
    a.system = p.value(QStringLiteral("system"));
    if (p.isSet(QStringLiteral("device")))
        a.device = p.value(QStringLiteral("device"));
    if (p.isSet(QStringLiteral("dtype")))
        a.dtype = p.value(QStringLiteral("dtype"));
    auto& s = a.sampling;
    a.hasTemperature = p.isSet(QStringLiteral("temperature"));
    a.hasTopP = p.isSet(QStringLiteral("top-p"));
    a.hasTopK = p.isSet(QStringLiteral("top-k"));
    a.hasRepetition = p.isSet(QStringLiteral("repetition-penalty"));
    a.hasPresence = p.isSet(QStringLiteral("presence-penalty"));
    if (!number(p, "max-new-tokens", &s.maxNewTokens, 1, 1 << 20) ||
        !number(p, "temperature", &s.temperature, 0, 100) || !number(p, "top-p", &s.topP, 0, 1) ||
        !number(p, "top-k", &s.topK, 0, 1 << 24) ||
        !number(p, "repetition-penalty", &s.repetitionPenalty, 0.01, 100) ||
        !number(p, "presence-penalty", &s.presencePenalty, -100, 100) ||
        !number(p, "seed", &s.seed, 0, 1.8e19) || !number(p, "max-pixels", &a.maxPixels, 1, 1e12) ||
        !number(p, "threads", &a.threads, 1, 4096))
        return fail(QStringLiteral("invalid option value"));
    return a;
}

void applyModelDefaults(EngineArgs& a, const inference::SamplingParams& m) {
    auto& s = a.sampling;
    if (!a.hasTemperature)
        s.temperature = m.temperature;
    if (!a.hasTopP)
        s.topP = m.topP;
    if (!a.hasTopK)
        s.topK = m.topK;
    if (!a.hasRepetition)
        s.repetitionPenalty = m.repetitionPenalty;
    if (!a.hasPresence)
        s.presencePenalty = m.presencePenalty;
}

catalog::InferenceParams inferenceParams(const EngineArgs& a) {
    return backend::inferenceParamsFrom(a.sampling, a.maxPixels);
}

std::unique_ptr<inference::Engine> loadEngine(const EngineArgs& a, int* exitCode) {
    inference::LoadOptions o;
    o.device = a.device.toStdString();
    o.dtype = a.dtype.toStdString();
    o.threads = a.threads;
    o.maxSequences = a.maxSequences;
    if (isatty(STDERR_FILENO)) {
        o.progress = [](double f, const std::string& stage) {
            std::fprintf(stderr, "\rLoading model: %3d%% %-40s", static_cast<int>(f * 100),
                         stage.c_str());
            if (f >= 1.0)
                std::fputc('\n', stderr);
            return true;
        };
    }
    auto e = inference::Engine::load(a.model.toStdString(), o);
    if (!e) {
        printError(e.error());
        *exitCode = e.error().exitCode();
        return nullptr;
    }
    // Said to a person at a terminal (scripts read the device from --json or --version; an error
    // stays the one line on stderr).
    if (a.device == QLatin1String("auto") && (*e)->info().device.rfind("cpu", 0) == 0 &&
        isatty(STDERR_FILENO))
        std::fprintf(stderr,
                     "vistag-cli: no usable NVIDIA GPU or driver found: running on the "
                     "CPU\n");
    if (!(*e)->info().templateWarning.empty())
        std::fprintf(stderr, "vistag-cli: warning: %s\n", (*e)->info().templateWarning.c_str());
    return std::move(*e);
}

std::optional<std::vector<inference::RgbImage>> loadImages(const QStringList& paths,
                                                           int* exitCode) {
    std::vector<inference::RgbImage> images;
    for (const QString& path : paths) {
        if (const QString why = catalog::unsupportedImageFile(path); !why.isEmpty()) {
            const Status s(ErrorCode::Image, why.toStdString());
            printError(s);
            *exitCode = s.exitCode();
            return std::nullopt;
        }
        auto img = inference::loadImageFile(path.toStdString());
        if (!img) {
            printError(img.error());
            *exitCode = img.error().exitCode();
            return std::nullopt;
        }
        images.push_back(std::move(*img));
    }
    return images;
}

std::vector<inference::ChatMessage> buildMessages(const EngineArgs& a, size_t imageCount) {
    using inference::ChatPart;
    std::vector<inference::ChatMessage> messages;
    if (!a.system.isEmpty())
        messages.push_back({"system", {ChatPart{ChatPart::Kind::Text, a.system.toStdString()}}});
    inference::ChatMessage user{"user", {}};
    for (size_t i = 0; i < imageCount; ++i)
        user.content.push_back({ChatPart::Kind::Image, {}});
    user.content.push_back({ChatPart::Kind::Text, a.prompt.toStdString()});
    messages.push_back(std::move(user));
    return messages;
}

}  // namespace vistag::cli

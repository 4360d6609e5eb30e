// Options shared by the commands that run the local engine (ask, bench): parsing, model loading
// and image loading, with errors printed as one line on stderr.
#pragma once

#include <QCommandLineParser>
#include <QStringList>
#include <memory>
#include <optional>
#include <vector>

#include "tags/types.h"
#include "vistag/inference/engine.h"

namespace vistag::cli {

struct EngineArgs {
    QString model;
    QStringList images;
    QString prompt;
    QString system;
    QString device = QStringLiteral("auto");
    QString dtype = QStringLiteral("auto");
    qint64 maxPixels = 0;
    int threads = 0;
    int maxSequences = 0;  // LoadOptions::maxSequences (batch: --concurrency); 0 = the engine's
    inference::SamplingParams sampling;
    // Which sampling values were given on the command line (the rest come from the model).
    bool hasTemperature = false, hasTopP = false, hasTopK = false, hasRepetition = false,
         hasPresence = false;
};

// Adds --model, --image, --prompt, --system, --device, --dtype, --max-pixels, --threads and the
// sampling options to `parser`.
void addEngineOptions(QCommandLineParser& parser);

// Parses `args` (args[0] = command name). Returns nullopt after printing the error and `usage`
// to stderr (the caller exits 2). `--help` prints usage to stdout and sets *helpShown.
// requireModel = false when another backend (--server) replaces --model.
std::optional<EngineArgs> parseEngineArgs(QCommandLineParser& parser, const QStringList& args,
                                          const char* usage, bool requirePrompt, bool* helpShown,
                                          bool requireModel = true);

// Fills unset sampling values from the model's generation_config.
void applyModelDefaults(EngineArgs& a, const inference::SamplingParams& model);

// The sampling values and pixel budget of `a` as the application's InferenceParams (what a
// backend or a batch request takes).
catalog::InferenceParams inferenceParams(const EngineArgs& a);

// Loads the model (progress on stderr when it is a terminal). Prints the error and sets *exitCode
// on failure.
std::unique_ptr<inference::Engine> loadEngine(const EngineArgs& a, int* exitCode);

// Loads every --image; prints the error and sets *exitCode on failure.
std::optional<std::vector<inference::RgbImage>> loadImages(const QStringList& paths, int* exitCode);

// The conversation: an optional system message, then one user turn with the images in order and
// then the prompt text.
std::vector<inference::ChatMessage> buildMessages(const EngineArgs& a, size_t imageCount);

void printError(const inference::Status& s);

}  // namespace vistag::cli

// Options for the commands that can use an inference server instead of a model folder (ask, tag):
// --server, --api-key, --model-name and the hidden --timeout.
#pragma once

#include <QCommandLineParser>
#include <memory>

#include "backend/inference_backend.h"
#include "backend/remote_backend.h"
#include "engine_options.h"

namespace vistag::cli {

// Adds --server, --api-key, --model-name, --token-limit-field, --logprobs, --structured-output,
// --schema-max-enum, --schema-max-chars and --timeout (hidden).
void addRemoteOptions(QCommandLineParser& parser);

// True when `args` name --server (before parsing: it makes --model optional).
bool argsNameServer(const QStringList& args);

// The backend for --server. Prints the error and sets *exitCode (2) on a bad option value.
// Its first tagging request prints on stderr whether the server enforces the tag schema (one
// line: "tag schema: enforced", "tag schema: not enforced (answers are checked)", ...).
std::unique_ptr<backend::RemoteBackend> makeRemoteBackend(const QCommandLineParser& parser,
                                                          int* exitCode);

// `vistag-cli ask --server URL`: one request, streamed to stdout or as one JSON line with the
// same fields as the local path.
// `conversation` (from --conversation; may be null) gives the system text, earlier turns, the
// last user message and its images instead of --system/--prompt/--image.
int runRemoteAsk(const QCommandLineParser& parser, const EngineArgs& args, bool asJson,
                 const backend::AskRequest* conversation = nullptr);

}  // namespace vistag::cli

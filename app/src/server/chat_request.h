// Reading an OpenAI chat-completions request body into what the local backend needs, with the
// server's limits (parsing is pure: no sockets, no files, for tests and fuzzing), and turning the
// result into the engine's request (`vistag-cli batch` submits it to the continuous batch).
#pragma once

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <memory>

#include "backend/inference_backend.h"
#include "tags/types.h"
#include "vistag/inference/engine.h"

namespace vistag::server {

struct ChatLimits {
    int maxImages = 8;
    int maxTokens = 4096;
    qint64 maxImageBytes = 32LL * 1024 * 1024;  // one decoded image
    // Accept file:///absolute/path image URLs (a local file, read when the image is decoded):
    // `vistag-cli batch` does, the server never (a client must not read the server's files).
    bool allowFileUrls = false;
    // A response_format json_schema is measured against these before anything is built from it
    // (checkSchemaLimits), so that a hostile schema costs the thread that reads requests no more
    // than a walk over at most these many items. The first two are the constraint's own limits
    // (inference::TagLimits).
    int maxSchemaProperties = 256;      // attributes
    int maxSchemaEnumValues = 10000;    // values of one property's enum
    int maxSchemaTotalValues = 20000;   // enum values of all properties together
    qint64 maxSchemaBytes = 4LL << 20;  // UTF-8 bytes of every key and string in the schema
    int maxSchemaDepth = 8;             // nesting of objects and arrays
};

struct ChatImage {
    QByteArray bytes;  // the decoded data: URL
    QString suffix;    // "png", "jpg", ... from the media type or the file name
    QString path;      // a file:// URL's local file (allowFileUrls); bytes stay empty
};

// An earlier turn of the conversation (before the last user message).
struct ChatJobTurn {
    QString role;  // "user" or "assistant"
    QString text;
    QList<ChatImage> images;  // user turns only
};

struct ChatJob {
    QString system;
    QString prompt;           // the last user message
    QList<ChatImage> images;  // of the last user message, in order, before its text
    QList<ChatJobTurn> history;
    catalog::InferenceParams params;
    bool stream = false;
    bool includeUsage = false;
    // response_format json_schema: the answer is constrained to it (catalog/tag_schema.h).
    std::shared_ptr<const inference::TagSchema> tagSchema;
};

// Whether the response_format `schema` object stays within the limits: its properties, each enum,
// all enums together, its keys and strings in bytes, its nesting. Stops at the first limit
// passed, before reading further (so its cost is bounded by the limits, not by the schema); the
// error names the limit and, where there is one, the property.
bool checkSchemaLimits(const QJsonObject& schema, const ChatLimits& limits, QString* error);

// Parses `body`. Sampling values the request leaves out come from `defaults`. On a bad request
// returns false with *error in plain words (the caller answers 400).
bool parseChatRequest(const QByteArray& body, const catalog::InferenceParams& defaults,
                      const ChatLimits& limits, ChatJob* job, QString* error);
// The same for a body already parsed as JSON (a line of a batch file).
bool parseChatRequest(const QJsonObject& body, const catalog::InferenceParams& defaults,
                      const ChatLimits& limits, ChatJob* job, QString* error);

// The engine's request for `job`: the system message, the earlier turns and the question, each
// message's images decoded with vistag_imagefile (data: bytes, or the file of a file:// URL)
// before its text, and the sampling settings of job.params. An image that cannot be read or
// decoded is the error (ErrorCode::Image, naming the image).
// The request as every backend takes it: the images in memory (a file:// image by its path).
backend::AskRequest toAskRequest(const ChatJob& job);
// backend::toGenerateRequest(toAskRequest(job)): `vistag-cli batch` submits it to the engine.
inference::Expected<inference::GenerateRequest> toGenerateRequest(const ChatJob& job);

// The OpenAI "usage" object.
QJsonObject chatUsage(int promptTokens, int completionTokens);
// The OpenAI chat.completion object of one finished answer (a non-streamed response, the body of
// a batch result line). finish_reason is "length" for "length" and "stop" otherwise.
QJsonObject chatCompletion(const QString& id, qint64 created, const QString& model,
                           const QString& text, const QString& finishReason, int promptTokens,
                           int completionTokens);

}  // namespace vistag::server

// Reading an OpenAI chat-completions request body into what the local backend needs, with the
// server's limits. Pure (no sockets, no files), for tests and fuzzing.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>

#include "catalog/types.h"

namespace vistag::server {

struct ChatLimits {
    int maxImages = 8;
    int maxTokens = 4096;
    qint64 maxImageBytes = 32LL * 1024 * 1024;  // one decoded image
};

struct ChatImage {
    QByteArray bytes;  // the decoded data: URL
    QString suffix;    // "png", "jpg", ... from the media type
};

// An earlier turn of the conversation (before the last user message).
struct ChatJobTurn {
    QString role;             // "user" or "assistant"
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
};

// Parses `body`. Sampling values the request leaves out come from `defaults`. On a bad request
// returns false with *error in plain words (the caller answers 400).
bool parseChatRequest(const QByteArray& body, const catalog::InferenceParams& defaults,
                      const ChatLimits& limits, ChatJob* job, QString* error);

}  // namespace vistag::server

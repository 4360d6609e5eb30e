// libFuzzer target: the server's HTTP/1.1 request parser (fed in pieces whose sizes come from the
// input) and the chat-completions request validation on whatever body it yields. Must never crash
// or hang, and must keep its limits.
#include <cstddef>
#include <cstdint>

#include "server/chat_request.h"
#include "server/http_message.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace vistag::server;
    if (size == 0)
        return 0;
    const int step = 1 + data[0] % 64;
    const QByteArray bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    HttpLimits limits;
    limits.maxBody = 2048;
    limits.maxHeaderBytes = 512;
    limits.maxHeaders = 8;
    HttpRequestParser parser(limits);
    for (qsizetype i = 0; i < bytes.size(); i += step) {
        if (parser.feed(bytes.mid(i, step)) != HttpRequestParser::State::Incomplete)
            break;
    }
    if (parser.state() == HttpRequestParser::State::Error &&
        (parser.errorStatus() < 400 || parser.errorStatus() > 505))
        __builtin_trap();
    const QByteArray body =
        parser.state() == HttpRequestParser::State::Complete ? parser.request().body : bytes;
    if (parser.state() == HttpRequestParser::State::Complete &&
        (body.size() > limits.maxBody || parser.request().headers.size() > limits.maxHeaders))
        __builtin_trap();
    ChatJob job;
    QString error;
    ChatLimits chat;
    chat.maxImageBytes = 1024;
    if (parseChatRequest(body, {}, chat, &job, &error)) {
        if (job.images.size() > chat.maxImages || job.params.maxNewTokens < 1 ||
            job.params.maxNewTokens > chat.maxTokens)
            __builtin_trap();
    } else if (error.isEmpty()) {
        __builtin_trap();
    }
    (void)bearerMatches(parser.request().header("authorization"), "key");
    return 0;
}

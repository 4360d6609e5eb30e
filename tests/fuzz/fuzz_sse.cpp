// libFuzzer target: the SSE parser and the chat-completions stream interpreter on arbitrary
// bytes, fed in pieces whose sizes come from the input itself. Must never crash or hang.
#include <cstddef>
#include <cstdint>

#include "backend/sse_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace vistag::backend;
    if (size == 0)
        return 0;
    const int step = 1 + data[0] % 64;
    const QByteArray bytes(reinterpret_cast<const char*>(data) + 1, qsizetype(size - 1));
    SseParser parser;
    ChatStreamInterpreter stream;
    bool ok = true;
    for (qsizetype i = 0; i < bytes.size() && ok; i += step) {
        QString piece;
        ok = stream.feed(
            parser, QByteArrayView(bytes.constData() + i, qMin<qsizetype>(step, bytes.size() - i)),
            &piece);
    }
    if (ok)
        stream.finish(parser);
    // The spans must lie inside the text.
    for (const auto& [b, e] : stream.tokenSpans())
        if (b < 0 || e < b || e > stream.text().size())
            __builtin_trap();
    if (stream.tokenSpans().size() != stream.tokenProbs().size())
        __builtin_trap();
    return 0;
}

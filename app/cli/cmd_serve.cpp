// vistag-cli serve: the local model as an OpenAI-compatible server (chat completions with images,
// streaming by server-sent events), for Vistag's own --server option and any OpenAI client.
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QTimer>
#include <csignal>
#include <cstdio>

#include "backend/engine_request.h"
#include "backend/local_backend.h"
#include "cli_util.h"
#include "commands.h"
#include "server/api_server.h"
#include "vistag/inference/engine.h"

namespace vistag::cli {
namespace {

const char kUsage[] =
    "usage: vistag-cli serve --model DIR [--host ADDR] [--port N] [--api-key KEY]\n"
    "                        [--allow CIDR ...] [--max-batch N] [--max-queue N]\n"
    "                        [--max-new-tokens N]\n"
    "                        [--device auto|cpu|cuda] [--dtype auto|float32|bfloat16|float16]\n"
    "                        [--threads N]\n"
    "Serves GET /health, GET /v1/models and POST /v1/chat/completions (stream or not).\n"
    "  --host ADDR      address to listen on (default 127.0.0.1)\n"
    "  --port N         port (default 8000; 0 picks a free one, printed on stdout)\n"
    "  --api-key KEY    required as 'Authorization: Bearer KEY' on every route but /health\n"
    "                   (default: $VISTAG_API_KEY)\n"
    "  --allow CIDR     only these client addresses (repeatable), e.g. 10.0.0.0/8\n"
    "  --max-batch N    requests answered together in the engine's continuous batch\n"
    "                   (default 8; 1 = one at a time)\n"
    "  --max-queue N    requests waiting besides the running ones (default 4); more get 429\n";

volatile std::sig_atomic_t gStop = 0;
extern "C" void onStopSignal(int) {
    gStop = 1;
}

bool intOption(const QCommandLineParser& p, const char* name, int lo, int hi, int* out) {
    if (!p.isSet(QLatin1String(name)))
        return true;
    bool ok = false;
    const int v = p.value(QLatin1String(name)).toInt(&ok);
    if (!ok || v < lo || v > hi) {
        std::fprintf(stderr, "vistag-cli: --%s must be a whole number from %d to %d\n", name, lo,
                     hi);
        return false;
    }
    *out = v;
    return true;
}

}  // namespace

int runServe(const QStringList& args) {
    QCommandLineParser p;
    p.setSingleDashWordOptionMode(QCommandLineParser::ParseAsLongOptions);
    p.addHelpOption();
    p.addOptions({
        {"model", "Model folder (Hugging Face layout).", "DIR"},
        {"host", "Address to listen on.", "ADDR", "127.0.0.1"},
        {"port", "Port (0: any free one).", "N", "8000"},
        {"api-key", "API key clients must send as a Bearer token.", "KEY"},
        {"allow", "Allowed client network (CIDR); repeatable.", "CIDR"},
        {"max-batch", "Requests answered together (continuous batch).", "N", "8"},
        {"max-queue", "Requests that may wait besides the running ones.", "N", "4"},
        {"max-new-tokens", "Default max_tokens when a request gives none.", "N"},
        {"device", "auto, cpu or cuda.", "DEVICE", "auto"},
        {"dtype", "auto, float32, bfloat16 or float16.", "DTYPE", "auto"},
        {"threads", "CPU threads (default: all cores).", "N"},
    });
    if (const int rc = parseCommandLine(p, args, kUsage); rc >= 0)
        return rc;
    if (!p.positionalArguments().isEmpty())
        return usageError(
            QStringLiteral("unexpected argument '%1'").arg(p.positionalArguments()[0]), kUsage);
    if (!p.isSet(QStringLiteral("model")))
        return usageError(QStringLiteral("--model is required"), kUsage);

    server::ServerOptions o;
    if (!o.host.setAddress(p.value(QStringLiteral("host"))))
        return usageError(QStringLiteral("--host: '%1' is not an IP address")
                              .arg(p.value(QStringLiteral("host"))),
                          kUsage);
    int port = 8000, threads = 0, maxNew = 1024;
    o.maxBatch = 8;
    if (!intOption(p, "port", 0, 65535, &port) ||
        !intOption(p, "max-queue", 0, 1000, &o.maxQueue) ||
        !intOption(p, "max-batch", 1, 256, &o.maxBatch) ||
        !intOption(p, "threads", 0, 1024, &threads) ||
        !intOption(p, "max-new-tokens", 1, o.chat.maxTokens, &maxNew))
        return 2;
    o.port = static_cast<quint16>(port);
    o.apiKey = p.isSet(QStringLiteral("api-key")) ? p.value(QStringLiteral("api-key")).toUtf8()
                                                  : qgetenv("VISTAG_API_KEY");
    for (const QString& a : p.values(QStringLiteral("allow"))) {
        QPair<QHostAddress, int> subnet;
        if (!server::parseSubnet(a, &subnet))
            return usageError(
                QStringLiteral("--allow: '%1' is not an address or CIDR network").arg(a), kUsage);
        o.allow << subnet;
    }
    if (!o.host.isLoopback() && o.apiKey.isEmpty())
        std::fprintf(stderr,
                     "vistag-cli: warning: listening on %s without an API key: anyone who can "
                     "reach this address can use the model (set --api-key)\n",
                     qPrintable(o.host.toString()));

    backend::LocalOptions lo;
    lo.device = p.value(QStringLiteral("device"));
    lo.dtype = p.value(QStringLiteral("dtype"));
    lo.threads = threads;
    lo.batched = o.maxBatch > 1;
    lo.maxSequences = o.maxBatch;
    QString error;
    int code = 0;
    auto backend = backend::LocalBackend::load(p.value(QStringLiteral("model")), lo, &error, &code);
    if (!backend) {
        std::fprintf(stderr, "vistag-cli: %s\n", qPrintable(error));
        return code ? code : 3;
    }
    // The model's own sampling defaults (generation_config.json), penalties included, for
    // requests that leave them out.
    o.defaults = backend::inferenceParamsFrom(backend->engine().defaultSampling());
    o.defaults.maxNewTokens = maxNew;

    server::ApiServer srv(o, std::move(backend));
    if (!srv.listen(&error)) {
        std::fprintf(stderr, "vistag-cli: cannot listen on %s:%d: %s\n",
                     qPrintable(o.host.toString()), port, qPrintable(error));
        return 1;
    }
    const QString host = o.host.protocol() == QAbstractSocket::IPv6Protocol
                             ? QLatin1Char('[') + o.host.toString() + QLatin1Char(']')
                             : o.host.toString();
    std::printf("vistag-cli serve: listening on http://%s:%u/v1\n", qPrintable(host),
                unsigned(srv.port()));
    std::fflush(stdout);
    // Ctrl-C / SIGTERM: stop the running generation, close the sockets and exit 0.
    std::signal(SIGINT, onStopSignal);
    std::signal(SIGTERM, onStopSignal);
    QTimer stopPoll;
    QObject::connect(&stopPoll, &QTimer::timeout, [] {
        if (gStop)
            QCoreApplication::quit();
    });
    stopPoll.start(100);
    const int rc = QCoreApplication::exec();
    std::fprintf(stderr, "vistag-cli serve: stopped\n");
    return rc;
}

}  // namespace vistag::cli

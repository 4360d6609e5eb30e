#include "logging/app_log.h"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/rotating_file_sink.h>
#include <spdlog/spdlog.h>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QMetaObject>
#include <QStandardPaths>
#include <mutex>

namespace vistag::logging {
namespace {

constexpr const char* kPattern = "%Y-%m-%d %H:%M:%S.%e [%l] %v";

// Forwards formatted lines to the LogHub.
class HubSink final : public spdlog::sinks::base_sink<std::mutex> {
protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        spdlog::memory_buf_t formatted;
        formatter_->format(msg, formatted);
        QString line =
            QString::fromUtf8(formatted.data(), static_cast<qsizetype>(formatted.size()));
        while (line.endsWith(QLatin1Char('\n')) || line.endsWith(QLatin1Char('\r')))
            line.chop(1);
        hub()->append(line);
    }
    void flush_() override {}
};

struct State {
    std::mutex mutex;
    std::shared_ptr<spdlog::logger> logger;  // null before setup
    QString filePath;
};

State& state() {
    static State s;
    return s;
}

std::shared_ptr<spdlog::logger> current() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    return s.logger;
}

void write(spdlog::level::level_enum level, const QString& message) {
    if (auto l = current())
        l->log(level, "{}", message.toStdString());
}

void qtMessageHandler(QtMsgType type, const QMessageLogContext& ctx, const QString& msg) {
    // A Qt message raised while logging (e.g. by the hub's queued call) goes to stderr only:
    // re-entering the sinks would deadlock on their mutex.
    static thread_local bool inside = false;
    if (inside) {
        fprintf(stderr, "%s\n", qPrintable(msg));
        return;
    }
    inside = true;
    struct Reset {
        ~Reset() { inside = false; }
    } reset;
    const QString text = ctx.category && qstrcmp(ctx.category, "default") != 0
                             ? QString::fromUtf8(ctx.category) + QStringLiteral(": ") + msg
                             : msg;
    switch (type) {
        case QtDebugMsg:
            write(spdlog::level::debug, text);
            break;
        case QtInfoMsg:
            write(spdlog::level::info, text);
            break;
        case QtWarningMsg:
            write(spdlog::level::warn, text);
            break;
        case QtCriticalMsg:
            write(spdlog::level::err, text);
            break;
        case QtFatalMsg:
            write(spdlog::level::critical, text);
            if (auto l = current())
                l->flush();
            break;
    }
    // Still on stderr, as without the handler (a terminal or a test runner shows it).
    fprintf(stderr, "%s\n", qPrintable(text));
}

}  // namespace

QStringList LogHub::recent(quint64* lastSeq) const {
    QMutexLocker lock(&mutex_);
    if (lastSeq)
        *lastSeq = seq_;
    return lines_;
}

void LogHub::append(const QString& line) {
    quint64 seq = 0;
    {
        QMutexLocker lock(&mutex_);
        lines_.append(line);
        if (lines_.size() > kCapacity)
            lines_.remove(0, lines_.size() - kCapacity);
        seq = ++seq_;
    }
    QMetaObject::invokeMethod(
        this, [this, line, seq] { emit lineAdded(line, seq); }, Qt::QueuedConnection);
}

LogHub* hub() {
    static LogHub* h = new LogHub;  // lives as long as the process (sinks may outlive main())
    return h;
}

QString defaultLogDir() {
    return QStandardPaths::writableLocation(QStandardPaths::AppLocalDataLocation) +
           QStringLiteral("/logs");
}

bool setup(const QString& dir, QString* error) {
    hub();  // the hub lives on this (the GUI) thread
    std::vector<spdlog::sink_ptr> sinks;
    sinks.push_back(std::make_shared<HubSink>());
    QString path;
    bool ok = true;
    try {
        QDir().mkpath(dir);
        path = QDir(dir).filePath(QStringLiteral("vistag.log"));
        sinks.push_back(std::make_shared<spdlog::sinks::rotating_file_sink_mt>(
            QFile::encodeName(path).toStdString(), 5 * 1024 * 1024, 3));
    } catch (const std::exception& e) {
        ok = false;
        path.clear();
        if (error)
            *error = QString::fromUtf8(e.what());
    }
    auto logger = std::make_shared<spdlog::logger>("vistag", sinks.begin(), sinks.end());
    logger->set_pattern(kPattern);
    logger->set_level(spdlog::level::debug);
    logger->flush_on(spdlog::level::info);
    {
        State& s = state();
        std::lock_guard lock(s.mutex);
        s.logger = std::move(logger);
        s.filePath = path;
    }
    qInstallMessageHandler(qtMessageHandler);
    return ok;
}

QString logFilePath() {
    State& s = state();
    std::lock_guard lock(s.mutex);
    return s.filePath;
}

void flush() {
    if (auto l = current())
        l->flush();
}

void debug(const QString& message) {
    write(spdlog::level::debug, message);
}
void info(const QString& message) {
    write(spdlog::level::info, message);
}
void warn(const QString& message) {
    write(spdlog::level::warn, message);
}
void error(const QString& message) {
    write(spdlog::level::err, message);
}

bool active() {
    return current() != nullptr;
}

QString clip(const QString& text, int max) {
    QString t = text;
    t.replace(QStringLiteral("\r\n"), QStringLiteral("⏎"));
    t.replace(QLatin1Char('\n'), QStringLiteral("⏎"));
    if (t.size() > max)
        t = t.left(max) + QStringLiteral("…");
    return t;
}

}  // namespace vistag::logging

// Vistag's log: spdlog with one sink per destination. The GUI sets up a rotating file in the data
// folder (logs/vistag.log, 5 MB × 3) and the in-app log panel's sink (LogHub: a capped ring buffer
// whose new lines reach the GUI thread through a queued signal), and routes Qt's messages
// (qDebug/qInfo/qWarning…) into it. Without setup (vistag-cli) nothing is written by this log;
// the command-line tools keep printing to stderr themselves. spdlog stays out of this header.
#pragma once

#include <QElapsedTimer>
#include <QMutex>
#include <QObject>
#include <QStringList>

namespace vistag::logging {

// The recent lines for the log panel. Lives on the thread that first calls hub() (the GUI
// thread); append() may be called from any thread.
class LogHub final : public QObject {
    Q_OBJECT
public:
    static constexpr int kCapacity = 2000;

    // The recent lines, oldest first; *lastSeq: the number of the newest (lineAdded's seq).
    QStringList recent(quint64* lastSeq = nullptr) const;
    void append(const QString& line);  // any thread; lineAdded() follows on the hub's thread

signals:
    void lineAdded(const QString& line, quint64 seq);  // seq counts from 1

private:
    mutable QMutex mutex_;
    QStringList lines_;  // oldest first, at most kCapacity
    quint64 seq_ = 0;
};

LogHub* hub();

// The default folder: QStandardPaths::AppLocalDataLocation + "/logs".
QString defaultLogDir();
// Sets up the log: rotating file `dir`/vistag.log (5 MB × 3) and the LogHub sink; routes Qt's
// messages into it. false and *error when the file cannot be opened (the hub still works).
// Calling it again replaces the earlier setup.
bool setup(const QString& dir, QString* error = nullptr);
// The file in use, or "" before setup().
QString logFilePath();
// Writes everything buffered to the file.
void flush();

// Whether a log is set up (setup() succeeded): callers skip building lines nobody reads.
bool active();

void debug(const QString& message);
void info(const QString& message);
void warn(const QString& message);
void error(const QString& message);

// Shortens text for a log line: newlines shown as "⏎", at most `max` characters then "…".
QString clip(const QString& text, int max = 300);

}  // namespace vistag::logging

// What the user chose in Settings, persisted with QSettings (organisation "Vistag", application
// "vistag": ~/.config/Vistag/vistag.conf on Linux). A plain value type: load() fills in defaults
// for anything missing or out of range, save() writes every field.
#pragma once

#include <QSettings>
#include <QString>
#include <QStringList>

#include <optional>

#include "backend/remote_backend.h"
#include "tags/types.h"

namespace vistag::settings {

// Which backend the window uses: a model folder on this computer or an inference server. Stored
// as "local" / "server".
enum class BackendKind { Local, Server };
QString backendKindName(BackendKind kind);
std::optional<BackendKind> backendKindFromName(const QString& name);

struct AppSettings {
    BackendKind backend = BackendKind::Local;
    // Local model.
    QString modelFolder;
    QString device = QStringLiteral("auto");  // auto | cpu | cuda
    QString dtype = QStringLiteral("auto");   // auto | float32 | bfloat16 | float16
    // Generation: the one parameter type every job the window starts uses (questions, batches,
    // the shared server's defaults). Settings shows the pixel budget (per image), the longest
    // answer, the temperature (0 = greedy) and the two penalties; the rest keep their defaults.
    catalog::InferenceParams generation = defaultGeneration();
    static catalog::InferenceParams defaultGeneration();
    // Tagging answers the taxonomy's JSON with only allowed values (catalog/tag_schema.h); off:
    // the free-text answer read by the lenient parser, kept for comparison.
    bool constrainedTagging = true;
    // Batch items worked on at once (BackendController::setRequestsInFlight).
    int requestsInFlight = 4;
    // Remote server.
    QString serverUrl = QStringLiteral("http://127.0.0.1:8000/v1");
    QString apiKey;
    QString serverModel;                                     // empty: the server's first model
    QString tokenLimitField = QStringLiteral("max_tokens");  // or max_completion_tokens
    // How tagging asks the server for the taxonomy's JSON (backend::StructuredOutput by name:
    // json_schema, json_object or none) and how large one request's schema may be (0 = no
    // limit; a larger taxonomy is split over several requests).
    QString structuredOutput = QStringLiteral("json_schema");
    int schemaMaxEnumValues = 1000;
    int schemaMaxChars = 120000;
    // The catalogue: "" (the file in the user's data folder), a file, or a team catalogue's
    // postgresql:// address — never with a password (save() removes one; libpq reads
    // ~/.pgpass or PGPASSWORD). The shared image folder as this workstation sees it
    // (CatalogDb::setImageRoot), and the name the audit log records for this person's
    // decisions ("" = the operating system's user name).
    QString catalogLocation;
    QString imageRoot;
    QString reviewerName;
    QString reviewer() const;  // reviewerName, or the OS user name
    // Interface language: "" (follow the system), "en" or "zh_CN".
    QString language;
    // "Share this model": Vistag's own OpenAI-compatible server on the loaded local model.
    QString shareHost = QStringLiteral("127.0.0.1");
    int sharePort = 8000;
    QString shareApiKey;
    QStringList shareAllow;  // CIDR networks; empty = any peer that reaches the socket
    int shareMaxQueue = 4;

    static AppSettings load(const QSettings& s);
    void save(QSettings& s) const;
    // From / to the application's default QSettings.
    static AppSettings load();
    void save() const;

    bool operator==(const AppSettings&) const = default;

    backend::RemoteOptions remoteOptions() const;
    catalog::InferenceParams inferenceParams() const { return generation; }
};

inline constexpr double kMinRepetitionPenalty = 1.0;  // 1 = off
inline constexpr double kMaxRepetitionPenalty = 2.0;
inline constexpr double kMaxPresencePenalty = 2.0;  // OpenAI's range: -2 … 2
inline constexpr qint64 kMinPixels = 28 * 28;
inline constexpr qint64 kMaxPixels = 4096LL * 4096;
inline constexpr int kMaxNewTokens = 8192;

}  // namespace vistag::settings

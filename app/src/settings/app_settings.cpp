#include "settings/app_settings.h"

#include <QUrl>

namespace vistag::settings {
namespace {

QString oneOf(const QSettings& s, const char* key, const QStringList& allowed, const QString& def) {
    const QString v = s.value(QLatin1String(key), def).toString();
    return allowed.contains(v) ? v : def;
}

template <typename T>
T clamped(const QSettings& s, const char* key, T lo, T hi, T def) {
    bool ok = false;
    const QVariant v = s.value(QLatin1String(key));
    T out = def;
    if constexpr (std::is_floating_point_v<T>)
        out = static_cast<T>(v.toDouble(&ok));
    else
        out = static_cast<T>(v.toLongLong(&ok));
    if (!ok || out < lo || out > hi)
        return def;
    return out;
}

}  // namespace

QString backendKindName(BackendKind kind) {
    return kind == BackendKind::Server ? QStringLiteral("server") : QStringLiteral("local");
}

std::optional<BackendKind> backendKindFromName(const QString& name) {
    if (name == QLatin1String("local"))
        return BackendKind::Local;
    if (name == QLatin1String("server"))
        return BackendKind::Server;
    return std::nullopt;
}

AppSettings AppSettings::load(const QSettings& s) {
    AppSettings a;
    a.backend = backendKindFromName(oneOf(s, "backend/kind",
                                          {QStringLiteral("local"), QStringLiteral("server")},
                                          backendKindName(a.backend)))
                    .value_or(a.backend);
    a.modelFolder = s.value(QStringLiteral("local/modelFolder")).toString();
    a.device =
        oneOf(s, "local/device",
              {QStringLiteral("auto"), QStringLiteral("cpu"), QStringLiteral("cuda")}, a.device);
    a.dtype = oneOf(s, "local/dtype",
                    {QStringLiteral("auto"), QStringLiteral("float32"), QStringLiteral("bfloat16"),
                     QStringLiteral("float16")},
                    a.dtype);
    catalog::InferenceParams& g = a.generation;
    g.maxPixels = clamped<qint64>(s, "generation/maxPixels", kMinPixels, kMaxPixels, g.maxPixels);
    g.maxNewTokens = clamped<int>(s, "generation/maxNewTokens", 1, kMaxNewTokens, g.maxNewTokens);
    g.temperature = clamped<double>(s, "generation/temperature", 0.0, 2.0, g.temperature);
    g.repetitionPenalty = clamped<double>(s, "generation/repetitionPenalty", kMinRepetitionPenalty,
                                          kMaxRepetitionPenalty, g.repetitionPenalty);
    g.presencePenalty = clamped<double>(s, "generation/presencePenalty", -kMaxPresencePenalty,
                                        kMaxPresencePenalty, g.presencePenalty);
    a.constrainedTagging =
        s.value(QStringLiteral("generation/constrainedTagging"), a.constrainedTagging).toBool();
    a.requestsInFlight = clamped<int>(s, "generation/requestsInFlight", 1, 64, a.requestsInFlight);
    a.catalogLocation = s.value(QStringLiteral("catalogue/location")).toString();
    a.imageRoot = s.value(QStringLiteral("catalogue/imageRoot")).toString();
    a.reviewerName = s.value(QStringLiteral("catalogue/reviewerName")).toString().trimmed();
    a.serverUrl = s.value(QStringLiteral("server/url"), a.serverUrl).toString();
    a.apiKey = s.value(QStringLiteral("server/apiKey")).toString();
    a.serverModel = s.value(QStringLiteral("server/model")).toString();
    a.tokenLimitField = oneOf(
        s, "server/tokenLimitField",
        {QStringLiteral("max_tokens"), QStringLiteral("max_completion_tokens")}, a.tokenLimitField);
    a.structuredOutput = oneOf(
        s, "server/structuredOutput",
        {QStringLiteral("json_schema"), QStringLiteral("json_object"), QStringLiteral("none")},
        a.structuredOutput);
    a.schemaMaxEnumValues =
        clamped<int>(s, "server/schemaMaxEnumValues", 0, 10000000, a.schemaMaxEnumValues);
    a.schemaMaxChars = clamped<int>(s, "server/schemaMaxChars", 0, 100000000, a.schemaMaxChars);
    a.language = oneOf(s, "ui/language", {QString(), QStringLiteral("en"), QStringLiteral("zh_CN")},
                       a.language);
    a.shareHost = s.value(QStringLiteral("share/host"), a.shareHost).toString();
    a.sharePort = clamped<int>(s, "share/port", 0, 65535, a.sharePort);
    a.shareApiKey = s.value(QStringLiteral("share/apiKey")).toString();
    a.shareAllow = s.value(QStringLiteral("share/allow")).toStringList();
    a.shareMaxQueue = clamped<int>(s, "share/maxQueue", 0, 1000, a.shareMaxQueue);
    return a;
}

void AppSettings::save(QSettings& s) const {
    s.setValue(QStringLiteral("backend/kind"), backendKindName(backend));
    s.setValue(QStringLiteral("local/modelFolder"), modelFolder);
    s.setValue(QStringLiteral("local/device"), device);
    s.setValue(QStringLiteral("local/dtype"), dtype);
    s.setValue(QStringLiteral("generation/maxPixels"), generation.maxPixels);
    s.setValue(QStringLiteral("generation/maxNewTokens"), generation.maxNewTokens);
    s.setValue(QStringLiteral("generation/temperature"), generation.temperature);
    s.setValue(QStringLiteral("generation/repetitionPenalty"), generation.repetitionPenalty);
    s.setValue(QStringLiteral("generation/presencePenalty"), generation.presencePenalty);
    s.setValue(QStringLiteral("generation/constrainedTagging"), constrainedTagging);
    s.setValue(QStringLiteral("generation/requestsInFlight"), requestsInFlight);
    QString location = catalogLocation.trimmed();
    if (location.contains(QLatin1String("://"))) {  // a database address: never its password
        QUrl url(location);
        if (!url.password().isEmpty()) {
            url.setPassword({});
            location = url.toString();
        }
    }
    s.setValue(QStringLiteral("catalogue/location"), location);
    s.setValue(QStringLiteral("catalogue/imageRoot"), imageRoot.trimmed());
    s.setValue(QStringLiteral("catalogue/reviewerName"), reviewerName.trimmed());
    s.setValue(QStringLiteral("server/url"), serverUrl);
    s.setValue(QStringLiteral("server/apiKey"), apiKey);
    s.setValue(QStringLiteral("server/model"), serverModel);
    s.setValue(QStringLiteral("server/tokenLimitField"), tokenLimitField);
    s.setValue(QStringLiteral("server/structuredOutput"), structuredOutput);
    s.setValue(QStringLiteral("server/schemaMaxEnumValues"), schemaMaxEnumValues);
    s.setValue(QStringLiteral("server/schemaMaxChars"), schemaMaxChars);
    s.setValue(QStringLiteral("ui/language"), language);
    s.setValue(QStringLiteral("share/host"), shareHost);
    s.setValue(QStringLiteral("share/port"), sharePort);
    s.setValue(QStringLiteral("share/apiKey"), shareApiKey);
    s.setValue(QStringLiteral("share/allow"), shareAllow);
    s.setValue(QStringLiteral("share/maxQueue"), shareMaxQueue);
}

AppSettings AppSettings::load() {
    const QSettings s;
    return load(s);
}

void AppSettings::save() const {
    QSettings s;
    save(s);
    s.sync();
}

backend::RemoteOptions AppSettings::remoteOptions() const {
    backend::RemoteOptions o;
    o.baseUrl = serverUrl.trimmed();
    o.apiKey = apiKey;
    o.model = serverModel.trimmed();
    o.tokenLimitField = tokenLimitField;
    o.structuredOutput =
        backend::structuredOutputFromName(structuredOutput).value_or(o.structuredOutput);
    o.schemaMaxEnumValues = schemaMaxEnumValues;
    o.schemaMaxChars = schemaMaxChars;
    return o;
}

catalog::InferenceParams AppSettings::defaultGeneration() {
    catalog::InferenceParams p;
    p.maxPixels = 512 * 512;
    p.maxNewTokens = 256;
    p.temperature = 0;
    return p;
}

QString AppSettings::reviewer() const {
    if (!reviewerName.trimmed().isEmpty())
        return reviewerName.trimmed();
    QString user = qEnvironmentVariable("USER");
    if (user.isEmpty())
        user = qEnvironmentVariable("USERNAME");
    return user.isEmpty() ? QStringLiteral("me") : user;
}

}  // namespace vistag::settings

#include "server/chat_request.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QUrl>
#include <cmath>

#include "backend/engine_request.h"
#include "tags/tag_schema.h"
#include "vistag/inference/image_file.h"

namespace vistag::server {

namespace {

// "file:///absolute/path.jpg" (limits.allowFileUrls only) → the local path.
bool readFileUrl(const QString& text, ChatImage* image, QString* error) {
    const QUrl url(text);  // tolerant: a path with spaces left unencoded still works
    const QString host = url.host();
    if (!url.isValid() || !url.isLocalFile() ||
        !(host.isEmpty() || host.compare(QLatin1String("localhost"), Qt::CaseInsensitive) == 0) ||
        !url.toLocalFile().startsWith(QLatin1Char('/'))) {
        *error = QStringLiteral("a file image URL must be file:///absolute/path (got '%1')")
                     .arg(text.left(200));
        return false;
    }
    image->path = url.toLocalFile();
    image->suffix = image->path.section(QLatin1Char('.'), -1).toLower();
    return true;
}

// "data:image/png;base64,...." → bytes and a file suffix; with limits.allowFileUrls also
// "file:///path" → the path.
bool readImageUrl(const QString& url, const ChatLimits& limits, ChatImage* image, QString* error) {
    if (limits.allowFileUrls && url.startsWith(QLatin1String("file:"), Qt::CaseInsensitive))
        return readFileUrl(url, image, error);
    if (url.startsWith(QLatin1String("http://"), Qt::CaseInsensitive) ||
        url.startsWith(QLatin1String("https://"), Qt::CaseInsensitive)) {
        *error = QStringLiteral(
            "remote image URLs are not fetched; send the image as a "
            "data:image/...;base64 URL");
        return false;
    }
    if (!url.startsWith(QLatin1String("data:"), Qt::CaseInsensitive)) {
        *error = limits.allowFileUrls
                     ? QStringLiteral(
                           "image_url.url must be a data:image/...;base64 URL or a "
                           "file:///absolute/path")
                     : QStringLiteral("image_url.url must be a data:image/...;base64 URL");
        return false;
    }
    const qsizetype comma = url.indexOf(QLatin1Char(','));
    if (comma < 0) {
        *error = QStringLiteral("malformed data URL (no comma)");
        return false;
    }
    const QString meta = url.mid(5, comma - 5).toLower();
    if (!meta.endsWith(QLatin1String(";base64")) || !meta.startsWith(QLatin1String("image/"))) {
        *error = QStringLiteral("the data URL must be data:image/<type>;base64,...");
        return false;
    }
    const QString type = meta.mid(6, meta.size() - 6 - 7);
    static const QList<QPair<QString, QString>> kTypes = {
        {"png", "png"}, {"jpeg", "jpg"}, {"jpg", "jpg"}, {"webp", "webp"},
        {"bmp", "bmp"}, {"tiff", "tif"}, {"gif", "gif"}};
    image->suffix.clear();
    for (const auto& t : kTypes)
        if (type == t.first)
            image->suffix = t.second;
    if (image->suffix.isEmpty()) {
        *error = QStringLiteral("unsupported image type image/%1").arg(type.left(40));
        return false;
    }
    const QByteArray b64 = url.mid(comma + 1).toLatin1();
    if (b64.size() / 4 * 3 > limits.maxImageBytes) {
        *error = QStringLiteral("an image is larger than %1 MB")
                     .arg(limits.maxImageBytes / (1024 * 1024));
        return false;
    }
    auto decoded = QByteArray::fromBase64Encoding(b64, QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty()) {
        *error = QStringLiteral("the image's base64 data is malformed or empty");
        return false;
    }
    image->bytes = std::move(decoded.decoded);
    return true;
}

bool readNumber(const QJsonObject& o, const char* name, double lo, double hi, double* out,
                QString* error) {
    const QJsonValue v = o.value(QLatin1String(name));
    if (v.isUndefined() || v.isNull())
        return true;
    if (!v.isDouble() || !std::isfinite(v.toDouble()) || v.toDouble() < lo || v.toDouble() > hi) {
        *error = QStringLiteral("%1 must be a number from %2 to %3")
                     .arg(QLatin1String(name))
                     .arg(lo)
                     .arg(hi);
        return false;
    }
    *out = v.toDouble();
    return true;
}

bool readContent(const QJsonValue& content, bool allowImages, const ChatLimits& limits,
                 QStringList* texts, QList<ChatImage>* images, QString* error) {
    if (content.isString()) {
        texts->append(content.toString());
        return true;
    }
    if (!content.isArray()) {
        *error = QStringLiteral("message content must be a string or a list of parts");
        return false;
    }
    for (const QJsonValue& pv : content.toArray()) {
        const QJsonObject part = pv.toObject();
        const QString type = part.value(QLatin1String("type")).toString();
        if (type == QLatin1String("text")) {
            if (!part.value(QLatin1String("text")).isString()) {
                *error = QStringLiteral("a text part needs a \"text\" string");
                return false;
            }
            texts->append(part.value(QLatin1String("text")).toString());
        } else if (type == QLatin1String("image_url")) {
            if (!allowImages) {
                *error = QStringLiteral("images are accepted in user messages only");
                return false;
            }
            if (images->size() >= limits.maxImages) {
                *error = QStringLiteral("at most %1 images per request").arg(limits.maxImages);
                return false;
            }
            const QJsonValue iu = part.value(QLatin1String("image_url"));
            const QString url = iu.isString()
                                    ? iu.toString()
                                    : iu.toObject().value(QLatin1String("url")).toString();
            ChatImage img;
            if (!readImageUrl(url, limits, &img, error))
                return false;
            images->append(std::move(img));
        } else {
            *error = QStringLiteral("unsupported content part type '%1'").arg(type.left(40));
            return false;
        }
    }
    return true;
}

}  // namespace

namespace {

// The walk of checkSchemaLimits: counts as it goes and stops at the first limit passed.
struct SchemaMeter {
    const ChatLimits& limits;
    QString* error;
    qint64 bytes = 0;
    qint64 values = 0;

    bool fail(const QString& why) {
        *error = QStringLiteral("response_format: the json_schema is too large: %1").arg(why);
        return false;
    }
    bool addBytes(qsizetype n) {
        bytes += n;
        if (bytes > limits.maxSchemaBytes)
            return fail(QStringLiteral("more than %1 bytes of names and strings")
                            .arg(limits.maxSchemaBytes));
        return true;
    }
    // `property`: the top-level property this value is in ("" above them).
    bool walk(const QJsonValue& v, int depth, const QString& property) {
        if (depth > limits.maxSchemaDepth)
            return fail(QStringLiteral("nested more than %1 levels").arg(limits.maxSchemaDepth));
        if (v.isString())
            return addBytes(v.toString().size());  // UTF-16 units: at most the UTF-8 bytes
        if (v.isArray()) {
            const QJsonArray a = v.toArray();
            // No array in a schema this server takes is longer than an enum may be.
            if (a.size() > limits.maxSchemaEnumValues)
                return fail(QStringLiteral("a list of %1 items%2 (at most %3)")
                                .arg(a.size())
                                .arg(property.isEmpty()
                                         ? QString()
                                         : QStringLiteral(" in property '%1'").arg(property))
                                .arg(limits.maxSchemaEnumValues));
            for (const QJsonValue& item : a)
                if (!walk(item, depth + 1, property))
                    return false;
            return true;
        }
        if (v.isObject()) {
            const QJsonObject o = v.toObject();
            if (o.size() > qMax(limits.maxSchemaProperties, 64))
                return fail(QStringLiteral("an object with %1 keys (at most %2)")
                                .arg(o.size())
                                .arg(qMax(limits.maxSchemaProperties, 64)));
            for (auto it = o.begin(); it != o.end(); ++it) {
                if (!addBytes(it.key().size()))
                    return false;
                // (the list itself first: one that is too long is named with its property)
                if (!walk(it.value(), depth + 1, property))
                    return false;
                if (it.key() == QLatin1String("enum") && it.value().isArray()) {
                    values += it.value().toArray().size();
                    if (values > limits.maxSchemaTotalValues)
                        return fail(QStringLiteral("more than %1 enum values in all")
                                        .arg(limits.maxSchemaTotalValues));
                }
            }
            return true;
        }
        return addBytes(8);  // a number, true, false, null
    }
};

}  // namespace

bool checkSchemaLimits(const QJsonObject& schema, const ChatLimits& limits, QString* error) {
    SchemaMeter m{limits, error};
    const QJsonValue props = schema.value(QLatin1String("properties"));
    if (props.isObject() && props.toObject().size() > limits.maxSchemaProperties)
        return m.fail(QStringLiteral("%1 properties (at most %2)")
                          .arg(props.toObject().size())
                          .arg(limits.maxSchemaProperties));
    const QJsonValue required = schema.value(QLatin1String("required"));
    if (required.isArray() && required.toArray().size() > limits.maxSchemaProperties)
        return m.fail(QStringLiteral("%1 required names (at most %2)")
                          .arg(required.toArray().size())
                          .arg(limits.maxSchemaProperties));
    // The properties one by one, so that an error can name the property.
    for (auto it = schema.begin(); it != schema.end(); ++it) {
        if (!m.addBytes(it.key().size()))
            return false;
        if (it.key() == QLatin1String("properties") && it.value().isObject()) {
            const QJsonObject p = it.value().toObject();
            for (auto prop = p.begin(); prop != p.end(); ++prop) {
                const QString name = prop.key().left(60);
                if (!m.addBytes(prop.key().size()) || !m.walk(prop.value(), 2, name))
                    return false;
            }
        } else if (!m.walk(it.value(), 1, QString())) {
            return false;
        }
    }
    return true;
}

bool parseChatRequest(const QByteArray& body, const catalog::InferenceParams& defaults,
                      const ChatLimits& limits, ChatJob* job, QString* error) {
    QJsonParseError pe;
    const QJsonDocument doc = QJsonDocument::fromJson(body, &pe);
    if (pe.error == QJsonParseError::DeepNesting || pe.error == QJsonParseError::DocumentTooLarge) {
        // Valid JSON, perhaps, but more than Qt's reader takes: said as such.
        *error = pe.error == QJsonParseError::DeepNesting
                     ? QStringLiteral(
                           "the body's JSON is nested too deeply for the server's JSON "
                           "reader (at most 1024 levels of arrays and objects)")
                     : QStringLiteral("the body's JSON is too large for the server's JSON reader");
        return false;
    }
    if (pe.error != QJsonParseError::NoError) {
        *error = QStringLiteral("the body is not valid JSON (%1 at byte %2)")
                     .arg(pe.errorString())
                     .arg(pe.offset);
        return false;
    }
    if (!doc.isObject()) {
        *error = QStringLiteral(
            "the body is JSON but not an object: a chat completion request is "
            "a JSON object with \"messages\"");
        return false;
    }
    return parseChatRequest(doc.object(), defaults, limits, job, error);
}

bool parseChatRequest(const QJsonObject& o, const catalog::InferenceParams& defaults,
                      const ChatLimits& limits, ChatJob* job, QString* error) {
    const QJsonValue msgs = o.value(QLatin1String("messages"));
    if (!msgs.isArray() || msgs.toArray().isEmpty()) {
        *error = QStringLiteral("messages must be a non-empty list");
        return false;
    }
    *job = ChatJob{};
    // Every user and assistant message is a turn of its own (the chat template renders each);
    // the last one must be the user's question, the ones before it become the history.
    QStringList system;
    QList<ChatJobTurn> turns;
    qsizetype imageCount = 0;
    for (const QJsonValue& mv : msgs.toArray()) {
        const QJsonObject m = mv.toObject();
        const QString role = m.value(QLatin1String("role")).toString();
        const QJsonValue content = m.value(QLatin1String("content"));
        if (role == QLatin1String("system") || role == QLatin1String("developer")) {
            QList<ChatImage> none;
            if (!readContent(content, false, limits, &system, &none, error))
                return false;
        } else if (role == QLatin1String("user") || role == QLatin1String("assistant")) {
            const bool user = role == QLatin1String("user");
            ChatJobTurn t;
            t.role = role;
            QStringList texts;
            // (an assistant message may have no content, e.g. beside tool calls)
            if (!content.isNull() && !readContent(content, user, limits, &texts, &t.images, error))
                return false;
            imageCount += t.images.size();
            if (imageCount > limits.maxImages) {
                *error = QStringLiteral("at most %1 images per request").arg(limits.maxImages);
                return false;
            }
            t.text = texts.join(QLatin1Char('\n'));
            turns.append(std::move(t));
        } else {
            *error = QStringLiteral("unsupported message role '%1'").arg(role.left(40));
            return false;
        }
    }
    if (turns.isEmpty() || turns.last().role != QLatin1String("user")) {
        *error = turns.isEmpty() ? QStringLiteral("no user message")
                                 : QStringLiteral("the last message must be the user's");
        return false;
    }
    if (turns.last().text.isEmpty() && turns.last().images.isEmpty()) {
        *error = QStringLiteral("no user message");
        return false;
    }
    ChatJobTurn last = turns.takeLast();
    job->system = system.join(QLatin1Char('\n'));
    job->prompt = last.text;
    job->images = std::move(last.images);
    job->history = std::move(turns);

    job->params = defaults;
    double maxTokens = defaults.maxNewTokens;
    if (!readNumber(o, "max_tokens", 1, limits.maxTokens, &maxTokens, error) ||
        !readNumber(o, "max_completion_tokens", 1, limits.maxTokens, &maxTokens, error))
        return false;
    if (maxTokens != std::floor(maxTokens)) {
        *error = QStringLiteral("max_tokens must be a whole number");
        return false;
    }
    job->params.maxNewTokens = static_cast<int>(maxTokens);
    if (!readNumber(o, "temperature", 0, 2, &job->params.temperature, error) ||
        !readNumber(o, "top_p", 0, 1, &job->params.topP, error) ||
        !readNumber(o, "presence_penalty", -2, 2, &job->params.presencePenalty, error) ||
        !readNumber(o, "repetition_penalty", 0.01, 100, &job->params.repetitionPenalty, error))
        return false;
    double topK = job->params.topK, seed = 0;
    if (!readNumber(o, "top_k", -1, 1e6, &topK, error) ||
        !readNumber(o, "seed", -9.2e18, 9.2e18, &seed, error))
        return false;
    job->params.topK = topK < 0 ? 0 : static_cast<int>(topK);
    if (o.contains(QLatin1String("seed")) && !o.value(QLatin1String("seed")).isNull())
        job->params.seed = static_cast<quint64>(static_cast<qint64>(seed));
    const QJsonValue n = o.value(QLatin1String("n"));
    if (!n.isUndefined() && !n.isNull() && n.toDouble(-1) != 1) {
        *error = QStringLiteral("only n = 1 is supported");
        return false;
    }
    // Structured output: a json_schema is honoured by the engine's constraint; json_object and
    // text are accepted and leave the answer free; anything else is refused, not ignored.
    const QJsonValue rf = o.value(QLatin1String("response_format"));
    if (rf.isObject()) {
        const QString type = rf.toObject().value(QLatin1String("type")).toString();
        if (type == QLatin1String("json_schema")) {
            const QJsonObject js = rf.toObject().value(QLatin1String("json_schema")).toObject();
            if (!checkSchemaLimits(js.value(QLatin1String("schema")).toObject(), limits, error))
                return false;
            auto schema = catalog::tagSchemaFromJsonSchema(
                js.value(QLatin1String("schema")).toObject(), error);
            if (!schema)
                return false;
            job->tagSchema = std::make_shared<const inference::TagSchema>(std::move(*schema));
        } else if (type != QLatin1String("json_object") && type != QLatin1String("text")) {
            *error = QStringLiteral(
                         "response_format type '%1' is not supported (json_schema, "
                         "json_object or text)")
                         .arg(type.left(40));
            return false;
        }
    } else if (!rf.isUndefined() && !rf.isNull()) {
        *error = QStringLiteral("response_format must be an object");
        return false;
    }
    job->stream = o.value(QLatin1String("stream")).toBool(false);
    job->includeUsage = o.value(QLatin1String("stream_options"))
                            .toObject()
                            .value(QLatin1String("include_usage"))
                            .toBool(false);
    return true;
}

backend::AskRequest toAskRequest(const ChatJob& job) {
    const auto images = [](const QList<ChatImage>& in) {
        QList<backend::RequestImage> out;
        for (const ChatImage& image : in)
            out << backend::RequestImage{image.path, image.bytes};
        return out;
    };
    backend::AskRequest req;
    req.system = job.system;
    req.prompt = job.prompt;
    req.images = images(job.images);
    for (const ChatJobTurn& t : job.history)
        req.history.append({t.role, t.text, images(t.images)});
    req.params = job.params;
    req.tagSchema = job.tagSchema;
    return req;
}

inference::Expected<inference::GenerateRequest> toGenerateRequest(const ChatJob& job) {
    return backend::toGenerateRequest(toAskRequest(job));
}

QJsonObject chatUsage(int promptTokens, int completionTokens) {
    return {{"prompt_tokens", promptTokens},
            {"completion_tokens", completionTokens},
            {"total_tokens", promptTokens + completionTokens}};
}

QJsonObject chatCompletion(const QString& id, qint64 created, const QString& model,
                           const QString& text, const QString& finishReason, int promptTokens,
                           int completionTokens) {
    const QJsonObject message{{"role", "assistant"}, {"content", text}};
    const QJsonObject choice{{"index", 0},
                             {"message", message},
                             {"finish_reason", finishReason},
                             {"logprobs", QJsonValue::Null}};
    return {{"id", id},
            {"object", "chat.completion"},
            {"created", created},
            {"model", model},
            {"choices", QJsonArray{choice}},
            {"usage", chatUsage(promptTokens, completionTokens)}};
}

}  // namespace vistag::server

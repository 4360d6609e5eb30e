// RemoteBackend's tagging (AskRequest::tagSchema: the taxonomy's JSON through the server's
// structured output, checked and repaired here) and its probe of how a server treats a schema.
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>

#include "backend/remote_backend.h"
#include "backend/remote_backend_internal.h"
#include "backend/remote_http.h"
#include "backend/remote_tags.h"

namespace vistag::backend {

using namespace remote_http;

namespace {

// Appends `text` to the text of the last user message (a paragraph of its own).
void appendToLastUserText(QJsonArray& messages, const QString& text) {
    for (qsizetype i = messages.size() - 1; i >= 0; --i) {
        QJsonObject m = messages.at(i).toObject();
        if (m.value(QLatin1String("role")).toString() != QLatin1String("user"))
            continue;
        QJsonArray content = m.value(QLatin1String("content")).toArray();
        for (qsizetype k = content.size() - 1; k >= 0; --k) {
            QJsonObject part = content.at(k).toObject();
            if (part.value(QLatin1String("type")).toString() != QLatin1String("text"))
                continue;
            const QString old = part.value(QLatin1String("text")).toString();
            part.insert(QStringLiteral("text"),
                        old.isEmpty() ? text : old + QStringLiteral("\n\n") + text);
            content.replace(k, part);
            m.insert(QStringLiteral("content"), content);
            messages.replace(i, m);
            return;
        }
    }
}

int severity(TagProvenance p) {
    switch (p) {
        case TagProvenance::InvalidOutput:
            return 3;
        case TagProvenance::Repaired:
            return 2;
        case TagProvenance::ServerSchema:
            return 1;
        default:
            return 0;
    }
}

QString shortText(const QString& s, int max = 200) {
    const QString t = s.simplified();
    return t.size() > max ? t.left(max) + QStringLiteral("…") : t;
}

// The word the probe's schema allows and nothing else would make a model write.
const QString kProbeWord = QStringLiteral("zqxv-vistag-probe");

QMutex gProbeMutex;
QHash<QString, TagSchemaProbe>& probeCache() {
    static QHash<QString, TagSchemaProbe> cache;
    return cache;
}

}  // namespace

AskResult RemoteBackend::askTags(const AskRequest& request, const TextCallback& onText,
                                 const QElapsedTimer& clock, const std::atomic<bool>& cancel) {
    AskResult out;
    auto fail = [&](const QString& message, int code = kServerError) {
        out.ok = false;
        out.error = message;
        out.errorCode = code;
        out.latencyMs = clock.nsecsElapsed() / 1e6;
        return out;
    };
    const inference::TagSchema& schema = *request.tagSchema;
    QString err;
    // The taxonomy is checked (and split) before any image is read or sent.
    auto parts =
        remote_tags::planParts(schema, options_.schemaMaxEnumValues, options_.schemaMaxChars, &err);
    if (!parts)
        return fail(err, kUsageError);
    if (parts->empty())  // category first, too large for one request
        return askCategoryThenAttributes(request, onText, clock, cancel);
    int code = kServerError;
    auto object = requestObject(request, options_, &err, &code);
    if (!object)
        return fail(err, code);
    const QString model = resolveModel(&err, cancel);
    if (model.isEmpty())
        return fail(err);
    object->insert("model", model);
    if (options_.onTagSchemaProbe && !probeReported_.exchange(true)) {
        const TagSchemaProbe p = probe(model, cancel);
        options_.onTagSchemaProbe(p);
        if (cancel.load()) {
            out.ok = true;
            out.finishReason = FinishReason::Cancelled;
            out.latencyMs = clock.nsecsElapsed() / 1e6;
            return out;
        }
    }
    const StructuredOutput mode = options_.structuredOutput;
    // The schema goes in the prompt when it is not sent, or when this server was found to
    // ignore it.
    const auto probed = cachedTagSchemaProbe();
    const bool schemaInPrompt = mode != StructuredOutput::JsonSchema ||
                                (probed && probed->state == TagSchemaProbe::State::NotEnforced);
    const QString limitField = options_.tokenLimitField.isEmpty() ? QStringLiteral("max_tokens")
                                                                  : options_.tokenLimitField;
    const QJsonArray baseMessages = object->value(QLatin1String("messages")).toArray();

    std::vector<std::optional<inference::TagAttributeResult>> byAttribute(schema.attributes.size());
    std::optional<inference::TagResult> whole;  // a category-first schema in one request
    TagProvenance provenance = TagProvenance::ServerSchema;
    QStringList problems;
    FinishReason finishReason = FinishReason::Stop;
    int promptTokens = 0, completionTokens = 0;
    bool tokensKnown = true;
    for (const remote_tags::TagPart& part : *parts) {
        QJsonObject obj = *object;
        QJsonArray messages = baseMessages;
        // (json_object: the schema in the prompt also puts the word "JSON" in the messages, as
        // DashScope requires.)
        const QString instruction =
            remote_tags::partInstruction(part, schema, parts->size(), schemaInPrompt);
        if (!instruction.isEmpty())
            appendToLastUserText(messages, instruction);
        // Room for the longest valid answer, whatever the request's own limit.
        const int needed = static_cast<int>(qMin<size_t>(part.grammar->maxTokens() + 16, 8192));
        obj.insert(limitField, qMax(request.params.maxNewTokens, needed));
        auto send = [&](const QJsonArray& msgs) {
            obj.insert(QStringLiteral("messages"), msgs);
            const QByteArray body = remote_tags::withStructuredOutput(
                QJsonDocument(obj).toJson(QJsonDocument::Compact), mode, part.schemaJson);
            Completion c = complete(body, onText, clock, cancel);
            if (out.ttftMs <= 0)
                out.ttftMs = c.ttftMs;
            if (c.end == Completion::End::Ok) {
                tokensKnown = tokensKnown && c.promptTokens >= 0 && c.completionTokens >= 0;
                promptTokens += qMax(0, c.promptTokens);
                completionTokens += qMax(0, c.completionTokens);
            }
            return c;
        };
        auto stopped = [&](const Completion& c) -> std::optional<AskResult> {
            if (c.end == Completion::End::Failed) {
                out.text = c.text;
                return fail(c.error, c.errorCode);
            }
            if (c.end == Completion::End::Cancelled) {
                out.ok = true;
                out.text = c.text;
                out.finishReason = FinishReason::Cancelled;
                out.latencyMs = clock.nsecsElapsed() / 1e6;
                return out;
            }
            return std::nullopt;
        };
        const Completion first = send(messages);
        if (auto r = stopped(first))
            return *r;
        TagProvenance partProvenance = TagProvenance::ServerSchema;
        auto parsed = part.grammar->parse(remote_tags::extractJsonObject(first.text).toStdString());
        if (!parsed) {
            // One repair: the answer and what is wrong with it; the corrected JSON only.
            const QString problem = QString::fromStdString(parsed.error().message());
            QJsonArray retry = messages;
            retry.append(QJsonObject{{"role", "assistant"}, {"content", first.text}});
            retry.append(QJsonObject{
                {"role", "user"},
                {"content",
                 QStringLiteral("That answer does not fit the required JSON format (%1). Reply "
                                "with the corrected JSON object only, no other text.")
                     .arg(problem)}});
            const Completion second = send(retry);
            if (auto r = stopped(second))
                return *r;
            parsed = part.grammar->parse(remote_tags::extractJsonObject(second.text).toStdString());
            if (parsed) {
                partProvenance = TagProvenance::Repaired;
            } else {
                partProvenance = TagProvenance::InvalidOutput;
                problems << QStringLiteral(
                                "the server's answer did not fit the taxonomy, also when asked "
                                "again (%1); answer: %2")
                                .arg(QString::fromStdString(parsed.error().message()),
                                     shortText(second.text));
                if (second.finishReason == FinishReason::Length)
                    finishReason = FinishReason::Length;
                parsed = remote_tags::unknownResult(part.grammar->schema());
            }
        }
        if (part.whole)
            whole = std::move(*parsed);
        for (size_t k = 0; k < part.attributes.size(); ++k)
            byAttribute[static_cast<size_t>(part.attributes[k])] = std::move(parsed->attributes[k]);
        if (severity(partProvenance) > severity(provenance))
            provenance = partProvenance;
    }
    inference::TagResult merged;
    if (whole)
        merged = std::move(*whole);
    else
        for (auto& a : byAttribute)
            merged.attributes.push_back(std::move(*a));
    out.text = remote_tags::resultJson(merged);
    out.tags = std::move(merged);
    out.tagProvenance = provenance;
    out.tagsError = problems.join(QStringLiteral("; "));
    out.ok = true;
    out.finishReason = finishReason;
    if (tokensKnown) {
        lastPromptTokens_ = promptTokens;
        lastCompletionTokens_ = completionTokens;
    }
    out.latencyMs = clock.nsecsElapsed() / 1e6;
    return out;
}

AskResult RemoteBackend::askCategoryThenAttributes(const AskRequest& request,
                                                   const TextCallback& onText,
                                                   const QElapsedTimer& clock,
                                                   const std::atomic<bool>& cancel) {
    const inference::TagSchema& schema = *request.tagSchema;
    const inference::TagSchemaAttribute& categoryAttribute = schema.attributes.front();
    const QString key = QString::fromStdString(categoryAttribute.code);
    // Step 1: the category alone: every category in one request when that fits the server's
    // limits, else level by level down the tree (the roots, then the children of the one
    // chosen, which stays a choice of its own: "this one, none of its children").
    auto fits = [&](const inference::TagSchemaAttribute& a) {
        QString ignored;
        auto parts = remote_tags::planParts(inference::TagSchema{{a}}, options_.schemaMaxEnumValues,
                                            options_.schemaMaxChars, &ignored);
        return parts && parts->size() == 1;
    };
    std::vector<size_t> candidates;
    for (size_t c = 0; c < categoryAttribute.values.size(); ++c)
        candidates.push_back(c);
    const bool byLevel = !fits(categoryAttribute) && !schema.categoryParents.empty();
    if (byLevel) {
        candidates.clear();
        for (size_t c = 0; c < schema.categoryParents.size(); ++c)
            if (schema.categoryParents[c] < 0)
                candidates.push_back(c);
    }
    AskRequest step = request;
    AskResult first;
    std::optional<size_t> index;
    for (int level = 0; !candidates.empty(); ++level) {
        inference::TagSchemaAttribute choice = categoryAttribute;
        choice.values.clear();
        for (size_t c : candidates)
            choice.values.push_back(categoryAttribute.values[c]);
        step.tagSchema =
            std::make_shared<const inference::TagSchema>(inference::TagSchema{{std::move(choice)}});
        step.prompt =
            request.prompt +
            (level == 0 ? QStringLiteral("\n\nFor now answer only the key \"%1\": the "
                                         "category.")
                              .arg(key)
                        : QStringLiteral("\n\nFor now answer only the key \"%1\": the "
                                         "category is \"%2\" or, more precisely, one "
                                         "of its subcategories.")
                              .arg(key, QString::fromStdString(
                                            categoryAttribute.values[*index].surfaces.back())));
        AskResult r = askTags(step, onText, clock, cancel);
        const bool answered = r.ok && r.finishReason != FinishReason::Cancelled && r.tags &&
                              !r.tags->attributes.empty() &&
                              !r.tags->attributes.front().values.empty();
        if (!answered) {
            if (!index || !r.ok || r.finishReason == FinishReason::Cancelled)
                return r;
            break;  // no valid answer one level down: the level above stands
        }
        size_t chosen = 0;
        while (chosen < categoryAttribute.values.size() &&
               categoryAttribute.values[chosen].code != r.tags->attributes.front().values[0].code)
            ++chosen;
        first = r;
        const bool same = index && *index == chosen;
        index = chosen;
        if (!byLevel || same)
            break;
        candidates = {chosen};
        for (size_t c = 0; c < schema.categoryParents.size(); ++c)
            if (schema.categoryParents[c] == static_cast<int32_t>(chosen))
                candidates.push_back(c);
        if (candidates.size() == 1)
            break;  // a leaf
    }
    if (!index || *index == categoryAttribute.values.size())
        return first;
    const inference::TagAttributeResult category = first.tags->attributes.front();
    // Step 2: that category's attributes (planParts splits them further if need be).
    inference::TagSchema own;
    for (uint32_t ai : schema.categoryAttributes[*index])
        own.attributes.push_back(schema.attributes[ai]);
    AskResult result = first;
    if (!own.attributes.empty()) {
        step.tagSchema = std::make_shared<const inference::TagSchema>(std::move(own));
        step.prompt =
            request.prompt + QStringLiteral(
                                 "\n\nThe category is \"%1\". Now answer only the "
                                 "attributes of that category.")
                                 .arg(QString::fromStdString(category.values.front().surface));
        AskResult second = askTags(step, onText, clock, cancel);
        if (!second.ok || second.finishReason == FinishReason::Cancelled || !second.tags)
            return second;
        result = second;
        result.tags->attributes.insert(result.tags->attributes.begin(), category);
        result.promptTokens += first.promptTokens;
        result.ttftMs = first.ttftMs;
        if (severity(first.tagProvenance) > severity(second.tagProvenance))
            result.tagProvenance = first.tagProvenance;
        QStringList problems;
        for (const QString& p : {first.tagsError, second.tagsError})
            if (!p.isEmpty())
                problems << p;
        result.tagsError = problems.join(QStringLiteral("; "));
    }
    result.text = remote_tags::resultJson(*result.tags);
    result.latencyMs = clock.nsecsElapsed() / 1e6;
    return result;
}

QString TagSchemaProbe::summary() const {
    switch (state) {
        case State::Enforced:
            return QStringLiteral("tag schema: enforced");
        case State::NotEnforced:
            return QStringLiteral("tag schema: not enforced (answers are checked)");
        case State::NotSent:
            return QStringLiteral("tag schema: not sent (answers are checked)");
        case State::Refused:
            return QStringLiteral("tag schema: refused by the server (%1)").arg(detail);
        case State::Unchecked:
            break;
    }
    return QStringLiteral("tag schema: not checked (%1)").arg(detail);
}

QString RemoteBackend::probeKey(const QString& model) const {
    return endpoint(options_.baseUrl, "").toString() + QLatin1Char('\n') + model +
           QLatin1Char('\n') + structuredOutputName(options_.structuredOutput);
}

std::optional<TagSchemaProbe> RemoteBackend::cachedTagSchemaProbe() const {
    const QString model = modelId();
    if (model.isEmpty())
        return std::nullopt;
    QMutexLocker lock(&gProbeMutex);
    const auto it = probeCache().constFind(probeKey(model));
    if (it == probeCache().constEnd())
        return std::nullopt;
    return *it;
}

void RemoteBackend::clearTagSchemaProbes() {
    QMutexLocker lock(&gProbeMutex);
    probeCache().clear();
}

TagSchemaProbe RemoteBackend::probeTagSchema() {
    const std::atomic<bool> never{false};  // once, right after connecting: nothing cancels it
    TagSchemaProbe p;
    const QUrl url = endpoint(options_.baseUrl, "/chat/completions");
    if (QString e = checkBaseUrl(url); !e.isEmpty()) {
        p.detail = e;
        return p;
    }
    QString err;
    const QString model = resolveModel(&err, never);
    if (model.isEmpty()) {
        p.detail = err;
        return p;
    }
    return probe(model, never);
}

TagSchemaProbe RemoteBackend::probe(const QString& model, const std::atomic<bool>& cancel) {
    TagSchemaProbe p;
    if (auto cached = cachedTagSchemaProbe())
        return *cached;
    auto remember = [&](const TagSchemaProbe& r) {
        QMutexLocker lock(&gProbeMutex);
        probeCache().insert(probeKey(model), r);
        return r;
    };
    if (options_.structuredOutput != StructuredOutput::JsonSchema) {
        p.state = TagSchemaProbe::State::NotSent;
        p.detail = QStringLiteral(
                       "structured output is %1: the server gets the schema in the "
                       "prompt only")
                       .arg(structuredOutputName(options_.structuredOutput));
        return remember(p);
    }
    // A question whose honest answer is anything but the one string the schema allows.
    QJsonObject body{
        {"model", model},
        {"messages",
         QJsonArray{QJsonObject{
             {"role", "user"},
             {"content", QStringLiteral("What colour is the sky on a clear day? Answer in one "
                                        "word.")}}}},
        {"stream", true},
        {"temperature", 0},
        {"seed", 0}};
    body.insert(options_.tokenLimitField.isEmpty() ? QStringLiteral("max_tokens")
                                                   : options_.tokenLimitField,
                32);
    const QByteArray schema =
        QStringLiteral(
            R"({"type":"object","properties":{"answer":{"type":"string","enum":["%1"]}},)"
            R"("required":["answer"],"additionalProperties":false})")
            .arg(kProbeWord)
            .toUtf8();
    QElapsedTimer clock;
    clock.start();
    const Completion c = complete(
        remote_tags::withStructuredOutput(QJsonDocument(body).toJson(QJsonDocument::Compact),
                                          StructuredOutput::JsonSchema, schema, "vistag_probe"),
        {}, clock, cancel);
    if (c.end == Completion::End::Cancelled) {
        p.detail = QStringLiteral("cancelled");
        return p;
    }
    if (c.end == Completion::End::Failed) {
        p.detail = c.error;
        // A request the server turns down for what it holds will be turned down every time.
        if (c.httpStatus == 400 || c.httpStatus == 422) {
            p.state = TagSchemaProbe::State::Refused;
            return remember(p);
        }
        return p;
    }
    const QJsonDocument doc = QJsonDocument::fromJson(c.text.trimmed().toUtf8());
    const QJsonObject o = doc.object();
    if (doc.isObject() && o.size() == 1 &&
        o.value(QLatin1String("answer")).toString() == kProbeWord) {
        p.state = TagSchemaProbe::State::Enforced;
        p.detail = QStringLiteral("the server answered the only value the schema allowed");
    } else {
        p.state = TagSchemaProbe::State::NotEnforced;
        p.detail = QStringLiteral(
                       "asked for a schema that allows only \"%1\", the server "
                       "answered \"%2\"")
                       .arg(kProbeWord, shortText(c.text, 80));
    }
    return remember(p);
}

QString structuredOutputName(StructuredOutput mode) {
    switch (mode) {
        case StructuredOutput::JsonObject:
            return QStringLiteral("json_object");
        case StructuredOutput::None:
            return QStringLiteral("none");
        case StructuredOutput::JsonSchema:
            break;
    }
    return QStringLiteral("json_schema");
}

std::optional<StructuredOutput> structuredOutputFromName(const QString& name) {
    for (StructuredOutput m :
         {StructuredOutput::JsonSchema, StructuredOutput::JsonObject, StructuredOutput::None})
        if (structuredOutputName(m) == name)
            return m;
    return std::nullopt;
}

}  // namespace vistag::backend

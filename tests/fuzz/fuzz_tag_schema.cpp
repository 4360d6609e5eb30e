// libFuzzer target: a response_format json_schema as the server reads it — the body's JSON, the
// limit walk (checkSchemaLimits, with small limits) and tagSchemaFromJsonSchema on whatever
// passes. Must never crash or hang; an accepted schema keeps the shape the engine's constraint
// needs, and a refusal says why. Replayed on its corpus in ctest (fuzz_replay_tag_schema).
#include <QJsonDocument>
#include <QJsonObject>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "server/chat_request.h"
#include "tags/tag_schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace vistag;
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
    if (!doc.isObject())
        return 0;
    // The schema itself, or a whole request's response_format.json_schema.schema.
    QJsonObject schema = doc.object();
    const QJsonObject nested = schema.value(QLatin1String("response_format"))
                                   .toObject()
                                   .value(QLatin1String("json_schema"))
                                   .toObject()
                                   .value(QLatin1String("schema"))
                                   .toObject();
    if (!nested.isEmpty())
        schema = nested;
    server::ChatLimits limits;
    limits.maxSchemaProperties = 16;
    limits.maxSchemaEnumValues = 64;
    limits.maxSchemaTotalValues = 256;
    limits.maxSchemaBytes = 16 * 1024;
    limits.maxSchemaDepth = 8;
    QString error;
    if (!server::checkSchemaLimits(schema, limits, &error)) {
        if (error.isEmpty())
            __builtin_trap();
        return 0;
    }
    error.clear();
    const auto parsed = catalog::tagSchemaFromJsonSchema(schema, &error);
    if (!parsed) {
        if (error.isEmpty())
            __builtin_trap();
        return 0;
    }
    std::set<std::string> codes;
    for (const auto& a : parsed->attributes) {
        if (!codes.insert(a.code).second && !a.code.empty())
            __builtin_trap();  // a JSON object's keys are unique
        switch (a.kind) {
            case inference::AttributeKind::Free:
                if (!a.values.empty() || a.maxFreeBytes < 1 || a.maxFreeBytes > 4096)
                    __builtin_trap();
                break;
            case inference::AttributeKind::Multi:
                if (a.maxItems < 1 || a.maxItems > 64)
                    __builtin_trap();
                [[fallthrough]];
            default:
                if (a.values.empty())
                    __builtin_trap();
                for (const auto& v : a.values)
                    if (v.surfaces.empty())
                        __builtin_trap();
        }
    }
    (void)catalog::tagSchemaKey(*parsed);
    return 0;
}

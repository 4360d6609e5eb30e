// Tagging through a server (AskRequest::tagSchema): the pieces RemoteBackend puts together —
// splitting a taxonomy over requests within a server's schema limits, the request's schema and
// instructions per structured-output mode, finding the JSON object in an answer, merging the
// parts. Internal to backend/; free of HTTP so that it can be tested directly.
#pragma once

#include <QByteArray>
#include <QString>
#include <memory>
#include <optional>
#include <vector>

#include "backend/remote_backend.h"
#include "vistag/inference/tag_constraint.h"

namespace vistag::backend::remote_tags {

// The name of the schema in response_format.json_schema.
inline constexpr char kSchemaName[] = "vistag_tags";

// One request's share of a taxonomy.
struct TagPart {
    // Indices into the whole schema, in taxonomy order. A category-first schema that fits one
    // request is one part holding the whole schema: `whole` is set and the answer's attributes
    // (the category and its own) are taken as they come.
    std::vector<int> attributes;
    bool whole = false;
    std::shared_ptr<const inference::TagGrammar> grammar;  // of these attributes, no vocabulary
    QByteArray schemaJson;                                 // grammar->jsonSchema()
    int enumValues = 0;                                    // enum values in schemaJson
};

// Counts the values of every "enum" in a JSON schema.
int countEnumValues(const QByteArray& schemaJson);

// Splits `schema` into parts, attributes kept in order and together as long as a part stays
// within maxEnumValues and maxChars (0 = no limit). nullopt and *error (plain words, naming the
// attribute or value) when the taxonomy is not valid or one attribute alone is over a limit.
// A category-first schema (TagSchema::categoryAttributes) is one `whole` part when its schema
// (anyOf per category) fits, else an empty list: ask the category, then its attributes.
std::optional<std::vector<TagPart>> planParts(const inference::TagSchema& schema, int maxEnumValues,
                                              int maxChars, QString* error);

// The text added to the request's prompt for one part: which keys this request answers (when
// the taxonomy is split) and, when `schemaInPrompt`, the JSON schema itself (modes that do not
// send it, and servers found not to enforce it).
QString partInstruction(const TagPart& part, const inference::TagSchema& whole, size_t nParts,
                        bool schemaInPrompt);

// A compact request body plus what the mode asks for: response_format json_schema (strict,
// the schema inserted as written, keys in order) / json_object and enable_thinking false /
// nothing. `compactBody` is a compact JSON object.
QByteArray withStructuredOutput(const QByteArray& compactBody, StructuredOutput mode,
                                const QByteArray& schemaJson,
                                const QByteArray& schemaName = kSchemaName);

// The outermost JSON object in an answer: tolerates a <think> block, code fences and words
// around it. The text itself when it holds no balanced object.
QString extractJsonObject(const QString& text);

// Every attribute of `schema` "unknown" (confidence and allowed mass unmeasured); for a
// category-first schema the category alone.
inference::TagResult unknownResult(const inference::TagSchema& schema);

// The result as compact JSON in taxonomy order (surfaces as written, "unknown").
QString resultJson(const inference::TagResult& result);

}  // namespace vistag::backend::remote_tags

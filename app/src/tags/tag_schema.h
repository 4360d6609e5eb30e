// From the merchant's taxonomy to the schema of a constrained tagging answer
// (vistag/inference/tag_constraint.h), the prompt that goes with it, and from the answer's
// values back to tag suggestions.
//
// Surface forms: for the local engine every name of a value is allowed — its code, both labels
// and every synonym — so the model can write the value the way it would anyway (a mask that only
// admits codes pushes a model off what it would say; see ../shared/docs/structured-tags.md) and
// every form maps back to the value's code; the confidence of a value sums its forms. Servers get
// a JSON schema whose enums count against provider limits, so `Surfaces::CodesAndLabels` keeps
// them small (code and the label in the prompt's language).
#pragma once

#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>

#include "tags/taxonomy.h"
#include "tags/types.h"
#include "vistag/inference/tag_constraint.h"

namespace vistag::catalog {

struct TagSchemaOptions {
    enum class Surfaces { All, CodesAndLabels };
    Surfaces surfaces = Surfaces::All;
    QString language = QStringLiteral("zh");  // the label kept by CodesAndLabels: "zh" or "en"
    int maxItems = 3;                         // values of a multi-valued attribute at most
    int maxFreeBytes = 48;                    // attributes without a value list: a short free text
    // Whether the model may answer "unknown". The local engine names a value for every
    // attribute and its confidence tells how sure it is — zero-shot models abstain poorly, so
    // doubt is better read from the confidence (the review queue shows the least certain first)
    // than from the model's own "unknown". Servers keep it: their answers carry no confidence.
    bool allowUnknown = true;
};

// Attributes in taxonomy order; an attribute without values becomes a free-text slot. A name that
// is the reserved word "unknown" is left out (the slot's own "unknown" says it). With a category
// tree the answer names the category first (Taxonomy::kCategoryAttribute) and then only that
// category's attributes (TagSchema::categoryAttributes; the category cannot be "unknown").
inference::TagSchema tagSchemaFor(const Taxonomy& taxonomy, const TagSchemaOptions& options = {});
// For an image whose category is already known (set by a person, or by a product feed): only
// the attributes of that category, without the category itself.
inference::TagSchema tagSchemaForCategory(const Taxonomy& taxonomy, const QString& categoryCode,
                                          const TagSchemaOptions& options = {});

// A stable text that identifies the schema (for caches of compiled grammars and of results).
QString tagSchemaKey(const inference::TagSchema& schema);

// The instruction for a constrained answer: what to look at, the attributes in order with their
// labels, and the values of attributes with at most `listValuesUpTo` of them (larger lists are
// carried by the constraint, not the prompt). language: "zh" or "en" (anything else: "zh").
// With a category tree: the category first (its names listed when the tree is small), then the
// attributes of the chosen category.
QString buildConstrainedTaggingPrompt(const Taxonomy& taxonomy, const QString& language,
                                      bool allowUnknown, int listValuesUpTo = 12);
// The prompt of tagSchemaForCategory(): the category's path, then its attributes.
QString buildCategoryTaggingPrompt(const Taxonomy& taxonomy, const QString& categoryCode,
                                   const QString& language, bool allowUnknown,
                                   int listValuesUpTo = 12);

// The values of an answer as suggestions: one per value (codes of the taxonomy), confidence from
// the constraint (values whose confidence was not measured keep -1), rawText the surface written.
// "unknown" and empty free texts give nothing; a free text is a new value.
QList<TagSuggestion> suggestionsFromTags(const inference::TagResult& tags);

// The schema a client sent as response_format json_schema (what `vistag-cli serve` and
// `vistag-cli batch` constrain an answer to): an object whose properties are, in the order of
// "required" (else of "properties"), a string enum (one value), an array of a string enum with
// maxItems (several values; "anyOf" with the string "unknown" allows that word), or a string
// with maxLength (free text, held to as many bytes as the limit has characters, so an answer is
// always within it). Each enum string is a value of its own; "unknown" in an enum
// allows that answer rather than being a value. Anything else (numbers, nested objects, patterns)
// is refused with *error naming the property: the engine's constraint covers flat tag objects.
// Category first: {"anyOf": [one such object per category]} where every object's first key is
// the same (the category, a string enum of that category's names; the first name is its code)
// and an attribute shared by several categories is defined alike (TagGrammar::jsonSchema()).
std::optional<inference::TagSchema> tagSchemaFromJsonSchema(const QJsonObject& schema,
                                                            QString* error);

// Suggestions as the JSON kept with a run (RunRecord::tagsJson), and back.
QString suggestionsToJson(const QList<TagSuggestion>& suggestions);
QList<TagSuggestion> suggestionsFromJson(const QString& json);

}  // namespace vistag::catalog

// Value types of the merchandiser's data, shared by the catalogue database, the taxonomy, tag
// extraction, the batch queue and export. Plain structs: they cross threads by value.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace vistag::catalog {

// ---- taxonomy -------------------------------------------------------------------------------

struct TaxonomyValue {
    QString code;          // stable code, e.g. "boho"
    QString labelZh;       // 波西米亚
    QString labelEn;       // Bohemian
    QStringList synonyms;  // 波西米亚风, boho-chic, ...
    // Labels by language ("en", "zh", "fr", "zh-TW", ...): labelZh and labelEn are copies of
    // "zh" and "en". Taxonomy::label() picks one.
    QHash<QString, QString> labels{};
};

struct TaxonomyAttribute {
    QString code;     // "style"
    QString labelZh;  // 风格
    QString labelEn;  // Style
    bool multiValued = false;
    QString merchantColumn;  // Google Merchant column name when one fits ("color", "material", ...)
    QList<TaxonomyValue> values;
    QHash<QString, QString> labels{};  // by language, as TaxonomyValue::labels
    // Version-2 files: the attribute whose values this one shares (Shopify's extended
    // attributes, e.g. "dress-color" uses "color"'s values); "" when it has its own.
    QString valuesFrom{};
};

// A node of a version-2 taxonomy's category tree. The attributes that apply to a product of
// this category are listed in full (not inherited from the parent).
struct TaxonomyCategory {
    QString code;        // stable, e.g. Shopify's "aa-1-4"
    QString parentCode;  // "" for a root
    QString labelEn, labelZh;
    QHash<QString, QString> labels{};  // by language, as TaxonomyValue::labels
    QStringList synonyms;
    QStringList attributeCodes;  // codes of the attributes that apply, in display order
};

// ---- tags -----------------------------------------------------------------------------------

enum class TagStatus { Suggested, Accepted, Rejected };
QString tagStatusName(TagStatus s);  // "suggested", "accepted", "rejected"
std::optional<TagStatus> tagStatusFromName(const QString& name);

// One value proposed for one attribute, by the model or a person.
struct TagSuggestion {
    QString attribute;        // attribute code
    QString valueCode;        // a code of the taxonomy, or the raw text when isNewValue
    QString rawText;          // the words in the answer it came from
    bool isNewValue = false;  // not in the taxonomy: kept as a "new value" suggestion
    double confidence = -1;   // 0..1, or -1 when unknown
    int answerOffset = -1;    // where rawText starts in the answer (UTF-16 index), -1 if unknown
    // Constrained answers: the share of probability the model gave to the taxonomy's values
    // where it chose this one (low: it wanted to say something outside the taxonomy); -1 unknown.
    double allowedMass = -1;
};

// A stored suggestion and what happened to it.
struct TagRecord {
    qint64 id = 0;
    qint64 imageId = 0;  // the image (its SKU group shares the record; see CatalogDb)
    QString skuGroup;
    QString attribute;
    QString valueCode;
    bool isNewValue = false;
    QString source;  // "model:<model id>" or "person:<user>"
    double confidence = -1;
    // Constrained answers: the model's probability for the taxonomy's values where it chose this
    // one; low means it wanted to say something outside the taxonomy. -1 unknown.
    double allowedMass = -1;
    TagStatus status = TagStatus::Suggested;
    QString decidedBy;  // who accepted / rejected / fixed it
    QDateTime decidedAt;
    qint64 runId = 0;  // the inference run it came from (0 for a person)
    QDateTime createdAt;
    // Counts the tag's changes: an edit that names the version it was shown is refused when
    // someone changed the tag since (CatalogDb::acceptTag and the others).
    int version = 0;
};

// ---- images and inference runs ------------------------------------------------------------

struct ImageRecord {
    qint64 id = 0;
    QString path;         // absolute path
    QString contentHash;  // sha256 of the file bytes, hex
    int width = 0;
    int height = 0;
    QString skuGroup;  // several views of one product share one tag set; "" = none
    QDateTime addedAt;
};

struct InferenceParams {
    int maxNewTokens = 256;
    double temperature = 0;
    double topP = 1;
    int topK = 0;
    double repetitionPenalty = 1;  // transformers' definition (1 = off)
    double presencePenalty = 0;    // OpenAI's: subtracted from tokens already generated (0 = off)
    qint64 maxPixels = 0;
    quint64 seed = 0;
    // The tag schema (tagSchemaKey) a constrained answer was decoded under; "" = a free answer.
    QString tagSchema;
    QString toJson() const;  // canonical (sorted keys) for the result cache key
    // The inverse of toJson() (absent keys keep their defaults).
    static InferenceParams fromJson(const QString& json);
    bool operator==(const InferenceParams&) const = default;
};

struct RunRecord {
    qint64 id = 0;
    qint64 imageId = 0;
    QString backend;  // "local" or "remote:<url>"
    QString modelId;  // folder name or server model name
    QString prompt;
    QString paramsJson;  // InferenceParams::toJson()
    QString answer;
    QString finishReason;  // "stop", "length"; only complete answers are cached
    double latencyMs = 0;
    QDateTime createdAt;
    // A constrained answer's values with their confidence (JSON written by the batch runner), so
    // that a cached answer restores them; "" for free answers.
    QString tagsJson;
};

// ---- export ---------------------------------------------------------------------------------

// One row of an export: an image (or a SKU group) and its tag values per attribute.
struct ExportRow {
    QString id;  // image path, or the SKU group when exporting per SKU
    QString skuGroup;
    QStringList imagePaths;             // the images this row covers (one unless per SKU)
    int width = 0, height = 0;          // of the first image
    QMap<QString, QStringList> values;  // attribute code → value codes (accepted only unless --all)
};

}  // namespace vistag::catalog

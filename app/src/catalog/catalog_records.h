// Value types that only the catalogue database speaks: the image filter, review states, audit
// entries and the batch queue's items. The shared value types live in catalog/types.h.
#pragma once

#include <QDateTime>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>
#include <optional>

#include "tags/types.h"

namespace vistag::catalog {

// Where an image stands in review, from the tags it sees (its own, or its SKU group's).
enum class ReviewState {
    New,        // no tags at all
    Suggested,  // at least one suggestion nobody has decided yet
    Reviewed,   // has tags and every one of them is accepted or rejected
};
QString reviewStateName(ReviewState s);  // "new", "suggested", "reviewed"
std::optional<ReviewState> reviewStateFromName(const QString& name);

// The order of listImages(); ties are broken by id (the order images were added).
enum class ImageSort {
    Added,         // oldest first (by id)
    AddedNewest,   // newest first
    Name,          // file name, case-insensitive for ASCII
    ReviewState,   // new, then suggested, then reviewed
    LeastCertain,  // the review queue: lowest confidence of the image's undecided model
                   // suggestions first; unknown confidence after known ones; images with no
                   // undecided model suggestion last
};

// What listImages() / countImages() return. Empty fields do not filter.
struct ImageFilter {
    QString
        nameContains;  // substring of the file name (not the folder), case-insensitive for ASCII
    std::optional<ReviewState> reviewState;
    QString attribute;       // with valueCode: images that have this tag (not rejected)
    QString valueCode;       // alone: any attribute with this value
    QString lacksAttribute;  // images with no tag (other than rejected) for this attribute
    // Images whose category tag (attribute "category", not rejected) is one of these codes: a
    // category and its subtree (Taxonomy::categoryPathCodes / childCategories give them).
    QStringList categoryCodes;
    QString skuGroup;             // exactly this SKU group
    bool taggingFailed = false;   // images whose newest batch item (not cancelled) failed
    bool acceptedByRule = false;  // images with a tag a review rule accepted (none decided since)
    // LeastCertain: per attribute, the isotonic calibration of its confidence (points raw →
    // calibrated, by raw; linear between, clipped outside) to order by instead of the raw value.
    // Attributes not listed keep their raw confidence. review::calibrationPoints() makes it.
    QHash<QString, QList<QPair<double, double>>> calibration;
    ImageSort sort = ImageSort::Added;
    int limit = -1;  // page size; -1 = all
    int offset = 0;  // rows to skip, in `sort` order
};

// One row of the append-only audit log. before/after are JSON objects (empty when none).
struct AuditEntry {
    qint64 id = 0;
    QDateTime at;
    QString who;
    QString action;  // add_image, update_image, set_sku_group, suggest, replace_suggestions,
                     // accept, reject, reopen, fix, add, remove, bulk_add, bulk_remove,
                     // replace_value, pick, undo, redo
    QString entity;  // "image", "tag", or "tags" (an edit of many: entityId 0)
    qint64 entityId = 0;
    QString beforeJson;
    QString afterJson;
};

// ---- edits of many tags (bulk edits, find and replace, undo) ------------------------------

// A tag row exactly as stored: the record and the tag set (owner key) it belongs to —
// "g:<SKU group>" or "i:<image id>".
struct TagRow {
    TagRecord tag;
    QString owner;
};

// What one edit did to the tags, row by row, so that it can be taken back exactly and done again
// (CatalogDb::undoTagEdit / redoTagEdit).
struct TagEdit {
    QList<TagRow> before;  // the rows the edit changed or deleted, as they were
    QList<TagRow> after;   // the rows the edit changed or inserted, as they became
    int tagSets = 0;       // tag sets (SKU groups or single images) that changed
    int images = 0;        // images showing one of those tag sets
    bool isEmpty() const { return before.isEmpty() && after.isEmpty(); }
};

// ---- measuring the model and reviewing less (CatalogDb, catalog_db_review.cpp) -----------------

// What a person did with a model's suggestion. Accepted: accepted unchanged (the model was
// right). Fixed: rejected while the tag set has another value of the attribute accepted (a person
// replaced the value). Rejected: rejected with no other value accepted. Fixed and rejected both
// count as wrong. Suggestions accepted by a rule are no one's review and are not listed.
enum class ReviewOutcome { Accepted, Fixed, Rejected };
QString reviewOutcomeName(ReviewOutcome o);  // "accepted", "fixed", "rejected"

struct ReviewedSuggestion {
    qint64 tagId = 0;
    QString attribute;
    double confidence = -1;  // the model's raw confidence; -1 unknown
    ReviewOutcome outcome = ReviewOutcome::Accepted;
};

// A model suggestion nobody (and no rule) has decided yet.
struct PendingSuggestion {
    qint64 tagId = 0;
    qint64 imageId = 0;
    QString attribute;
    QString valueCode;
    double confidence = -1;
};

// A saved rule: accept an attribute's suggestions whose confidence is at or above the threshold
// measured on people's decisions (review/ computes it from minPrecision and minReviewed).
struct ReviewRule {
    QString attribute;
    bool enabled = true;
    double minPrecision = 0.95;  // the 95 % Wilson lower bound the threshold must reach, (0, 1]
    int minReviewed = 30;        // reviewed suggestions at or above the threshold, at least
    bool afterBatch = false;     // run after every batch (the window)
};

// One attribute's threshold as a rule run applies it.
struct RuleThreshold {
    QString attribute;
    double threshold = -1;  // accept pending suggestions with confidence >= threshold
    double minPrecision = 0;
    int minReviewed = 0;
    double precisionLowerBound = 0;  // of the reviewed suggestions at or above the threshold
    int reviewedAbove = 0;
};

// One run of the rules (CatalogDb::autoAccept), undone as one step.
struct RuleRun {
    qint64 id = 0;
    QDateTime at;
    QString who;
    int accepted = 0;
    QList<RuleThreshold> rules;
    QDateTime undoneAt;  // invalid while not undone
    QString undoneBy;
};

// What autoAccept() did (or, as a dry run, would do).
struct AutoAcceptResult {
    qint64 runId = 0;  // 0 for a dry run or when nothing was accepted
    QHash<QString, int> acceptedPerAttribute;
    QList<qint64> tagIds;  // the accepted tags
};

// How a tag that a rule accepted was accepted (the tag editor says so).
struct RuleAcceptance {
    qint64 runId = 0;
    QDateTime at;
    QString who;  // who ran the rules
    RuleThreshold rule;
};

// One answer the merchant already has (review import): the image's value of an attribute.
struct KnownAnswer {
    qint64 imageId = 0;
    QString attribute;
    QString valueCode;
    QString where;  // "file:row", for messages
};

// What resolveWithAnswers() did (or would do) to pending suggestions.
struct ResolveResult {
    int accepted = 0;
    int fixed = 0;
    int rejected = 0;
    int answersWithoutSuggestion = 0;  // no pending model suggestion of that attribute
};

// ---- batch queue ----------------------------------------------------------------------------

struct BatchItem {
    qint64 itemId = 0;
    qint64 imageId = 0;
};

// Where one image of a batch stands. The names ("pending", "running", "done", "skipped",
// "failed", "cancelled") are what the batch_items table stores.
enum class ItemState { Pending, Running, Done, Skipped, Failed, Cancelled };
QString itemStateName(ItemState s);
std::optional<ItemState> itemStateFromName(const QString& name);

// An image's newest batch item: its state and message (why it failed, or what was done).
struct ItemOutcome {
    ItemState state = ItemState::Pending;
    QString message;
};

// Item counts of one batch per status.
struct BatchProgress {
    int pending = 0;
    int running = 0;
    int done = 0;
    int skipped = 0;
    int failed = 0;
    int cancelled = 0;
    int total() const { return pending + running + done + skipped + failed + cancelled; }
    int finished() const { return done + skipped + failed + cancelled; }
};

struct BatchInfo {
    qint64 id = 0;
    QString mode;  // "untagged", "replace", "append"
    QString prompt;
    QString modelId;
    QString paramsJson;
    bool cancelled = false;
    QDateTime createdAt;
    BatchProgress progress;
};

}  // namespace vistag::catalog

Q_DECLARE_METATYPE(vistag::catalog::ItemState)
Q_DECLARE_METATYPE(vistag::catalog::ReviewState)

// Value types that only the catalogue database speaks: the image filter, review states, audit
// entries and the batch queue's items. The shared value types live in catalog/types.h.
#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>
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
    QString attribute;           // with valueCode: images that have this tag (not rejected)
    QString valueCode;           // alone: any attribute with this value
    QString lacksAttribute;      // images with no tag (other than rejected) for this attribute
    QString skuGroup;            // exactly this SKU group
    bool taggingFailed = false;  // images whose newest batch item (not cancelled) failed
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

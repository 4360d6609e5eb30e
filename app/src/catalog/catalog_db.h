// The catalogue: images, inference runs (the result cache), tags with their review decisions,
// the append-only audit log and the persistent batch queue, in one SQLite file on a workstation
// or in one PostgreSQL database that a team shares (open() takes a path or a postgresql:// address;
// the same migrations and SQL serve both).
//
// Threads: one CatalogDb is one connection under a unique Qt connection name. Use it from the
// thread that called open() only (Qt's rule for QSqlDatabase); give each thread its own CatalogDb
// on the same catalogue. SQLite: WAL mode and a busy timeout let several connections share a
// file. PostgreSQL: edits take one advisory lock per transaction, so they run one after another
// as on SQLite; the batch queue hands items out with row locks (SKIP LOCKED) instead.
//
// Durability: every edit runs in an explicit write transaction (SQLite: BEGIN IMMEDIATE … COMMIT
// with synchronous=FULL), and writes its audit row in the same transaction. A function that
// returned true has committed: the edit survives a crash or power loss. A function that returned
// false (or nullopt) changed nothing; *error then says why in words for the merchandiser — the
// caller keeps the edit pending (e.g. the disk is full) and may try again.
//
// Errors: every function takes an optional `QString* error`. Lookups return nullopt with an
// empty *error when the thing does not exist, and nullopt with *error set when the catalogue
// could not be read.
//
// SKU groups: several views of one product share one tag set. A tag belongs to its image's SKU
// group when the image has one (and then shows on every view of the group), otherwise to the
// image alone. TagRecord::imageId keeps the view the tag was made on.
#pragma once

#include <QHash>
#include <QList>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

#include "catalog/catalog_records.h"
#include "catalog/product_records.h"
#include "tags/types.h"

class QObject;

namespace vistag::catalog {

class CatalogDb final {
public:
    enum class OpenMode {
        ReadWrite,  // creates the folder and file when missing, upgrades the schema
        ReadOnly,   // SQLite's read-only open (QSQLITE_OPEN_READONLY): every edit fails cleanly
    };

    CatalogDb();
    ~CatalogDb();
    CatalogDb(const CatalogDb&) = delete;
    CatalogDb& operator=(const CatalogDb&) = delete;

    // <AppDataLocation>/catalogue.sqlite
    static QString defaultPath();

    // Opens (creating when needed) and upgrades the catalogue: a file path, or a PostgreSQL
    // address postgresql://user@host:port/database[?sslmode=…] (the password comes from the
    // address, ~/.pgpass or PGPASSWORD; it is never stored). Refuses, changing nothing, one
    // written by a newer Vistag (a schema version above schemaVersion()) and a database that
    // holds another application's tables. A lost PostgreSQL connection is made again by itself
    // at the next call outside a transaction.
    bool open(const QString& location, QString* error = nullptr,
              OpenMode mode = OpenMode::ReadWrite);
    void close();
    bool isOpen() const;
    // The file's absolute path, or the PostgreSQL address without its password (either opens
    // the same catalogue again).
    QString path() const;
    bool isShared() const;  // a PostgreSQL catalogue
    // True when the catalogue answers; a lost PostgreSQL connection is made again first.
    bool ping();
    // True for postgresql:// and postgres:// addresses.
    static bool isDatabaseAddress(const QString& location);
    // What to show of a location: a file's native path; an address without scheme and password.
    static QString displayAddress(const QString& location);
    // The Qt SQL connection name (unique per instance), for diagnostics and tests.
    QString connectionName() const;
    // The open catalogue's schema version (SQLite: PRAGMA user_version; PostgreSQL: vistag_meta;
    // -1: a PostgreSQL database with another application's tables); the newest this code knows.
    std::optional<int> fileSchemaVersion(QString* error = nullptr) const;
    static int schemaVersion();

    // ---- images ------------------------------------------------------------------------------
    // The image root: the folder a team's images live in, as this workstation sees it (a network
    // share mapped at /mnt/shop here, /Volumes/shop there). Paths under it are stored relative
    // to it and every path handed out is resolved against it, so each workstation finds the same
    // images through its own mapping; paths outside it are stored as they are. Empty (the
    // default): paths are stored as given. New catalogues take defaultImageRoot(), the process-
    // wide setting (Settings → shared image folder, --image-root, $VISTAG_IMAGE_ROOT).
    void setImageRoot(const QString& folder);
    QString imageRoot() const;
    static void setDefaultImageRoot(const QString& folder);
    static QString defaultImageRoot();

    // Upsert by path: a known path keeps its id, SKU group and tags and gets the new hash and
    // size; a new path is inserted with record.skuGroup. Returns the image id.
    std::optional<qint64> addImage(const ImageRecord& record, QString* error = nullptr);
    // The same for many images in one transaction (all or nothing); ids in the input order.
    std::optional<QList<qint64>> addImages(const QList<ImageRecord>& records,
                                           QString* error = nullptr);
    std::optional<ImageRecord> imageById(qint64 id, QString* error = nullptr) const;
    std::optional<ImageRecord> imageByPath(const QString& path, QString* error = nullptr) const;
    // Puts the images into one SKU group ("" takes them out of their group). An image's own tags
    // join the group; a group's tags stay with the views still in it, or move with the last one.
    // Joining a group that has the same value already can list it twice (export removes
    // duplicates). All images or none: an unknown id fails the whole call.
    bool setSkuGroup(const QList<qint64>& imageIds, const QString& group, const QString& who,
                     QString* error = nullptr);
    std::optional<QList<ImageRecord>> listImages(const ImageFilter& filter,
                                                 QString* error = nullptr) const;
    std::optional<qint64> countImages(const ImageFilter& filter, QString* error = nullptr) const;
    std::optional<ReviewState> reviewState(qint64 imageId, QString* error = nullptr) const;

    // ---- inference runs and the result cache ---------------------------------------------------
    // Stores a run (any finish reason: the log keeps cancelled runs too). The cache key takes the
    // content hash of record.imageId's image at this moment. Returns the run id.
    std::optional<qint64> recordRun(const RunRecord& record, QString* error = nullptr);
    // The newest complete run (finish reason "stop" or "length") for this image content, prompt,
    // model and parameters; a cancelled or partial answer is never returned.
    std::optional<RunRecord> cachedRun(const QString& contentHash, const QString& prompt,
                                       const QString& modelId, const QString& paramsJson,
                                       QString* error = nullptr) const;
    std::optional<RunRecord> runById(qint64 id, QString* error = nullptr) const;

    // ---- tags --------------------------------------------------------------------------------
    // Stores suggestions (status suggested) from `source` ("model:<id>" or "person:<user>"). A
    // value the image (or its SKU group) already has for that attribute, in any status, is not
    // added again: its existing id is returned, so a rejected value is not suggested twice.
    // Returns one tag id per suggestion, in order. runId 0 = no run.
    std::optional<QList<qint64>> addSuggestions(qint64 imageId, qint64 runId,
                                                const QList<TagSuggestion>& suggestions,
                                                const QString& source, QString* error = nullptr);
    // Batch "replace" mode: removes the undecided model suggestions that came from this image
    // (decisions by people, and suggestions made on other views of the SKU, stay), then adds
    // the new ones as addSuggestions() does. One transaction, one audit row.
    std::optional<QList<qint64>> replaceModelSuggestions(qint64 imageId, qint64 runId,
                                                         const QList<TagSuggestion>& suggestions,
                                                         const QString& source,
                                                         QString* error = nullptr);
    // shownVersion (here and in fixTag / removeTag): the TagRecord::version the person saw. When
    // someone changed the tag since, the edit is refused with a message naming what it is now
    // (no lost update between workstations); -1 edits whatever is stored. Setting a status the
    // tag already has succeeds.
    bool acceptTag(qint64 tagId, const QString& who, QString* error = nullptr,
                   int shownVersion = -1);
    bool rejectTag(qint64 tagId, const QString& who, QString* error = nullptr,
                   int shownVersion = -1);
    // Back to "suggested", undecided (undo of an accept or reject); audited as "reopen".
    bool reopenTag(qint64 tagId, const QString& who, QString* error = nullptr,
                   int shownVersion = -1);
    // A fix keeps the history: the old tag becomes rejected by `who`, and the new value is added
    // as accepted by `who` (source "person:<who>") on the same image/SKU group and attribute;
    // when that value is already there it is accepted instead. Returns the accepted tag's id.
    // *edit (when given) receives the rows it changed, for undoTagEdit().
    std::optional<qint64> fixTag(qint64 tagId, const QString& newValueCode, bool isNewValue,
                                 const QString& who, QString* error = nullptr,
                                 TagEdit* edit = nullptr, int shownVersion = -1);
    // A person's own tag (accepted). An existing tag with the same value is accepted instead.
    std::optional<qint64> addTag(qint64 imageId, const QString& attribute, const QString& valueCode,
                                 bool isNewValue, const QString& who, QString* error = nullptr);
    // Deletes the tag; the audit row keeps what it was.
    bool removeTag(qint64 tagId, const QString& who, QString* error = nullptr,
                   TagEdit* edit = nullptr, int shownVersion = -1);
    std::optional<TagRecord> tagById(qint64 tagId, QString* error = nullptr) const;
    // The tags the image shows: its own, or its SKU group's. Ordered by attribute, then id.
    std::optional<QList<TagRecord>> tagsForImage(qint64 imageId, QString* error = nullptr) const;
    // Any tag (any status) on the image or its SKU group: batch mode "untagged" skips these.
    std::optional<bool> hasTags(qint64 imageId, QString* error = nullptr) const;

    // ---- edits of many tags: bulk edits, find and replace, pick, undo/redo
    // ----------------------- Each runs in one transaction with one audit row (entity "tags") and
    // returns what it changed row by row (an empty edit when nothing needed to change, e.g. every
    // image already had the value). dryRun: computes the same edit and changes nothing (a preview
    // with exact counts).
    //
    // Scope: the images whose tag sets are edited. An image in a SKU group stands for the group's
    // one tag set (every view of the product sees the edit, and the group counts once);
    // nullopt = every image of the catalogue.
    //
    // bulkAddTag: every tag set gets the value as a person's accepted tag; a set that has the
    // value already (suggested or rejected) has it accepted instead. Audited as "bulk_add".
    std::optional<TagEdit> bulkAddTag(const std::optional<QList<qint64>>& scope,
                                      const QString& attribute, const QString& valueCode,
                                      bool isNewValue, const QString& who, QString* error = nullptr,
                                      bool dryRun = false);
    // bulkRemoveTag: deletes the value where it is suggested or accepted (a rejected one stays as
    // the record that it is wrong). Audited as "bulk_remove".
    std::optional<TagEdit> bulkRemoveTag(const std::optional<QList<qint64>>& scope,
                                         const QString& attribute, const QString& valueCode,
                                         const QString& who, QString* error = nullptr,
                                         bool dryRun = false);
    // replaceTagValue: find and replace — every suggested or accepted `fromValue` of the attribute
    // is fixed to `toValue` as fixTag() does (the old tag rejected by `who`, the new value accepted
    // by `who`, or accepted where the set has it already). Audited as "replace_value".
    std::optional<TagEdit> replaceTagValue(const std::optional<QList<qint64>>& scope,
                                           const QString& attribute, const QString& fromValue,
                                           const QString& toValue, bool toIsNewValue,
                                           const QString& who, QString* error = nullptr,
                                           bool dryRun = false);
    // pickTagValue: the image's tag set gets the value accepted (added when missing); exclusive
    // (a single-valued attribute): every other suggested or accepted value of the attribute is
    // rejected by `who`. Audited as "pick".
    std::optional<TagEdit> pickTagValue(qint64 imageId, const QString& attribute,
                                        const QString& valueCode, bool isNewValue, bool exclusive,
                                        const QString& who, QString* error = nullptr);
    // Puts back edit.before exactly (ids, statuses, deciders, times) and removes what the edit
    // added; redoTagEdit() does the edit again the same way. Refused, changing nothing, when the
    // rows are no longer as the edit left them (someone changed them since). Audited as "undo" /
    // "redo" with the rows.
    bool undoTagEdit(const TagEdit& edit, const QString& who, QString* error = nullptr);
    bool redoTagEdit(const TagEdit& edit, const QString& who, QString* error = nullptr);

    // ---- measuring the model and reviewing less (catalog_db_review.cpp) ------------------------
    // Every model suggestion a person decided (accepted unchanged, fixed or rejected; see
    // ReviewOutcome), ordered by attribute, then tag id. Accepts made by a rule are not listed.
    std::optional<QList<ReviewedSuggestion>> reviewedSuggestions(QString* error = nullptr) const;
    // The undecided model suggestions, ordered by attribute, then tag id.
    std::optional<QList<PendingSuggestion>> pendingSuggestions(QString* error = nullptr) const;
    // The saved rules, by attribute. setReviewRule() adds or replaces the attribute's rule;
    // minPrecision outside (0, 1] or minReviewed < 1 is refused. Audited as "set_rule" /
    // "remove_rule".
    std::optional<QList<ReviewRule>> reviewRules(QString* error = nullptr) const;
    bool setReviewRule(const ReviewRule& rule, const QString& who, QString* error = nullptr);
    bool removeReviewRule(const QString& attribute, const QString& who, QString* error = nullptr);
    // Accepts every undecided model suggestion of each rule's attribute whose confidence is at or
    // above the rule's threshold, in one transaction: each tag is audited as "auto_accept" with the
    // rule (attribute, threshold, target precision, minimum reviews, run id), decided_by
    // "rule:<attribute>", and the run is recorded so that undoRuleRun() takes it back as one step.
    // dryRun: counts the same tags and changes nothing.
    std::optional<AutoAcceptResult> autoAccept(const QList<RuleThreshold>& rules,
                                               const QString& who, QString* error = nullptr,
                                               bool dryRun = false);
    // Puts the run's tags that are still as the rule left them back to undecided suggestions
    // (tags a person decided since keep that decision); audited as "undo_auto_accept". Refused
    // for a run already undone. *restored (when given) receives how many came back.
    bool undoRuleRun(qint64 runId, const QString& who, QString* error = nullptr,
                     int* restored = nullptr);
    // Newest first.
    std::optional<QList<RuleRun>> ruleRuns(QString* error = nullptr) const;
    // How a tag was accepted by a rule; nullopt with empty *error when no rule accepted it (or a
    // person decided it since).
    std::optional<RuleAcceptance> ruleAcceptance(qint64 tagId, QString* error = nullptr) const;
    // Answers the merchant already has (review import), as if a person had reviewed: a pending
    // model suggestion of the answer's image and attribute with the answer's value is accepted;
    // one with another value is fixed to the answer (rejected, and the answer accepted; when the
    // tag set has that value already it is accepted) or, when every answer value of the
    // attribute is there already, rejected. Audited under `who` as "accept" / "fix" / "reject"
    // with {"import": source}. All or nothing; dryRun only reads (a read-only catalogue will do)
    // and counts the same.
    std::optional<ResolveResult> resolveWithAnswers(const QList<KnownAnswer>& answers,
                                                    const QString& who, const QString& source,
                                                    QString* error = nullptr, bool dryRun = false);

    // ---- copying a catalogue --------------------------------------------------------------------
    // Copies everything of `source` — images, runs (the result cache), tags, the audit log,
    // batches — with their ids into this catalogue, which must be empty (just created). One
    // transaction: all or nothing. imageRoot (optional): image paths under it are stored
    // relative to it (moving a workstation's catalogue to a team's shared folder). progress(done,
    // total) is called after every few hundred rows; returning false cancels (nothing copied).
    bool copyFrom(const CatalogDb& source, const QString& imageRoot,
                  const std::function<bool(qint64 done, qint64 total)>& progress,
                  QString* error = nullptr);

    // ---- other connections' changes -------------------------------------------------------------
    // Calls onChange on this thread, within about a second, when another connection (another
    // window, workstation or vistag-cli worker) changed the catalogue: PostgreSQL notifications
    // (LISTEN vistag_catalog, renewed after a reconnect), or on SQLite the file's data_version
    // read every second. Bursts are reported once. Stops when `context` is destroyed or this
    // catalogue is closed, whichever comes first.
    bool watchChanges(QObject* context, std::function<void()> onChange, QString* error = nullptr);

    // ---- audit log ---------------------------------------------------------------------------
    // Newest first.
    std::optional<QList<AuditEntry>> auditLog(int limit, int offset = 0,
                                              QString* error = nullptr) const;

    // ---- export ------------------------------------------------------------------------------
    // One row per image (every image, tagged or not), or per SKU group (the group's images
    // merged; an image without a group is its own row). Values are accepted tags only, or
    // accepted and suggested ones (rejected values are never exported); duplicates removed.
    std::optional<QList<ExportRow>> exportRows(bool perSku, bool acceptedOnly,
                                               QString* error = nullptr) const;

    // ---- product feeds (catalog_db_products.cpp) ------------------------------------------------
    // Keeps a feed file's bytes and format under its absolute path (a known path is replaced:
    // exports write the newest import back). Audited as "import_feed". Returns the feed id.
    std::optional<qint64> saveFeed(const QString& path, const QString& format,
                                   const QByteArray& content, const QString& who,
                                   QString* error = nullptr);
    // Every imported feed, oldest first, with its bytes.
    std::optional<QList<FeedRecord>> feeds(QString* error = nullptr) const;
    // Makes the feed's products what `products` says (by handle), in one transaction: new
    // products added; changed titles, descriptions, rows, variants and image lists updated; a
    // new image URL waits for its download, a known one keeps it, one no longer listed is
    // removed (its image leaves the product's SKU group). Products missing from `products` stay.
    // Audited as "sync_products".
    std::optional<ProductSync> syncProducts(qint64 feedId, const QList<ProductRecord>& products,
                                            const QString& who, QString* error = nullptr);
    // The feed's products (feedId 0: every feed's) in feed order, with images (by position) and
    // variants.
    std::optional<QList<ProductRecord>> products(qint64 feedId, QString* error = nullptr) const;
    // Image URLs waiting for a download (feedId 0: every feed's): pending ones, and failed ones
    // too with includeFailed (import --retry-failed).
    std::optional<QList<ProductImageRecord>> imagesToDownload(qint64 feedId, bool includeFailed,
                                                              QString* error = nullptr) const;
    // A download finished: `image` (the stored file, described) joins the catalogue in the
    // product's SKU group — a file already there keeps its id — and the URL is done; or, with
    // image null, the URL failed because of `why`. One transaction.
    bool finishImageDownload(qint64 productImageId, const ImageRecord* image, const QString& why,
                             const QString& who, QString* error = nullptr);
    // Values the feed already had, as accepted tags with source "feed" on the product's tag set;
    // a value the set has in any status is left as it is (a person's rejection stands). Nothing
    // while no image of the product is in the catalogue. Returns how many were added; audited as
    // "feed_tags".
    std::optional<int> addFeedTags(qint64 productId, const QList<TagSuggestion>& values,
                                   const QString& who, QString* error = nullptr);

    // ---- batch queue (persistent; survives a crash) --------------------------------------------
    // mode: "untagged" | "replace" | "append". Items keep the order of imageIds.
    std::optional<qint64> createBatch(const QString& mode, const QString& prompt,
                                      const QString& modelId, const QString& paramsJson,
                                      const QList<qint64>& imageIds, QString* error = nullptr);
    // The unfinished batch (not cancelled, items pending or running) with this mode, prompt,
    // model and parameters, with any of imageIds it lacks added at its end — or a new batch.
    // One transaction: workers started together on one catalogue share one batch. *joined says
    // which.
    std::optional<qint64> joinOrCreateBatch(const QString& mode, const QString& prompt,
                                            const QString& modelId, const QString& paramsJson,
                                            const QList<qint64>& imageIds, bool* joined,
                                            QString* error = nullptr);
    // Takes the next pending item and marks it running, held by this connection (workerId()).
    // Several processes and workstations may take items from one batch at once; each item is
    // handed to one of them. nullopt with empty *error = none left (or the batch is cancelled).
    std::optional<BatchItem> nextPendingItem(qint64 batchId, QString* error = nullptr);
    // state: Done, Skipped or Failed; message says why it failed.
    bool finishItem(qint64 itemId, ItemState state, const QString& message,
                    QString* error = nullptr);
    // Items left running go back to pending: this connection's own (a cancelled run), and those
    // of workers that are gone — a crashed process, a PostgreSQL session that ended (its items
    // come back as soon as the server notices the connection dropped) — or whose lease expired.
    // Items that live workers are processing stay theirs. Returns how many. nextPendingItem()
    // does the same for other workers' items, so survivors finish a dead worker's share.
    std::optional<int> resetInterrupted(qint64 batchId, QString* error = nullptr);
    // This connection's worker name in the batch queue (diagnostics and tests).
    QString workerId() const;
    // Pending items become cancelled; running ones finish normally.
    bool cancelBatch(qint64 batchId, QString* error = nullptr);
    std::optional<BatchProgress> batchProgress(qint64 batchId, QString* error = nullptr) const;
    // Batches not cancelled that still have pending or running items, oldest first.
    std::optional<QList<BatchInfo>> unfinishedBatches(QString* error = nullptr) const;
    // Image id → where its item stands, for one batch (the grid's badges).
    std::optional<QHash<qint64, ItemState>> batchItemStates(qint64 batchId,
                                                            QString* error = nullptr) const;
    // Image id → where its newest batch item stands and the item's message (why it failed), over
    // every batch (cancelled items left out): the grid's badges after a restart. imageId 0 =
    // every image, else that image only.
    std::optional<QHash<qint64, ItemOutcome>> latestItemOutcomes(qint64 imageId = 0,
                                                                 QString* error = nullptr) const;

    struct Impl;

private:
    bool openSqlite(const QString& path, QString* error);
    bool openPostgres(const QString& address, QString* error);
    bool upgrade(QString* error);
    bool takeWorkerId(QString* error);
    std::unique_ptr<Impl> d_;
};

}  // namespace vistag::catalog

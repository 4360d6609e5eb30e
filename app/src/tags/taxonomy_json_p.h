// Internal to the taxonomy reader (taxonomy.cpp, taxonomy_v2.cpp): where the values of a JSON
// document are (for "file:line:column" messages), and the checks both format versions share.
#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>
#include <initializer_list>
#include <optional>

namespace vistag::catalog::taxonomy_detail {

// For every JSON pointer ("/attributes/3/values/0/code") of a (valid) JSON document, where its
// value and its key start; and the members whose key repeats one before it in the same object.
struct JsonPositions {
    QHash<QString, qsizetype> value;
    QHash<QString, qsizetype> key;
    QList<QPair<QString, qsizetype>> duplicateKeys;  // pointer of the repeated member, key offset
};
void scanJsonPositions(const QByteArray& data, JsonPositions& out);

// Only the repeated keys (pointer, key offset), without recording every position: fast enough
// for a file of Shopify's full size.
QList<QPair<QString, qsizetype>> scanDuplicateKeys(const QByteArray& data);

// "line:column" (1-based; the column counts characters, not bytes) of a byte offset.
QString lineColumn(const QByteArray& data, qsizetype offset);
int lineOf(const QByteArray& data, qsizetype offset);
// QJsonParseError puts an unterminated string at the end of the input; the string that runs
// over a line break is the one to show.
qsizetype unterminatedStringStart(const QByteArray& data, qsizetype fallback);
// The first character of `text` that has no place in a label, name or synonym (see
// taxonomy.cpp); empty when there is none.
QString forbiddenCharacter(const QString& text, bool multiLine = false);

// Parses `json` (a UTF-8 byte-order mark is dropped: *data gets the bytes parsed) into its top
// object; on a syntax error or another top level sets *error to one "file:line:col: ..." line.
std::optional<QJsonObject> parseTaxonomyObject(const QByteArray& json, const QString& fileLabel,
                                               QByteArray* data, QString* error);

}  // namespace vistag::catalog::taxonomy_detail

namespace vistag::catalog {
class Taxonomy;
namespace taxonomy_detail {

// Reads a version-2 file (taxonomy_v2.cpp); `data` is what `root` was parsed from.
std::optional<Taxonomy> readTaxonomyV2(const QJsonObject& root, const QByteArray& data,
                                       const QString& fileLabel, QString* error);

// The checks and messages both readers share. Positions are scanned on first use (an error, or
// the version-1 reader's duplicate-key check), so that reading a large valid file costs no
// more than parsing it.
class TaxonomyReader {
public:
    TaxonomyReader(const QByteArray& data, const QString& fileLabel)
        : m_data(data), m_file(fileLabel) {}
    QString errors() const { return m_errors.join(QLatin1Char('\n')); }
    bool hasErrors() const { return !m_errors.isEmpty(); }

protected:
    const JsonPositions& positions() const;
    qsizetype valueAt(const QString& pointer) const { return positions().value.value(pointer, 0); }
    qsizetype keyAt(const QString& pointer) const { return positions().key.value(pointer, 0); }
    void error(qsizetype offset, const QString& problem);
    void checkKeys(const QJsonObject& o, const QString& pointer,
                   std::initializer_list<const char*> allowed);
    // `what` names the object in a message about a forbidden character ("taxonomy",
    // "attribute \"style\"").
    QString optionalString(const QJsonObject& o, const QString& pointer, const char* key,
                           const QString& what);
    // Refuses (with an error naming the object and the field) a text holding a control or
    // bidirectional-override character.
    bool checkCharacters(const QString& text, const QString& pointer, const QString& what,
                         const QString& field, bool multiLine = false);
    // A required non-empty string; `what` names the object in the message.
    bool requiredString(const QJsonObject& o, const QString& pointer, const char* key,
                        const QString& what, QString* out);
    bool validCode(const QString& code, const QString& pointer, const QString& what);
    bool readSynonyms(const QJsonObject& o, const QString& pointer, const QString& what,
                      QStringList* out);

    const QByteArray& m_data;
    QString m_file;
    QStringList m_errors;

private:
    mutable std::optional<JsonPositions> m_positions;
};

}  // namespace taxonomy_detail
}  // namespace vistag::catalog

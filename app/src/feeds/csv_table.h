// Reading and writing delimited text (RFC 4180 CSV, and the tab-separated files Merchant Center
// takes) as the shops write them: a UTF-8 byte-order mark, CRLF or LF line ends, quoted cells
// holding the delimiter, quotes ("") and line breaks.
#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <QStringList>
#include <optional>

namespace vistag::feeds {

struct CsvRow {
    QStringList cells;
    int line = 0;  // the file line the row starts on (1 = the header's line)
};

struct CsvTable {
    QStringList header;
    QList<CsvRow> rows;  // data rows; a blank line is no row
    char delimiter = ',';
    bool byteOrderMark = false;
    bool crlf = false;  // the file's line ends (written back the same way)
    int column(const QString& name) const { return header.indexOf(name); }
    // The cell of `row` in the named column; "" when the column or the cell is missing.
    QString cell(const CsvRow& row, const QString& name) const;
};

// ',' unless the header line has a tab (Merchant Center's text feeds) or only ';'.
char sniffDelimiter(const QByteArray& data);

// Parses `data`; the first row is the header. A quote opened and never closed is an error naming
// the line it opened on (the file cannot be read as a table); nullopt with *error set then.
std::optional<CsvTable> parseCsv(const QByteArray& data, char delimiter, QString* error);

// One row, cells quoted only where needed (the delimiter, a quote, a line break, or spaces at
// either end), ended with CRLF or LF.
QByteArray csvLine(const QStringList& cells, char delimiter, bool crlf);

// The whole table written back (byte-order mark and line ends as read).
QByteArray writeCsv(const CsvTable& table);

}  // namespace vistag::feeds

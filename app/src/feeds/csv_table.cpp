#include "feeds/csv_table.h"

#include <QCoreApplication>

namespace vistag::feeds {

QString CsvTable::cell(const CsvRow& row, const QString& name) const {
    const int c = column(name);
    return c >= 0 && c < row.cells.size() ? row.cells.at(c) : QString();
}

char sniffDelimiter(const QByteArray& data) {
    const qsizetype end = data.indexOf('\n');
    const QByteArray first = end < 0 ? data : data.left(end);
    if (first.contains('\t'))
        return '\t';
    if (!first.contains(',') && first.contains(';'))
        return ';';
    return ',';
}

std::optional<CsvTable> parseCsv(const QByteArray& data, char delimiter, QString* error) {
    CsvTable t;
    t.delimiter = delimiter;
    qsizetype i = 0;
    if (data.startsWith("\xEF\xBB\xBF")) {
        t.byteOrderMark = true;
        i = 3;
    }
    const qsizetype firstEnd = data.indexOf('\n', i);
    t.crlf = firstEnd > 0 && data.at(firstEnd - 1) == '\r';

    QList<CsvRow> rows;
    CsvRow row;
    QByteArray cell;
    int line = 1;
    row.line = 1;
    bool quoted = false;     // inside a quoted cell
    bool wasQuoted = false;  // the current cell was quoted (text after the closing quote kept)
    int quoteLine = 0;
    bool rowHasContent = false;
    const auto endCell = [&] {
        row.cells << QString::fromUtf8(cell);
        cell.clear();
        wasQuoted = false;
    };
    const auto endRow = [&] {
        endCell();
        if (rowHasContent || row.cells.size() > 1 || !row.cells.first().isEmpty())
            rows << row;
        row = CsvRow();
        row.line = line;
        rowHasContent = false;
    };
    const qsizetype n = data.size();
    for (; i < n; ++i) {
        const char c = data.at(i);
        if (quoted) {
            if (c == '"') {
                if (i + 1 < n && data.at(i + 1) == '"') {
                    cell += '"';
                    ++i;
                } else {
                    quoted = false;
                }
            } else {
                if (c == '\n')
                    ++line;
                cell += c;
            }
            continue;
        }
        if (c == '"' && cell.isEmpty() && !wasQuoted) {
            quoted = true;
            wasQuoted = true;
            rowHasContent = true;
            quoteLine = line;
        } else if (c == delimiter) {
            endCell();
            rowHasContent = true;
        } else if (c == '\r' && i + 1 < n && data.at(i + 1) == '\n') {
            continue;  // the '\n' ends the row
        } else if (c == '\n') {
            ++line;
            endRow();
        } else {
            cell += c;
        }
    }
    if (quoted) {
        if (error)
            *error =
                QCoreApplication::translate(
                    "vistag::feeds", "line %1: a quoted cell is never closed (a \" is missing)")
                    .arg(quoteLine);
        return std::nullopt;
    }
    if (!cell.isEmpty() || !row.cells.isEmpty() || rowHasContent)
        endRow();
    if (rows.isEmpty()) {
        if (error)
            *error = QCoreApplication::translate("vistag::feeds", "the file is empty");
        return std::nullopt;
    }
    t.header = rows.takeFirst().cells;
    for (QString& h : t.header)
        h = h.trimmed();
    t.rows = std::move(rows);
    return t;
}

QByteArray csvLine(const QStringList& cells, char delimiter, bool crlf) {
    QByteArray out;
    for (qsizetype k = 0; k < cells.size(); ++k) {
        if (k > 0)
            out += delimiter;
        const QByteArray v = cells.at(k).toUtf8();
        const bool quote = v.contains(delimiter) || v.contains('"') || v.contains('\n') ||
                           v.contains('\r') ||
                           (!v.isEmpty() && (v.front() == ' ' || v.back() == ' '));
        if (quote) {
            QByteArray escaped = v;
            escaped.replace("\"", "\"\"");
            out += '"' + escaped + '"';
        } else {
            out += v;
        }
    }
    out += crlf ? "\r\n" : "\n";
    return out;
}

QByteArray writeCsv(const CsvTable& table) {
    QByteArray out;
    if (table.byteOrderMark)
        out += "\xEF\xBB\xBF";
    out += csvLine(table.header, table.delimiter, table.crlf);
    for (const CsvRow& r : table.rows)
        out += csvLine(r.cells, table.delimiter, table.crlf);
    return out;
}

}  // namespace vistag::feeds

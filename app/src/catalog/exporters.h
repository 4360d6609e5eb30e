// Export of the catalogue's tags: CSV (one row per image or per SKU, Merchant-style column names
// where they fit, several values joined by "|"), JSON Lines, ".txt" sidecars ("tag, tag, …") and
// XMP sidecars ("photo.jpg.xmp" with dc:subject and lr:hierarchicalSubject "attribute|value",
// written with exiv2). Every file is written atomically (replaceFileAtomically): a failure
// leaves the old file byte for byte, or none, never half of one.
#pragma once

#include <QList>
#include <QString>

#include "tags/types.h"

namespace vistag::catalog {

struct ExportOptions {
    QString language = QStringLiteral("en");  // labels in sidecars: "en" or "zh"
};

struct ExportReport {
    int filesWritten = 0;
    int rows = 0;
    QStringList failures;  // one line per file that could not be written
};

class Taxonomy;

// Single-file formats: `path` is the file to write (replaced atomically), or "-" for standard
// output.
bool writeCsv(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
              const QString& path, QString* error);
bool writeJsonLines(const QList<ExportRow>& rows, const QList<TaxonomyAttribute>& attributes,
                    const QString& path, QString* error);
// The same with the whole taxonomy: when it has a category tree (version 2) the category is
// written as its full path: CSV product_type "Apparel & Accessories > Clothing > Dresses" (in
// English), JSON Lines "category": {"code", "path", "path_zh"}, XMP lr:hierarchicalSubject
// "Apparel & Accessories|Clothing|Dresses" (in the options' language); CSV and XMP then hold only
// the attributes some row has. Without a tree, exactly the functions above.
bool writeCsv(const QList<ExportRow>& rows, const Taxonomy& taxonomy, const QString& path,
              QString* error);
bool writeJsonLines(const QList<ExportRow>& rows, const Taxonomy& taxonomy, const QString& path,
                    QString* error);

// Sidecars beside each image (or, when `outDir` is not empty, in that folder under the image's
// file name). Returns what was written and what failed; one failure does not stop the others.
ExportReport writeTxtSidecars(const QList<ExportRow>& rows,
                              const QList<TaxonomyAttribute>& attributes, const QString& outDir,
                              const ExportOptions& options = {});
ExportReport writeXmpSidecars(const QList<ExportRow>& rows,
                              const QList<TaxonomyAttribute>& attributes, const QString& outDir,
                              const ExportOptions& options = {});
ExportReport writeXmpSidecars(const QList<ExportRow>& rows, const Taxonomy& taxonomy,
                              const QString& outDir, const ExportOptions& options = {});

// Writes `data` to a temporary file in `path`'s folder (every write, fsync and close checked),
// keeps the old file's permissions and renames it over `path` only when all of that succeeded;
// on any failure the temporary file is removed, the old file is left as it was and *error names
// the file and the problem in plain words ("the disk is full"). A symbolic link is followed.
bool replaceFileAtomically(const QString& path, const QByteArray& data, QString* error);

// The label of a value in the given language, falling back to the other language and then the
// code (new values not in the taxonomy are their own label).
QString valueLabel(const QList<TaxonomyAttribute>& attributes, const QString& attribute,
                   const QString& code, const QString& language);

}  // namespace vistag::catalog

// XMP packets with keywords, through exiv2: dc:subject (a bag of labels) and
// lr:hierarchicalSubject ("attribute|value"), merged into an existing sidecar's other data.
#pragma once

#include <QByteArray>
#include <QStringList>

namespace vistag::catalog {

// Returns the packet; an empty array with *error set on failure, or with *error empty when there
// is nothing to write (no keywords and no other data). `existing` (may be empty) is an XMP packet
// whose other properties are kept; its dc:subject and lr:hierarchicalSubject are replaced.
QByteArray encodeXmpKeywords(const QStringList& subjects, const QStringList& hierarchical,
                             const QByteArray& existing, QString* error);

// Reads dc:subject and lr:hierarchicalSubject back from a packet.
bool decodeXmpKeywords(const QByteArray& packet, QStringList* subjects, QStringList* hierarchical,
                       QString* error);

}  // namespace vistag::catalog

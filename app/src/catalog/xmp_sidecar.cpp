// exiv2 0.27 still uses std::auto_ptr in its headers.
#pragma GCC diagnostic ignored "-Wdeprecated-declarations"
#include "catalog/xmp_sidecar.h"

#include <QMutex>
#include <QString>
#include <exiv2/exiv2.hpp>

namespace vistag::catalog {
namespace {

const char kSubject[] = "Xmp.dc.subject";
const char kHierarchical[] = "Xmp.lr.hierarchicalSubject";

// The XMP toolkit is not thread-safe by itself: one lock for every use.
QMutex& xmpLock() {
    static QMutex m;
    return m;
}

void lockFn(void* data, bool lock) {
    auto* m = static_cast<QMutex*>(data);
    if (lock)
        m->lock();
    else
        m->unlock();
}

void initOnce() {
    static QMutex toolkitMutex;
    static const bool ok = Exiv2::XmpParser::initialize(lockFn, &toolkitMutex);
    (void)ok;
}

void erase(Exiv2::XmpData& xmp, const char* key) {
    for (auto it = xmp.findKey(Exiv2::XmpKey(key)); it != xmp.end();
         it = xmp.findKey(Exiv2::XmpKey(key)))
        xmp.erase(it);
}

void addBag(Exiv2::XmpData& xmp, const char* key, const QStringList& items) {
    if (items.isEmpty())
        return;
    Exiv2::XmpArrayValue bag(Exiv2::xmpBag);
    for (const QString& s : items)
        bag.read(s.toStdString());
    xmp.add(Exiv2::XmpKey(key), &bag);
}

QStringList readBag(const Exiv2::XmpData& xmp, const char* key) {
    QStringList out;
    auto it = xmp.findKey(Exiv2::XmpKey(key));
    if (it == xmp.end())
        return out;
    for (long i = 0; i < it->count(); ++i)
        out << QString::fromStdString(it->toString(i));
    return out;
}

}  // namespace

QByteArray encodeXmpKeywords(const QStringList& subjects, const QStringList& hierarchical,
                             const QByteArray& existing, QString* error) {
    QMutexLocker guard(&xmpLock());
    initOnce();
    try {
        Exiv2::XmpData xmp;
        if (!existing.isEmpty() && Exiv2::XmpParser::decode(xmp, existing.toStdString()) != 0) {
            if (error)
                *error = QStringLiteral("the existing XMP sidecar is damaged; left as it is");
            return {};
        }
        erase(xmp, kSubject);
        erase(xmp, kHierarchical);
        addBag(xmp, kSubject, subjects);
        addBag(xmp, kHierarchical, hierarchical);
        std::string packet;
        if (Exiv2::XmpParser::encode(packet, xmp, Exiv2::XmpParser::useCompactFormat) != 0) {
            if (error)
                *error = QStringLiteral("exiv2 could not encode the XMP packet");
            return {};
        }
        return QByteArray::fromStdString(packet);
    } catch (const Exiv2::AnyError& e) {
        if (error)
            *error = QStringLiteral("exiv2: %1").arg(QString::fromStdString(e.what()));
        return {};
    }
}

bool decodeXmpKeywords(const QByteArray& packet, QStringList* subjects, QStringList* hierarchical,
                       QString* error) {
    QMutexLocker guard(&xmpLock());
    initOnce();
    try {
        Exiv2::XmpData xmp;
        if (Exiv2::XmpParser::decode(xmp, packet.toStdString()) != 0) {
            if (error)
                *error = QStringLiteral("not a valid XMP packet");
            return false;
        }
        if (subjects)
            *subjects = readBag(xmp, kSubject);
        if (hierarchical)
            *hierarchical = readBag(xmp, kHierarchical);
        return true;
    } catch (const Exiv2::AnyError& e) {
        if (error)
            *error = QStringLiteral("exiv2: %1").arg(QString::fromStdString(e.what()));
        return false;
    }
}

}  // namespace vistag::catalog

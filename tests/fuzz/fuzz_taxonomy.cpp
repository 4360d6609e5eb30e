// libFuzzer target: the taxonomy loader (Taxonomy::fromJson, what `--taxonomy FILE` and the
// window read) on arbitrary bytes. Must never crash or hang; a refusal says why, with the file
// label; an accepted taxonomy writes itself back (toJson) as a file that loads again with the
// same attributes (and, for version 2, the same category tree, every path of which ends at a
// root). Replayed on its corpus in ctest (fuzz_replay_taxonomy).
#include <cstddef>
#include <cstdint>

#include "tags/taxonomy.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using vistag::catalog::Taxonomy;
    const QByteArray bytes(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    const auto taxonomy = Taxonomy::fromJson(bytes, QStringLiteral("fuzz.json"), &error);
    if (!taxonomy) {
        if (!error.startsWith(QLatin1String("fuzz.json")))
            __builtin_trap();
        return 0;
    }
    QString again;
    const auto reloaded = Taxonomy::fromJson(taxonomy->toJson(), QStringLiteral("again"), &again);
    if (!reloaded || reloaded->attributes().size() != taxonomy->attributes().size())
        __builtin_trap();
    for (qsizetype i = 0; i < taxonomy->attributes().size(); ++i)
        if (reloaded->attributes()[i].code != taxonomy->attributes()[i].code ||
            reloaded->attributes()[i].values.size() != taxonomy->attributes()[i].values.size())
            __builtin_trap();
    if (reloaded->categories().size() != taxonomy->categories().size())
        __builtin_trap();
    for (const auto& c : taxonomy->categories()) {
        const QStringList path = taxonomy->categoryPathCodes(c.code);
        if (path.isEmpty() || path.last() != c.code ||
            path.size() > taxonomy->categories().size() ||
            !taxonomy->category(path.first())->parentCode.isEmpty())
            __builtin_trap();
        for (const auto* a : taxonomy->attributesFor(c.code))
            if (!a)
                __builtin_trap();
    }
    return 0;
}

// libFuzzer target for the safetensors header parser (engineering.md §5). Not part of ctest;
// build and run with tests/fuzz/run_fuzzers.sh. Any input must give a value or a Status, never
// a crash, a sanitizer report or a read outside the buffer.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>

#include "vistag/inference/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    // An exact-size heap copy, so that ASan catches any read past the end.
    auto copy = std::make_unique<std::byte[]>(size + 1);
    if (size > 0) {
        std::memcpy(copy.get(), data, size);
    }
    auto parsed = vistag::inference::parseSafetensors(size ? copy.get() : nullptr, size, "fuzz");
    if (parsed.hasValue()) {
        // Touch every byte of every view: spans must lie inside the buffer.
        uint64_t sum = 0;
        for (const auto& t : parsed->tensors) {
            for (uint64_t i = 0; i < t.nbytes; ++i) {
                sum += static_cast<uint8_t>(t.data[i]);
            }
        }
        volatile uint64_t sink = sum;
        (void)sink;
    }
    return 0;
}

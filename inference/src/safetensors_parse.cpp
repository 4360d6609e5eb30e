// Validation of a safetensors image in memory: header length, JSON header, dtypes, shapes, spans.
#include <algorithm>
#include <cstring>
#include <limits>
#include <string_view>

#include "json_util.h"
#include "vistag/inference/safetensors.h"

namespace vistag::inference {
namespace {

using json = nlohmann::json;

constexpr uint64_t kMaxHeaderBytes = 100ull * 1000 * 1000;  // as the reference implementation

struct DTypeInfo {
    DType dtype;
    const char* name;
    size_t size;
};

constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "F32", 4},   {DType::F16, "F16", 2},         {DType::BF16, "BF16", 2},
    {DType::F64, "F64", 8},   {DType::I64, "I64", 8},         {DType::I32, "I32", 4},
    {DType::I16, "I16", 2},   {DType::I8, "I8", 1},           {DType::U8, "U8", 1},
    {DType::BOOL, "BOOL", 1}, {DType::F8_E4M3, "F8_E4M3", 1}, {DType::F8_E5M2, "F8_E5M2", 1},
};

Status fail(const std::string& label, const std::string& what) {
    return Status(ErrorCode::Weights, label + ": " + what);
}

Status failTensor(const std::string& label, const std::string& name, const std::string& what) {
    return Status(ErrorCode::Weights, label + ": tensor '" + name + "': " + what);
}

struct Span {
    uint64_t begin;
    uint64_t end;
    size_t index;
};

// Reads one tensor entry of the header into `view` (data pointer set later).
Status parseEntry(const std::string& label, const std::string& name, const json& entry,
                  uint64_t dataSize, TensorView& view, Span& span) {
    if (!entry.is_object()) {
        return failTensor(label, name, "its header entry is not a JSON object");
    }
    // Other fields are ignored, as the reference implementation does.
    const auto dt = entry.find("dtype");
    if (dt == entry.end() || !dt->is_string()) {
        return failTensor(label, name, "missing or non-string \"dtype\"");
    }
    if (!parseDType(dt->get_ref<const std::string&>(), view.dtype)) {
        return failTensor(label, name, "unknown dtype " + detail::describeJson(*dt));
    }
    const auto sh = entry.find("shape");
    if (sh == entry.end() || !sh->is_array()) {
        return failTensor(label, name, "missing \"shape\" (a list of dimensions)");
    }
    uint64_t numel = 1;
    bool overflow = false;
    for (const auto& d : *sh) {
        if (d.is_number_integer() && !d.is_number_unsigned()) {
            return failTensor(label, name,
                              "negative dimension " + detail::describeJson(d) + " in shape " +
                                  detail::describeJson(*sh));
        }
        if (!d.is_number_unsigned()) {
            return failTensor(
                label, name,
                "dimension " + detail::describeJson(d) + " in shape is not a whole number");
        }
        const uint64_t v = d.get<uint64_t>();
        if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return failTensor(label, name, "dimension " + std::to_string(v) + " is too large");
        }
        view.shape.push_back(static_cast<int64_t>(v));
        overflow = overflow || __builtin_mul_overflow(numel, v, &numel);
    }
    uint64_t nbytes = 0;
    if (overflow || __builtin_mul_overflow(numel, dtypeSize(view.dtype), &nbytes)) {
        return failTensor(label, name,
                          "shape " + shapeString(view.shape) + " of " + dtypeName(view.dtype) +
                              " is too large: its byte size overflows 64 bits");
    }
    const auto off = entry.find("data_offsets");
    if (off == entry.end() || !off->is_array() || off->size() != 2 ||
        !(*off)[0].is_number_unsigned() || !(*off)[1].is_number_unsigned()) {
        return failTensor(label, name,
                          "\"data_offsets\" must be two non-negative whole numbers [begin, end]");
    }
    span.begin = (*off)[0].get<uint64_t>();
    span.end = (*off)[1].get<uint64_t>();
    if (span.begin > span.end) {
        return failTensor(label, name,
                          "data_offsets begin " + std::to_string(span.begin) + " is after end " +
                              std::to_string(span.end));
    }
    if (span.end > dataSize) {
        return failTensor(label, name,
                          "data_offsets end " + std::to_string(span.end) +
                              " is past the end of the data (" + std::to_string(dataSize) +
                              " bytes): the file is truncated or corrupt");
    }
    if (span.end - span.begin != nbytes) {
        return failTensor(label, name,
                          "shape " + shapeString(view.shape) + " of " + dtypeName(view.dtype) +
                              " needs " + std::to_string(nbytes) + " bytes but data_offsets [" +
                              std::to_string(span.begin) + ", " + std::to_string(span.end) +
                              "] hold " + std::to_string(span.end - span.begin));
    }
    view.name = name;
    view.nbytes = nbytes;
    view.file = label;
    return Status::ok();
}

Status parseMetadata(const std::string& label, const json& meta,
                     std::map<std::string, std::string>& out) {
    if (!meta.is_object()) {
        return fail(label, "\"__metadata__\" is not an object of strings");
    }
    for (const auto& [key, value] : meta.items()) {
        if (!value.is_string()) {
            return fail(label, "\"__metadata__\" entry '" + key + "' is not a string");
        }
        out[key] = value.get<std::string>();
    }
    return Status::ok();
}

// Sorted by begin, the spans must tile [0, dataSize) exactly.
Status checkSpans(const std::string& label, std::vector<Span>& spans,
                  const std::vector<TensorView>& views, uint64_t dataSize) {
    std::sort(spans.begin(), spans.end(), [](const Span& a, const Span& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    uint64_t expected = 0;
    for (size_t i = 0; i < spans.size(); ++i) {
        const Span& s = spans[i];
        const std::string& name = views[s.index].name;
        if (s.begin < expected) {
            const std::string& prev = views[spans[i - 1].index].name;
            return failTensor(label, name,
                              "its data [" + std::to_string(s.begin) + ", " +
                                  std::to_string(s.end) + "] overlaps the data of tensor '" + prev +
                                  "'");
        }
        if (s.begin > expected) {
            return failTensor(label, name,
                              "there is a gap of " + std::to_string(s.begin - expected) +
                                  " unused bytes before its data (at offset " +
                                  std::to_string(expected) + ")");
        }
        expected = s.end;
    }
    if (expected != dataSize) {
        return fail(label, "the tensors' data ends at offset " + std::to_string(expected) +
                               " but the data section is " + std::to_string(dataSize) +
                               " bytes long: the file has " + std::to_string(dataSize - expected) +
                               " bytes of trailing data");
    }
    return Status::ok();
}

}  // namespace

size_t dtypeSize(DType dtype) {
    for (const auto& d : kDTypes) {
        if (d.dtype == dtype) {
            return d.size;
        }
    }
    return 0;
}

const char* dtypeName(DType dtype) {
    for (const auto& d : kDTypes) {
        if (d.dtype == dtype) {
            return d.name;
        }
    }
    return "?";
}

bool parseDType(const std::string& name, DType& out) {
    for (const auto& d : kDTypes) {
        if (name == d.name) {
            out = d.dtype;
            return true;
        }
    }
    return false;
}

bool isFloatingDType(DType dtype) {
    switch (dtype) {
        case DType::F32:
        case DType::F16:
        case DType::BF16:
        case DType::F64:
        case DType::F8_E4M3:
        case DType::F8_E5M2:
            return true;
        default:
            return false;
    }
}

uint64_t TensorView::numel() const {
    uint64_t n = 1;
    for (const int64_t d : shape) {
        n *= static_cast<uint64_t>(d);
    }
    return n;
}

std::string shapeString(const std::vector<int64_t>& shape) {
    std::string s = "[";
    for (size_t i = 0; i < shape.size(); ++i) {
        s += (i ? ", " : "") + std::to_string(shape[i]);
    }
    return s + "]";
}

Expected<SafetensorsHeader> parseSafetensors(const std::byte* bytes, uint64_t size,
                                             const std::string& label) {
    if (bytes == nullptr || size < 8) {
        return fail(label, "file is " + std::to_string(size) +
                               " bytes, too short for a safetensors file (at least 8)");
    }
    uint64_t headerLen = 0;
    for (int i = 7; i >= 0; --i) {
        headerLen = (headerLen << 8) | static_cast<uint8_t>(bytes[i]);
    }
    if (headerLen > kMaxHeaderBytes) {
        return fail(label, "header length " + std::to_string(headerLen) +
                               " is larger than the 100 MB limit: not a safetensors file, or "
                               "corrupt");
    }
    if (headerLen > size - 8) {
        return fail(label, "header length " + std::to_string(headerLen) +
                               " runs past the end of the file (" + std::to_string(size) +
                               " bytes): the file is truncated or not a safetensors file");
    }
    const auto* headerStart = reinterpret_cast<const char*>(bytes + 8);
    if (headerLen == 0 || headerStart[0] != '{') {
        return fail(label, "header does not start with '{': not a safetensors file");
    }
    detail::JsonParseOptions options;
    options.rejectDuplicateKeys = true;
    options.maxDepth = 4;
    options.duplicateTopLevelNoun = "tensor";
    auto header = detail::parseJson(std::string_view(headerStart, headerLen), label + ": header",
                                    ErrorCode::Weights, options);
    if (!header) {
        return header.error();
    }
    const json& root = *header;
    if (!root.is_object()) {
        return fail(label, "header is not a JSON object");
    }
    const uint64_t dataSize = size - 8 - headerLen;
    SafetensorsHeader out;
    out.dataOffset = 8 + headerLen;
    std::vector<TensorView>& views = out.tensors;
    std::vector<Span> spans;
    try {
        views.reserve(root.size());
        spans.reserve(root.size());
        for (const auto& [name, entry] : root.items()) {
            if (name == "__metadata__") {
                if (Status st = parseMetadata(label, entry, out.metadata); !st) {
                    return st;
                }
                continue;
            }
            TensorView view;
            Span span{0, 0, views.size()};
            if (Status st = parseEntry(label, name, entry, dataSize, view, span); !st) {
                return st;
            }
            view.data = bytes + 8 + headerLen + span.begin;
            views.push_back(std::move(view));
            spans.push_back(span);
        }
        if (Status st = checkSpans(label, spans, views, dataSize); !st) {
            return st;
        }
    } catch (const std::exception& e) {  // bad_alloc, or a json type error we failed to foresee
        return fail(label, std::string("cannot read the header (") + e.what() + ")");
    }
    return out;
}

}  // namespace vistag::inference

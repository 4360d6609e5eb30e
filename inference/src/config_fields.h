// An explicit key → field table for reading JSON config objects into structs (internal).
#pragma once

#include <cmath>
#include <limits>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include <nlohmann/json.hpp>

#include "json_util.h"
#include "vistag/inference/status.h"

namespace vistag::inference::detail {

template <class S>
using FieldPtr =
    std::variant<int64_t S::*, double S::*, bool S::*, std::string S::*, std::vector<int64_t> S::*,
                 std::vector<double> S::*, std::optional<int64_t> S::*, std::optional<double> S::*>;

template <class S>
struct Field {
    const char* key;
    FieldPtr<S> member;
    bool required = false;
};

// JSON null counts as absent (transformers writes "pad_token_id": null).
inline bool readInt(const nlohmann::json& v, int64_t& out) {
    if (v.is_number_unsigned()) {
        const auto u = v.get<uint64_t>();
        if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
            return false;
        }
        out = static_cast<int64_t>(u);
        return true;
    }
    if (v.is_number_integer()) {
        out = v.get<int64_t>();
        return true;
    }
    return false;
}

inline bool readDouble(const nlohmann::json& v, double& out) {
    if (!v.is_number()) {
        return false;
    }
    out = v.get<double>();
    return std::isfinite(out);
}

template <class T, class Reader>
bool readList(const nlohmann::json& v, std::vector<T>& out, Reader read) {
    if (!v.is_array()) {
        return false;
    }
    std::vector<T> values;
    for (const auto& e : v) {
        T x{};
        if (!read(e, x)) {
            return false;
        }
        values.push_back(x);
    }
    out = std::move(values);
    return true;
}

// Reads every field of `table` present in `obj` into `out`; `where` ("config.json:
// text_config") starts messages. A field of the wrong type, or a required one that is absent,
// is an error.
template <class S>
Status readFields(const nlohmann::json& obj, const std::string& where,
                  std::span<const Field<S>> table, S& out, ErrorCode code) {
    for (const Field<S>& f : table) {
        const auto it = obj.find(f.key);
        if (it == obj.end() || it->is_null()) {
            if (f.required) {
                return Status(code, where + ": required key \"" + f.key + "\" is missing");
            }
            continue;
        }
        const nlohmann::json& v = *it;
        const char* want = nullptr;
        std::visit(
            [&](auto member) {
                using T = std::remove_reference_t<decltype(out.*member)>;
                T& dst = out.*member;
                if constexpr (std::is_same_v<T, int64_t>) {
                    want = readInt(v, dst) ? nullptr : "a whole number";
                } else if constexpr (std::is_same_v<T, double>) {
                    want = readDouble(v, dst) ? nullptr : "a number";
                } else if constexpr (std::is_same_v<T, bool>) {
                    want = v.is_boolean() ? (dst = v.get<bool>(), nullptr) : "true or false";
                } else if constexpr (std::is_same_v<T, std::string>) {
                    want = v.is_string() ? (dst = v.get<std::string>(), nullptr) : "a string";
                } else if constexpr (std::is_same_v<T, std::vector<int64_t>>) {
                    want = readList<int64_t>(v, dst, readInt) ? nullptr : "a list of whole numbers";
                } else if constexpr (std::is_same_v<T, std::vector<double>>) {
                    want = readList<double>(v, dst, readDouble) ? nullptr : "a list of numbers";
                } else if constexpr (std::is_same_v<T, std::optional<int64_t>>) {
                    int64_t x = 0;
                    want = readInt(v, x) ? (dst = x, nullptr) : "a whole number";
                } else {
                    double x = 0;
                    want = readDouble(v, x) ? (dst = x, nullptr) : "a number";
                }
            },
            f.member);
        if (want != nullptr) {
            return Status(code, where + ": \"" + f.key + "\" should be " + want + ", found " +
                                    describeJson(v));
        }
    }
    return Status::ok();
}

template <class S, size_t N>
Status readFields(const nlohmann::json& obj, const std::string& where, const Field<S> (&table)[N],
                  S& out, ErrorCode code) {
    return readFields<S>(obj, where, std::span<const Field<S>>(table, N), out, code);
}

}  // namespace vistag::inference::detail

// Helpers for the weights tests: a temporary folder and hand-made (possibly hostile)
// safetensors files.
#pragma once

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace vistag::testing {

namespace fs = std::filesystem;

// A fresh folder under the system temp dir, removed on destruction.
class TempDir {
public:
    TempDir() {
        std::random_device rd;
        for (int i = 0; i < 100; ++i) {
            path_ = fs::temp_directory_path() / ("vistag-weights-" + std::to_string(rd()));
            if (fs::create_directory(path_)) {
                return;
            }
        }
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    fs::path path_;
};

inline void writeFile(const std::string& path, const std::string& bytes) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

// 8-byte little-endian length + header + data.
inline std::string rawSafetensors(uint64_t headerLength, const std::string& header,
                                  const std::string& data) {
    std::string out(8, '\0');
    for (int i = 0; i < 8; ++i) {
        out[i] = static_cast<char>((headerLength >> (8 * i)) & 0xFF);
    }
    return out + header + data;
}

inline std::string rawSafetensors(const std::string& header, const std::string& data) {
    return rawSafetensors(header.size(), header, data);
}

struct FakeTensor {
    std::string name;
    std::string dtype;  // "F32", "BF16", ...
    std::vector<int64_t> shape;
};

inline size_t fakeDtypeSize(const std::string& d) {
    if (d == "F64" || d == "I64")
        return 8;
    if (d == "F32" || d == "I32")
        return 4;
    if (d == "F16" || d == "BF16" || d == "I16")
        return 2;
    return 1;
}

// A valid file: tensors laid out in order, each byte = (offset * 7 + 3) mod 251, header padded
// with spaces to a multiple of 8 as the reference writer does.
inline std::string validSafetensors(const std::vector<FakeTensor>& tensors,
                                    const std::string& metadata = "{\"format\":\"pt\"}") {
    std::string header = "{\"__metadata__\":" + metadata;
    uint64_t offset = 0;
    for (const auto& t : tensors) {
        uint64_t n = fakeDtypeSize(t.dtype);
        std::string shape;
        for (size_t i = 0; i < t.shape.size(); ++i) {
            n *= static_cast<uint64_t>(t.shape[i]);
            shape += (i ? "," : "") + std::to_string(t.shape[i]);
        }
        header += ",\"" + t.name + "\":{\"dtype\":\"" + t.dtype + "\",\"shape\":[" + shape +
                  "],\"data_offsets\":[" + std::to_string(offset) + "," +
                  std::to_string(offset + n) + "]}";
        offset += n;
    }
    header += "}";
    while (header.size() % 8 != 0) {
        header += ' ';
    }
    std::string data(offset, '\0');
    for (uint64_t i = 0; i < offset; ++i) {
        data[i] = static_cast<char>((i * 7 + 3) % 251);
    }
    return rawSafetensors(header, data);
}

}  // namespace vistag::testing

#include "model/tensor_io.h"

#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>

namespace vistag::inference::model {
namespace {

const char* dtypeName(at::ScalarType t) {
    switch (t) {
        case at::kFloat:
            return "F32";
        case at::kBFloat16:
            return "BF16";
        case at::kHalf:
            return "F16";
        case at::kLong:
            return "I64";
        case at::kInt:
            return "I32";
        case at::kByte:
            return "U8";
        default:
            return nullptr;
    }
}

}  // namespace

bool writeSafetensors(const std::string& path,
                      const std::vector<std::pair<std::string, at::Tensor>>& tensors,
                      std::string* error) {
    nlohmann::json header = nlohmann::json::object();
    std::vector<at::Tensor> data;
    uint64_t offset = 0;
    for (const auto& [name, t0] : tensors) {
        at::Tensor t = t0.to(at::kCPU).contiguous();
        const char* dt = dtypeName(t.scalar_type());
        if (!dt) {
            if (error)
                *error = "cannot store tensor " + name + " of this dtype";
            return false;
        }
        const uint64_t n = t.numel() * t.element_size();
        header[name] = {
            {"dtype", dt}, {"shape", t.sizes().vec()}, {"data_offsets", {offset, offset + n}}};
        offset += n;
        data.push_back(t);
    }
    std::string h = header.dump();
    while ((h.size() + 8) % 8)
        h.push_back(' ');
    const std::string tmp = path + ".part";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        const uint64_t len = h.size();
        unsigned char le[8];
        for (int i = 0; i < 8; ++i)
            le[i] = static_cast<unsigned char>(len >> (8 * i));
        out.write(reinterpret_cast<const char*>(le), 8);
        out.write(h.data(), static_cast<std::streamsize>(h.size()));
        for (const at::Tensor& t : data)
            out.write(static_cast<const char*>(t.data_ptr()),
                      static_cast<std::streamsize>(t.numel() * t.element_size()));
        out.flush();
        if (!out) {
            if (error)
                *error = "could not write " + tmp + " (disk full or not writable?)";
            std::remove(tmp.c_str());
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        if (error)
            *error = "could not move " + tmp + " into place as " + path;
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace vistag::inference::model

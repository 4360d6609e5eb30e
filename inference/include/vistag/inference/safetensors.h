// Memory-mapped safetensors checkpoints: one file, or a folder of shards.
//
// Every file is validated when it is opened (engineering.md §4): header length and JSON, known
// dtypes, shapes whose byte size is computed with overflow checks, data spans that tile the data
// section exactly (no gaps, no overlaps, last end == file end) and no duplicate names. Nothing in
// a file can make these functions throw, abort or read outside the mapping; problems come back
// as ErrorCode::Weights with a message naming the file and the tensor.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "vistag/inference/status.h"

namespace vistag::inference {

enum class DType { F32, F16, BF16, F64, I64, I32, I16, I8, U8, BOOL, F8_E4M3, F8_E5M2 };

size_t dtypeSize(DType dtype);       // bytes per element
const char* dtypeName(DType dtype);  // the safetensors spelling: "F32", "BF16", "F8_E4M3", ...
bool parseDType(const std::string& name, DType& out);
bool isFloatingDType(DType dtype);  // F32, F16, BF16, F64, F8_*

struct TensorView {
    std::string name;
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    const std::byte* data = nullptr;  // into the read-only mapping; not aligned in general
    uint64_t nbytes = 0;
    std::string file;  // path of the file holding it, for messages

    uint64_t numel() const;  // product of shape (validated not to overflow)
};

// "[151936, 2048]".
std::string shapeString(const std::vector<int64_t>& shape);

struct SafetensorsHeader {
    std::vector<TensorView> tensors;  // header order; data points into the parsed bytes
    std::map<std::string, std::string> metadata;
    uint64_t dataOffset = 0;  // 8 + header length
};

// Validates an in-memory safetensors image (8-byte header length + JSON header + data) and
// returns views into `bytes`. `label` names the file in messages. Used by SafetensorsFile and
// directly by tests and the fuzzer.
Expected<SafetensorsHeader> parseSafetensors(const std::byte* bytes, uint64_t size,
                                             const std::string& label);

// One memory-mapped file (PROT_READ, MAP_PRIVATE), validated on open. Move-only; unmaps on
// destruction. The views stay valid while the object lives (moving it keeps them valid).
// Only the header pages are touched on open; no madvise is applied, so the kernel's default
// read-ahead serves the loader, which may advise per tensor. As with any mapping, a file that
// another process truncates after it was opened raises SIGBUS when the lost pages are read.
class SafetensorsFile {
public:
    static Expected<SafetensorsFile> open(const std::string& path);

    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;
    ~SafetensorsFile();

    const std::string& path() const { return path_; }
    const std::vector<TensorView>& tensors() const { return tensors_; }
    const std::map<std::string, std::string>& metadata() const { return metadata_; }
    uint64_t fileSize() const { return size_; }

private:
    SafetensorsFile() = default;
    void unmap();

    std::string path_;
    void* map_ = nullptr;
    uint64_t size_ = 0;
    std::vector<TensorView> tensors_;
    std::map<std::string, std::string> metadata_;
};

// A model's weights: `model.safetensors`, or the shards that `model.safetensors.index.json`
// names in its weight_map. Move-only; unmaps everything on destruction.
//
// Shard rules: every weight_map file must be a relative path inside the folder (no absolute
// path, no ".." component; symbolic links, as in the Hugging Face cache, are followed), every
// tensor listed must be in the shard it is listed for, and no tensor may be in two shards.
// Tensors a shard holds beyond its weight_map entries are kept (transformers loads them too).
class WeightStore {
public:
    static Expected<WeightStore> openFolder(const std::string& dir);
    static Expected<WeightStore> openFile(const std::string& path);

    WeightStore(WeightStore&&) noexcept;
    WeightStore& operator=(WeightStore&&) noexcept;
    WeightStore(const WeightStore&) = delete;
    WeightStore& operator=(const WeightStore&) = delete;
    ~WeightStore();

    const TensorView* find(const std::string& name) const;  // nullptr when absent
    std::vector<std::string> names() const;                 // sorted
    size_t size() const { return index_.size(); }
    uint64_t totalBytes() const;  // sum of the tensors' data bytes
    const std::vector<SafetensorsFile>& files() const { return files_; }

private:
    WeightStore() = default;

    std::vector<SafetensorsFile> files_;
    std::map<std::string, const TensorView*> index_;  // into files_[i].tensors(), stable on move
};

}  // namespace vistag::inference

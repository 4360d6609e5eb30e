// WeightStore: model.safetensors, or the shards named by model.safetensors.index.json.
#include <filesystem>
#include <set>
#include <system_error>
#include <utility>

#include "json_util.h"
#include "vistag/inference/safetensors.h"

namespace vistag::inference {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr const char* kSingleFile = "model.safetensors";
constexpr const char* kIndexFile = "model.safetensors.index.json";
constexpr uint64_t kMaxIndexBytes = 100ull * 1000 * 1000;

Status weightsError(const std::string& message) {
    return Status(ErrorCode::Weights, message);
}

// A weight_map file name must stay inside the model folder (lexically: symbolic links, as the
// Hugging Face cache uses for every file, are fine).
bool isSafeRelativePath(const std::string& name) {
    if (name.empty() || name.find('\0') != std::string::npos ||
        name.find('\\') != std::string::npos) {
        return false;
    }
    const fs::path p(name);
    if (p.is_absolute() || p.has_root_name() || p.has_root_directory()) {
        return false;
    }
    for (const auto& part : p) {
        if (part == ".." || part == ".") {
            return false;
        }
    }
    return true;
}

// Shard files found in the folder without an index: a clear hint instead of "missing file".
bool hasShardLikeFiles(const fs::path& dir) {
    std::error_code ec;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string n = it->path().filename().string();
        if (n.size() > 12 && n.ends_with(".safetensors")) {
            return true;
        }
    }
    return false;
}

}  // namespace

WeightStore::WeightStore(WeightStore&&) noexcept = default;
WeightStore& WeightStore::operator=(WeightStore&&) noexcept = default;
WeightStore::~WeightStore() = default;

Expected<WeightStore> WeightStore::openFile(const std::string& path) {
    auto file = SafetensorsFile::open(path);
    if (!file) {
        return file.error();
    }
    WeightStore store;
    try {
        store.files_.push_back(std::move(*file));
        for (const TensorView& t : store.files_.back().tensors()) {
            store.index_.emplace(t.name, &t);
        }
    } catch (const std::bad_alloc&) {
        return weightsError(path + ": out of memory while indexing the tensors");
    }
    return store;
}

Expected<WeightStore> WeightStore::openFolder(const std::string& dir) {
    std::error_code ec;
    const fs::path root(dir);
    if (!fs::is_directory(root, ec)) {
        return Status(ErrorCode::ModelFolder, dir + ": not a folder");
    }
    const fs::path indexPath = root / kIndexFile;
    if (!fs::exists(indexPath, ec)) {
        const fs::path single = root / kSingleFile;
        if (fs::exists(single, ec)) {
            return openFile(single.string());
        }
        return weightsError(dir + ": no " + kSingleFile + " and no " + kIndexFile +
                            (hasShardLikeFiles(root)
                                 ? " (there are .safetensors files, but without the index that "
                                   "lists which tensor is in which shard)"
                                 : ""));
    }

    detail::JsonParseOptions options;
    options.rejectDuplicateKeys = true;
    options.maxDepth = 8;
    options.duplicateTopLevelNoun = "key";
    auto index = detail::readJsonFile(indexPath, ErrorCode::Weights, kMaxIndexBytes, options);
    if (!index) {
        return index.error();
    }
    const std::string label = indexPath.string();
    const json& root_ = *index;
    const auto wm = root_.is_object() ? root_.find("weight_map") : root_.end();
    if (!root_.is_object() || wm == root_.end() || !wm->is_object()) {
        return weightsError(label + ": no \"weight_map\" object (tensor name → shard file)");
    }

    WeightStore store;
    try {
        // Shard file name → its position in files_, opened in first-mention order.
        std::map<std::string, size_t> shardIndex;
        std::vector<std::pair<std::string, std::string>> listed;  // tensor, shard
        for (const auto& [tensor, shard] : wm->items()) {
            if (!shard.is_string()) {
                return weightsError(label + ": weight_map entry for tensor '" + tensor +
                                    "' is not a file name");
            }
            const auto& file = shard.get_ref<const std::string&>();
            if (!isSafeRelativePath(file)) {
                return weightsError(label + ": weight_map puts tensor '" + tensor + "' in file '" +
                                    file +
                                    "', which is not a plain file inside the model folder "
                                    "(absolute paths and '..' are not allowed)");
            }
            listed.emplace_back(tensor, file);
            if (shardIndex.count(file)) {
                continue;
            }
            const fs::path shardPath = root / file;
            if (!fs::is_regular_file(shardPath, ec)) {
                return weightsError(label + ": weight_map puts tensor '" + tensor + "' in shard '" +
                                    file + "', which does not exist");
            }
            auto opened = SafetensorsFile::open(shardPath.string());
            if (!opened) {
                return opened.error();
            }
            shardIndex.emplace(file, store.files_.size());
            store.files_.push_back(std::move(*opened));
        }
        if (store.files_.empty()) {
            return weightsError(label + ": weight_map is empty");
        }
        // Index every tensor of every shard; one name in two shards is ambiguous.
        for (const SafetensorsFile& f : store.files_) {
            for (const TensorView& t : f.tensors()) {
                auto [it, inserted] = store.index_.emplace(t.name, &t);
                if (!inserted) {
                    return weightsError(dir + ": tensor '" + t.name + "' is in two shards, " +
                                        it->second->file + " and " + t.file);
                }
            }
        }
        for (const auto& [tensor, file] : listed) {
            const auto it = store.index_.find(tensor);
            const std::string shardPath = (root / file).string();
            if (it == store.index_.end() || it->second->file != shardPath) {
                return weightsError(
                    label + ": tensor '" + tensor + "' is listed in shard '" + file + "' but " +
                    (it == store.index_.end() ? std::string("no shard holds it")
                                              : "it is in " + it->second->file + " instead"));
            }
        }
    } catch (const std::bad_alloc&) {
        return weightsError(dir + ": out of memory while indexing the shards");
    }
    return store;
}

const TensorView* WeightStore::find(const std::string& name) const {
    const auto it = index_.find(name);
    return it == index_.end() ? nullptr : it->second;
}

std::vector<std::string> WeightStore::names() const {
    std::vector<std::string> out;
    out.reserve(index_.size());
    for (const auto& [name, _] : index_) {
        out.push_back(name);
    }
    return out;
}

uint64_t WeightStore::totalBytes() const {
    uint64_t total = 0;
    for (const auto& [_, view] : index_) {
        total += view->nbytes;
    }
    return total;
}

}  // namespace vistag::inference

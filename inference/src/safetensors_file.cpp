// SafetensorsFile: one read-only memory mapping, validated by parseSafetensors on open.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "vistag/inference/safetensors.h"

namespace vistag::inference {
namespace {

Status sysError(const std::string& path, const std::string& what, int err) {
    return Status(ErrorCode::Weights, path + ": " + what + " (" + std::strerror(err) + ")");
}

class Fd {
public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }
    Fd(const Fd&) = delete;
    Fd& operator=(const Fd&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

}  // namespace

Expected<SafetensorsFile> SafetensorsFile::open(const std::string& path) {
    // O_NONBLOCK: a FIFO planted in a model folder must not hang the open; it is refused below.
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK));
    if (fd.get() < 0) {
        return sysError(path, "cannot open the file", errno);
    }
    struct stat st {};
    if (::fstat(fd.get(), &st) != 0) {
        return sysError(path, "cannot read the file's size", errno);
    }
    if (!S_ISREG(st.st_mode)) {
        return Status(ErrorCode::Weights, path + ": not a regular file");
    }
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size < 8) {
        return Status(ErrorCode::Weights, path + ": file is " + std::to_string(size) +
                                              " bytes, too short for a safetensors file "
                                              "(at least 8)");
    }
    void* map = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd.get(), 0);
    if (map == MAP_FAILED) {
        return sysError(path, "cannot memory-map the file", errno);
    }
    SafetensorsFile file;
    file.path_ = path;
    file.map_ = map;
    file.size_ = size;
    auto header = parseSafetensors(static_cast<const std::byte*>(map), size, path);
    if (!header) {
        return header.error();  // `file` unmaps
    }
    file.tensors_ = std::move(header->tensors);
    file.metadata_ = std::move(header->metadata);
    return file;
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&& other) noexcept
    : path_(std::move(other.path_)),
      map_(std::exchange(other.map_, nullptr)),
      size_(std::exchange(other.size_, 0)),
      tensors_(std::move(other.tensors_)),
      metadata_(std::move(other.metadata_)) {}

SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&& other) noexcept {
    if (this != &other) {
        unmap();
        path_ = std::move(other.path_);
        map_ = std::exchange(other.map_, nullptr);
        size_ = std::exchange(other.size_, 0);
        tensors_ = std::move(other.tensors_);
        metadata_ = std::move(other.metadata_);
    }
    return *this;
}

SafetensorsFile::~SafetensorsFile() {
    unmap();
}

void SafetensorsFile::unmap() {
    if (map_ != nullptr) {
        ::munmap(map_, size_);
        map_ = nullptr;
    }
    tensors_.clear();
}

}  // namespace vistag::inference

// A main() for the fuzz targets built without libFuzzer (GCC has none): feeds every file of the
// folders (and files) named on the command line to LLVMFuzzerTestOneInput once, in name order,
// so that ctest replays each corpus (fuzz_replay_*). A crash or __builtin_trap fails the test;
// the file being fed is printed first, so its name is in the log. Prints the count and the time.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    std::vector<fs::path> files;
    for (int i = 1; i < argc; ++i) {
        const fs::path p(argv[i]);
        if (fs::is_directory(p)) {
            for (const auto& e : fs::directory_iterator(p))
                if (e.is_regular_file())
                    files.push_back(e.path());
        } else if (fs::is_regular_file(p)) {
            files.push_back(p);
        } else {
            std::fprintf(stderr, "%s: no such file or folder\n", argv[i]);
            return 2;
        }
    }
    if (files.empty()) {
        std::fprintf(stderr, "no corpus files given\n");
        return 2;
    }
    std::sort(files.begin(), files.end());
    const auto start = std::chrono::steady_clock::now();
    size_t bytes = 0;
    for (const auto& f : files) {
        std::printf("%s\n", f.filename().string().c_str());
        std::fflush(stdout);
        std::ifstream in(f, std::ios::binary);
        const std::string data((std::istreambuf_iterator<char>(in)),
                               std::istreambuf_iterator<char>());
        // An exact-size heap copy, as libFuzzer gives, so that a read past the end is caught
        // under a sanitizer.
        std::vector<uint8_t> copy(data.begin(), data.end());
        LLVMFuzzerTestOneInput(copy.empty() ? nullptr : copy.data(), copy.size());
        bytes += copy.size();
    }
    const double ms =
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::printf("replayed %zu inputs (%zu bytes) in %.1f ms\n", files.size(), bytes, ms);
    return 0;
}

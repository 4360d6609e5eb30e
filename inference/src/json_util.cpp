#include "json_util.h"

#include <fstream>
#include <system_error>
#include <unordered_set>
#include <vector>

namespace vistag::inference::detail {
namespace {

using json = nlohmann::json;

struct ParseAbort {
    std::string message;
};

// "[json.exception.parse_error.101] parse error at line 1 ..." → "parse error at line 1 ...".
std::string plainParseMessage(const char* what) {
    std::string s = what;
    if (!s.empty() && s.front() == '[') {
        const auto close = s.find("] ");
        if (close != std::string::npos) {
            s.erase(0, close + 2);
        }
    }
    return s;
}

}  // namespace

Expected<json> parseJson(std::string_view text, const std::string& label, ErrorCode code,
                         const JsonParseOptions& options) {
    std::vector<std::unordered_set<std::string>> keyStack;
    auto callback = [&](int depth, json::parse_event_t event, json& parsed) -> bool {
        switch (event) {
            case json::parse_event_t::object_start:
            case json::parse_event_t::array_start:
                if (depth >= options.maxDepth) {
                    throw ParseAbort{"JSON nested deeper than " + std::to_string(options.maxDepth) +
                                     " levels"};
                }
                if (event == json::parse_event_t::object_start && options.rejectDuplicateKeys) {
                    keyStack.emplace_back();
                }
                break;
            case json::parse_event_t::object_end:
                if (options.rejectDuplicateKeys && !keyStack.empty()) {
                    keyStack.pop_back();
                }
                break;
            case json::parse_event_t::key:
                if (options.rejectDuplicateKeys && !keyStack.empty() && parsed.is_string()) {
                    const auto& key = parsed.get_ref<const std::string&>();
                    if (!keyStack.back().insert(key).second) {
                        throw ParseAbort{keyStack.size() == 1
                                             ? options.duplicateTopLevelNoun + " '" + key +
                                                   "' appears twice"
                                             : "the key '" + key + "' appears twice in one object"};
                    }
                }
                break;
            default:
                break;
        }
        return true;
    };
    try {
        return json::parse(text.begin(), text.end(), callback, /*allow_exceptions=*/true,
                           /*ignore_comments=*/false);
    } catch (const ParseAbort& e) {
        return Status(code, label + ": " + e.message);
    } catch (const json::exception& e) {
        return Status(code, label + ": not valid JSON (" + plainParseMessage(e.what()) + ")");
    } catch (const std::bad_alloc&) {
        return Status(code, label + ": out of memory while reading the JSON");
    }
}

Expected<json> readJsonFile(const std::filesystem::path& path, ErrorCode code, uint64_t maxBytes,
                            const JsonParseOptions& options) {
    const std::string label = path.string();
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec)) {
        return Status(code, label + ": file not found (or not a regular file)");
    }
    const auto size = std::filesystem::file_size(path, ec);
    if (ec) {
        return Status(code, label + ": cannot read the file size (" + ec.message() + ")");
    }
    if (size > maxBytes) {
        return Status(code, label + ": file is " + std::to_string(size) + " bytes, more than the " +
                                std::to_string(maxBytes) + " bytes allowed for it");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return Status(code, label + ": cannot open the file");
    }
    std::string text(static_cast<size_t>(size), '\0');
    in.read(text.data(), static_cast<std::streamsize>(size));
    if (static_cast<uint64_t>(in.gcount()) != size) {
        return Status(code, label + ": could not read the whole file");
    }
    return parseJson(text, label, code, options);
}

std::string describeJson(const json& value, size_t maxChars) {
    std::string s;
    try {
        s = value.dump(-1, ' ', false, json::error_handler_t::replace);
    } catch (...) {
        return "(unprintable value)";
    }
    if (s.size() > maxChars) {
        // Cut on a UTF-8 boundary.
        size_t cut = maxChars;
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
            --cut;
        }
        s.resize(cut);
        s += "…";
    }
    return s;
}

}  // namespace vistag::inference::detail

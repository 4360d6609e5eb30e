// Errors are values at the engine's boundary: nothing a user's file can do makes it throw out of
// the public API, abort or exit.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace vistag::inference {

enum class ErrorCode : int {
    Ok = 0,
    Usage = 2,        // bad arguments
    ModelFolder = 3,  // missing or malformed config / tokenizer / template files
    Weights = 4,      // safetensors problems: truncated, hostile header, wrong tensors
    Image = 5,        // unreadable, unsupported or oversized image
    Prompt = 6,       // prompt too long, invalid UTF-8
    Device = 7,       // CUDA unavailable when asked for, out of memory
    Cancelled = 8,
    Internal = 9,
};

class Status {
public:
    Status() = default;
    Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}
    static Status ok() { return {}; }

    bool isOk() const { return code_ == ErrorCode::Ok; }
    explicit operator bool() const { return isOk(); }
    ErrorCode code() const { return code_; }
    const std::string& message() const { return message_; }
    // The process exit code a command-line tool uses for this error.
    int exitCode() const { return static_cast<int>(code_); }

private:
    ErrorCode code_ = ErrorCode::Ok;
    std::string message_;
};

// A value or an error.
template <typename T>
class Expected {
public:
    Expected(T value) : v_(std::move(value)) {}
    Expected(Status error) : v_(std::move(error)) {}

    bool hasValue() const { return v_.index() == 0; }
    explicit operator bool() const { return hasValue(); }
    T& value() { return std::get<0>(v_); }
    const T& value() const { return std::get<0>(v_); }
    T& operator*() { return value(); }
    const T& operator*() const { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }
    const Status& error() const { return std::get<1>(v_); }

private:
    std::variant<T, Status> v_;
};

const char* errorCodeName(ErrorCode code);

}  // namespace vistag::inference

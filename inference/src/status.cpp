#include "vistag/inference/status.h"

namespace vistag::inference {

const char* errorCodeName(ErrorCode code) {
    switch (code) {
        case ErrorCode::Ok:
            return "ok";
        case ErrorCode::Usage:
            return "usage";
        case ErrorCode::ModelFolder:
            return "model folder";
        case ErrorCode::Weights:
            return "weights";
        case ErrorCode::Image:
            return "image";
        case ErrorCode::Prompt:
            return "prompt";
        case ErrorCode::Device:
            return "device";
        case ErrorCode::Cancelled:
            return "cancelled";
        case ErrorCode::Internal:
            return "internal";
    }
    return "unknown";
}

}  // namespace vistag::inference

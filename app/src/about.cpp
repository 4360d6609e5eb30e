#include "about.h"

#include <spdlog/version.h>
#include <opencv2/core/version.hpp>

#include "vistag/inference/build_info.h"
#include "vistag_version.h"

namespace vistag {

bool hasLocalEngine() {
#ifdef VISTAG_NO_TORCH
    return false;
#else
    return true;
#endif
}

QString serversOnlyNote() {
    if (hasLocalEngine())
        return {};
    return QStringLiteral(
        "This build of Vistag has no local engine (built without libtorch): it talks to "
        "OpenAI-compatible servers only (--server URL). Install the full 'vistag' package to "
        "run a model folder on this computer.");
}

ComponentVersions componentVersions() {
    const auto engine = inference::buildInfo();
    ComponentVersions v;
    v.vistag = QStringLiteral(VISTAG_VERSION);
    v.localEngine = engine.localEngine;
    v.libtorch = QString::fromStdString(engine.torchVersion);
    v.cudaCompiled = engine.cudaCompiled;
    v.cudaVersion = QString::fromStdString(engine.cudaVersion);
    v.gpuAvailable = engine.cudaAvailable;
    v.gpuName = QString::fromStdString(engine.gpuName);
    v.cpuThreads = engine.cpuThreads;
    v.qt = QString::fromLatin1(qVersion());
    v.opencv = QStringLiteral(CV_VERSION);
    v.spdlog = QStringLiteral("%1.%2.%3")
                   .arg(SPDLOG_VER_MAJOR)
                   .arg(SPDLOG_VER_MINOR)
                   .arg(SPDLOG_VER_PATCH);
    return v;
}

QStringList describeVersions(const ComponentVersions& v) {
    QStringList lines;
    lines << QStringLiteral("Vistag %1").arg(v.vistag);
    if (!v.localEngine) {
        lines << QStringLiteral(
            "local engine: none (built without libtorch; this build talks "
            "to servers only)");
        lines << QStringLiteral("Qt: %1").arg(v.qt);
        lines << QStringLiteral("OpenCV: %1").arg(v.opencv);
        lines << QStringLiteral("spdlog: %1").arg(v.spdlog);
        return lines;
    }
    lines << QStringLiteral("libtorch: %1").arg(v.libtorch);
    lines << QStringLiteral("CUDA compiled in: %1")
                 .arg(v.cudaCompiled ? QStringLiteral("yes (CUDA %1)").arg(v.cudaVersion)
                                     : QStringLiteral("no"));
    lines << QStringLiteral("GPU available: %1")
                 .arg(v.gpuAvailable ? QStringLiteral("yes (%1)").arg(v.gpuName)
                                     : QStringLiteral("no (the local engine runs on the CPU)"));
    lines << QStringLiteral("CPU threads: %1").arg(v.cpuThreads);
    lines << QStringLiteral("Qt: %1").arg(v.qt);
    lines << QStringLiteral("OpenCV: %1").arg(v.opencv);
    lines << QStringLiteral("spdlog: %1").arg(v.spdlog);
    return lines;
}

}  // namespace vistag

// Versions of Vistag and of everything it is built on, for `vistag-cli --version` and About.
#pragma once

#include <QString>
#include <QStringList>

namespace vistag {

struct ComponentVersions {
    QString vistag;
    bool localEngine = true;
    QString libtorch;
    bool cudaCompiled = false;
    QString cudaVersion;
    bool gpuAvailable = false;
    QString gpuName;
    int cpuThreads = 0;
    QString qt;
    QString opencv;
    QString spdlog;
};

// False in a build without libtorch (VISTAG_WITH_TORCH=OFF): it talks to servers only.
bool hasLocalEngine();
// One sentence for --help and the window of such a build (empty in a build with the engine).
QString serversOnlyNote();

ComponentVersions componentVersions();
// One "name: value" line per component, in English (also used in logs).
QStringList describeVersions(const ComponentVersions& v);

}  // namespace vistag

// Versions of Vistag and of everything it is built on, for `vistag-cli --version` and About.
#pragma once

#include <QString>
#include <QStringList>

namespace vistag {

struct ComponentVersions {
    QString vistag;
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

ComponentVersions componentVersions();
// One "name: value" line per component, in English (also used in logs).
QStringList describeVersions(const ComponentVersions& v);

}  // namespace vistag

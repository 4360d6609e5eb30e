#!/usr/bin/env bash
# Builds the Qt-free engine tool (build-engine/bin/vistag-engine) on a machine that has PyTorch
# (with its libtorch and CMake files), nvcc, CMake and ninja but no Debian development packages
# and no registry: e.g. a lent GPU box. The few small libraries the engine needs come as Debian
# packages in DEBS_DIR (fetch them here with `apt-get download nlohmann-json3-dev libspdlog-dev
# libspdlog1.10 libfmt-dev libfmt9 libutf8proc-dev libutf8proc2 libpcre2-dev libpcre2-8-0`) and are
# unpacked into a private prefix, never into /.
#   scripts/gpu_build.sh DEBS_DIR          then: source build-engine/env.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
debs="${1:?usage: gpu_build.sh DEBS_DIR}"
prefix="${VISTAG_DEPS_PREFIX:-/tmp/vistag-deps}"
mkdir -p "$prefix"
for f in "$debs"/*.deb; do dpkg -x "$f" "$prefix"; done
torch_dir="$(python3 -c 'import torch, os; print(os.path.dirname(torch.__file__))')/share/cmake/Torch"
cd "$root"
cmake -S . -B build-engine -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DVISTAG_BUILD_APP=OFF -DVISTAG_BUILD_TESTS=OFF -DVISTAG_WITH_OPENCV=OFF \
  -DTorch_DIR="$torch_dir" -DCMAKE_PREFIX_PATH="$prefix/usr" >/dev/null
cmake --build build-engine --target vistag-engine -j "$(nproc)"
echo "export LD_LIBRARY_PATH=$prefix/usr/lib/x86_64-linux-gnu\${LD_LIBRARY_PATH:+:\$LD_LIBRARY_PATH}" \
  > build-engine/env.sh

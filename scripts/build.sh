#!/usr/bin/env bash
# Configures (once) and builds Vistag into build/ with the default preset.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# ccache shared between clones: paths relative to the checkout, PCH-friendly.
export CCACHE_BASEDIR="$root"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
# VISTAG_WERROR=ON (set by .ci/run) turns the project's warnings into errors.
werror="${VISTAG_WERROR:-}"
if [ ! -f build/CMakeCache.txt ]; then
  cmake --preset default ${werror:+-DVISTAG_WERROR=$werror} >/dev/null
elif [ -n "$werror" ]; then
  cmake build -DVISTAG_WERROR="$werror" >/dev/null
fi
jobs="${VISTAG_JOBS:-$(nproc)}"
cmake --build build -j "$jobs"

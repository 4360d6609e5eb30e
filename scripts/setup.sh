#!/usr/bin/env bash
# Installs everything Vistag needs on Debian 12, idempotently:
#   1. Debian packages (Qt 6, OpenCV, spdlog, JSON/Unicode libraries, exiv2, ccache, Xvfb,
#      PostgreSQL, ...)
#   2. a Python virtual environment OUTSIDE the checkout (default ~/.cache/vistag/venv, override
#      with VISTAG_VENV) holding the pinned torch wheel (whose libtorch the C++ build links) and
#      the reference packages the tests compare against.
# A second run with nothing to do takes a few seconds.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENV="${VISTAG_VENV:-$HOME/.cache/vistag/venv}"

log() { printf '[setup] %s\n' "$*" >&2; }

apt_packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-base-dev-tools qt6-httpserver-dev qt6-websockets-dev
  qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools qt6-image-formats-plugins
  qt6-translations-l10n
  libqt6sql6-sqlite libqt6sql6-psql libqt6svg6 libgl-dev
  # The quality view's charts (QtCharts needs Qt6OpenGL's CMake files to be found).
  qt6-charts-dev libqt6opengl6-dev
  libopencv-dev libspdlog-dev libfmt-dev nlohmann-json3-dev libutf8proc-dev libpcre2-dev
  libexiv2-dev exiv2 libgtest-dev libgmock-dev sqlite3
  xvfb xauth fonts-wqy-microhei python3 python3-venv python3-dev
  dpkg-dev patchelf help2man lintian desktop-file-utils appstream debootstrap zstd clang-format
  # The catalogue tests' throwaway server (scripts/pg_test_server.sh runs its own cluster on a
  # free port, so the package's default cluster 15/main on port 5432 may be up or down).
  postgresql
  # tests/parity/test_review.py renders the quality report (vistag-cli report) headless.
  chromium
)

missing=()
for p in "${apt_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  log "Debian packages: all present"
fi

req="$here/requirements-reference.txt"
stamp="$VENV/.vistag-requirements.sha256"
want="$(sha256sum "$req" | cut -d' ' -f1)"
if [ -x "$VENV/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  log "Python environment $VENV: up to date"
else
  PY="${VISTAG_PYTHON:-python3}"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating Python environment in $VENV"
    mkdir -p "$(dirname "$VENV")"
    "$PY" -m venv "$VENV"
  fi
  log "installing pinned Python packages (torch is large: this takes a while the first time)"
  "$VENV/bin/python" -m pip install -q --upgrade pip
  "$VENV/bin/python" -m pip install -q -r "$req"
  echo "$want" > "$stamp"
fi

#!/usr/bin/env bash
# Quick start, command 1: set up the machine, build, and start the Vistag window.
# Extra arguments go to vistag (e.g. folders of images to open).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
if [ -z "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && [ -z "${QT_QPA_PLATFORM:-}" ]; then
  echo "[start] no display found: starting on a virtual X server (xvfb-run)" >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" "$root/build/bin/vistag" "$@"
fi
exec "$root/build/bin/vistag" "$@"

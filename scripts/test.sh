#!/usr/bin/env bash
# Quick start, command 2: set up the machine, build, and run the whole test suite.
# Test artifacts (screenshots, reports) land in build/test-artifacts/.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh"
cd "$root"
ctest --preset default -j "${VISTAG_TEST_JOBS:-2}" "$@"

#!/usr/bin/env bash
# The install test: Vistag's Debian packages install, run and go away again on a clean Debian 12.
#   1. scripts/package.sh makes the packages (skip with VISTAG_INSTALL_TEST_PACKAGE=0)
#   2. lintian, desktop-file-validate and appstreamcli validate check them (lintian's accepted
#      warnings are the overrides in packaging/debian/*.lintian-overrides, each explained there)
#   3. debootstrap makes a clean Debian 12 (minbase) from the machine's apt mirror; two copies:
#      full:   apt install vistag (+ vistag-cuda-runtime); --version says no GPU; a local answer
#              from a tiny random model on the CPU; `vistag-cli serve` on loopback; the window
#              starts offscreen
#      client: apt install vistag-client; --version and --model say it talks to servers only;
#              the same question through the full package's server gives the same answer; the
#              window starts offscreen
#      then apt purge in both, and not one of the packages' files is left.
# Needs root (debootstrap, chroot, mount); exits 77 (skipped) without it. Prints how long each
# step takes. The downloaded .debs are kept in ~/.cache/vistag/install-test so reruns are faster.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
if [ "$(id -u)" -ne 0 ]; then
  echo "install test: SKIPPED (needs root for debootstrap and chroot)"
  exit 77
fi
for tool in debootstrap lintian desktop-file-validate appstreamcli dpkg-deb; do
  command -v "$tool" >/dev/null || { echo "install test: $tool is missing: run scripts/setup.sh" >&2; exit 1; }
done
pkgdir="${VISTAG_PACKAGE_DIR:-$root/build/packages}"
cache="${VISTAG_INSTALL_TEST_CACHE:-$HOME/.cache/vistag/install-test}"
venv="${VISTAG_VENV:-$HOME/.cache/vistag/venv}"
mirror="${VISTAG_DEBIAN_MIRROR:-$(sed -n 's/^URIs: *\(http[^ ]*debian\)$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)}"
mirror="${mirror:-http://deb.debian.org/debian}"
version="$(sed -n 's/^project(Vistag VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
mkdir -p "$cache/apt-archives" "$cache/debootstrap"

work="$(mktemp -d "${TMPDIR:-/tmp}/vistag-install-test.XXXXXX")"
server_pid=""
lintian_pid=""
cleanup() {
  set +e
  [ -n "$lintian_pid" ] && kill "$lintian_pid" 2>/dev/null
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  # Unmount everything below the work folder, deepest first.
  for m in $(awk -v w="$work" '$2 ~ "^"w {print $2}' /proc/mounts | sort -r); do
    umount "$m" 2>/dev/null || umount -l "$m"
  done
  if awk -v w="$work" '$2 ~ "^"w {f=1} END {exit !f}' /proc/mounts; then
    echo "install test: mounts left below $work, not removing it" >&2
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

t_all=$SECONDS
step_t=$SECONDS
step() { echo; echo "=== $* (at $((SECONDS - t_all)) s)"; step_t=$SECONDS; }
took() { echo "--- $* took $((SECONDS - step_t)) s"; }
fail() { echo "install test: FAILED: $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
if [ "${VISTAG_INSTALL_TEST_PACKAGE:-1}" != 0 ]; then
  step "packaging (scripts/package.sh)"
  bash scripts/package.sh all
  took "packaging"
fi
full_deb="$pkgdir/vistag_${version}_amd64.deb"
cuda_deb="$pkgdir/vistag-cuda-runtime_${version}_amd64.deb"
client_deb="$pkgdir/vistag-client_${version}_amd64.deb"
for d in "$full_deb" "$cuda_deb" "$client_deb"; do
  [ -f "$d" ] || fail "no $d"
  echo "$(basename "$d"): $(du -h "$d" | cut -f1), installed $(dpkg-deb -f "$d" Installed-Size) KiB"
done

step "lintian (in the background: ~4 min on 2.8 GB), desktop-file-validate, appstreamcli validate"
# Errors and warnings fail; the ones we accept are overridden, with the reason, in
# packaging/debian/*.lintian-overrides (installed with the packages).
lintian --fail-on error,warning --tag-display-limit 0 \
  "$client_deb" "$cuda_deb" "$full_deb" > "$work/lintian.log" 2>&1 &
lintian_pid=$!
for d in "$client_deb" "$full_deb"; do
  x="$work/x-$(basename "$d" .deb)"
  mkdir -p "$x" && dpkg-deb -x "$d" "$x"
  desktop-file-validate "$x/usr/share/applications/vistag.desktop" || fail "desktop-file-validate $d"
  appstreamcli validate --no-net "$x/usr/share/metainfo/io.vistag.Vistag.metainfo.xml" \
    || fail "appstreamcli validate $d"
  rm -rf "$x"
done
took "checks"

# ---------------------------------------------------------------------------------------------
step "debootstrap a clean Debian 12 from $mirror"
debootstrap --variant=minbase --cache-dir="$cache/debootstrap" bookworm "$work/base" "$mirror" \
  > "$work/debootstrap.log" 2>&1 || { tail -30 "$work/debootstrap.log"; fail "debootstrap"; }
took "debootstrap"

# A tiny random Qwen3-VL model and an image, made on this machine.
"$venv/bin/python" - "$work" <<'EOF'
import sys, pathlib
sys.path.insert(0, "tests/parity")
import vistag_fixtures
from conftest import write_png
work = pathlib.Path(sys.argv[1])
vistag_fixtures.build_model(str(work / "tiny"), seed=1)
write_png(work / "image.png")
EOF

# Root folders of the two chroots: prepared, package files bound in read-only.
prepare() {  # name
  local r="$work/$1"
  cp -a "$work/base" "$r"
  mkdir -p "$r/debs" "$r/data"
  mount -t proc proc "$r/proc"
  mount -t sysfs sys "$r/sys"
  mount --bind "$cache/apt-archives" "$r/var/cache/apt/archives"
  mount --bind "$pkgdir" "$r/debs" && mount -o remount,bind,ro "$r/debs"
  cp -r "$work/tiny" "$work/image.png" "$r/data/"
  # Like a workstation: a user's home and runtime folder; no display (offscreen).
  mkdir -p "$r/home/user" "$r/run/user" && chmod 700 "$r/run/user"
  chroot "$r" apt-get update -qq >/dev/null
}
in_root() {  # name command... (a login-like environment)
  local r="$work/$1"; shift
  chroot "$r" env -i PATH=/usr/bin:/bin:/usr/sbin:/sbin HOME=/home/user LANG=C.UTF-8 \
    XDG_RUNTIME_DIR=/run/user QT_QPA_PLATFORM=offscreen "$@"
}
apt_install() {  # name debs...
  local r="$1"; shift
  local t0=$SECONDS
  in_root "$r" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" \
    > "$work/apt-$r.log" 2>&1 || { tail -40 "$work/apt-$r.log"; fail "apt install in $r"; }
  echo "--- apt install $* in $r: $((SECONDS - t0)) s ($(grep -c '^Setting up' "$work/apt-$r.log") packages set up)"
}
# Starts the window offscreen; it must still be running after 15 s, and have logged its start.
window_starts() {  # name extra-args...
  local r="$1"; shift
  local rc=0
  in_root "$r" timeout 15 vistag "$@" > "$work/window-$r.log" 2>&1 || rc=$?
  [ "$rc" = 124 ] || { cat "$work/window-$r.log"; fail "the window in $r exited with $rc"; }
  grep -q "Vistag $version starting" "$work/$r/home/user/.local/share/Vistag/vistag/logs/vistag.log" \
    || fail "the window in $r logged no start"
  echo "the window ran offscreen for 15 s in $r"
}
# apt purge: afterwards no file the packages installed is left.
purge() {  # name packages...
  local r="$1"; shift
  local files="$work/files-$r"
  in_root "$r" dpkg -L "$@" | sort -u > "$files"
  local t0=$SECONDS
  in_root "$r" env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q "$@" > "$work/purge-$r.log" 2>&1 \
    || { cat "$work/purge-$r.log"; fail "apt purge in $r"; }
  local left=0 f
  while read -r f; do
    if [ -f "$work/$r$f" ] || [ -L "$work/$r$f" ]; then echo "left behind: $f"; left=1; fi
  done < "$files"
  if [ -d "$work/$r/usr/lib/vistag" ]; then echo "left behind: /usr/lib/vistag"; left=1; fi
  [ "$left" = 0 ] || fail "apt purge left files in $r"
  echo "--- apt purge $* in $r: $((SECONDS - t0)) s, nothing left"
}

# ---------------------------------------------------------------------------------------------
step "full package: install"
prepare full
apt_install full /debs/"$(basename "$full_deb")" /debs/"$(basename "$cuda_deb")"
took "full: install"

step "full package: run"
in_root full vistag-cli --version | tee "$work/version-full"
grep -q "^libtorch: " "$work/version-full" || fail "vistag-cli --version names no libtorch"
grep -q "GPU available: no (the local engine runs on the CPU)" "$work/version-full" \
  || fail "vistag-cli --version does not say it runs on the CPU"
in_root full vistag --version > /dev/null
in_root full vistag --help > "$work/help-full" 2>&1
grep -q "usage: vistag" "$work/help-full" || fail "vistag --help"
[ -f "$work/full/usr/share/man/man1/vistag-cli.1.gz" ] || fail "no man page"
ask=(ask --image /data/image.png --prompt "What colour is it?" --temperature 0 --max-new-tokens 16 --json)
in_root full vistag-cli "${ask[@]}" --model /data/tiny > "$work/local.json" 2> "$work/local.err" \
  || { cat "$work/local.err"; fail "local answer"; }
cat "$work/local.err"
grep -q '"device":"cpu"' "$work/local.json" || fail "the local answer does not say it ran on the CPU"
grep -q '"text"' "$work/local.json" || fail "no answer text: $(cat "$work/local.json")"
echo "local answer: $(tail -1 "$work/local.json" | cut -c1-160)"
# The server the client will talk to, on loopback (a chroot shares the network).
chroot "$work/full" env -i PATH=/usr/bin:/bin HOME=/home/user LANG=C.UTF-8 \
  vistag-cli serve --model /data/tiny --port 0 > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
for _ in $(seq 120); do grep -q "listening on" "$work/serve.out" && break; sleep 1; done
port="$(sed -n 's|.*127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/serve.out" | head -1)"
[ -n "$port" ] || { cat "$work/serve.err"; fail "vistag-cli serve did not start"; }
echo "vistag-cli serve listening on 127.0.0.1:$port"
window_starts full
took "full: run"

step "client package: install"
prepare client
apt_install client /debs/"$(basename "$client_deb")"
took "client: install"

step "client package: run"
in_root client vistag-cli --version | tee "$work/version-client"
grep -q "talks to servers only" "$work/version-client" || fail "the client's --version"
in_root client vistag-cli --help > "$work/help-client" 2>&1
grep -q "servers only" "$work/help-client" || fail "the client's --help: $(cat "$work/help-client")"
in_root client vistag --help > "$work/help-window" 2>&1
grep -q "servers only" "$work/help-window" || fail "the client's window --help"
rc=0
in_root client vistag-cli "${ask[@]}" --model /data/tiny > /dev/null 2> "$work/client-model.err" || rc=$?
head -1 "$work/client-model.err"
[ "$rc" = 2 ] && grep -q "servers only" "$work/client-model.err" \
  || fail "vistag-client given --model: exit $rc, $(cat "$work/client-model.err")"
in_root client vistag-cli "${ask[@]}" --server "http://127.0.0.1:$port/v1" > "$work/remote.json" \
  2> "$work/remote.err" || { cat "$work/remote.err"; fail "answer through the server"; }
echo "answer through the server: $(tail -1 "$work/remote.json" | cut -c1-160)"
"$venv/bin/python" - "$work/local.json" "$work/remote.json" <<'EOF' || fail "the client's answer differs"
import json, sys
local, remote = (json.loads(open(p).read().strip().splitlines()[-1]) for p in sys.argv[1:])
assert local["text"] == remote["text"], (local["text"], remote["text"])
EOF
window_starts client
took "client: run"

step "lintian's verdict"
rc=0; wait "$lintian_pid" || rc=$?
grep -v "running with root privileges" "$work/lintian.log" || true
[ "$rc" = 0 ] || fail "lintian (exit $rc)"
took "waiting for lintian"

step "remove the packages"
kill "$server_pid"; wait "$server_pid" || true; server_pid=""
purge client vistag-client
purge full vistag vistag-cuda-runtime
took "remove"

echo
echo "install test: PASSED in $((SECONDS - t_all)) s"

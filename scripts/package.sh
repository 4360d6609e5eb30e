#!/usr/bin/env bash
# Makes Vistag's Debian packages (Debian 12, amd64) in build/packages/ (or $VISTAG_PACKAGE_DIR):
#   vistag_<v>_amd64.deb               the application with the local engine; libtorch (from the
#                                      pinned torch wheel) privately in /usr/lib/vistag/torch/lib
#   vistag-cuda-runtime_<v>_amd64.deb  the CUDA runtime libraries that libtorch needs (from the
#                                      wheel's nvidia-* packages), in /usr/lib/vistag/nvidia
#   vistag-client_<v>_amd64.deb        the build without libtorch (VISTAG_WITH_TORCH=OFF): talks
#                                      to OpenAI-compatible servers only
# usage: scripts/package.sh [full|client|all]     (default: all; full = vistag + cuda runtime)
# The full package is made from build/ (the default preset, as scripts/build.sh builds it), the
# client one from build-client/. Builds take the lock $VISTAG_BUILD_LOCK (/tmp/vistag-build.lock)
# so that two builds never run at once on a small machine: do not call this under that lock.
# Depends are computed with dpkg-shlibdeps; the man pages come from --help (help2man).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
what="${1:-all}"
case "$what" in full|client|all) ;; *) echo "usage: $0 [full|client|all]" >&2; exit 2 ;; esac
out="${VISTAG_PACKAGE_DIR:-$root/build/packages}"
lock="${VISTAG_BUILD_LOCK:-/tmp/vistag-build.lock}"
# gzip -1 for the two big packages (2.8 GB of libraries: fast on 2 cores, and a format that
# lintian and every dpkg accept; zstd packs faster still but lintian calls it malformed), xz for
# the small client. VISTAG_DEB_COMPRESSION=zstd:3 (or xz:6, gzip:9) overrides both.
compression_big="${VISTAG_DEB_COMPRESSION:-gzip:1}"
compression_small="${VISTAG_DEB_COMPRESSION:-xz:6}"
maintainer="${VISTAG_MAINTAINER:-Vistag developers <packages@vistag.invalid>}"
version="$(sed -n 's/^project(Vistag VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)"
[ -n "$version" ] || { echo "package.sh: no version in CMakeLists.txt" >&2; exit 1; }
arch=amd64
umask 022

log() { printf '[package] %s\n' "$*" >&2; }
for tool in dpkg-deb dpkg-shlibdeps patchelf help2man strip; do
  command -v "$tool" >/dev/null || { echo "package.sh: $tool is missing: run scripts/setup.sh" >&2; exit 1; }
done

export CCACHE_BASEDIR="$root"
export CCACHE_SLOPPINESS="pch_defines,time_macros,include_file_mtime,include_file_ctime"
export CCACHE_MAXSIZE="${CCACHE_MAXSIZE:-8G}"
jobs="${VISTAG_JOBS:-$(nproc)}"

work="$(mktemp -d "${TMPDIR:-/tmp}/vistag-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"

build_full() {
  log "building vistag and vistag-cli in build/ (with libtorch)"
  flock "$lock" bash -c '
    set -e
    [ -f build/CMakeCache.txt ] || cmake --preset default >/dev/null
    cmake --build build -j "$1" --target vistag vistag-cli' _ "$jobs"
}

build_client() {
  log "building vistag and vistag-cli in build-client/ (VISTAG_WITH_TORCH=OFF)"
  flock "$lock" bash -c '
    set -e
    if [ ! -f build-client/CMakeCache.txt ]; then
      cmake -S . -B build-client -G Ninja -DCMAKE_BUILD_TYPE=Release -DVISTAG_WITH_TORCH=OFF \
        -DVISTAG_BUILD_TESTS=OFF -DCMAKE_INSTALL_PREFIX=/usr >/dev/null
    fi
    cmake --build build-client -j "$1" --target vistag vistag-cli' _ "$jobs"
}

# cmake --install into a staging root, binaries stripped.
stage_install() {  # build_dir stage
  DESTDIR="$2" cmake --install "$1" --prefix /usr >/dev/null
  for b in "$2"/usr/bin/*; do
    strip --strip-unneeded --remove-section=.comment --remove-section=.note "$b"
  done
}

# usr/share/doc/<pkg>: copyright, changelog; license texts of what is bundled, compressed.
doc_files() {  # stage package
  local d="$1/usr/share/doc/$2"
  mkdir -p "$d"
  {
    echo "$2 ($version) unstable; urgency=medium"
    echo
    echo "  * Vistag $version, built from git $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)."
    echo
    echo " -- $maintainer  $(date -R -d "@$(git -C "$root" log -1 --format=%ct 2>/dev/null || date +%s)")"
  } | gzip -9n > "$d/changelog.gz"
}

# Man pages from --help (the binaries of the build tree, which run on this machine).
man_pages() {  # stage build_dir
  local m="$1/usr/share/man/man1" inc="$work/vistag-cli.h2m" c
  mkdir -p "$m"
  # Each command's own --help, as a section of vistag-cli(1).
  {
    echo "[COMMANDS IN DETAIL]"
    for c in ask tag export download serve batch tokenize bench; do
      echo ".SS \"vistag-cli $c\""
      echo ".nf"
      QT_QPA_PLATFORM=offscreen "$2/bin/vistag-cli" "$c" --help 2>&1 \
        | sed -e 's/\\/\\e/g' -e "s/^\([.']\)/\\\\\&\1/"
      echo ".fi"
    done
  } > "$inc"
  QT_QPA_PLATFORM=offscreen help2man --no-info --no-discard-stderr --version-string="$version" \
    --include "$inc" \
    --name "review product images with Qwen3-VL (command line)" "$2/bin/vistag-cli" \
    | gzip -9n > "$m/vistag-cli.1.gz"
  QT_QPA_PLATFORM=offscreen help2man --no-info --version-string="$version" \
    --name "review product images and their attribute tags with Qwen3-VL" "$2/bin/vistag" \
    | gzip -9n > "$m/vistag.1.gz"
}

# Depends of the ELF files given, computed with dpkg-shlibdeps. Libraries in the -l folders are
# ours (bundled): they have no Debian dependency information and are left out.
shlib_depends() {  # "-lDIR ..." files...
  local libdirs="$1"; shift
  mkdir -p "$work/shlibs/debian"
  printf 'Source: vistag\n\nPackage: vistag\nArchitecture: %s\n' "$arch" > "$work/shlibs/debian/control"
  local args=()
  for f in "$@"; do args+=("-e$f"); done
  # shellcheck disable=SC2086
  (cd "$work/shlibs" && dpkg-shlibdeps -O --ignore-missing-info $libdirs "${args[@]}" 2>"$work/shlibs.log") \
    | sed -n 's/^shlibs:Depends=//p'
}

control() {  # stage package depends recommends extra-fields description-file
  local stage="$1" pkg="$2" dep="$3" rec="$4" extra="$5" desc="$6"
  mkdir -p "$stage/DEBIAN"
  {
    echo "Package: $pkg"
    echo "Version: $version"
    echo "Architecture: $arch"
    echo "Maintainer: $maintainer"
    echo "Installed-Size: $(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
    [ -n "$dep" ] && echo "Depends: $dep"
    [ -n "$rec" ] && echo "Recommends: $rec"
    [ -n "$extra" ] && printf '%s\n' "$extra"
    echo "Section: graphics"
    echo "Priority: optional"
    cat "$desc"
  } > "$stage/DEBIAN/control"
  (cd "$stage" && find usr -type f -print0 | sort -z | xargs -0 md5sum) > "$stage/DEBIAN/md5sums"
  chmod 644 "$stage/DEBIAN/control" "$stage/DEBIAN/md5sums"
}

lintian_overrides() {  # stage package
  local src="$root/packaging/debian/$2.lintian-overrides"
  if [ -f "$src" ]; then
    install -D -m644 "$src" "$1/usr/share/lintian/overrides/$2"
  fi
}

build_deb() {  # stage file compression
  local t0=$SECONDS c="$3"
  find "$1" -type d -exec chmod 755 {} +
  dpkg-deb --root-owner-group -Z"${c%%:*}" -z"${c##*:}" --threads-max="$jobs" \
    --build "$1" "$2" >/dev/null
  log "$(basename "$2"): $(du -h "$2" | cut -f1) (installed $(du -sh --exclude=DEBIAN "$1" | cut -f1)), packed in $((SECONDS - t0)) s"
}

# ---------------------------------------------------------------------------------------------
package_full() {
  build_full
  local torch_dir site torch_lib nv
  torch_dir="$(sed -n 's/^Torch_DIR:PATH=//p' build/CMakeCache.txt)"
  [ -n "$torch_dir" ] || { echo "package.sh: build/ has no Torch_DIR" >&2; exit 1; }
  torch_lib="$(cd "$torch_dir/../../../lib" && pwd)"   # site-packages/torch/lib
  site="$(cd "$torch_lib/../.." && pwd)"
  nv="$site/nvidia"
  local stage="$work/vistag" cuda="$work/vistag-cuda-runtime"
  stage_install build "$stage"

  # The libraries the executables need, followed through NEEDED, plus those libtorch and the
  # CUDA libraries open at run time (dlopen): torch's NVRTC stub, NVRTC's builtins and cuDNN's
  # sub-libraries. Libraries found in the system are Debian's (dpkg-shlibdeps below).
  local -A seen=()
  local queue=("$stage/usr/bin/vistag" "$stage/usr/bin/vistag-cli" "$torch_lib/libcaffe2_nvrtc.so")
  queue+=("$nv"/cu13/lib/libnvrtc-builtins.so.* "$nv"/cudnn/lib/libcudnn*.so.*)
  local private=()
  while ((${#queue[@]})); do
    local f="${queue[0]}"; queue=("${queue[@]:1}")
    [ -n "${seen[$f]:-}" ] && continue
    seen[$f]=1
    case "$f" in "$torch_lib"/*|"$nv"/*) private+=("$f") ;; esac
    local n
    for n in $(readelf -d "$f" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p'); do
      local hit=""
      for d in "$torch_lib" "$nv"/*/lib; do
        if [ -e "$d/$n" ]; then hit="$d/$n"; break; fi
      done
      [ -n "$hit" ] && queue+=("$hit")
    done
  done
  local torch_files=() cuda_files=() p
  for p in "${private[@]}"; do
    case "$p" in
      "$torch_lib"/*)
        install -D -m644 "$p" "$stage/usr/lib/vistag/torch/lib/$(basename "$p")"
        torch_files+=("$stage/usr/lib/vistag/torch/lib/$(basename "$p")") ;;
      "$nv"/*)
        local rel="${p#"$nv"/}"
        install -D -m644 "$p" "$cuda/usr/lib/vistag/nvidia/$rel"
        cuda_files+=("$cuda/usr/lib/vistag/nvidia/$rel") ;;
    esac
  done
  log "bundling ${#torch_files[@]} libtorch libraries and ${#cuda_files[@]} CUDA runtime libraries"
  # libtorch's own RUNPATH ($ORIGIN/../../nvidia/*/lib) finds the CUDA libraries in this layout;
  # the executables need torch/lib and the CUDA runtime (they link libcudart directly).
  local b
  for b in "$stage"/usr/bin/*; do
    patchelf --remove-rpath "$b"
    patchelf --set-rpath /usr/lib/vistag/torch/lib:/usr/lib/vistag/nvidia/cu13/lib "$b"
  done

  man_pages "$stage" build
  doc_files "$stage" vistag
  doc_files "$cuda" vistag-cuda-runtime
  # Licences of what is bundled: PyTorch (with its third-party notices), NVIDIA's libraries.
  {
    for l in "$site"/torch-*.dist-info/licenses/LICENSE $(cd "$site" && find torch-*.dist-info/licenses/third_party -type f | sort); do
      l="${l#"$site"/}"
      printf '==> %s <==\n' "$l"; cat "$site/$l"; echo
    done
  } | gzip -9n > "$stage/usr/share/doc/vistag/LICENSE.libtorch.gz"
  {
    local -A shown=()
    for l in $(cd "$site" && ls -d nvidia_*.dist-info | sort); do
      # The licence is in the dist-info's licenses/ or, for some wheels, in the package folder.
      local texts=("$site/$l"/licenses/*)
      [ -e "${texts[0]}" ] || texts=()
      if ((${#texts[@]} == 0)); then
        local rec; rec="$(grep -i -m1 -E '^nvidia/[^/]+/LICEN[CS]E[^,]*' "$site/$l/RECORD" | cut -d, -f1 || true)"
        [ -n "$rec" ] && texts=("$site/$rec")
      fi
      if ((${#texts[@]} == 0)); then
        printf '==> %s <==\n%s\n\n' "${l%.dist-info}" "$(grep -i '^License:' "$site/$l/METADATA")"
      fi
      for t in "${texts[@]}"; do
        local sum; sum="$(md5sum < "$t" | cut -d' ' -f1)"
        printf '==> %s <==\n' "${l%.dist-info}"
        if [ -n "${shown[$sum]:-}" ]; then echo "(the same text as ${shown[$sum]})"; echo
        else shown[$sum]="${l%.dist-info}"; cat "$t"; echo; fi
      done
    done
  } | gzip -9n > "$cuda/usr/share/doc/vistag-cuda-runtime/LICENSE.nvidia.gz"
  local torch_version; torch_version="$(basename "$site"/torch-*.dist-info .dist-info)"
  sed -e "s/@TORCH@/${torch_version#torch-}/" "$root/packaging/debian/vistag.copyright" \
    > "$stage/usr/share/doc/vistag/copyright"
  {
    cat "$root/packaging/debian/vistag-cuda-runtime.copyright"
    echo
    echo "Comment: the libraries come from these NVIDIA wheels:"
    (cd "$site" && ls -d nvidia_*.dist-info | sed 's/\.dist-info$//; s/^/ /')
  } > "$cuda/usr/share/doc/vistag-cuda-runtime/copyright"
  lintian_overrides "$stage" vistag
  lintian_overrides "$cuda" vistag-cuda-runtime

  local libdirs="-l$stage/usr/lib/vistag/torch/lib" d
  for d in "$cuda"/usr/lib/vistag/nvidia/*/lib; do libdirs+=" -l$d"; done
  # libcaffe2_nvrtc.so links the NVIDIA driver's libcuda.so.1, which is not a Debian package of
  # main: it is only opened when a GPU is used, so it is no dependency.
  local ours=()
  for f in "$stage"/usr/bin/* "${torch_files[@]}"; do
    case "$f" in */libcaffe2_nvrtc.so) ;; *) ours+=("$f") ;; esac
  done
  local dep_main dep_cuda
  dep_main="$(shlib_depends "$libdirs" "${ours[@]}")"
  dep_cuda="$(shlib_depends "$libdirs" "${cuda_files[@]}")"
  log "vistag Depends (dpkg-shlibdeps): $dep_main"
  log "vistag-cuda-runtime Depends (dpkg-shlibdeps): $dep_cuda"
  # Qt plugins are loaded at run time, so dpkg-shlibdeps cannot see them: the SQLite driver (the
  # catalogue) and the SVG icon engine (the window's icons).
  control "$stage" vistag \
    "$dep_main, vistag-cuda-runtime (= $version), libqt6sql6-sqlite, libqt6svg6" \
    "qt6-image-formats-plugins, qt6-translations-l10n, fonts-noto-cjk | fonts-wqy-microhei" \
    "Conflicts: vistag-client
Replaces: vistag-client" "$root/packaging/debian/vistag.description"
  control "$cuda" vistag-cuda-runtime "$dep_cuda" "" "" \
    "$root/packaging/debian/vistag-cuda-runtime.description"
  sed -i 's/^Section: graphics$/Section: libs/' "$cuda/DEBIAN/control"
  build_deb "$cuda" "$out/vistag-cuda-runtime_${version}_${arch}.deb" "$compression_big"
  build_deb "$stage" "$out/vistag_${version}_${arch}.deb" "$compression_big"
}

package_client() {
  build_client
  local stage="$work/vistag-client"
  stage_install build-client "$stage"
  if readelf -d "$stage"/usr/bin/* | grep -q -E 'R(UN)?PATH'; then
    for b in "$stage"/usr/bin/*; do patchelf --remove-rpath "$b"; done
  fi
  man_pages "$stage" build-client
  doc_files "$stage" vistag-client
  cp "$root/packaging/debian/vistag-client.copyright" "$stage/usr/share/doc/vistag-client/copyright"
  lintian_overrides "$stage" vistag-client
  local dep; dep="$(shlib_depends "" "$stage"/usr/bin/*)"
  log "vistag-client Depends (dpkg-shlibdeps): $dep"
  control "$stage" vistag-client "$dep, libqt6sql6-sqlite, libqt6svg6" \
    "qt6-image-formats-plugins, qt6-translations-l10n, fonts-noto-cjk | fonts-wqy-microhei" \
    "Conflicts: vistag
Replaces: vistag" "$root/packaging/debian/vistag-client.description"
  build_deb "$stage" "$out/vistag-client_${version}_${arch}.deb" "$compression_small"
}

t0=$SECONDS
case "$what" in
  full) package_full ;;
  client) package_client ;;
  all) package_client; package_full ;;
esac
log "done in $((SECONDS - t0)) s: $(cd "$out" && ls *.deb | tr '\n' ' ')"

#!/usr/bin/env bash
# Benchmark of category-aware taxonomies (issue 23): Shopify's taxonomy at full size.
#   scripts/bench_taxonomy.sh [BUILD_DIR] [WORK_DIR]
# Writes a synthetic Shopify dist/ (scripts/gen_shopify_taxonomy.py: 10,700 categories, 2,200
# attributes of which 400 extended, 24,000 values, en and zh-CN) and prints, as a Markdown table:
# the import time (`vistag-cli taxonomy import shopify`, wall clock, median of 3), the load and
# index time of the imported file, of the built-in apparel tree (version 2) and of the old
# version-1 apparel file (`vistag-cli taxonomy check`, which times Taxonomy::load in-process;
# median of 5). Run it on a quiet machine (the figures in BENCHMARKS.md were taken holding the
# build lock, so that no compiler ran beside it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
work=${2:-${TMPDIR:-/tmp}/vistag-bench-taxonomy}
cli=$build/bin/vistag-cli
mkdir -p "$work"
[ -f "$work/dist/zh-CN/categories.json" ] || python3 "$here/gen_shopify_taxonomy.py" "$work/dist" >/dev/null

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
best() { sort -n | head -1; }

imports=()
for _ in 1 2 3; do
    start=$(date +%s.%N)
    "$cli" taxonomy import shopify "$work/dist" --out "$work/shopify.json" >/dev/null
    end=$(date +%s.%N)
    imports+=("$(echo "$end - $start" | bc)")
done
import_s=$(printf "%s\n" "${imports[@]}" | median | xargs printf "%.2f")
import_best=$(printf "%s\n" "${imports[@]}" | best | xargs printf "%.2f")

load_ms() {  # FILE → "median (best)" of "loaded and indexed in X ms" over 5 runs
    local runs
    runs=$(for _ in 1 2 3 4 5; do
        "$cli" taxonomy check "$1" | sed -n 's/^loaded and indexed in \([0-9.]*\) ms$/\1/p'
    done)
    echo "$(echo "$runs" | median) ms (best $(echo "$runs" | best))"
}
full_ms=$(load_ms "$work/shopify.json")
apparel_ms=$(load_ms "$here/../resources/taxonomy/apparel.json")
v1_ms=$(load_ms "$here/../tests/data/taxonomy_v1_apparel.json")
size_mb=$(du -m "$work/shopify.json" | cut -f1)

echo "| what | size | time: median (best) |"
echo "| --- | --- | --- |"
echo "| import Shopify dist (en + zh-CN, 26 MB of JSON per locale) | 10,700 categories, 2,200 attributes, 24,000 values | ${import_s} s (best ${import_best}) |"
echo "| load + index the imported file (${size_mb} MB) | same | ${full_ms} |"
echo "| load + index built-in apparel (version 2) | 20 categories, 11 attributes, 112 values | ${apparel_ms} |"
echo "| load + index apparel (version 1, before issue 23) | 11 attributes, 123 values | ${v1_ms} |"
echo
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores"

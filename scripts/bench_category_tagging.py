"""Tagging cost against the size of the taxonomy (issue 23): the same model and images tagged with
the local engine against the version-1 apparel file (flat), the built-in apparel tree (category
first, 20 categories) and a Shopify-sized tree (10,700 categories, 2,200 attributes, 24,000
values: scripts/gen_shopify_taxonomy.py imported with `vistag-cli taxonomy import shopify`).
Prints per taxonomy the median model time per image (runs.latency_ms), the median answer length
(a random model picks values at random, so a taxonomy with more attributes per category, or more
values to a list, writes longer answers), the wall time of the whole command (model load,
taxonomy load and grammar compile included) and the ratio to the flat file.

    python scripts/bench_category_tagging.py MODEL_DIR [IMAGES...]

MODEL_DIR: a Qwen3-VL folder (e.g. the GUI tests' tiny random model,
build/test-work/tiny-model-ui). Without IMAGES, eight 256-368 x 256 PNGs are made.
"""
import pathlib
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

root = pathlib.Path(__file__).resolve().parent.parent
cli = root / "build" / "bin" / "vistag-cli"
model = sys.argv[1]
work = pathlib.Path(tempfile.mkdtemp(prefix="vistag-bench-cat-"))
images = sys.argv[2:]
if not images:
    from PIL import Image

    for i in range(8):
        path = work / f"p{i}.png"
        Image.new("RGB", (256 + 16 * i, 256), (37 * i % 256, 91 * i % 256, 53 * i % 256)).save(path)
        images.append(str(path))

dist = work / "dist"
subprocess.run([sys.executable, str(root / "scripts" / "gen_shopify_taxonomy.py"), str(dist)],
               check=True, capture_output=True)
shopify = work / "shopify.json"
subprocess.run([str(cli), "taxonomy", "import", "shopify", str(dist), "--out", str(shopify)],
               check=True, capture_output=True)

taxonomies = [("apparel, version 1 (flat)", ["--taxonomy", str(root / "tests" / "data" /
                                                                  "taxonomy_v1_apparel.json")]),
              ("apparel tree (20 categories)", []),
              ("Shopify-sized tree (10,700 categories)", ["--taxonomy", str(shopify)])]
print("| taxonomy | model time per image (median) | answer length (median) | whole command | "
      "ratio (per image) |")
print("|---|---|---|---|---|")
base = None
for name, args in taxonomies:
    db = work / f"{len(name)}.sqlite"
    t = time.monotonic()
    subprocess.run([str(cli), "tag", "--model", model, "--device", "cpu", "--threads", "2",
                    "--max-new-tokens", "96", "--language", "en", "--db", str(db), *args,
                    *images], check=True, capture_output=True)
    wall = time.monotonic() - t
    with sqlite3.connect(db) as c:
        per = statistics.median(r[0] for r in c.execute("SELECT latency_ms FROM runs"))
        chars = statistics.median(r[0] for r in c.execute("SELECT length(answer) FROM runs"))
    base = base or per
    print(f"| {name} | {per:.0f} ms | {chars:.0f} characters | {wall:.1f} s | {per / base:.2f}x |")

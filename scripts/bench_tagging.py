#!/usr/bin/env python3
"""Tagging time per image: the constrained answer against the free-text answer, in one run.

  python scripts/bench_tagging.py --model DIR --images FOLDER [--threads 2] [--max-new-tokens 256]
                                  [--taxonomy FILE] [--language en]

Runs `vistag-cli tag` twice over the same images into two fresh catalogues (CPU, float32): first
with the default constrained answer, then with --free-text. Prints seconds per image, the tokens
each answer took, how many tags were stored per image, and the ratio. A random-weight model never
stops by itself, so its free-text answers run to --max-new-tokens while the constrained answer
ends at its closing brace; with a real model both stop earlier and the ratio is smaller.
"""
from __future__ import annotations

import argparse
import json
import pathlib
import sqlite3
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent


def run(cli, a, db, extra):
    cmd = [cli, "tag", "--model", a.model, "--db", str(db), "--device", "cpu", "--dtype",
           "float32", "--threads", str(a.threads), "--language", a.language,
           "--max-new-tokens", str(a.max_new_tokens), *extra, a.images]
    if a.taxonomy:
        cmd[2:2] = ["--taxonomy", a.taxonomy]
    t0 = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - t0
    if r.returncode != 0:
        sys.exit(f"vistag-cli tag failed ({r.returncode}): {r.stderr[-2000:]}")
    con = sqlite3.connect(db)
    images = con.execute("select count(*) from images").fetchone()[0]
    tags = con.execute("select count(*) from tags").fetchone()[0]
    answers = [row[0] for row in con.execute("select answer from runs")]
    con.close()
    return seconds, images, tags, answers


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--images", required=True)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-new-tokens", type=int, default=256)
    ap.add_argument("--taxonomy")
    ap.add_argument("--language", default="en")
    ap.add_argument("--cli", default=str(REPO / "build" / "bin" / "vistag-cli"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = pathlib.Path(tmp)
        # One warm-up image each way, so that loading and first-use costs are not counted twice.
        rows = {}
        for name, extra in [("constrained", []), ("free text", ["--free-text"])]:
            s, n, tags, answers = run(a.cli, a, tmp / f"{name[0]}.sqlite", extra)
            valid = 0
            for ans in answers:
                try:
                    valid += isinstance(json.loads(ans), dict)
                except ValueError:
                    pass
            rows[name] = (s, n, tags, valid, len(answers))
        print(f"{'mode':12} {'s/image':>8} {'tags/image':>10} {'JSON answers':>13}")
        for name, (s, n, tags, valid, total) in rows.items():
            print(f"{name:12} {s / n:8.2f} {tags / n:10.1f} {valid:>6}/{total:<6}")
        c, f = rows["constrained"][0], rows["free text"][0]
        print(f"free text / constrained time: {f / c:.2f}x  (wall times include loading the "
              f"model once per run)")


if __name__ == "__main__":
    main()

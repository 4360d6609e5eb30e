#!/usr/bin/env python3
"""Times `vistag-cli import` of a Shopify product CSV with N products x 3 image URLs served by the
loopback image host of tests/parity/test_feeds.py (distinct small PNGs), then the rerun (which
must make no request), and prints wall time, images/s and peak RSS (/usr/bin/time).

    ~/.cache/vistag/venv/bin/python scripts/bench_feed_import.py [N=2000] [--concurrency 8] [--cli build/bin/vistag-cli]
"""
from __future__ import annotations

import argparse
import http.server
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "parity"))
import test_feeds as T  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int, nargs="?", default=2000)
    ap.add_argument("--concurrency", type=int, default=8)
    ap.add_argument("--cli", default=str(REPO / "build" / "bin" / "vistag-cli"))
    a = ap.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), T.Handler)
    srv.daemon_threads = True
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    d = pathlib.Path(tempfile.mkdtemp(prefix="vistag-feed-bench-"))

    def row(**kw):
        return [kw.get(c, "") for c in T.SHOPIFY_HEADER]
    rows = []
    for i in range(a.n):
        rows.append(row(Handle=f"p{i}", Title=f"Product {i}",
                        **{"Image Src": f"{base}/img/p{i}-1.png", "Image Position": "1",
                           "Variant SKU": f"S{i}", "Option1 Name": "Color",
                           "Option1 Value": "Red"}))
        for k in (2, 3):
            rows.append(row(Handle=f"p{i}", **{"Image Src": f"{base}/img/p{i}-{k}.png",
                                               "Image Position": str(k)}))
    T.write_shopify(d / "products.csv", rows)
    for run in ("import", "rerun"):
        before = T.HOST.total()
        t = time.time()
        r = subprocess.run(["/usr/bin/time", "-f", "peak_rss_kb=%M", a.cli, "import", "--db",
                            str(d / "c.sqlite"), str(d / "products.csv"), "--concurrency",
                            str(a.concurrency)], capture_output=True)
        dt = time.time() - t
        made = T.HOST.total() - before
        print(f"{run}: exit {r.returncode}, {dt:.1f} s, {made} requests, "
              f"{made / dt:.0f} images/s, {r.stderr.decode().strip().splitlines()[-1]}")
    srv.shutdown()


if __name__ == "__main__":
    main()

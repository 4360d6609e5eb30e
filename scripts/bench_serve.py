#!/usr/bin/env python3
"""Clients of `vistag-cli serve` one after another against all at once, in one run.

  python scripts/bench_serve.py --model DIR [--image PNG] [--clients 8] [--new-tokens 96]
                                [--threads 2] [--max-batch 8]

Starts the server on a free loopback port (CPU, float32), warms it up, then sends the same
--clients chat requests (the image plus a different question each, greedy, max_tokens =
--new-tokens) with the official `openai` package: first one at a time, then each from its own
thread at once. Prints both wall times, requests/s, and the ratio; checks that every answer is the
same both ways.
"""
from __future__ import annotations

import argparse
import base64
import json
import pathlib
import subprocess
import sys
import threading
import time

REPO = pathlib.Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", required=True)
    ap.add_argument("--image")
    ap.add_argument("--clients", type=int, default=8)
    ap.add_argument("--new-tokens", type=int, default=96)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--max-batch", type=int, default=0, help="default: --clients")
    ap.add_argument("--cli", default=str(REPO / "build" / "bin" / "vistag-cli"))
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    import openai

    batch = a.max_batch or a.clients
    proc = subprocess.Popen(
        [a.cli, "serve", "--model", a.model, "--port", "0", "--device", "cpu", "--dtype",
         "float32", "--threads", str(a.threads), "--max-batch", str(batch), "--max-queue",
         str(a.clients)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        line = proc.stdout.readline().decode()
        if "listening on" not in line:
            sys.exit(f"serve did not start: {line!r}")
        base = line.split("listening on ")[1].strip()
        client = openai.OpenAI(base_url=base, api_key="unused", max_retries=0, timeout=3600)
        image = None
        if a.image:
            image = "data:image/png;base64," + base64.b64encode(
                pathlib.Path(a.image).read_bytes()).decode()

        def ask(i):
            content = [{"type": "text", "text": f"Product {i}: describe category, style, "
                                                f"material and colour."}]
            if image:
                content.insert(0, {"type": "image_url", "image_url": {"url": image}})
            r = client.chat.completions.create(model="m", temperature=0,
                                               max_tokens=a.new_tokens,
                                               messages=[{"role": "user", "content": content}])
            return r.choices[0].message.content, r.usage.completion_tokens

        ask(0)
        t0 = time.perf_counter()
        alone = [ask(i) for i in range(a.clients)]
        sequential = time.perf_counter() - t0
        together = [None] * a.clients

        def run(i):
            together[i] = ask(i)

        threads = [threading.Thread(target=run, args=(i,)) for i in range(a.clients)]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        concurrent = time.perf_counter() - t0
    finally:
        proc.terminate()
        proc.wait(30)
    tokens = sum(n for _, n in alone)
    out = {"clients": a.clients, "max_batch": batch, "new_tokens": a.new_tokens,
           "threads": a.threads, "tokens": tokens, "same_answers": together == alone,
           "one_after_another_s": sequential, "all_at_once_s": concurrent,
           "ratio": sequential / concurrent}
    if a.json:
        print(json.dumps(out))
    else:
        print(f"{a.clients} clients, {a.new_tokens} new tokens each, {a.threads} threads")
        print(f"one after another  {sequential:8.2f} s  {a.clients / sequential:.3f} req/s  "
              f"{tokens / sequential:.1f} tok/s")
        print(f"all at once        {concurrent:8.2f} s  {a.clients / concurrent:.3f} req/s  "
              f"{tokens / concurrent:.1f} tok/s")
        print(f"ratio              {sequential / concurrent:.2f}x   same answers: "
              f"{together == alone}")
    sys.exit(0 if together == alone else 1)


if __name__ == "__main__":
    main()

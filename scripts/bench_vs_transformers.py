#!/usr/bin/env python3
"""Side-by-side speed of transformers' generate and `vistag-cli ask` on the same model folder,
image, prompt, thread count and number of greedy tokens. Prints both and the ratio.

  python scripts/bench_vs_transformers.py --size tiny|mid|2b   (builds a random model once)
  python scripts/bench_vs_transformers.py --model DIR [--image PNG] [--new-tokens 32]

End to end = preprocessing + vision + prefill + decode, model loading excluded on both sides.
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "parity"))

MID = dict(
    text=dict(hidden_size=512, intermediate_size=1536, num_hidden_layers=6, num_attention_heads=8,
              num_key_value_heads=4, head_dim=64, rms_norm_eps=1e-6, max_position_embeddings=8192,
              rope_parameters={"rope_type": "default", "rope_theta": 5000000.0,
                               "mrope_section": [12, 10, 10], "mrope_interleaved": True}),
    vision=dict(depth=6, hidden_size=256, intermediate_size=1024, num_heads=4, out_hidden_size=512,
                num_position_embeddings=2304, deepstack_visual_indexes=[1, 3, 5], patch_size=16,
                temporal_patch_size=2, spatial_merge_size=2, hidden_act="gelu_pytorch_tanh"),
    tie=True,
)


def build(size: str, dtype: str) -> pathlib.Path:
    import vistag_fixtures
    out = pathlib.Path(os.environ.get("VISTAG_BENCH_DIR", "/tmp/vistag-bench")) / f"{size}-{dtype}"
    if (out / "config.json").exists():
        return out
    from test_full_size import two_b_spec
    spec = {"tiny": vistag_fixtures.TINY, "mid": MID, "2b": None}[size] or two_b_spec()
    print(f"building a random {size} model in {out} ...", file=sys.stderr)
    import torch
    torch.set_default_dtype(getattr(torch, dtype))  # build big models without a float32 copy
    try:
        vistag_fixtures.build_model(out, spec=spec, seed=7, shard_size="2GB")
    finally:
        torch.set_default_dtype(torch.float32)
    return out


def hf_run(model, proc, image, prompt, n):
    from PIL import Image
    import torch
    messages = [{"role": "user", "content": ([{"type": "image"}] if image else []) +
                 [{"type": "text", "text": prompt}]}]
    t0 = time.perf_counter()
    text = proc.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    images = [Image.open(image).convert("RGB")] if image else None
    inputs = proc(text=[text], images=images, return_tensors="pt")
    with torch.no_grad():
        out = model.generate(**inputs, max_new_tokens=n, do_sample=False, temperature=None,
                             top_p=None, top_k=None)
    ms = (time.perf_counter() - t0) * 1000
    return ms, out[0, inputs["input_ids"].shape[1]:].tolist()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--model")
    ap.add_argument("--size", choices=["tiny", "mid", "2b"])
    ap.add_argument("--dtype", default="float32", choices=["float32", "bfloat16"])
    ap.add_argument("--image")
    ap.add_argument("--prompt", default="Describe this product: category, style, material.")
    ap.add_argument("--new-tokens", type=int, default=32)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--max-pixels", type=int, default=512 * 512)
    ap.add_argument("--cli", default=str(REPO / "build" / "bin" / "vistag-cli"))
    a = ap.parse_args()
    if not a.model and not a.size:
        ap.error("give --model DIR or --size")
    folder = pathlib.Path(a.model) if a.model else build(a.size, a.dtype)
    image = a.image
    if not image:
        from test_engine_parity import make_png
        image = str(make_png(pathlib.Path("/tmp/vistag-bench-512.png"), 512, 512, seed=11))

    import torch
    from transformers import AutoProcessor, Qwen3VLForConditionalGeneration
    torch.set_num_threads(a.threads)
    dtype = getattr(torch, a.dtype)
    t0 = time.perf_counter()
    model = Qwen3VLForConditionalGeneration.from_pretrained(folder, dtype=dtype).eval()
    hf_load = (time.perf_counter() - t0) * 1000
    proc = AutoProcessor.from_pretrained(folder)
    proc.image_processor.size = {"shortest_edge": min(65536, a.max_pixels),
                                 "longest_edge": a.max_pixels}
    hf_run(model, proc, image, a.prompt, 2)  # warm-up
    hf_times, hf_tokens = [], None
    for _ in range(a.runs):
        ms, hf_tokens = hf_run(model, proc, image, a.prompt, a.new_tokens)
        hf_times.append(ms)
    hf_1 = statistics.median(hf_run(model, proc, image, a.prompt, 1)[0] for _ in range(a.runs))
    del model

    cmd = [a.cli, "ask", "--model", str(folder), "--image", image, "--prompt", a.prompt,
           "--temperature", "0", "--max-new-tokens", str(a.new_tokens), "--json",
           "--threads", str(a.threads), "--dtype", a.dtype, "--device", "cpu",
           "--max-pixels", str(a.max_pixels)]
    subprocess.run(cmd, capture_output=True, check=True)  # warm the page cache
    runs = []
    for _ in range(a.runs):
        r = subprocess.run(cmd, capture_output=True, check=True)
        runs.append(json.loads(r.stdout.decode().strip().splitlines()[-1]))
    ours_total = statistics.median(r["timings"]["total_ms"] for r in runs)
    ours_ttft = statistics.median(r["timings"]["ttft_ms"] for r in runs)
    ours_tps = statistics.median(r["decode_tokens_per_s"] for r in runs)
    ours_load = statistics.median(r["timings"]["load_ms"] for r in runs)
    n = len(runs[0]["token_ids"])
    hf_total = statistics.median(hf_times)
    hf_tps = (len(hf_tokens) - 1) * 1000 / max(hf_total - hf_1, 1e-9) if len(hf_tokens) > 1 else 0
    same = runs[0]["token_ids"] == hf_tokens
    print(f"model {folder} ({a.dtype}, {a.threads} threads, {n} greedy tokens, image {image}, "
          f"max_pixels {a.max_pixels})")
    print(f"{'':14}{'transformers':>14}{'vistag':>12}{'ratio':>9}")
    print(f"{'load ms':14}{hf_load:14.1f}{ours_load:12.1f}{hf_load / ours_load:8.2f}x")
    print(f"{'ttft ms':14}{hf_1:14.1f}{ours_ttft:12.1f}{hf_1 / ours_ttft:8.2f}x")
    print(f"{'decode tok/s':14}{hf_tps:14.1f}{ours_tps:12.1f}{ours_tps / max(hf_tps, 1e-9):8.2f}x")
    print(f"{'total ms':14}{hf_total:14.1f}{ours_total:12.1f}{hf_total / ours_total:8.2f}x")
    print(f"same tokens: {same}")


if __name__ == "__main__":
    main()

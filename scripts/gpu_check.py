#!/usr/bin/env python3
"""On a CUDA machine: the engine against transformers on the same GPU, same weights, same inputs.

  python3 scripts/gpu_check.py --engine build-engine/bin/vistag-engine --out DIR
         [--stages tiny,2b,8b] [--new-tokens 128] [--runs 5]

Needs only PyTorch + transformers in Python and the Qt-free `vistag-engine` (scripts/gpu_build.sh
builds it). Stages:
  tiny  random tiny model: float32 on CUDA (TF32 off) against transformers float32 on CUDA — vision
        embeddings, deepstack features, logits at every prompt position, 40 greedy tokens; then
        bfloat16: Vistag's and transformers' bf16 logits, each against the float32 reference.
  2b/8b random weights of the real 2B / 8B shapes in bfloat16: prompt logits against a float32
        reference (2B only), then speed side by side: time to first token, decode tokens/s and
        end to end for one 512x512 image and N greedy tokens (median of --runs after a warm-up).
Tolerance for bf16: Vistag's error against the float32 reference must stay within twice
transformers' own bf16 error (both round the same products in a different order), and never NaN.
Prints a table last; writes gpu-report.json under --out.
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

import numpy as np  # noqa: E402
import torch  # noqa: E402

torch.backends.cuda.matmul.allow_tf32 = False
torch.backends.cudnn.allow_tf32 = False

DEV = "cuda"
REPORT: dict = {}
ROWS: list[str] = []


def sync():
    if DEV == "cuda":
        torch.cuda.synchronize()


def log(*a):
    print(*a, flush=True)


def make_image(path_raw: pathlib.Path, w: int, h: int, seed: int):
    from PIL import Image
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:h, 0:w]
    base = np.stack([(xx * 255 // max(w - 1, 1)), (yy * 255 // max(h - 1, 1)),
                     ((xx + yy) * 127 // max(w + h - 2, 1))], axis=-1)
    arr = ((base + rng.integers(0, 64, size=(h, w, 3))) % 256).astype(np.uint8)
    path_raw.write_bytes(arr.tobytes())
    return Image.fromarray(arr, "RGB"), f"{path_raw}:{w}x{h}"


def engine(args, *extra, timeout=900, decode=None):
    cmd = [args.engine, *map(str, extra)]
    env = dict(os.environ, VISTAG_DECODE=decode) if decode else None
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}): {r.stderr[-2000:]}")
    lines = [json.loads(x) for x in r.stdout.splitlines() if x.startswith("{")]
    return lines


def rel_err(ours, ref):
    ours = ours.double().cpu()
    ref = ref.double().cpu()
    if torch.isnan(ours).any():
        return float("nan")
    return ((ours - ref).abs().max() / ref.abs().max().clamp_min(1e-30)).item()


def hf_inputs(proc, prompt, image):
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": prompt}]}]
    text = proc.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    return proc(text=[text], images=[image], return_tensors="pt")


def load_hf(folder, dtype):
    from transformers import Qwen3VLForConditionalGeneration
    return Qwen3VLForConditionalGeneration.from_pretrained(
        folder, dtype=dtype, attn_implementation="sdpa").to(DEV).eval()


def hf_forward(model, inputs):
    inputs = {k: v.to(DEV) for k, v in inputs.items()}
    cat = lambda x: (x if torch.is_tensor(x) else torch.cat(list(x), 0)).float()  # noqa: E731
    gif = model.model.get_image_features
    pv, thw = inputs["pixel_values"].to(model.dtype), inputs["image_grid_thw"]
    with torch.no_grad():
        try:
            feats = gif(pv, thw, return_dict=True)
            emb, deep = feats.pooler_output, feats.deepstack_features
        except TypeError:  # older transformers: (embeds, deepstack)
            emb, deep = gif(pv, thw)
        out = model(**inputs)
    return cat(emb), [cat(d) for d in deep], out.logits[0].float()


def hf_greedy(model, inputs, n):
    inputs = {k: v.to(DEV) for k, v in inputs.items()}
    with torch.no_grad():
        seq = model.generate(**inputs, max_new_tokens=n, do_sample=False, temperature=None,
                             top_p=None, top_k=None)
    return seq[0, inputs["input_ids"].shape[1]:].tolist()


def decode_step_errors(args, folder, spec, prompt, inputs, ref, hf16, work, tag):
    """Logits of the first decode step (the token after the prefill's), in bf16: Vistag with the
    replayed graph, Vistag eager, and transformers, each against the float32 reference on the
    same context."""
    from safetensors.torch import load_file
    out = {}
    first = None
    for mode in ("graph", "eager"):
        f = work / f"{tag}-step-{mode}.safetensors"
        r = engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt, "--device",
                   DEV, "--dtype", "bfloat16", "--max-new-tokens", 2, "--logits", f,
                   decode=mode)[-1]
        first = r["token_ids"][0]
        out[mode] = load_file(str(f))["logits"][1]
    x = {k: v for k, v in inputs.items()}
    x["input_ids"] = torch.cat([x["input_ids"], torch.tensor([[first]])], 1)
    x["attention_mask"] = torch.ones_like(x["input_ids"])
    if "mm_token_type_ids" in x:
        x["mm_token_type_ids"] = torch.cat([x["mm_token_type_ids"],
                                            torch.zeros((1, 1), dtype=x["mm_token_type_ids"].dtype)], 1)
    want = hf_forward(ref, x)[2][-1]
    hf = hf_forward(hf16, x)[2][-1]
    res = {f"step_rel_{m}": rel_err(v, want) for m, v in out.items()}
    res["step_rel_transformers"] = rel_err(hf, want)
    ROWS.append(f"{tag} bf16 first decode step logits rel vs f32 ref: graph "
                f"{res['step_rel_graph']:.2e}, eager {res['step_rel_eager']:.2e}, transformers "
                f"{res['step_rel_transformers']:.2e}")
    return res


def stage_tiny(args, work):
    import vistag_fixtures
    from safetensors.torch import load_file
    folder = work / "tiny"
    vistag_fixtures.build_model(folder, seed=5)
    proc = vistag_fixtures.build_processor()
    img, spec = make_image(work / "tiny.rgb", 200, 150, 1)
    prompt = "这件衣服是什么风格？Describe the style."
    inputs = hf_inputs(proc, prompt, img)
    res = {}

    ref = load_hf(folder, torch.float32)
    v_ref, ds_ref, logits_ref = hf_forward(ref, inputs)
    dump = work / "tiny-f32.safetensors"
    engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt, "--device", DEV,
           "--dtype", "float32", "--max-new-tokens", 1, "--dump", dump)
    ours = load_file(str(dump))
    res["input_ids_equal"] = ours["input_ids"].tolist() == inputs["input_ids"][0].tolist()
    res["pixel_values_equal"] = torch.equal(ours["pixel_values"].cpu(), inputs["pixel_values"])
    res["f32_vision_rel"] = rel_err(ours["vision_embeds"], v_ref)
    res["f32_deepstack_rel"] = max(rel_err(ours[f"deepstack_{k}"], d) for k, d in enumerate(ds_ref))
    res["f32_logits_rel"] = rel_err(ours["prompt_logits"], logits_ref)
    # 200 tokens: the replayed decode graphs cross from the 256-key bucket into the 512 one.
    want = hf_greedy(ref, inputs, 200)
    got = engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt,
                 "--device", DEV, "--dtype", "float32", "--max-new-tokens", 200)[-1]
    res["f32_greedy_equal"] = got["token_ids"] == want
    res["f32_greedy_len"] = len(want)

    hf16 = load_hf(folder, torch.bfloat16)
    _, _, logits_hf16 = hf_forward(hf16, inputs)
    dump16 = work / "tiny-bf16.safetensors"
    engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt, "--device", DEV,
           "--dtype", "bfloat16", "--max-new-tokens", 1, "--dump", dump16)
    ours16 = load_file(str(dump16))
    res["bf16_logits_rel_vistag"] = rel_err(ours16["prompt_logits"], logits_ref)
    res["bf16_logits_rel_transformers"] = rel_err(logits_hf16, logits_ref)
    want16 = hf_greedy(hf16, inputs, 40)
    got16 = engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt,
                   "--device", DEV, "--dtype", "bfloat16", "--max-new-tokens", 40)[-1]
    res["bf16_greedy_common_prefix"] = next(
        (i for i, (a, b) in enumerate(zip(got16["token_ids"], want16)) if a != b),
        min(len(want16), len(got16["token_ids"])))
    res["bf16_greedy_len"] = len(want16)
    res.update(decode_step_errors(args, folder, spec, prompt, inputs, ref, hf16, work, "tiny"))
    ok = (res["input_ids_equal"] and res["pixel_values_equal"] and res["f32_greedy_equal"]
          and res["f32_logits_rel"] < 1e-4 and res["f32_vision_rel"] < 1e-4
          and res["bf16_logits_rel_vistag"] <= 2 * res["bf16_logits_rel_transformers"] + 1e-3
          and res["step_rel_graph"] <= 2 * res["step_rel_transformers"] + 1e-3)
    res["pass"] = bool(ok)
    REPORT["tiny"] = res
    ROWS.append(f"tiny f32 cuda: logits rel {res['f32_logits_rel']:.2e}, vision rel "
                f"{res['f32_vision_rel']:.2e}, {res['f32_greedy_len']} greedy equal "
                f"{res['f32_greedy_equal']}")
    ROWS.append(f"tiny bf16 cuda: logits rel vs f32 ref: vistag {res['bf16_logits_rel_vistag']:.2e}"
                f", transformers {res['bf16_logits_rel_transformers']:.2e}; greedy common prefix "
                f"{res['bf16_greedy_common_prefix']}/{res['bf16_greedy_len']}  "
                f"{'PASS' if ok else 'FAIL'}")
    del ref, hf16
    torch.cuda.empty_cache()


def build_big(name, work):
    import vistag_fixtures
    spec = vistag_fixtures.shape_spec(name)
    folder = work / f"random-{name}"
    t0 = time.time()
    torch.set_default_dtype(torch.bfloat16)
    try:
        model, _ = vistag_fixtures.build_model(folder, spec=spec, seed=3, shard_size="4GB",
                                               device=DEV, init_std=0.02)
    finally:
        torch.set_default_dtype(torch.float32)
    n = sum(p.numel() for p in model.parameters())
    # Bytes a decode step must read: every text weight once (the vision tower is not used).
    n_text = sum(p.numel() for k, p in model.named_parameters() if ".visual." not in k)
    del model
    torch.cuda.empty_cache()
    log(f"built random {name}: {n / 1e9:.2f} B parameters in {time.time() - t0:.0f} s")
    return folder, n, n_text


def stage_big(args, work, name, check_logits):
    import vistag_fixtures
    from safetensors.torch import load_file
    folder, n_params, n_text = build_big(name, work)
    proc = vistag_fixtures.build_processor()
    img, spec = make_image(work / "bench.rgb", 512, 512, 11)
    prompt = "Describe this product: category, style, material."
    inputs = hf_inputs(proc, prompt, img)
    res = {"parameters": n_params, "text_parameters": n_text,
           "prompt_tokens": int(inputs["input_ids"].shape[1]),
           # 3.0 TB/s: the device-to-device copy measured on this workplace's H100s (KINDS.md)
           "decode_floor_tokens_per_s": 3.0e12 / (2 * n_text)}
    n = args.new_tokens

    # Vistag first (transformers then has the GPU to itself).
    runs = engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt,
                  "--device", DEV, "--dtype", "bfloat16", "--max-new-tokens", n,
                  "--runs", args.runs, "--max-pixels", 512 * 512)
    s = runs[-1]
    res["vistag"] = {k: s[k] for k in ("load_ms", "ttft_ms", "vision_ms", "prefill_ms",
                                       "decode_tokens_per_s", "total_ms", "new_tokens",
                                       "peak_gpu_mb", "peak_rss_mb", "device")}
    eager = engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt,
                   "--device", DEV, "--dtype", "bfloat16", "--max-new-tokens", n,
                   "--runs", 3, "--max-pixels", 512 * 512, decode="eager")[-1]
    res["vistag_eager"] = {k: eager[k] for k in ("ttft_ms", "decode_tokens_per_s", "total_ms")}
    res["graph_equals_eager_tokens"] = eager["token_ids"] == s["token_ids"]
    if check_logits:
        dump = work / f"{name}-bf16.safetensors"
        engine(args, "--model", folder, "--image-rgb", spec, "--prompt", prompt,
               "--device", DEV, "--dtype", "bfloat16", "--max-new-tokens", 1, "--dump", dump)
        ours = load_file(str(dump))["prompt_logits"]

    hf = load_hf(folder, torch.bfloat16)
    if check_logits:
        _, _, hf16 = hf_forward(hf, inputs)
    proc.image_processor.size = {"shortest_edge": 65536, "longest_edge": 512 * 512}

    def timed(k):
        sync()
        t0 = time.perf_counter()
        x = hf_inputs(proc, prompt, img)
        toks = hf_greedy(hf, x, k)
        sync()
        return (time.perf_counter() - t0) * 1000, toks
    timed(4)
    totals, toks = [], []
    for _ in range(args.runs):
        ms, toks = timed(n)
        totals.append(ms)
    firsts = [timed(1)[0] for _ in range(args.runs)]
    hf_total, hf_first = statistics.median(totals), statistics.median(firsts)
    res["transformers"] = {"ttft_ms": hf_first, "total_ms": hf_total, "new_tokens": len(toks),
                           "decode_tokens_per_s": (len(toks) - 1) * 1000 / (hf_total - hf_first),
                           "peak_gpu_mb": torch.cuda.max_memory_allocated() / 2**20 if DEV == "cuda" else 0}
    res["same_tokens"] = toks == s["token_ids"]
    common = next((i for i, (a, b) in enumerate(zip(toks, s["token_ids"])) if a != b),
                  min(len(toks), len(s["token_ids"])))
    res["common_prefix"] = common
    del hf
    torch.cuda.empty_cache()
    if check_logits:
        ref = load_hf(folder, torch.float32)
        _, _, logits_ref = hf_forward(ref, inputs)
        hf16m = load_hf(folder, torch.bfloat16)
        res.update(decode_step_errors(args, folder, spec, prompt, inputs, ref, hf16m, work, name))
        del hf16m
        res["bf16_logits_rel_vistag"] = rel_err(ours, logits_ref)
        res["bf16_logits_rel_transformers"] = rel_err(hf16, logits_ref)
        res["pass"] = bool(res["bf16_logits_rel_vistag"] <=
                           2 * res["bf16_logits_rel_transformers"] + 1e-3)
        del ref
        torch.cuda.empty_cache()
        ROWS.append(f"{name} bf16 cuda: prompt logits rel vs f32 ref: vistag "
                    f"{res['bf16_logits_rel_vistag']:.2e}, transformers "
                    f"{res['bf16_logits_rel_transformers']:.2e}  "
                    f"{'PASS' if res['pass'] else 'FAIL'}")
    REPORT[name] = res
    v, h = res["vistag"], res["transformers"]
    ROWS.append(f"{name} bf16 speed ({res['prompt_tokens']} prompt tokens, {v['new_tokens']} new; "
                f"greedy common prefix {common}):")
    ROWS.append(f"   {'':14}{'transformers':>14}{'vistag':>10}{'ratio':>8}")
    ROWS.append(f"   {'ttft ms':14}{h['ttft_ms']:14.1f}{v['ttft_ms']:10.1f}"
                f"{h['ttft_ms'] / v['ttft_ms']:7.2f}x")
    ROWS.append(f"   {'decode tok/s':14}{h['decode_tokens_per_s']:14.1f}"
                f"{v['decode_tokens_per_s']:10.1f}"
                f"{v['decode_tokens_per_s'] / h['decode_tokens_per_s']:7.2f}x")
    ROWS.append(f"   {'total ms':14}{h['total_ms']:14.1f}{v['total_ms']:10.1f}"
                f"{h['total_ms'] / v['total_ms']:7.2f}x")
    e = res["vistag_eager"]
    ROWS.append(f"   {'eager decode':14}{'':14}{e['decode_tokens_per_s']:10.1f}  (no CUDA graph; "
                f"same tokens as graph: {res['graph_equals_eager_tokens']})")
    ROWS.append(f"   {'bw floor tok/s':14}{'':14}{res['decode_floor_tokens_per_s']:10.1f}  "
                f"(bf16 text weights once per token at 3.0 TB/s)")
    ROWS.append(f"   {'peak GPU MiB':14}{h['peak_gpu_mb']:14.0f}{v['peak_gpu_mb']:10.0f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--out", default="/tmp/vistag-gpu")
    ap.add_argument("--work", default="/tmp/vistag-gpu-work")
    ap.add_argument("--stages", default="tiny,2b,8b")
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--device", default="cuda", help="cpu: a dry run of the script itself")
    args = ap.parse_args()
    global DEV
    DEV = args.device
    out, work = pathlib.Path(args.out), pathlib.Path(args.work)
    out.mkdir(parents=True, exist_ok=True)
    work.mkdir(parents=True, exist_ok=True)
    import transformers
    REPORT["env"] = {"gpu": torch.cuda.get_device_name(0) if DEV == "cuda" else "cpu", "torch": torch.__version__,
                     "transformers": transformers.__version__}
    log(REPORT["env"])
    shown = 0
    for stage in args.stages.split(","):
        t0 = time.time()
        try:
            if stage == "tiny":
                stage_tiny(args, work)
            else:
                stage_big(args, work, stage.upper(), check_logits=(stage == "2b"))
        except Exception as e:  # report and go on to the next stage
            import traceback
            traceback.print_exc()
            REPORT[stage] = {"error": repr(e)}
            ROWS.append(f"{stage}: ERROR {e!r}"[:600])
        log(f"stage {stage} took {time.time() - t0:.0f} s")
        log("\n".join(ROWS[shown:]))
        shown = len(ROWS)
        (out / "gpu-report.json").write_text(json.dumps(REPORT, indent=2))
    print("\n== summary ==\n" + "\n".join(ROWS))


if __name__ == "__main__":
    main()

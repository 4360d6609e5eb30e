#!/usr/bin/env python3
"""On a CUDA machine: the engine against transformers on the same GPU, same weights, same inputs.

  python3 scripts/gpu_check.py --engine build-engine/bin/vistag-engine --out DIR
         [--stages tiny,2b,8b,batch] [--new-tokens 128] [--runs 5]

Needs only PyTorch + transformers in Python and the Qt-free `vistag-engine` (scripts/gpu_build.sh
builds it). Stages:
  tiny  random tiny model: float32 on CUDA (TF32 off) against transformers float32 on CUDA — vision
        embeddings, deepstack features, logits at every prompt position, 40 greedy tokens; then
        bfloat16: Vistag's and transformers' bf16 logits, each against the float32 reference.
  2b/8b random weights of the real 2B / 8B shapes in bfloat16: prompt logits against a float32
        reference (2B only), then speed side by side: time to first token, decode tokens/s and
        end to end for one 512x512 image and N greedy tokens (median of --runs after a warm-up).
  batch the continuous batch (vistag-engine --concurrency N), random 8B weights (then 2B if the
        --batch-budget-s allows), bf16, one 512x512 image + a short prompt per request, 48 greedy
        new tokens: images/s one at a time and batched at concurrency 1, 8, 32, 64, against
        transformers' batched generate (left padding, min_new_tokens = 48) on the same card;
        per-row logits of the batched path within 2e-2 x max|logit| of the one-at-a-time path
        (first token, and second = first batched decode step); graph replay against
        VISTAG_DECODE=static: identical token ids. Reuses the weights of an earlier 2b/8b stage.
        --device cpu: the tiny model at concurrency 1,2,4 (a dry run of the script itself).
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
    built = folder / ".vistag-built.json"  # the same seed gives the same weights: reuse them
    if built.exists():
        b = json.loads(built.read_text())
        log(f"reusing random {name} in {folder}")
        return folder, b["parameters"], b["text_parameters"]
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
    built.write_text(json.dumps({"parameters": n, "text_parameters": n_text}))
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


# ---- batch: the continuous batch against one request at a time and transformers' batched generate


def batch_folder(name, work):
    """A model folder for the batch stage: the tiny random model (the CPU dry run), or the random
    2B/8B weights, reused when an earlier stage of this call built them."""
    if name == "tiny":
        import vistag_fixtures
        folder = work / "batch-tiny"
        vistag_fixtures.build_model(folder, seed=5)
        return folder
    return build_big(name.upper(), work)[0]


def row_rel(got, want):
    """max |got - want| / max |want| over one row; inf when either holds NaN or inf."""
    if not (torch.isfinite(got).all() and torch.isfinite(want).all()):
        return float("inf")
    return ((got.double() - want.double()).abs().max() /
            want.double().abs().max().clamp_min(1e-30)).item()


def common_prefix(a, b):
    return next((i for i, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))


def batch_logits_check(run, path):
    """Per row: the batched path's logits against the one-at-a-time path's for the same content
    (the first token: the request's own prefill; the second: the first batched decode step,
    compared where both chose the same first token)."""
    from safetensors.torch import load_file
    t = load_file(str(path))
    errs = {"first": [], "second": []}
    ls, lb = run["logits_single_token_ids"], run["logits_batched_token_ids"]
    for i, j in enumerate(run["single_row_of"]):
        if j < 0:
            continue
        errs["first"].append(row_rel(t["batched_first"][i], t["single_first"][j]))
        if ("batched_second" in t and len(lb[i]) >= 2 and len(ls[j]) >= 2
                and lb[i][0] == ls[j][0]):
            errs["second"].append(row_rel(t["batched_second"][i], t["single_second"][j]))
    out = {}
    for w, e in errs.items():
        out[f"{w}_max"] = max(e, default=0.0)
        out[f"{w}_median"] = statistics.median(e) if e else 0.0
        out[f"{w}_rows"] = len(e)
    bt, st = run["batched_token_ids"], run["single_token_ids"]
    pairs = [(bt[i], st[j]) for i, j in enumerate(run["single_row_of"]) if j >= 0]
    out["greedy_rows"] = len(pairs)
    out["greedy_equal_rows"] = sum(a == b for a, b in pairs)
    out["greedy_min_common_prefix"] = min((common_prefix(a, b) for a, b in pairs), default=0)
    return out


def hf_batch_generate(hf, proc, prompt, imgs, n):
    """One batched transformers generate, timed from the images (preprocessing included) to the
    tokens: left padding, greedy, exactly n new tokens (min_new_tokens = n: EOS is suppressed
    so every row does the same work)."""
    messages = [{"role": "user", "content": [{"type": "image"}, {"type": "text", "text": prompt}]}]
    text = proc.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    sync()
    t0 = time.perf_counter()
    x = proc(text=[text] * len(imgs), images=list(imgs), return_tensors="pt", padding=True)
    x = {k: v.to(DEV) for k, v in x.items()}
    with torch.no_grad():
        seq = hf.generate(**x, max_new_tokens=n, min_new_tokens=n, do_sample=False,
                          temperature=None, top_p=None, top_k=None)
    sync()
    ms = (time.perf_counter() - t0) * 1000
    return ms, seq[:, x["input_ids"].shape[1]:].tolist()


def save_report(args):
    """gpu-report.json as it stands (the batch stage saves as it goes: a command stopped at its
    time limit still leaves what was measured)."""
    (pathlib.Path(args.out) / "gpu-report.json").write_text(json.dumps(REPORT, indent=2))


def batch_shape(args, work, name, conc, n_new, imgs, specs, prompt, deadline, shapes):
    import vistag_fixtures
    t_shape = time.time()
    res = {"concurrency": conc, "vistag": {}, "transformers": {}, "notes": [], "pass": False}
    shapes[name] = res
    folder = batch_folder(name, work)
    cpu = DEV == "cpu"
    cap = 8 if cpu else 128
    floor = 4 if cpu else 16
    k_single = len(specs)  # one request per distinct image: the same content as every other
    common = ["--model", folder, "--prompt", prompt, "--device", DEV, "--dtype", "bfloat16",
              "--max-new-tokens", n_new, "--max-pixels", 512 * 512]
    for s in specs:
        common += ["--image-rgb", s]

    def requests_for(n):
        return min(max(2 * n, floor), cap)

    # Vistag: one process per concurrency (maxSequences = N).
    runs, checks = {}, {}
    for n in conc:
        r = requests_for(n)
        f = work / f"batch-{name}-{n}.safetensors"
        t_run = time.time()
        try:
            # Each run is seconds to tens of seconds; the timeout only keeps a hang in bounds.
            run = engine(args, *common, "--concurrency", n, "--requests", r, "--single-requests",
                         k_single, "--logits", f,
                         timeout=max(120, int(deadline - time.time()) + 120))[-1]
        except Exception as e:  # noqa: BLE001 — report, go on with the next concurrency
            res["vistag"][str(n)] = {"error": repr(e)[-1500:]}
            ROWS.append(f"batch {name} vistag N={n}: ERROR {e!r}"[:400])
            continue
        checks[n] = batch_logits_check(run, f)
        runs[n] = (run, f)
        keep = {k: run[k] for k in ("requests", "single_requests", "prompt_tokens", "load_ms",
                                    "kv_slots", "cache_mb", "peak_gpu_mb", "peak_rss_mb",
                                    "peak_gpu_mb_with_logits", "ratio_requests_per_s",
                                    "ratio_tokens_per_s", "single", "batched")}
        keep["checks"] = checks[n]
        keep["seconds"] = time.time() - t_run
        res["vistag"][str(n)] = keep
        save_report(args)
        log(f"  vistag {name} N={n} R={r}: {run['batched']['requests_per_s']:.2f} images/s "
            f"batched, {run['single']['requests_per_s']:.2f} one at a time, "
            f"{run['batched']['mean_rows_per_step']:.1f} rows/step  ({time.time() - t_shape:.0f} s)")

    # Graph replay against the same step run eagerly (VISTAG_DECODE=static), same requests.
    # Concurrency 8 when it ran, else the smallest batched one.
    cands = [n for n in conc if n > 1 and n in runs]
    n_s = 8 if 8 in cands else (min(cands) if cands else None)
    if n_s is not None:
        from safetensors.torch import load_file
        run_g, f_g = runs[n_s]
        f_s = work / f"batch-{name}-{n_s}-static.safetensors"
        try:
            run_s = engine(args, *common, "--concurrency", n_s, "--requests", run_g["requests"],
                           "--single-requests", 0, "--logits", f_s,
                           timeout=max(120, int(deadline - time.time()) + 120),
                           decode="static")[-1]
            tg, ts = load_file(str(f_g)), load_file(str(f_s))
            diff = {}
            for w in ("first", "second"):
                key = f"batched_{w}"
                if key in tg and key in ts:
                    a, b = tg[key].double(), ts[key].double()
                    ok_rows = torch.isfinite(a).all(1) & torch.isfinite(b).all(1)
                    d = (a[ok_rows] - b[ok_rows]).abs().max().item() if ok_rows.any() else 0.0
                    diff[f"max_abs_logit_diff_{w}"] = d
                    diff[f"max_rel_logit_diff_{w}"] = (
                        d / max(a[ok_rows].abs().max().item(), 1e-30) if ok_rows.any() else 0.0)
            equal = run_s["batched_token_ids"] == run_g["batched_token_ids"]
            rows_equal = sum(x == y for x, y in zip(run_s["batched_token_ids"],
                                                     run_g["batched_token_ids"]))
            res["graph_vs_static"] = dict(
                concurrency=n_s, requests=run_g["requests"], token_ids_identical=equal,
                rows_identical=rows_equal,
                logits_tokens_identical=(run_s["logits_batched_token_ids"]
                                         == run_g["logits_batched_token_ids"]),
                static_requests_per_s=run_s["batched"]["requests_per_s"],
                graph_requests_per_s=run_g["batched"]["requests_per_s"], **diff)
        except Exception as e:  # noqa: BLE001
            res["graph_vs_static"] = {"error": repr(e)[-1500:]}
    else:
        res["graph_vs_static"] = {"error": "no batched run to compare with"}

    # transformers' own batched generate, batch = the concurrency, on the same card.
    single_by_image = {}
    for run, _ in runs.values():
        for i, j in enumerate(run["single_row_of"][:len(specs)]):
            if j >= 0:
                single_by_image.setdefault(run["image_of"][i], run["single_token_ids"][j])
    hf = None
    try:
        t_load = time.time()
        hf = load_hf(folder, torch.bfloat16)
        res["transformers_load_s"] = time.time() - t_load
        proc = vistag_fixtures.build_processor()
        proc.tokenizer.padding_side = "left"
        proc.image_processor.size = {"shortest_edge": 65536, "longest_edge": 512 * 512}
        hf_batch_generate(hf, proc, prompt, imgs[:1], 2)  # kernels, allocator
        prev = None  # (concurrency, ms per batch) of the last measured size
        for n in conc:
            batches = max(1, -(-max(n, 2) // n))  # ≥ 2 requests, ≥ 1 batch of n
            left = deadline - time.time()
            est = None
            if prev:
                est = (batches + 1.3) * prev[1] / 1000 * max(1.0, (n / prev[0]) ** 0.5)
            if left <= 0 or (est is not None and est > left):
                note = (f"transformers at batch {n} skipped: estimated {est or 0:.0f} s, "
                        f"{max(left, 0):.0f} s of the batch stage's budget left")
                res["notes"].append(note)
                res["transformers"][str(n)] = {"skipped": note}
                continue
            try:
                batch_imgs = [[imgs[(b * n + k) % len(imgs)] for k in range(n)]
                              for b in range(batches)]
                if DEV == "cuda":
                    torch.cuda.reset_peak_memory_stats()
                hf_batch_generate(hf, proc, prompt, batch_imgs[0], 1)  # warm-up at this size
                ttft, _ = hf_batch_generate(hf, proc, prompt, batch_imgs[0], 1)
                total, prefixes = 0.0, []
                for b, bi in enumerate(batch_imgs):
                    ms, toks = hf_batch_generate(hf, proc, prompt, bi, n_new)
                    total += ms
                    for k, row in enumerate(toks):
                        want = single_by_image.get((b * n + k) % len(imgs))
                        if want is not None:
                            prefixes.append(common_prefix(row, want))
                req = batches * n
                res["transformers"][str(n)] = {
                    "requests": req, "batches": batches, "wall_ms": total,
                    "requests_per_s": req * 1000 / total,
                    "tokens_per_s": req * n_new * 1000 / total,
                    "ttft_ms_batch": ttft,
                    "peak_gpu_mb": (torch.cuda.max_memory_allocated() / 2**20
                                    if DEV == "cuda" else 0),
                    "min_common_prefix_with_vistag": min(prefixes, default=None)}
                prev = (n, total / batches)
                save_report(args)
                log(f"  transformers {name} batch {n}: {req * 1000 / total:.2f} images/s "
                    f"({time.time() - t_shape:.0f} s)")
            except Exception as e:  # noqa: BLE001 — e.g. out of memory at the largest batch
                res["transformers"][str(n)] = {"error": repr(e)[-1500:]}
                if DEV == "cuda":
                    torch.cuda.empty_cache()
    except Exception as e:  # noqa: BLE001
        res["transformers_error"] = repr(e)[-1500:]
    finally:
        del hf
        if DEV == "cuda":
            torch.cuda.empty_cache()

    tol = 2e-2
    first = max((c["first_max"] for c in checks.values()), default=float("inf"))
    second = max((c["second_max"] for c in checks.values()), default=float("inf"))
    gvs = res["graph_vs_static"]
    res["logits_first_max_rel"] = first
    res["logits_second_max_rel"] = second
    res["logits_tolerance"] = tol
    res["pass"] = bool(len(checks) == len(conc) and first <= tol and second <= tol
                       and gvs.get("token_ids_identical") is True)
    res["seconds"] = time.time() - t_shape

    # The table.
    p_tok = next((r["prompt_tokens"] for r, _ in runs.values()), "?")
    ROWS.append(f"batch {name} bf16: one {512}x{512} image + prompt ({p_tok} prompt tokens) per "
                f"request, {n_new} greedy new tokens; images/s (= requests/s):")
    ROWS.append(f"   {'N':>3}{'reqs':>5}{'1-at-a-time':>12}{'batched':>9}{'ratio':>7}"
                f"{'rows/step':>10}{'TTFT med ms 1/b':>17}{'peak MiB':>9}{'KV MiB':>8}"
                f"{'HF batch':>9}{'vs HF':>7}")
    for n in conc:
        v = res["vistag"].get(str(n), {})
        h = res["transformers"].get(str(n), {})
        hs = f"{h['requests_per_s']:9.2f}" if "requests_per_s" in h else f"{'-':>9}"
        if "batched" not in v:
            ROWS.append(f"   {n:>3}  vistag: {v.get('error', 'missing')[:100]}")
            continue
        b, s = v["batched"], v["single"]
        vs = (f"{b['requests_per_s'] / h['requests_per_s']:6.2f}x" if "requests_per_s" in h
              else f"{'-':>7}")
        ROWS.append(f"   {n:>3}{v['requests']:>5}{s['requests_per_s']:12.2f}"
                    f"{b['requests_per_s']:9.2f}{v['ratio_requests_per_s']:6.2f}x"
                    f"{b['mean_rows_per_step']:10.1f}"
                    f"{s['ttft_ms_median']:8.0f} /{b['ttft_ms_median']:7.0f}"
                    f"{v['peak_gpu_mb']:9.0f}{v['cache_mb']:8.0f}{hs}{vs}")
    for n in conc:
        h = res["transformers"].get(str(n), {})
        if "error" in h:
            ROWS.append(f"   transformers batch {n}: ERROR {h['error'][:200]}")
    if checks:
        eq = sum(c["greedy_equal_rows"] for c in checks.values())
        tot = sum(c["greedy_rows"] for c in checks.values())
        mcp = min(c["greedy_min_common_prefix"] for c in checks.values())
        per_n = ", ".join(f"N={n} {c['first_max']:.1e}/{c['second_max']:.1e}"
                          for n, c in checks.items())
        ROWS.append(f"   logits per row, batched vs one at a time (max over rows, rel. to "
                    f"max|logit|, held to {tol:g}): first token {first:.2e}, second token "
                    f"(first batched decode step) {second:.2e} over "
                    f"{sum(c['second_rows'] for c in checks.values())} rows; first/second per "
                    f"N: {per_n}")
        ROWS.append(f"   greedy {n_new} tokens batched == one at a time: {eq}/{tot} rows "
                    f"(shortest common prefix {mcp}; bf16 near-ties may part, reported only)")
    if "token_ids_identical" in gvs:
        ROWS.append(f"   graph replay vs VISTAG_DECODE=static (N={gvs['concurrency']}, "
                    f"{gvs['requests']} requests): token ids identical {gvs['token_ids_identical']}"
                    f" ({gvs['rows_identical']}/{gvs['requests']} rows); max |logit diff| first "
                    f"{gvs.get('max_abs_logit_diff_first', float('nan')):.3g}, second "
                    f"{gvs.get('max_abs_logit_diff_second', float('nan')):.3g}")
    else:
        ROWS.append(f"   graph vs static: ERROR {gvs.get('error', '')[:300]}")
    for note in res["notes"]:
        ROWS.append(f"   {note}")
    ROWS.append("   batched TTFT counts from submit(): with 2N requests the second half waits for "
                "a free slot; HF batch = transformers' images/s at batch N")
    ROWS.append(f"   transformers: batched generate, left padding, greedy, min_new_tokens="
                f"{n_new} (EOS suppressed: same work); vistag stops at EOS (its token counts "
                f"are in the JSON)   {name}: {'PASS' if res['pass'] else 'FAIL'} "
                f"({res['seconds']:.0f} s)")
    return res


def stage_batch(args, work):
    t0 = time.time()
    cpu = DEV == "cpu"
    deadline = t0 + args.batch_budget_s
    shapes = [s.strip().lower() for s in (args.batch_shapes or ("tiny" if cpu else "8b,2b"))
              .split(",")]
    conc = [int(x) for x in (args.batch_concurrency or ("1,2,4" if cpu else "1,8,32,64"))
            .split(",")]
    n_new = args.batch_new_tokens or (16 if cpu else 48)
    prompt = "Describe this product: category, style, material."
    imgs, specs = [], []
    for k in range(4):
        img, spec = make_image(work / f"batch-{k}.rgb", 512, 512, 21 + k)
        imgs.append(img)
        specs.append(spec)
    res = {"new_tokens": n_new, "budget_s": args.batch_budget_s, "shapes": {}}
    REPORT["batch"] = res
    spent = None
    for i, name in enumerate(shapes):
        left = deadline - time.time()
        # A later (smaller) shape only if about half of the first one's time is left.
        if i > 0 and spent is not None and left < 0.5 * spent:
            note = f"{name} skipped: {left:.0f} s of the {args.batch_budget_s:.0f} s budget left"
            res.setdefault("notes", []).append(note)
            ROWS.append(f"batch {note}")
            continue
        t_shape = time.time()
        try:
            batch_shape(args, work, name, conc, n_new, imgs, specs, prompt, deadline,
                        res["shapes"])
        except Exception as e:  # noqa: BLE001
            import traceback
            traceback.print_exc()
            res["shapes"].setdefault(name, {})
            res["shapes"][name].update(error=repr(e)[-1500:], **{"pass": False})
            ROWS.append(f"batch {name}: ERROR {e!r}"[:600])
        spent = time.time() - t_shape
    res["pass"] = bool(res["shapes"]) and all(s.get("pass") for s in res["shapes"].values())
    res["seconds"] = time.time() - t0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--engine", required=True)
    ap.add_argument("--out", default="/tmp/vistag-gpu")
    ap.add_argument("--work", default="/tmp/vistag-gpu-work")
    ap.add_argument("--stages", default="tiny,2b,8b,batch")
    ap.add_argument("--new-tokens", type=int, default=128)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--device", default="cuda", help="cpu: a dry run of the script itself")
    ap.add_argument("--batch-shapes", default=None,
                    help="batch stage: shapes in order (default 8b,2b; cpu tiny); a later one "
                         "runs only if the budget allows")
    ap.add_argument("--batch-concurrency", default=None,
                    help="batch stage: sequences decoded together (default 1,8,32,64; cpu 1,2,4)")
    ap.add_argument("--batch-new-tokens", type=int, default=None,
                    help="batch stage: new tokens per request (default 48; cpu 16)")
    ap.add_argument("--batch-budget-s", type=float, default=300,
                    help="batch stage: seconds it may take; transformers sizes and later shapes "
                         "that would not fit are skipped (and said so)")
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
            elif stage == "batch":
                stage_batch(args, work)
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

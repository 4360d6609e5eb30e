"""The 2B shape (real config from ../shared, or the copy in tests/data/configs) with random
bfloat16 weights: loads on the CPU memory-mapped, generates a few tokens, and peak RSS stays close
to the size of the weights (no copies of the weights are made when the run dtype matches)."""
from __future__ import annotations

import json
import pathlib
import sys

import pytest

from conftest import ask_json
import vistag_fixtures

sys.path.insert(0, str(vistag_fixtures.REPO / "scripts"))


def two_b_spec():
    return vistag_fixtures.shape_spec("2B")


def test_2b_shape_loads_mmapped_and_generates(work_dir):
    import torch
    from test_engine_parity import make_png

    folder = work_dir / "qwen3-vl-2b-random"
    torch.set_default_dtype(torch.bfloat16)
    try:
        model, _ = vistag_fixtures.build_model(folder, spec=two_b_spec(), seed=3,
                                               shard_size="1GB")
    finally:
        torch.set_default_dtype(torch.float32)
    n_params = sum(p.numel() for p in model.parameters())
    del model
    weight_bytes = sum(f.stat().st_size for f in folder.glob("*.safetensors"))
    assert (folder / "model.safetensors.index.json").exists()  # sharded like the real ones

    png = make_png(work_dir / "small.png", 256, 256, seed=9)
    out = ask_json("--model", folder, "--image", png, "--prompt", "What is it?",
                   "--temperature", 0, "--max-new-tokens", 4, "--device", "cpu",
                   "--dtype", "bfloat16", timeout=1500)
    assert len(out["token_ids"]) >= 1
    assert out["model"]["dtype"] == "bfloat16"

    from conftest import run_cli
    r = run_cli("bench", "--model", folder, "--image", png, "--prompt", "What is it?",
                "--max-new-tokens", 4, "--runs", 1, "--device", "cpu", "--dtype", "bfloat16",
                "--json", timeout=1500)
    bench = json.loads(r.stdout.decode().strip().splitlines()[-1])
    peak = bench["peak_rss_mb"] * 1048576
    # What the process holds before any model: libtorch and its CUDA libraries mapped in.
    import subprocess
    from conftest import cli_path
    probe = ("import resource, subprocess, sys; "
             "subprocess.run([sys.argv[1], '--version'], capture_output=True, check=True); "
             "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    baseline = int(subprocess.run([sys.executable, "-c", probe, cli_path()], capture_output=True,
                                  check=True).stdout) * 1024
    report = (f"2B shape: {n_params / 1e9:.2f} B parameters, weights {weight_bytes / 2**30:.2f} GiB, "
              f"peak RSS {peak / 2**30:.2f} GiB (process baseline without a model "
              f"{baseline / 2**30:.2f} GiB), load {bench['load_ms']:.0f} ms, "
              f"ttft {bench['ttft_ms']:.0f} ms, decode {bench['decode_tokens_per_s']:.2f} tok/s")
    print(report)
    art = pathlib.Path(__import__("os").environ.get("VISTAG_ARTIFACTS", work_dir))
    (art / "full-size-2b.txt").write_text(report + "\n")
    # Memory-mapped weights: resident memory is the weights plus activations, not two copies.
    assert peak - baseline < weight_bytes * 1.25, report

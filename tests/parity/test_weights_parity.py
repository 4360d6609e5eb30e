"""The safetensors loader and config readers against what transformers saves and loads.

Random tiny Qwen3-VL folders are saved with transformers (single file and 10 MB shards; float32,
bfloat16 and float16; tied and untied; 4.57 and 5.x config forms) and read with
vistag-weights-dump, which prints the configs, verifyWeights' verdict and, per tensor, dtype,
shape and a position-weighted byte checksum. Those must match transformers' own config objects
and the bytes the safetensors package reads.
"""
from __future__ import annotations

import json
import os
import pathlib
import shutil
import subprocess
import sys

import numpy as np
import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import vistag_fixtures as fx  # noqa: E402

BIN = pathlib.Path(os.environ.get("VISTAG_BIN_DIR", "build/bin"))
DUMP = BIN / "vistag-weights-dump"
WORK = pathlib.Path(os.environ.get("VISTAG_WORK", "/tmp/vistag-weights-parity"))

VARIANTS = {
    "f32_single_v5_tied": dict(save_dtype=None, shard_size=None, rope_form="v5", tie=True),
    "bf16_sharded_v4_untied": dict(save_dtype="bfloat16", shard_size="500KB", rope_form="v4",
                                   tie=False),
    "f16_single_v4_tied": dict(save_dtype="float16", shard_size=None, rope_form="v4", tie=True),
}


@pytest.fixture(scope="module")
def tok():
    return fx.build_tokenizer()


@pytest.fixture(scope="module")
def folders(tok):
    out = {}
    for name, kw in VARIANTS.items():
        d = WORK / name
        fx.build_model(d, tok=tok, **kw)
        out[name] = d
    return out


def run_dump(folder):
    assert DUMP.exists(), f"{DUMP} not built"
    return subprocess.run([str(DUMP), str(folder)], capture_output=True, text=True, timeout=120)


def checksum(raw: bytes) -> int:
    b = np.frombuffer(raw, dtype=np.uint8).astype(np.uint64)
    w = (np.arange(b.size, dtype=np.uint64) % np.uint64(65521)) + np.uint64(1)
    with np.errstate(over="ignore"):
        return int(np.sum(b * w, dtype=np.uint64))


def raw_tensors(folder):
    """name → (dtype, shape, bytes) read with the safetensors package (torch framework)."""
    import torch
    from safetensors import safe_open

    st_names = {torch.float32: "F32", torch.bfloat16: "BF16", torch.float16: "F16"}
    out = {}
    for f in sorted(pathlib.Path(folder).glob("*.safetensors")):
        with safe_open(str(f), framework="pt") as h:
            for k in h.keys():
                t = h.get_tensor(k).contiguous()
                out[k] = (st_names[t.dtype], list(t.shape), t.view(torch.uint8).numpy().tobytes())
    return out


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_loads_like_transformers(folders, variant):
    import torch
    from transformers import AutoConfig, GenerationConfig

    folder = folders[variant]
    r = run_dump(folder)
    assert r.returncode == 0, r.stderr
    got = json.loads(r.stdout)
    assert got["verify"] == "ok"

    kw = VARIANTS[variant]
    if kw["shard_size"]:
        assert got["files"] > 1

    # Configs as transformers reads them.
    cfg = AutoConfig.from_pretrained(folder)
    tc, vc = cfg.text_config, cfg.vision_config
    t, v = got["config"]["text"], got["config"]["vision"]
    for key in ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                "num_attention_heads", "num_key_value_heads", "head_dim",
                "max_position_embeddings"):
        assert t[key] == getattr(tc, key), key
    assert t["rms_norm_eps"] == pytest.approx(tc.rms_norm_eps)
    assert t["rope_theta"] == pytest.approx(tc.rope_parameters["rope_theta"])
    assert t["mrope_section"] == list(tc.rope_parameters["mrope_section"])
    for key in ("depth", "hidden_size", "intermediate_size", "num_heads", "out_hidden_size",
                "num_position_embeddings", "patch_size", "temporal_patch_size",
                "spatial_merge_size"):
        assert v[key] == getattr(vc, key), key
    assert v["deepstack_visual_indexes"] == list(vc.deepstack_visual_indexes)
    assert got["config"]["tie_word_embeddings"] == cfg.tie_word_embeddings == kw["tie"]
    assert got["config"]["image_token_id"] == cfg.image_token_id
    assert got["config"]["rope_form"] == ("rope_parameters" if kw["rope_form"] == "v5"
                                          else "rope_scaling")

    gen = GenerationConfig.from_pretrained(folder)
    assert got["generation"]["eos_token_id"] == list(gen.eos_token_id)
    assert got["generation"]["pad_token_id"] == gen.pad_token_id

    pp = json.loads((folder / "processor_config.json").read_text())["image_processor"]
    assert got["preprocessor"]["min_pixels"] == pp["size"]["shortest_edge"]
    assert got["preprocessor"]["max_pixels"] == pp["size"]["longest_edge"]

    # Tensors: the same set transformers' model has (lm_head only when untied), same bytes.
    raw = raw_tensors(folder)
    assert set(got["tensors"]) == set(raw)
    model = fx.load_model(folder)
    expected = set(model.state_dict())
    if cfg.tie_word_embeddings:
        expected.discard("lm_head.weight")
    assert set(got["tensors"]) == expected
    want_dtype = {None: "F32", "bfloat16": "BF16", "float16": "F16"}[kw["save_dtype"]]
    for name, (dtype, shape, data) in raw.items():
        g = got["tensors"][name]
        assert g["dtype"] == dtype == want_dtype, name
        assert g["shape"] == shape, name
        assert g["checksum"] == checksum(data), name
    del model, torch


def test_hostile_copies_fail_cleanly(folders, tmp_path):
    src = folders["f32_single_v5_tied"]
    # Truncated weights.
    bad = tmp_path / "truncated"
    shutil.copytree(src, bad)
    st = bad / "model.safetensors"
    with open(st, "r+b") as f:
        f.truncate(st.stat().st_size - 1)
    r = run_dump(bad)
    assert r.returncode == 4, r.stderr
    assert "model.safetensors" in r.stderr and "truncated" in r.stderr

    # A shard missing from a sharded folder.
    sharded = tmp_path / "sharded"
    shutil.copytree(folders["bf16_sharded_v4_untied"], sharded)
    victim = sorted(sharded.glob("model-*.safetensors"))[-1]
    victim.unlink()
    r = run_dump(sharded)
    assert r.returncode == 4, r.stderr
    assert victim.name in r.stderr and "does not exist" in r.stderr

    # Weights of another size: config says 5 text layers.
    other = tmp_path / "other"
    shutil.copytree(src, other)
    cfg = json.loads((other / "config.json").read_text())
    cfg["text_config"]["num_hidden_layers"] = 5
    (other / "config.json").write_text(json.dumps(cfg))
    r = run_dump(other)
    assert r.returncode == 4
    assert "missing" in json.loads(r.stdout)["verify"]
    assert "model.language_model.layers.4.input_layernorm.weight" in r.stdout

    # Not a Qwen3-VL config.
    cfg["model_type"] = "qwen2_5_vl"
    (other / "config.json").write_text(json.dumps(cfg))
    r = run_dump(other)
    assert r.returncode == 3
    assert "qwen2_5_vl" in r.stderr

"""Bad input to `vistag-cli ask`: each ends with its own exit code and one line on stderr that
names the file and what is wrong; never a crash, abort or hang."""
from __future__ import annotations

import json
import shutil
import struct

import pytest

from conftest import run_cli
from test_engine_parity import make_png


def broken_copy(src, dst, mutate):
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    mutate(dst)
    return dst


def one_error_line(r):
    lines = [l for l in r.stderr.decode(errors="replace").splitlines() if l.strip()]
    assert len(lines) == 1, lines
    return lines[0]


def truncate_weights(d):
    f = d / "model.safetensors"
    f.write_bytes(f.read_bytes()[: f.stat().st_size // 2])


def huge_header(d):
    f = d / "model.safetensors"
    data = bytearray(f.read_bytes())
    data[:8] = struct.pack("<Q", 2**62)
    f.write_bytes(bytes(data))


def wrong_shape(d):
    cfg = json.loads((d / "config.json").read_text())
    cfg["text_config"]["intermediate_size"] += 8
    (d / "config.json").write_text(json.dumps(cfg))


CASES = {
    "missing_config": (lambda d: (d / "config.json").unlink(), 3, "config.json"),
    "malformed_tokenizer": (lambda d: (d / "tokenizer.json").write_text("{\"model\": "), 3,
                            "tokenizer.json"),
    "missing_tokenizer": (lambda d: (d / "tokenizer.json").unlink(), 3, "tokenizer"),
    "truncated_weights": (truncate_weights, 4, "model.safetensors"),
    "header_past_end": (huge_header, 4, "model.safetensors"),
    "misshapen_tensor": (wrong_shape, 4, "mlp"),
    "wrong_model_type": (lambda d: (d / "config.json").write_text(
        (d / "config.json").read_text().replace('"qwen3_vl"', '"llava"', 1)), 3, "llava"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_model_folder(tiny_model, work_dir, case):
    mutate, code, needle = CASES[case]
    folder = broken_copy(tiny_model[0], work_dir / f"broken-{case}", mutate)
    png = make_png(work_dir / "ok.png", 64, 64, seed=1)
    r = run_cli("ask", "--model", folder, "--image", png, "--prompt", "hi", check=False,
                timeout=120)
    assert r.returncode == code, r.stderr
    line = one_error_line(r)
    assert needle in line, line


def test_bad_images(tiny_model, work_dir):
    text = work_dir / "notes.jpg"
    text.write_text("this is not an image")
    empty = work_dir / "empty.png"
    empty.write_bytes(b"")
    bomb = work_dir / "bomb.png"
    ihdr = b"IHDR" + struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0)
    import zlib
    bomb.write_bytes(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + ihdr +
                     struct.pack(">I", zlib.crc32(ihdr)))
    for f, needle in ((text, "not an image"), (empty, "empty"), (bomb, "too large"),
                      (work_dir / "missing.png", "cannot open")):
        r = run_cli("ask", "--model", tiny_model[0], "--image", f, "--prompt", "hi",
                    check=False, timeout=60)
        assert r.returncode == 5, (f, r.stderr)
        line = one_error_line(r)
        assert f.name in line and needle in line, line


@pytest.mark.parametrize("args", [
    [], ["--prompt", "x"], ["--model", "m", "--prompt", "x", "--temperature", "hot"],
    ["--model", "m", "--prompt", "x", "--bogus"], ["--model", "m", "--prompt", "x", "extra"],
])
def test_usage_errors_exit_2(args):
    r = run_cli("ask", *args, check=False, timeout=30)
    assert r.returncode == 2
    assert "usage:" in r.stderr.decode()


def test_prompt_longer_than_context(tiny_model, work_dir):
    r = run_cli("ask", "--model", tiny_model[0], "--prompt", "word " * 5000, check=False,
                timeout=120)
    assert r.returncode == 6
    assert "context" in one_error_line(r)


def test_cuda_requested_without_gpu_is_a_clear_error(tiny_model):
    import torch
    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    r = run_cli("ask", "--model", tiny_model[0], "--prompt", "x", "--device", "cuda",
                check=False, timeout=60)
    assert r.returncode == 7
    assert "GPU" in one_error_line(r)

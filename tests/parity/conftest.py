"""Shared pytest fixtures: paths from CTest's environment and the tiny model folder."""
from __future__ import annotations

import json
import os
import pathlib
import struct
import subprocess
import sys
import zlib

import pytest

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))
import vistag_fixtures  # noqa: E402


def cli_path() -> str:
    p = os.environ.get("VISTAG_CLI")
    if not p:
        p = str(vistag_fixtures.REPO / "build" / "bin" / "vistag-cli")
    return p


@pytest.fixture(scope="session")
def work_dir(tmp_path_factory) -> pathlib.Path:
    w = os.environ.get("VISTAG_WORK")
    if w:
        p = pathlib.Path(w)
        p.mkdir(parents=True, exist_ok=True)
        return p
    return tmp_path_factory.mktemp("vistag")


@pytest.fixture(scope="session")
def tiny_model(work_dir):
    """(folder, transformers model, tokenizer) for the tiny random Qwen3-VL."""
    folder = work_dir / "tiny-model"
    model, tok = vistag_fixtures.build_model(folder, seed=1234)
    return folder, model, tok


def run_cli(*args, check=True, input=None, timeout=600):
    cmd = [cli_path(), *map(str, args)]
    r = subprocess.run(cmd, capture_output=True, input=input, timeout=timeout)
    if check and r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {r.returncode}\n"
                             f"stderr: {r.stderr.decode(errors='replace')}")
    return r


def ask_json(*args, **kw) -> dict:
    r = run_cli("ask", *args, "--json", **kw)
    return json.loads(r.stdout.decode().strip().splitlines()[-1])


def write_png(path, w=24, h=18):
    """A small RGB PNG written with the standard library only (no PIL needed)."""
    raw = b"".join(b"\x00" + b"".join(bytes((x * 30 % 256, y * 40 % 256, 128)) for x in range(w))
                   for y in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    path.write_bytes(b"\x89PNG\r\n\x1a\n" +
                     chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) +
                     chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
    return path

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


@pytest.fixture(scope="session")
def pg_uri() -> str:
    """postgresql://vistag@127.0.0.1:PORT/vistag_test of the throwaway server CTest starts
    (fixture vistag_pg, scripts/pg_test_server.sh): read from the file VISTAG_TEST_PG_URI_FILE
    names; the password comes from the libpq file PGPASSFILE names (also set for child processes).
    Register the test with vistag_use_pg() in CMake, or by hand:
    bash scripts/pg_test_server.sh start /tmp/pg && source /tmp/pg/env."""
    uri_file = os.environ.get("VISTAG_TEST_PG_URI_FILE")
    if uri_file:
        p = pathlib.Path(uri_file)
        if not p.is_file():
            pytest.skip(f"VISTAG_TEST_PG_URI_FILE={uri_file} does not exist "
                        "(is the PostgreSQL test server running? scripts/pg_test_server.sh start)")
        uri = p.read_text().strip()
    else:
        uri = os.environ.get("VISTAG_TEST_PG_URI", "").strip()
        if not uri:
            pytest.skip("no PostgreSQL test server: VISTAG_TEST_PG_URI_FILE is not set "
                        "(run under CTest's vistag_pg fixture, or source DIR/env after "
                        "scripts/pg_test_server.sh start DIR)")
    pgpass = os.environ.get("PGPASSFILE")
    if not pgpass:
        default = pathlib.Path(uri_file).with_name("pgpass") if uri_file else None
        if default is None or not default.is_file():
            pytest.skip("PGPASSFILE is not set: the PostgreSQL test server's password is unknown")
        pgpass = str(default)
    os.environ["PGPASSFILE"] = pgpass
    return uri


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

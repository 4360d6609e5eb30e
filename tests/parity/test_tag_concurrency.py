"""`vistag-cli tag --concurrency N`: N images in flight at once, each finished image committed on
its own, against a fake server on 127.0.0.1 that takes one second per answer and records how many
requests it was answering at the same time (fake_chat_server.py).

- 16 images, --concurrency 8: every image tagged, each asked once, never more than 8 requests at
  once and several at once in fact; the time is printed beside the same run with --concurrency 1
  is in BENCHMARKS.md (not asserted).
- Killed with SIGKILL in the middle: what was committed stays, and the same command finishes the
  rest without asking a finished image again.
"""
from __future__ import annotations

import json
import pathlib
import signal
import subprocess
import time

from conftest import cli_path
from fake_chat_server import MODEL, FakeServer, image_key, make_images, server  # noqa: F401

FLAT_TAXONOMY = (pathlib.Path(__file__).resolve().parents[2] / "tests" / "data"
                 / "taxonomy_v1_apparel.json")

N_IMAGES = 16


def tag_cmd(srv: FakeServer, db: pathlib.Path, images, concurrency: int) -> list[str]:
    # The flat version-1 taxonomy: one request per image, so that a count of requests per image
    # tells an image asked twice (the built-in tree asks a server for the category, then its
    # attributes: two requests by design, tested in test_category_tagging).
    return [cli_path(), "tag", "--server", srv.url, "--model-name", MODEL, "--db", str(db),
            "--language", "en", "--timeout", "30", "--concurrency", str(concurrency),
            "--taxonomy", str(FLAT_TAXONOMY), *map(str, images)]


def exported(db: pathlib.Path) -> dict[str, dict]:
    r = subprocess.run([cli_path(), "export", "--db", str(db), "--format", "jsonl", "--out", "-",
                        "--all"], capture_output=True, timeout=120)
    assert r.returncode == 0, r.stderr.decode(errors="replace")
    rows = [json.loads(line) for line in r.stdout.decode().splitlines() if line.strip()]
    return {pathlib.Path(row["id"]).name: row["tags"] for row in rows}


def test_eight_in_flight(server, tmp_path):
    server.delay = 1.0
    images = make_images(tmp_path / "images", N_IMAGES)
    db = tmp_path / "shop.sqlite"
    start = time.monotonic()
    r = subprocess.run(tag_cmd(server, db, images, 8), capture_output=True, timeout=300)
    seconds = time.monotonic() - start
    print(r.stdout.decode(), r.stderr.decode(errors="replace"))
    print(f"{N_IMAGES} images at 1 s per answer, --concurrency 8: {seconds:.1f} s, "
          f"at most {server.max_in_flight} requests at once")
    assert r.returncode == 0
    assert server.max_in_flight <= 8
    assert server.max_in_flight >= 4, "the requests were not sent together"
    asks = server.snapshot()[0]
    assert set(asks) == {image_key(p.read_bytes()) for p in images}
    assert max(asks.values()) == 1, "an image was asked twice"
    tags = exported(db)
    assert sorted(tags) == sorted(p.name for p in images)
    assert all(tags.values()), "an image has no tags"
    assert b"16 tagged" in r.stdout


def test_killed_midway_resumes(server, tmp_path):
    server.delay = 0.5
    images = make_images(tmp_path / "images", N_IMAGES)
    db = tmp_path / "shop.sqlite"
    cmd = tag_cmd(server, db, images, 4)
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while server.total_answered() < 5 and time.monotonic() < deadline:
        assert p.poll() is None, "the run ended before it could be killed"
        time.sleep(0.02)
    p.send_signal(signal.SIGKILL)
    p.wait()
    done_before = {name for name, t in exported(db).items() if t}  # committed before the kill
    r = subprocess.run(cmd, capture_output=True, timeout=300)
    print(r.stdout.decode(), r.stderr.decode(errors="replace"))
    assert r.returncode == 0
    assert b"Resuming batch" in r.stderr
    tags = exported(db)
    assert sorted(tags) == sorted(p.name for p in images)
    assert all(tags.values())
    asks = server.snapshot()[0]
    # Only what was in flight when the process died (at most 4) is asked again.
    twice = [k for k, n in asks.items() if n > 1]
    assert len(twice) <= 4, asks
    assert max(asks.values()) <= 2
    assert len(done_before) >= 1
    keys = {p.name: image_key(p.read_bytes()) for p in images}
    assert all(asks[keys[name]] == 1 for name in done_before), "a finished image was asked again"
